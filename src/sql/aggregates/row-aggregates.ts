/**
 * The inner loop of every SQL aggregate: a list of aggregate calls driven over one input row at
 * a time. Group, window and OVER aggregation hold one accumulator list per key (or window, or
 * frame) in keyed state and call {@link RowAggregates.accumulate}, `retract`, `merge` and
 * `writeValues` on it.
 *
 * The per-row functions are generated once per operator with `new Function`, one straight-line
 * block per call: the argument columns are read into a reused array, the FILTER column is
 * tested, and COUNT and SUM (the common case) update their accumulators inline instead of
 * calling the function.
 *
 * DISTINCT calls over the same argument columns share one distinct map, as Flink's distinct
 * aggregates share one MapView per distinct field: `COUNT(DISTINCT bidder)` with three FILTERed
 * variants looks each bidder up once per row, not four times. The map's entry for an argument
 * tuple says which of the sharing calls saw it: without retraction a bitmask (a bit per call,
 * so an entry of a one-argument scalar call is a plain number and costs no allocation), with
 * retraction one row count per call, so a call retracts the tuple only when its own last row
 * with it leaves. A row reaches a call's function only when the tuple is new to that call.
 */
import { longAdd, longSubtract } from '../expressions/long.js';
import { isNarrowInteger, wrapCode } from '../expressions/narrow-integers.js';
import { canonicalKey } from '../../state/key-groups.js';
import { isNumeric, isString, isTimestamp, type SqlType } from '../catalog/types.js';
import type { Row } from '../expressions/compiler.js';
import type { BoundAggregateCall, SqlAggregateFunction } from './aggregate-function.js';
import { BUILTIN_AGGREGATES } from './builtins.js';

/**
 * The accumulators of one group: one per call, then one distinct map (null before its first
 * tuple) per group of DISTINCT calls sharing their argument columns. A plain array, so it can be held in value state as it is.
 */
export type AccumulatorList = unknown[];

/**
 * What a distinct map holds per argument tuple: without retraction a bitmask of the sharing
 * calls that saw it, with retraction each sharing call's rows with it.
 */
type Seen = number | number[];

/**
 * A distinct map: tuple key → {@link Seen}. A scalar group (one argument of a primitive type)
 * keys by the value itself and keeps no tuple; any other keys canonically and keeps
 * `[seen, tuple]`, since the tuple cannot be read back from its key.
 */
type DistinctMap = Map<unknown, Seen | [Seen, unknown[]]>;

/** DISTINCT calls sharing one distinct map. */
interface DistinctGroup {
  /** The map's index in the accumulator list. */
  readonly slot: number;
  /** The calls' argument columns. */
  readonly args: readonly string[];
  /** The calls' indices; a call's position here is its bit (or count index) in an entry. */
  readonly calls: readonly number[];
  /** One argument whose values are JS primitives, so the value is its own key and tuple. */
  readonly scalar: boolean;
}

/** Calls per group, so a bitmask stays within a 32-bit integer. */
const MAX_SHARED_CALLS = 30;

/** Whether values of the type are JS primitives (numbers, strings, booleans), usable as Map keys. */
function primitiveType(type: SqlType | undefined): boolean {
  if (type === undefined) return false;
  return (
    isNumeric(type) ||
    isString(type) ||
    isTimestamp(type) ||
    type.root === 'BOOLEAN' ||
    type.root === 'DATE' ||
    type.root === 'TIME' ||
    type.root === 'INTERVAL_DAY_TIME' ||
    type.root === 'INTERVAL_YEAR_MONTH'
  );
}

/** Groups the DISTINCT calls by argument columns; maps take the slots after the calls'. */
function distinctGroups(calls: readonly BoundAggregateCall[]): DistinctGroup[] {
  const byArgs = new Map<string, number[][]>();
  calls.forEach((c, i) => {
    if (!c.distinct) return;
    const id = JSON.stringify(c.args);
    const chunks = byArgs.get(id) ?? [];
    const last = chunks[chunks.length - 1];
    if (last !== undefined && last.length < MAX_SHARED_CALLS) last.push(i);
    else chunks.push([i]);
    byArgs.set(id, chunks);
  });
  const groups: DistinctGroup[] = [];
  let slot = calls.length;
  for (const chunks of byArgs.values())
    for (const members of chunks) {
      const first = calls[members[0]!]!;
      groups.push({
        slot: slot++,
        args: first.args,
        calls: members,
        scalar: first.args.length === 1 && primitiveType(first.argTypes[0]),
      });
    }
  return groups;
}

