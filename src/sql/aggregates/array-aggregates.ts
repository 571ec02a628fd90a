/**
 * ARRAY_AGG and PERCENTILE, with Flink's semantics.
 *
 * ARRAY_AGG([ALL | DISTINCT] x [RESPECT NULLS | IGNORE NULLS]) is the values in arrival order
 * as an ARRAY, NULL over no rows (never an empty array). NULLs are kept unless IGNORE NULLS is
 * given. The parser passes the NULLS clause as one trailing word argument (`RESPECT` or
 * `IGNORE`), constant on every row. Retraction removes the earliest equal value, as Flink's
 * ArrayAggFunction does; a retraction that finds no equal value is kept aside and cancels an
 * equal value when accumulators merge, as there.
 *
 * PERCENTILE(x, p [, frequency]) is the continuous percentile of the numeric values, as a
 * DOUBLE: the values sorted, each counted `frequency` times (rows whose frequency is NULL or not
 * positive are skipped), position `p * (n - 1)` (0-based) and linear interpolation between the
 * two values around it. With `p` an ARRAY of fractions the result is an ARRAY<DOUBLE> of the
 * percentiles in the order asked. NULL values are skipped; no values give NULL. Each fraction
 * must lie in [0, 1]. As in Flink, the fractions of the first row a group sees are the ones
 * used, so `p` is meant to be a constant. The accumulator counts each distinct value, so
 * retraction and merging are exact.
 *
 * Special DOUBLE values follow Flink's PercentileAggFunction, which counts values in a map keyed
 * by Java Doubles and sorts them with Double.compareTo: NaN is one value, greater than +Infinity,
 * and -0.0 is a value of its own, below 0.0. Interpolating next to an infinity gives that
 * infinity, between -Infinity and +Infinity or next to NaN gives NaN. A NaN fraction passes the
 * [0, 1] check (its comparisons are false) and, sorted after the others, takes the value where
 * the largest other fraction's lower neighbour is (the least value when it is alone), as there.
 */
import {
  formatType,
  isInteger,
  isNumeric,
  isString,
  type SqlType,
  Types,
  withoutTimeAttribute,
} from '../catalog/types.js';
import { validationError } from '../errors.js';
import { valuesEqual } from '../expressions/array-map-functions.js';
import type { SourcePos } from '../parser/ast.js';
import type { AggregateFunctionDefinition, SqlAggregateFunction } from './aggregate-function.js';
import { ErrorCodes, userError } from '../../types/errors.js';

/** Whether two element values are equal as SQL's `=` has it (arrays, maps and rows by content). */
function sameElement(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return valuesEqual(a, b);
}

/** Removes the earliest value equal to `value`; whether there was one. */
function removeEarliest(list: unknown[], value: unknown): boolean {
  let i = list.indexOf(value);
  if (i < 0 && (typeof value === 'object' || Number.isNaN(value)))
    i = list.findIndex((kept) => sameElement(kept, value));
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}

/** `[values in arrival order, retractions that found no equal value]`. */
type ArrayAggAcc = [unknown[], unknown[]];

