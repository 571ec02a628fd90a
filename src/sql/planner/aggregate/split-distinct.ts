/**
 * The split-distinct rewrite (`table.optimizer.distinct-agg.split.enabled`, Flink's
 * `SplitAggregateRule`): a group aggregate with DISTINCT calls becomes two aggregates, so one
 * hot group's distinct values are spread over `bucket-num` groups instead of one accumulator.
 *
 * - The partial level groups by the keys plus one bucket column per distinct argument set,
 *   `MOD(HASH_CODE(args), bucket-num)`, and computes each call on its bucket: the DISTINCT
 *   calls exactly (a value always lands in the same bucket, so buckets never share a value) and
 *   the others as partials (COUNT, SUM, SUM0, MIN, MAX; AVG as a SUM and a COUNT).
 * - The final level groups by the keys and merges the buckets: `SUM0` of partial counts, `SUM`
 *   of partial sums, MIN of MINs, MAX of MAXes; a projection above divides AVG's sum by its
 *   count. The partial level emits updates, so the final one consumes a retract changelog.
 *
 * Several distinct argument sets need one bucket column each, and a row may only count in the
 * bucket of the set its call reads: the input is expanded into one copy per set (its bucket
 * set, the others' NULL), as Flink's Expand node does. Here the expansion is a UNION ALL of
 * one projection per copy over the shared input (translated once), and each copy carries its
 * calls' FILTER columns directly (`$g_i…`: the call's own filter in its copy, FALSE in the
 * others) instead of an `$e` id. Flink adds one more copy for the non-distinct calls; here they
 * read the first copy, which holds every row once too, so each row is copied once less (on
 * Nexmark q16 two copies instead of three).
 *
 * Refused, leaving the aggregate unsplit as Flink does: calls other than the built-in COUNT,
 * SUM, SUM0, AVG, MIN and MAX (FIRST_VALUE, LISTAGG, user-defined ones cannot merge partials),
 * and AVG of FLOAT or DECIMAL, whose quotient would round differently from the one-level AVG.
 * DOUBLE sums add partial sums in another order than one level does, so their last bits may
 * differ, as in Flink.
 */
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import { isInteger, type SqlType, Types, withNullability } from '../../catalog/types.js';
import { arithmeticType } from '../../expressions/functions.js';
import { call, field, literal, type Rex } from '../../expressions/rex.js';
import { type LogicalNode, project, union } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import { aggregate, type LogicalAggregate } from './aggregate-nodes.js';
import { keepAggregateHint } from '../hints/operator-hints.js';

/** The rule's name in `rulesFired` and EXPLAIN's rule list. */
export const SPLIT_DISTINCT_RULE = 'SplitDistinctAggregateRule';

/** Flink's default `table.optimizer.distinct-agg.split.bucket-num`. */
export const DEFAULT_BUCKET_NUM = 1024;

const SPLITTABLE = new Set(['COUNT', 'SUM', 'SUM0', 'AVG', 'MIN', 'MAX']);
const INT_NULLABLE = withNullability(Types.INT, true);
const BOOLEAN_NULLABLE = withNullability(Types.BOOLEAN, true);

/** How the final level merges a partial call's results. */
const MERGE: Record<string, string> = { COUNT: 'SUM0', SUM: 'SUM', SUM0: 'SUM0', MIN: 'MIN', MAX: 'MAX' };

/** Whether the call's value is computed per distinct tuple (MIN and MAX ignore DISTINCT). */
const isDistinct = (c: BoundAggregateCall) => c.distinct && c.fn !== 'MIN' && c.fn !== 'MAX';

function splittable(c: BoundAggregateCall): boolean {
  if (!SPLITTABLE.has(c.fn) || BUILTIN_AGGREGATES.get(c.fn) !== c.definition) return false;
  if (c.fn !== 'AVG') return true;
  const t = c.argTypes[0]!;
  return isInteger(t) || t.root === 'DOUBLE';
}