/** Options of {@link RowAggregates}. */
export interface RowAggregatesOptions {
  /** The operator will call `retract`: functions are created in their retracting shape. */
  readonly retraction?: boolean;
}

type Step = (row: Row, accs: AccumulatorList) => void;

const BUILTIN_COUNT = BUILTIN_AGGREGATES.get('COUNT');
const BUILTIN_SUMS = new Set(['SUM', 'SUM0', 'AVG'].map((n) => BUILTIN_AGGREGATES.get(n)));
const BUILTIN_AVG = BUILTIN_AGGREGATES.get('AVG');

export class RowAggregates {
  /** The functions, one per call, in call order. */
  readonly functions: readonly SqlAggregateFunction[];
  /** Whether every call can merge (session windows and slices need it). */
  readonly mergeable: boolean;
  private readonly retraction: boolean;
  private readonly groups: readonly DistinctGroup[];
  private readonly accumulateStep: Step;
  private readonly retractStep: Step | undefined;

  constructor(
    readonly calls: readonly BoundAggregateCall[],
    options: RowAggregatesOptions = {},
  ) {
    const retraction = options.retraction === true;
    this.retraction = retraction;
    this.functions = calls.map((c) => {
      const fn = c.definition.create(c.argTypes, { retraction, pos: c.pos });
      if (retraction && fn.retract === undefined)
        throw new Error(
          `aggregate function ${c.fn} cannot retract; the planner should have refused this input`,
        );
      return fn;
    });
    this.groups = distinctGroups(calls);
    this.mergeable = this.functions.every((fn, i) => fn.merge !== undefined || calls[i]!.distinct);
    this.accumulateStep = this.generate('accumulate');
    this.retractStep = retraction ? this.generate('retract') : undefined;
  }