const ARRAY_AGG: AggregateFunctionDefinition = Object.freeze({
  name: 'ARRAY_AGG',
  retractable: true,
  resultType(argTypes: readonly SqlType[], pos?: SourcePos): SqlType {
    if (argTypes.length < 1 || argTypes.length > 2 || (argTypes.length === 2 && !isString(argTypes[1]!)))
      throw validationError(pos, 'ARRAY_AGG takes one value and an optional RESPECT NULLS or IGNORE NULLS');
    return Object.freeze({
      root: 'ARRAY',
      nullable: true,
      element: withoutTimeAttribute(argTypes[0]!),
    }) as SqlType;
  },
  create(): SqlAggregateFunction {
    // The clause word is constant, so a row's own word says whether its NULL counts.
    const skip = (args: readonly unknown[]) => {
      const v = args[0] ?? null;
      return v === null && args.length > 1 && args[1] === 'IGNORE';
    };
    return {
      name: 'ARRAY_AGG',
      createAccumulator: (): ArrayAggAcc => [[], []],
      accumulate(acc: ArrayAggAcc, args) {
        if (!skip(args)) acc[0].push(args[0] ?? null);
        return acc;
      },
      retract(acc: ArrayAggAcc, args) {
        if (skip(args)) return acc;
        const v = args[0] ?? null;
        if (!removeEarliest(acc[0], v)) acc[1].push(v);
        return acc;
      },
      merge(acc: ArrayAggAcc, other: ArrayAggAcc) {
        for (const v of other[0]) acc[0].push(v);
        const pending = [...acc[1], ...other[1]];
        acc[1] = pending.filter((v) => !removeEarliest(acc[0], v));
        return acc;
      },
      // A copy: the accumulator's list changes in place, and an emitted value must not.
      getValue: (acc: ArrayAggAcc) => (acc[0].length === 0 ? null : [...acc[0]]),
    } as SqlAggregateFunction;
  },
});

/**
 * A counted value as a map key: the number, or {@link NEGATIVE_ZERO} for -0.0, which a Map
 * would otherwise merge into 0.0 (NaN is one key already).
 */
type CountKey = number | typeof NEGATIVE_ZERO;
const NEGATIVE_ZERO = '-0';

/**
 * `[fractions of the first row (null before any row), value → count]`. The map's keys are
 * DOUBLE values; a count may go negative while a retraction is ahead of its insertion.
 */
type PercentileAcc = [number[] | null, Map<CountKey, number>];

/** Checks each fraction once, when a group first sees it; NaN passes, as in Flink. */
function checkedFractions(p: unknown): number[] {
  const list = Array.isArray(p) ? (p as unknown[]) : [p];
  return list.map((f) => {
    if (f === null || f === undefined || typeof f !== 'number' || f < 0 || f > 1)
      throw userError(
        ErrorCodes.USER_FUNCTION,
        `PERCENTILE: the percentage must be between 0.0 and 1.0, got ${String(f)}; pass a fraction such as 0.5`,
      );
    return f;
  });
}

/** Adds `count` copies of `value` (negative to remove), dropping values whose count is 0. */
function addCount(counts: Map<CountKey, number>, value: CountKey, count: number): void {
  const n = (counts.get(value) ?? 0) + count;
  if (n === 0) counts.delete(value);
  else counts.set(value, n);
}

const countKey = (value: number): CountKey => (Object.is(value, -0) ? NEGATIVE_ZERO : value);
const keyValue = (key: CountKey): number => (key === NEGATIVE_ZERO ? -0 : key);

/** Java's Double.compareTo: -0.0 below 0.0, NaN above everything and equal to itself. */
export function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  const aNaN = Number.isNaN(a);
  if (aNaN || Number.isNaN(b)) return aNaN === Number.isNaN(b) ? 0 : aNaN ? 1 : -1;
  return Object.is(a, -0) === Object.is(b, -0) ? 0 : Object.is(a, -0) ? -1 : 1;
}

/**
 * The percentiles at `fractions` of the values counted in `counts`; null when there are none.
 * One pass over the sorted values serves every fraction, taken in increasing order.
 */
export function continuousPercentiles(
  counts: ReadonlyMap<CountKey, number>,
  fractions: readonly number[],
): number[] | null {
  const sorted: [number, number][] = [];
  let total = 0;
  for (const [key, n] of counts) {
    sorted.push([keyValue(key), n]);
    total += n;
  }
  if (total <= 0 || sorted.length === 0) return null;
  sorted.sort((a, b) => compareDoubles(a[0], b[0]));
  const order = fractions
    .map((f, i) => [f * (total - 1) + 1, i] as const)
    .sort((a, b) => compareDoubles(a[0], b[0]));
  const out = new Array<number>(fractions.length);
  let j = 0;
  let seen = sorted[0]![1];
  for (const [position, index] of order) {
    // A NaN position is 0 on both sides, as Java's (long) cast makes it: the current value.
    const lower = Number.isNaN(position) ? 0 : Math.floor(position);
    const higher = Number.isNaN(position) ? 0 : Math.ceil(position);
    while (seen < lower && j + 1 < sorted.length) seen += sorted[++j]![1];
    const here = sorted[j]![0];
    out[index] =
      seen >= higher || j + 1 >= sorted.length
        ? here
        : (higher - position) * here + (position - lower) * sorted[j + 1]![0];
  }
  return out;
}

