/**
 * The inner loop of every SQL aggregate: a list of aggregate calls driven over one input row at
 * a time. Group, window and OVER aggregation hold one accumulator list per key (or window, or
 * frame) in keyed state and call {@link RowAggregates.accumulate}, `retract`, `merge` and
 * `writeValues` on it.
 *
 * The per-row functions are generated once per operator with `new Function`, one straight-line
 * block per call: the argument columns are read into a reused array, the FILTER column is
 * tested, and COUNT and SUM (the common case) update their accumulators inline instead of
 * calling the function. `COUNT(DISTINCT x)` keeps a map from each distinct argument tuple to
 * its number of rows next to the call's accumulator, so a row only reaches the function when
 * its tuple is new, and only leaves it when the tuple's last row is retracted.
 */
import { canonicalKey } from '../../state/key-groups.js';
import type { Row } from '../expressions/compiler.js';
import type { BoundAggregateCall, SqlAggregateFunction } from './aggregate-function.js';
import { BUILTIN_AGGREGATES } from './builtins.js';

/**
 * The accumulators of one group: one per call, then one distinct map per DISTINCT call. A plain
 * array, so it can be held in value state as it is.
 */
export type AccumulatorList = unknown[];

/** A distinct map: argument tuple key → `[rows with that tuple, the tuple]`. */
type DistinctMap = Map<unknown, [number, unknown[]]>;

/** Options of {@link RowAggregates}. */
export interface RowAggregatesOptions {
  /** The operator will call `retract`: functions are created in their retracting shape. */
  readonly retraction?: boolean;
}

type Step = (row: Row, accs: AccumulatorList) => void;

const BUILTIN_COUNT = BUILTIN_AGGREGATES.get('COUNT');
const BUILTIN_SUMS = new Set(['SUM', 'SUM0', 'AVG'].map((n) => BUILTIN_AGGREGATES.get(n)));

/** The key a distinct tuple is counted under: a primitive as itself, anything else canonically. */
function distinctKey(args: readonly unknown[]): unknown {
  if (args.length === 1) {
    const v = args[0];
    if (v === null || v === undefined) return null;
    return typeof v === 'object' ? canonicalKey(v) : v;
  }
  return canonicalKey(args);
}

/** Counts a tuple in; true when it is new, so the function should see it. */
function distinctAdd(map: DistinctMap, args: readonly unknown[]): boolean {
  const key = distinctKey(args);
  const entry = map.get(key);
  if (entry !== undefined) {
    entry[0]++;
    return false;
  }
  map.set(key, [1, [...args]]);
  return true;
}

/** Counts a tuple out; true when its last row left, so the function should retract it. */
function distinctRemove(map: DistinctMap, args: readonly unknown[]): boolean {
  const key = distinctKey(args);
  const entry = map.get(key);
  if (entry === undefined) return false;
  if (--entry[0] > 0) return false;
  map.delete(key);
  return true;
}

/**
 * A list of aggregate calls over input rows: creates, updates and reads one group's
 * accumulators. Not thread-safe and not re-entrant: the argument arrays handed to the functions
 * are reused from row to row, so a function must copy any argument array it keeps.
 *
 * @example
 * const aggs = new RowAggregates(calls, { retraction: true });
 * const accs = aggs.createAccumulators();
 * aggs.accumulate(accs, { x: 1 });
 * aggs.retract(accs, { x: 1 });
 * const out = {};
 * aggs.writeValues(accs, out); // out.cnt === 0
 */
export class RowAggregates {
  /** The functions, one per call, in call order. */
  readonly functions: readonly SqlAggregateFunction[];
  /** Whether every call can merge (session windows and slices need it). */
  readonly mergeable: boolean;
  private readonly distinctSlots: readonly number[];
  private readonly accumulateStep: Step;
  private readonly retractStep: Step | undefined;

  constructor(
    readonly calls: readonly BoundAggregateCall[],
    options: RowAggregatesOptions = {},
  ) {
    const retraction = options.retraction === true;
    this.functions = calls.map((c) => {
      const fn = c.definition.create(c.argTypes, { retraction });
      if (retraction && fn.retract === undefined)
        throw new Error(
          `aggregate function ${c.fn} cannot retract; the planner should have refused this input`,
        );
      return fn;
    });
    let slot = calls.length;
    this.distinctSlots = calls.map((c) => (c.distinct ? slot++ : -1));
    this.mergeable = this.functions.every((fn, i) => fn.merge !== undefined || calls[i]!.distinct);
    this.accumulateStep = this.generate('accumulate');
    this.retractStep = retraction ? this.generate('retract') : undefined;
  }