/** A built-in call bound to its definition, typed as the definition types it. */
function builtinCall(
  fn: string,
  args: readonly string[],
  argTypes: readonly SqlType[],
  name: string,
  options: { distinct?: boolean; filter?: string; type?: SqlType; pos?: BoundAggregateCall['pos'] } = {},
): BoundAggregateCall {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  return Object.freeze({
    fn,
    args,
    argTypes,
    distinct: options.distinct ?? false,
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    name,
    type: options.type ?? definition.resultType(argTypes),
    ...(options.pos === undefined ? {} : { pos: options.pos }),
    definition,
  });
}

/** Fresh column names in Flink's `$fN` / `count$N` style, never equal to a name in use. */
class Names {
  private readonly taken: Set<string>;
  private readonly counters = new Map<string, number>();
  constructor(used: Iterable<string>) {
    this.taken = new Set(used);
  }
  /** `prefix` followed by the first number from `start` (or the prefix's last one) free. */
  fresh(prefix: string, start = 0): string {
    let n = Math.max(start, this.counters.get(prefix) ?? 0);
    while (this.taken.has(`${prefix}${n}`)) n++;
    this.counters.set(prefix, n + 1);
    const name = `${prefix}${n}`;
    this.taken.add(name);
    return name;
  }
  /** `name` itself when free, else a fresh name with it as prefix. */
  exact(name: string): string {
    if (this.taken.has(name)) return this.fresh(name);
    this.taken.add(name);
    return name;
  }
}

/** One distinct argument set: its arguments and its bucket column. */
interface BucketSet {
  readonly args: readonly string[];
  readonly argTypes: readonly SqlType[];
  readonly bucket: string;
}