  /**
   * A fresh accumulator list: each function's empty accumulator, then a null per distinct map.
   * A map is created at its first tuple: a split-distinct partial group feeds only one of its
   * distinct sets, and there are many such groups, each held in state and checkpointed.
   */
  createAccumulators(): AccumulatorList {
    const accs: AccumulatorList = this.functions.map((fn) => fn.createAccumulator());
    for (const g of this.groups) accs[g.slot] = null;
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
   * A DISTINCT call merges its map and accumulates the tuples `accs` had not seen for it. With
   * `consume`, the caller drops `other` afterwards, so its distinct entries are moved, not copied.
   */
  merge(accs: AccumulatorList, other: AccumulatorList, consume = false): void {
    const { calls, functions } = this;
    for (let i = 0; i < calls.length; i++) {
      if (calls[i]!.distinct) continue;
      const fn = functions[i]!;
      if (fn.merge === undefined) throw new Error(`aggregate function ${fn.name} cannot merge`);
      accs[i] = fn.merge(accs[i], other[i]);
    }
    for (const g of this.groups) this.mergeGroup(g, accs, other[g.slot] as DistinctMap | null, consume);
  }

  /** Writes each call's value into `out` under the call's output column name. */
  writeValues(accs: AccumulatorList, out: Row): void {
    const { calls, functions } = this;
    for (let i = 0; i < calls.length; i++) out[calls[i]!.name] = functions[i]!.getValue(accs[i]);
  }

  /** Each call's value, in call order. */
  values(accs: AccumulatorList): unknown[] {
    const { functions } = this;
    const out = new Array<unknown>(functions.length);
    for (let i = 0; i < functions.length; i++) out[i] = functions[i]!.getValue(accs[i]);
    return out;
  }

  /** Merges one distinct map of `other` into `accs`'s, calling each function on tuples new to it. */
  private mergeGroup(
    g: DistinctGroup,
    accs: AccumulatorList,
    theirs: DistinctMap | null,
    consume: boolean,
  ): void {
    if (theirs === null || theirs === undefined || theirs.size === 0) return;
    let mine = accs[g.slot] as DistinctMap | null;
    if (mine === null || mine === undefined) {
      mine = new Map();
      accs[g.slot] = mine;
    }
    const { functions } = this;
    for (const [key, entry] of theirs) {
      const theirSeen = (g.scalar ? entry : (entry as [Seen, unknown[]])[0]) as Seen;
      const tuple = g.scalar ? [key] : (entry as [Seen, unknown[]])[1];
      const held = mine.get(key);
      const mySeen = (held === undefined ? undefined : g.scalar ? held : (held as [Seen, unknown[]])[0]) as
        | Seen
        | undefined;
      let merged: Seen;
      if (!this.retraction) {
        const seen = (mySeen as number | undefined) ?? 0;
        const fresh = (theirSeen as number) & ~seen;
        for (let j = 0; j < g.calls.length; j++)
          if ((fresh & (1 << j)) !== 0) {
            const i = g.calls[j]!;
            accs[i] = functions[i]!.accumulate(accs[i], tuple);
          }
        merged = seen | (theirSeen as number);
      } else {
        const counts = theirSeen as number[];
        const into =
          (mySeen as number[] | undefined) ?? (consume ? counts : new Array<number>(counts.length).fill(0));
        for (let j = 0; j < g.calls.length; j++) {
          const n = counts[j]!;
          if (n <= 0) continue;
          if (mySeen === undefined || into[j] === 0) {
            const i = g.calls[j]!;
            accs[i] = functions[i]!.accumulate(accs[i], tuple);
          }
          if (into !== counts) into[j] = into[j]! + n;
        }
        merged = into;
      }
      if (g.scalar) mine.set(key, merged);
      else if (held === undefined) mine.set(key, [merged, consume ? tuple : [...tuple]]);
      else (held as [Seen, unknown[]])[0] = merged;
    }
  }

  /** One straight-line function over all calls, built once. */
  private generate(kind: 'accumulate' | 'retract'): Step {
    const lines: string[] = [];
    const sign = kind === 'accumulate' ? '+' : '-';
    const read = (column: string) => `(row[${JSON.stringify(column)}] ?? null)`;
    this.calls.forEach((c, i) => {
      if (c.distinct) return;
      const args = c.args.map(read);
      const body: string[] = [];
      const countStar = c.definition === BUILTIN_COUNT && c.args.length === 0;
      if (countStar) {
        body.push(`accs[${i}] ${sign}= 1;`);
      } else if (c.definition === BUILTIN_COUNT && c.args.length === 1) {
        body.push(`if (${args[0]} !== null) accs[${i}] ${sign}= 1;`);
      } else if (BUILTIN_SUMS.has(c.definition) && c.argTypes[0]?.root === 'BIGINT') {
        // Exact and wrapping as a Java long (long.ts): inline while the sum stays a safe number.
        body.push(
          `{ const v = ${args[0]}; if (v !== null) { const s = accs[${i}]; const r = typeof v === 'number' && typeof s[0] === 'number' ? s[0] ${sign} v : NaN; s[0] = Number.isSafeInteger(r) ? r : long${kind === 'accumulate' ? 'Add' : 'Subtract'}(s[0], v); s[1] ${sign}= 1; } }`,
        );
      } else if (
        BUILTIN_SUMS.has(c.definition) &&
        c.definition !== BUILTIN_AVG &&
        isNarrowInteger(c.argTypes[0]?.root ?? '')
      ) {
        // SUM of an INT wraps as Java's int sum (narrow-integers.ts); AVG's sum stays exact.
        const next = wrapCode(`s[0] ${sign} v`, c.argTypes[0]!.root);
        body.push(
          `{ const v = ${args[0]}; if (v !== null) { const s = accs[${i}]; s[0] = ${next}; s[1] ${sign}= 1; } }`,
        );
      } else if (BUILTIN_SUMS.has(c.definition)) {
        body.push(
          `{ const v = ${args[0]}; if (v !== null) { const s = accs[${i}]; s[0] ${sign}= v; s[1] ${sign}= 1; } }`,
        );
      } else {
        body.push(...args.map((a, j) => `a[${i}][${j}] = ${a};`));
        body.push(`accs[${i}] = f[${i}].${kind}(accs[${i}], a[${i}]);`);
      }
      if (c.filter !== undefined)
        lines.push(`if (row[${JSON.stringify(c.filter)}] === true) {`, ...body, '}');
      else lines.push(...body);
    });
    for (let gi = 0; gi < this.groups.length; gi++)
      lines.push(...this.generateGroup(this.groups[gi]!, gi, kind, read));
    const argArrays = this.calls.map((c) => c.args.map(() => null));
    const factory = new Function(
      'f',
      'a',
      'canonicalKey',
      'longAdd',
      'longSubtract',
      `return function ${kind}Row(row, accs) {\n${lines.join('\n')}\n};`,
    ) as (f: unknown, a: unknown, key: unknown, add: unknown, subtract: unknown) => Step;
    return factory(this.functions, argArrays, canonicalKey, longAdd, longSubtract);
  }

  /**
   * The block of one distinct map: reads the tuple once, gathers the sharing calls whose FILTER
   * passes into a bitmask, looks the tuple up once, and calls (or inlines, for COUNT) each
   * function the tuple is new to (accumulate) or whose last row with it left (retract).
   */
  private generateGroup(
    g: DistinctGroup,
    gi: number,
    kind: 'accumulate' | 'retract',
    read: (column: string) => string,
  ): string[] {
    const v = g.args.map((_, j) => `v${gi}_${j}`);
    const out: string[] = ['{'];
    out.push(...g.args.map((a, j) => `const ${v[j]} = ${read(a)};`));
    out.push('let m = 0;');
    g.calls.forEach((i, j) => {
      const filter = this.calls[i]!.filter;
      out.push(
        filter === undefined
          ? `m |= ${1 << j};`
          : `if (row[${JSON.stringify(filter)}] === true) m |= ${1 << j};`,
      );
    });
    // The map is null until the group's first tuple: accumulate creates it, retract skips.
    out.push('if (m !== 0) {', `let map = accs[${g.slot}];`);
    if (kind === 'accumulate') out.push(`if (map === null) { map = new Map(); accs[${g.slot}] = map; }`);
    else out.push('if (map !== null) {');
    const key = g.scalar
      ? v[0]!
      : g.args.length === 1
        ? `(${v[0]} === null ? null : typeof ${v[0]} === 'object' ? canonicalKey(${v[0]}) : ${v[0]})`
        : `canonicalKey([${v.join(', ')}])`;
    out.push(`const k = ${key};`);
    // The tuple handed to a function: the first sharing call's reused argument array.
    const t = `a[${g.calls[0]}]`;
    const fill = v.map((name, j) => `${t}[${j}] = ${name};`).join(' ');
    const apply = (i: number, sign: '+' | '-') => {
      const c = this.calls[i]!;
      if (c.definition === BUILTIN_COUNT) {
        const nonNull = v.map((name) => `${name} !== null`).join(' && ') || 'true';
        return `if (${nonNull}) accs[${i}] ${sign}= 1;`;
      }
      return `${fill} accs[${i}] = f[${i}].${sign === '+' ? 'accumulate' : 'retract'}(accs[${i}], ${t});`;
    };
    const newTuple = `[${v.join(', ')}]`;
    if (!this.retraction) {
      // Insert-only: an entry is the bitmask of the calls that saw the tuple.
      if (g.scalar) out.push('const seen = map.get(k) ?? 0;');
      else out.push('const e = map.get(k);', 'const seen = e === undefined ? 0 : e[0];');
      out.push('const fresh = m & ~seen;', 'if (fresh !== 0) {');
      if (g.scalar) out.push('map.set(k, seen | m);');
      else out.push(`if (e === undefined) map.set(k, [m, ${newTuple}]); else e[0] = seen | m;`);
      out.push(...g.calls.map((i, j) => `if ((fresh & ${1 << j}) !== 0) { ${apply(i, '+')} }`));
      out.push('}');
    } else if (kind === 'accumulate') {
      const zeros = `[${g.calls.map(() => 0).join(', ')}]`;
      if (g.scalar) out.push('let n = map.get(k);', `if (n === undefined) { n = ${zeros}; map.set(k, n); }`);
      else
        out.push(
          'const e = map.get(k);',
          'let n;',
          `if (e === undefined) { n = ${zeros}; map.set(k, [n, ${newTuple}]); } else n = e[0];`,
        );
      out.push(
        ...g.calls.map((i, j) => `if ((m & ${1 << j}) !== 0 && n[${j}]++ === 0) { ${apply(i, '+')} }`),
      );
    } else {
      out.push('const e = map.get(k);', 'if (e !== undefined) {', `const n = ${g.scalar ? 'e' : 'e[0]'};`);
      out.push(
        ...g.calls.map(
          (i, j) => `if ((m & ${1 << j}) !== 0 && n[${j}] > 0 && --n[${j}] === 0) { ${apply(i, '-')} }`,
        ),
      );
      out.push(`if (${g.calls.map((_, j) => `n[${j}] === 0`).join(' && ')}) map.delete(k);`, '}');
    }
    if (kind === 'retract') out.push('}');
    out.push('}', '}');
    return out;
  }
}