  /** A fresh accumulator list: each function's empty accumulator, then empty distinct maps. */
  createAccumulators(): AccumulatorList {
    const accs: AccumulatorList = this.functions.map((fn) => fn.createAccumulator());
    for (const slot of this.distinctSlots) if (slot >= 0) accs[slot] = new Map();
    return accs;
  }

  /** Adds one input row to the accumulators, in place. */
  accumulate(accs: AccumulatorList, row: Row): void {
    this.accumulateStep(row, accs);
  }

  /** Removes a row added before, in place; only when created with `retraction`. */
  retract(accs: AccumulatorList, row: Row): void {
    if (this.retractStep === undefined) throw new Error('RowAggregates was created without retraction');
    this.retractStep(row, accs);
  }

  /**
   * Adds `other`'s rows to `accs`, in place (`other` holds later rows, for FIRST/LAST_VALUE).
   * A DISTINCT call merges its maps and accumulates the tuples `accs` had not seen. With
   * `consume`, the caller drops `other` afterwards, so its distinct entries are moved, not copied.
   */
  merge(accs: AccumulatorList, other: AccumulatorList, consume = false): void {
    this.functions.forEach((fn, i) => {
      const slot = this.distinctSlots[i]!;
      if (slot < 0) {
        if (fn.merge === undefined) throw new Error(`aggregate function ${fn.name} cannot merge`);
        accs[i] = fn.merge(accs[i], other[i]);
        return;
      }
      const mine = accs[slot] as DistinctMap;
      for (const [key, theirs] of other[slot] as DistinctMap) {
        const entry = mine.get(key);
        if (entry !== undefined) entry[0] += theirs[0];
        else {
          mine.set(key, consume ? theirs : [theirs[0], [...theirs[1]]]);
          accs[i] = fn.accumulate(accs[i], theirs[1]);
        }
      }
    });
  }

  /** Writes each call's value into `out` under the call's output column name. */
  writeValues(accs: AccumulatorList, out: Row): void {
    const { calls, functions } = this;
    for (let i = 0; i < calls.length; i++) out[calls[i]!.name] = functions[i]!.getValue(accs[i]);
  }

  /** Each call's value, in call order. */
  values(accs: AccumulatorList): unknown[] {
    return this.functions.map((fn, i) => fn.getValue(accs[i]));
  }

  /** One straight-line function over all calls, built once. */
  private generate(kind: 'accumulate' | 'retract'): Step {
    const lines: string[] = [];
    const sign = kind === 'accumulate' ? '+' : '-';
    this.calls.forEach((c, i) => {
      const args = c.args.map((a) => `(row[${JSON.stringify(a)}] ?? null)`);
      const body: string[] = [];
      const slot = this.distinctSlots[i]!;
      const countStar = c.definition === BUILTIN_COUNT && c.args.length === 0;
      if (!c.distinct && countStar) {
        body.push(`accs[${i}] ${sign}= 1;`);
      } else if (!c.distinct && c.definition === BUILTIN_COUNT && c.args.length === 1) {
        body.push(`if (${args[0]} !== null) accs[${i}] ${sign}= 1;`);
      } else if (!c.distinct && BUILTIN_SUMS.has(c.definition)) {
        body.push(
          `{ const v = ${args[0]}; if (v !== null) { const s = accs[${i}]; s[0] ${sign}= v; s[1] ${sign}= 1; } }`,
        );
      } else {
        body.push(...args.map((a, j) => `a[${i}][${j}] = ${a};`));
        const call = `accs[${i}] = f[${i}].${kind}(accs[${i}], a[${i}]);`;
        if (c.distinct)
          body.push(
            `if (${kind === 'accumulate' ? 'distinctAdd' : 'distinctRemove'}(accs[${slot}], a[${i}])) ${call}`,
          );
        else body.push(call);
      }
      if (c.filter !== undefined)
        lines.push(`if (row[${JSON.stringify(c.filter)}] === true) {`, ...body, '}');
      else lines.push(...body);
    });
    const argArrays = this.calls.map((c) => c.args.map(() => null));
    const factory = new Function(
      'f',
      'a',
      'distinctAdd',
      'distinctRemove',
      `return function ${kind}Row(row, accs) {\n${lines.join('\n')}\n};`,
    ) as (f: unknown, a: unknown, add: unknown, remove: unknown) => Step;
    return factory(this.functions, argArrays, distinctAdd, distinctRemove);
  }
}