const PERCENTILE: AggregateFunctionDefinition = Object.freeze({
  name: 'PERCENTILE',
  retractable: true,
  resultType(argTypes: readonly SqlType[], pos?: SourcePos): SqlType {
    const [value, p, frequency] = argTypes;
    if (argTypes.length < 2 || argTypes.length > 3)
      throw validationError(
        pos,
        `PERCENTILE takes (value, percentage [, frequency]), got ${argTypes.length} arguments`,
      );
    if (!isNumeric(value!) && value!.root !== 'NULL')
      throw validationError(
        pos,
        `PERCENTILE needs a numeric value, got ${formatType(value!)}; CAST it to a number`,
      );
    const multi = p!.root === 'ARRAY';
    const fraction = multi ? p!.element! : p!;
    if (!isNumeric(fraction))
      throw validationError(
        pos,
        `PERCENTILE needs a numeric percentage or an ARRAY of them, got ${formatType(p!)}; pass a fraction such as 0.5 or ARRAY[0.25, 0.75]`,
      );
    if (frequency !== undefined && !isInteger(frequency) && frequency.root !== 'NULL')
      throw validationError(pos, `PERCENTILE needs an integer frequency, got ${formatType(frequency)}`);
    return multi
      ? (Object.freeze({ root: 'ARRAY', nullable: true, element: Types.DOUBLE }) as SqlType)
      : Types.DOUBLE;
  },
  create(argTypes: readonly SqlType[]): SqlAggregateFunction {
    const multi = argTypes[1]!.root === 'ARRAY';
    const weighted = argTypes.length > 2;
    // A row's weight: 1, or its frequency; 0 skips the row (NULL or not positive frequency).
    const weight = (args: readonly unknown[]): number => {
      if (!weighted) return 1;
      const f = args[2];
      return typeof f === 'number' && f > 0 ? Math.trunc(f) : 0;
    };
    const update = (acc: PercentileAcc, args: readonly unknown[], sign: 1 | -1) => {
      const n = weight(args);
      const v = args[0];
      if (n === 0 || v === null || v === undefined) return acc;
      addCount(acc[1], countKey(Number(v)), sign * n);
      return acc;
    };
    return {
      name: 'PERCENTILE',
      createAccumulator: (): PercentileAcc => [null, new Map()],
      accumulate(acc: PercentileAcc, args) {
        if (acc[0] === null) acc[0] = checkedFractions(args[1]);
        return update(acc, args, 1);
      },
      retract: (acc: PercentileAcc, args) => update(acc, args, -1),
      merge(acc: PercentileAcc, other: PercentileAcc) {
        if (acc[0] === null && other[0] !== null) acc[0] = [...other[0]];
        for (const [v, n] of other[1]) addCount(acc[1], v, n);
        return acc;
      },
      getValue(acc: PercentileAcc) {
        if (acc[0] === null || acc[0].length === 0) return null;
        const result = continuousPercentiles(acc[1], acc[0]);
        if (result === null) return null;
        return multi ? result : result[0];
      },
    } as SqlAggregateFunction;
  },
});

/** The array-valued and percentile aggregates, merged into the built-in aggregates. */
export const ARRAY_AGGREGATES: readonly AggregateFunctionDefinition[] = [ARRAY_AGG, PERCENTILE];