/** The rewrite of one aggregate; undefined when it has no DISTINCT call or a call cannot split. */
export function splitDistinctAggregate(node: LogicalAggregate, bucketNum: number): LogicalNode | undefined {
  if (node.partialFinal !== undefined || !node.calls.some(isDistinct) || !node.calls.every(splittable))
    return undefined;
  const input = node.input;
  const names = new Names([...input.columns.map((c) => c.name), ...node.calls.map((c) => c.name)]);

  // One bucket per distinct argument set, in order of first use; -1 marks a non-distinct call.
  const sets: BucketSet[] = [];
  const setOf = node.calls.map((c) => {
    if (!isDistinct(c)) return -1;
    const key = JSON.stringify(c.args);
    const found = sets.findIndex((s) => JSON.stringify(s.args) === key);
    if (found >= 0) return found;
    sets.push({ args: c.args, argTypes: c.argTypes, bucket: names.fresh('$f', input.columns.length) });
    return sets.length - 1;
  });
  const bucketRex = (s: BucketSet): Rex =>
    call(
      'MOD',
      [
        call(
          'HASH_CODE',
          s.args.map((a, i) => field(a, s.argTypes[i]!)),
          INT_NULLABLE,
        ),
        literal(bucketNum, withNullability(Types.INT, false)),
      ],
      INT_NULLABLE,
    );
  const passThrough = input.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) as Rex }));

  // Each call's FILTER column in the partial level's input.
  let partialInput: LogicalNode;
  let filterOf: (i: number) => string | undefined;
  if (sets.length === 1) {
    // Non-distinct calls share the one bucket: no copies needed.
    partialInput = project(input, [...passThrough, { name: sets[0]!.bucket, rex: bucketRex(sets[0]!) }]);
    filterOf = (i) => node.calls[i]!.filter;
  } else {
    // One copy per distinct set; non-distinct calls read the first.
    const copies = sets.map((_, i) => i);
    const filterColumns = new Map<string, { copy: number; filter?: string }>();
    const callFilter = node.calls.map((c, i) => {
      const copy = Math.max(setOf[i]!, 0);
      const key = `${copy}:${c.filter ?? ''}`;
      const existing = [...filterColumns].find(([, v]) => `${v.copy}:${v.filter ?? ''}` === key);
      if (existing !== undefined) return existing[0];
      const name = c.filter === undefined ? names.exact(`$g_${copy}`) : names.fresh(`$g_${copy}`);
      filterColumns.set(name, { copy, ...(c.filter === undefined ? {} : { filter: c.filter }) });
      return name;
    });
    const branches = copies.map((copy) =>
      project(input, [
        ...passThrough,
        ...sets.map((s, i) => ({
          name: s.bucket,
          rex: i === copy ? bucketRex(s) : literal(null, INT_NULLABLE),
        })),
        ...[...filterColumns].map(([name, f]) => ({
          name,
          rex:
            f.copy !== copy
              ? literal(false, BOOLEAN_NULLABLE)
              : f.filter === undefined
                ? literal(true, BOOLEAN_NULLABLE)
                : field(f.filter, BOOLEAN_NULLABLE),
        })),
      ]),
    );
    partialInput = union(branches, branches[0]!.columns);
    filterOf = (i) => callFilter[i];
  }

  // The partial calls of each original call (AVG has two) and the final calls merging them.
  const partialCalls: BoundAggregateCall[] = [];
  const finalCalls: BoundAggregateCall[] = [];
  const averages = new Map<string, { sum: string; count: string }>();
  node.calls.forEach((c, i) => {
    const filter = filterOf(i);
    const distinct = isDistinct(c);
    const pos = c.pos;
    const partial = (fn: string) => {
      // AVG(x) next to SUM(x) needs no second partial sum.
      const same = partialCalls.find(
        (p) => p.fn === fn && p.distinct === distinct && p.filter === filter && `${p.args}` === `${c.args}`,
      );
      if (same !== undefined) return same;
      const prefix = fn === 'COUNT' && c.args.length === 0 ? 'count1$' : `${fn.toLowerCase()}$`;
      const p = builtinCall(fn, c.args, c.argTypes, names.fresh(prefix), {
        distinct,
        ...(filter === undefined ? {} : { filter }),
        ...(pos === undefined ? {} : { pos }),
      });
      partialCalls.push(p);
      return p;
    };
    const merge = (p: BoundAggregateCall, name: string, type?: SqlType) => {
      const fn = MERGE[p.fn]!;
      finalCalls.push(builtinCall(fn, [p.name], [p.type], name, type === undefined ? {} : { type }));
    };
    if (c.fn === 'AVG') {
      const sum = partial('SUM');
      const count = partial('COUNT');
      const names2 = {
        sum: names.fresh('$f', node.columns.length),
        count: names.fresh('$f', node.columns.length),
      };
      merge(sum, names2.sum);
      merge(count, names2.count);
      averages.set(c.name, names2);
      return;
    }
    merge(partial(c.fn), c.name, c.type);
  });

  // Both levels keep the query's state, so both keep its STATE_TTL hint.
  const partialAgg = keepAggregateHint(
    node,
    aggregate(partialInput, [...node.groupKeys, ...sets.map((s) => s.bucket)], partialCalls, 'PARTIAL'),
  );
  const merged = keepAggregateHint(node, aggregate(partialAgg, node.groupKeys, finalCalls, 'FINAL'));
  // The final level has the query's groups, so it gives the empty grouping sets' rows over none.
  const finalAgg: LogicalAggregate =
    node.emptyGroups === undefined ? merged : Object.freeze({ ...merged, emptyGroups: node.emptyGroups });
  if (averages.size === 0) return finalAgg;
  const typeOf = (name: string) => finalAgg.columns.find((c) => c.name === name)!.type;
  return project(
    finalAgg,
    node.columns.map((col) => {
      const avg = averages.get(col.name);
      if (avg === undefined) return { name: col.name, rex: field(col.name, col.type) };
      // SUM is NULL exactly when the count is 0, so the strict division never divides by zero.
      const sumType = typeOf(avg.sum);
      const countType = typeOf(avg.count);
      const quotientType = withNullability(arithmeticType('/', sumType, countType) ?? sumType, true);
      const quotient = call('/', [field(avg.sum, sumType), field(avg.count, countType)], quotientType);
      return { name: col.name, rex: call('CAST', [quotient], col.type) };
    }),
  );
}

/** The split-distinct rule with `bucket-num` buckets per distinct argument set. */
export function splitDistinctAggregateRule(bucketNum: number = DEFAULT_BUCKET_NUM): RewriteRule {
  return {
    name: SPLIT_DISTINCT_RULE,
    apply: (node) => (node.kind === 'aggregate' ? splitDistinctAggregate(node, bucketNum) : undefined),
  };
}
