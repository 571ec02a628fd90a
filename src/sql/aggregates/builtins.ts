/**
 * The built-in aggregate functions, with Flink's result types and SQL's null rules: null
 * arguments are skipped, and SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE and LISTAGG of no
 * (non-null) rows are NULL while COUNT is 0. The variance and standard deviation functions are
 * in `statistical.ts`.
 *
 * Each function comes in two shapes, chosen when an operator creates it: without retraction it
 * keeps the least state (MIN keeps one value); with retraction it keeps what it needs to undo a
 * row (MIN keeps every value with its count in a heap, SUM counts its non-null rows so that retracting
 * the last one gives NULL again). Accumulators are plain arrays, numbers, strings and Maps, so
 * the state backends' serializer keeps them as they are.
 */
import { type Long, longAdd, longDivide, longSubtract } from '../expressions/long.js';
import { NARROW_INTEGER_BITS, wrapInteger } from '../expressions/narrow-integers.js';
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import {
  formatType,
  isByteString,
  isInteger,
  isInterval,
  isNumeric,
  isString,
  isTimestamp,
  type SqlType,
  Types,
  withNullability,
  withoutTimeAttribute,
} from '../catalog/types.js';
import type { FunctionCatalog } from '../catalog/function-catalog.js';
import type {
  AggregateCreateOptions,
  AggregateFunctionDefinition,
  SqlAggregateFunction,
} from './aggregate-function.js';
import { type ExtremeAcc, ExtremeHeap } from './extreme-heap.js';
import { valuesEqual } from '../expressions/array-map-functions.js';
import { ARRAY_AGGREGATES } from './array-aggregates.js';
import { JSON_AGGREGATES } from './json-aggregates.js';
import { STATISTICAL_AGGREGATES } from './statistical.js';
import { ErrorCodes, userError } from '../../types/errors.js';

const BIGINT_NOT_NULL = withNullability(Types.BIGINT, false);

function expectArgs(name: string, argTypes: readonly SqlType[], min: number, max: number, pos?: SourcePos) {
  if (argTypes.length < min || argTypes.length > max) {
    const wanted = min === max ? `${min}` : `${min} to ${max}`;
    throw validationError(
      pos,
      `${name} takes ${wanted} argument${max === 1 ? '' : 's'}, got ${argTypes.length}`,
    );
  }
}

function expectNumeric(name: string, type: SqlType, pos?: SourcePos): void {
  if (!isNumeric(type))
    throw validationError(
      pos,
      `${name} needs a numeric argument, got ${formatType(type)}; CAST it to a number`,
    );
}

/** Whether values of the type have an order MIN and MAX can use. */
function comparable(type: SqlType): boolean {
  return (
    isNumeric(type) ||
    isString(type) ||
    isTimestamp(type) ||
    isInterval(type) ||
    type.root === 'BOOLEAN' ||
    type.root === 'DATE' ||
    type.root === 'TIME'
  );
}

/** SUM's type: the argument's, except DECIMAL(p, s) widens to DECIMAL(38, s), as Flink does. */
function sumType(type: SqlType): SqlType {
  if (type.root === 'DECIMAL') return Types.decimal(38, type.scale ?? 0);
  return withNullability(type, true);
}

/** Rounds a DECIMAL result to its scale; other numbers pass through. */
function rounder(type: SqlType): (n: number) => number {
  if (type.root !== 'DECIMAL') return (n) => n;
  const factor = 10 ** (type.scale ?? 0);
  return (n) => Math.round(n * factor) / factor;
}

function define(
  name: string,
  resultType: (argTypes: readonly SqlType[], pos?: SourcePos) => SqlType,
  create: (argTypes: readonly SqlType[], retraction: boolean) => SqlAggregateFunction,
): AggregateFunctionDefinition {
  return Object.freeze({
    name,
    resultType,
    retractable: true,
    create: (argTypes: readonly SqlType[], options?: AggregateCreateOptions) =>
      create(argTypes, options?.retraction === true),
  });
}

// COUNT: a number. COUNT(*) has no arguments; COUNT(a, b) counts rows where all are non-null.
const COUNT = define(
  'COUNT',
  () => BIGINT_NOT_NULL,
  (argTypes) => {
    const counts =
      argTypes.length === 0
        ? () => true
        : argTypes.length === 1
          ? (args: readonly unknown[]) => args[0] !== null && args[0] !== undefined
          : (args: readonly unknown[]) => args.every((a) => a !== null && a !== undefined);
    return {
      name: 'COUNT',
      createAccumulator: () => 0,
      accumulate: (acc: number, args) => (counts(args) ? acc + 1 : acc),
      retract: (acc: number, args) => (counts(args) ? acc - 1 : acc),
      merge: (acc: number, other: number) => acc + other,
      getValue: (acc: number) => acc,
    } as SqlAggregateFunction;
  },
);

/**
 * `[sum, count of non-null values]`: the count says when the sum is NULL again. A BIGINT sum is
 * a canonical long (`long.ts`), which wraps on overflow as Flink's Java long sum does.
 */
type SumAcc = [number, number];

function sumFunction(name: string, type: SqlType, zeroWhenEmpty: boolean): SqlAggregateFunction {
  if (type.root === 'BIGINT') return longSumFunction(name, zeroWhenEmpty);
  // SUM of an INT is an INT in Flink, and wraps as Java's int sum does; AVG divides an exact sum.
  const bits = name === 'AVG' ? undefined : NARROW_INTEGER_BITS[type.root];
  if (bits !== undefined) return narrowSumFunction(name, bits, zeroWhenEmpty);
  const round = rounder(type);
  return {
    name,
    createAccumulator: (): SumAcc => [0, 0],
    accumulate(acc: SumAcc, args) {
      const v = args[0];
      if (v !== null && v !== undefined) {
        acc[0] += v as number;
        acc[1]++;
      }
      return acc;
    },
    retract(acc: SumAcc, args) {
      const v = args[0];
      if (v !== null && v !== undefined) {
        acc[0] -= v as number;
        acc[1]--;
      }
      return acc;
    },
    merge(acc: SumAcc, other: SumAcc) {
      acc[0] += other[0];
      acc[1] += other[1];
      return acc;
    },
    getValue: (acc: SumAcc) => (acc[1] === 0 ? (zeroWhenEmpty ? 0 : null) : round(acc[0])),
  } as SqlAggregateFunction;
}

/**
 * SUM of TINYINT, SMALLINT or INT values, kept wrapped to the width at every step (a Java
 * byte, short or int sum): a sum of more than 2^22 large ints would otherwise pass 2^53.
 */
function narrowSumFunction(name: string, bits: number, zeroWhenEmpty: boolean): SqlAggregateFunction {
  return {
    name,
    createAccumulator: (): SumAcc => [0, 0],
    accumulate(acc: SumAcc, args) {
      const v = args[0];
      if (v !== null && v !== undefined) {
        acc[0] = wrapInteger(acc[0] + (v as number), bits);
        acc[1]++;
      }
      return acc;
    },
    retract(acc: SumAcc, args) {
      const v = args[0];
      if (v !== null && v !== undefined) {
        acc[0] = wrapInteger(acc[0] - (v as number), bits);
        acc[1]--;
      }
      return acc;
    },
    merge(acc: SumAcc, other: SumAcc) {
      acc[0] = wrapInteger(acc[0] + other[0], bits);
      acc[1] += other[1];
      return acc;
    },
    getValue: (acc: SumAcc) => (acc[1] === 0 ? (zeroWhenEmpty ? 0 : null) : acc[0]),
  } as SqlAggregateFunction;
}

/** `[sum, count]` of BIGINT values, the sum exact and wrapping as a Java long. */
type LongSumAcc = [Long, number];

function longSumFunction(name: string, zeroWhenEmpty: boolean): SqlAggregateFunction {
  return {
    name,
    createAccumulator: (): LongSumAcc => [0, 0],
    accumulate(acc: LongSumAcc, args) {
      const v = args[0] as Long | null | undefined;
      if (v !== null && v !== undefined) {
        const s = acc[0];
        const r = typeof s === 'number' && typeof v === 'number' ? s + v : Number.NaN;
        acc[0] = Number.isSafeInteger(r) ? r : longAdd(s, v);
        acc[1]++;
      }
      return acc;
    },
    retract(acc: LongSumAcc, args) {
      const v = args[0] as Long | null | undefined;
      if (v !== null && v !== undefined) {
        acc[0] = longSubtract(acc[0], v);
        acc[1]--;
      }
      return acc;
    },
    merge(acc: LongSumAcc, other: LongSumAcc) {
      acc[0] = longAdd(acc[0], other[0]);
      acc[1] += other[1];
      return acc;
    },
    getValue: (acc: LongSumAcc) => (acc[1] === 0 ? (zeroWhenEmpty ? 0 : null) : acc[0]),
  } as SqlAggregateFunction;
}

const SUM = define(
  'SUM',
  (argTypes, pos) => {
    expectArgs('SUM', argTypes, 1, 1, pos);
    expectNumeric('SUM', argTypes[0]!, pos);
    return sumType(argTypes[0]!);
  },
  (argTypes) => sumFunction('SUM', sumType(argTypes[0]!), false),
);

/** `[value, rows]`: the row count says when a second row arrives, or the last one leaves. */
type SingleAcc = [unknown, number];

/**
 * SINGLE_VALUE, as Calcite's: the value of the one row it sees, NULL over none, a run-time error
 * at a second row. The planner wraps a scalar subquery that may return several rows in it, so
 * such a subquery fails when it does, as in Flink, rather than when it is planned.
 */
const SINGLE_VALUE: AggregateFunctionDefinition = Object.freeze({
  name: 'SINGLE_VALUE',
  resultType(argTypes: readonly SqlType[], pos?: SourcePos) {
    expectArgs('SINGLE_VALUE', argTypes, 1, 1, pos);
    return withNullability(argTypes[0]!, true);
  },
  retractable: true,
  create(_argTypes: readonly SqlType[], options?: AggregateCreateOptions): SqlAggregateFunction {
    const at = options?.pos === undefined ? '' : ` at line ${options.pos.line}, column ${options.pos.column}`;
    return {
      name: 'SINGLE_VALUE',
      createAccumulator: (): SingleAcc => [null, 0],
      accumulate(acc: SingleAcc, args) {
        if (acc[1] >= 1)
          throw userError(
            ErrorCodes.USER_FUNCTION,
            `SINGLE_VALUE${at} got a second row, where a scalar subquery must return at most one; make it return one, e.g. with an aggregate such as MAX(…) or a WHERE that matches one row`,
          );
        return [args[0] ?? null, acc[1] + 1];
      },
      retract: (acc: SingleAcc) => (acc[1] <= 1 ? [null, acc[1] - 1] : [acc[0], acc[1] - 1]),
      getValue: (acc: SingleAcc) => (acc[1] === 1 ? acc[0] : null),
    } as SqlAggregateFunction;
  },
});

// $SUM0 in Calcite: SUM that is 0, not NULL, over no rows.
const SUM0 = define(
  'SUM0',
  (argTypes, pos) => {
    expectArgs('SUM0', argTypes, 1, 1, pos);
    expectNumeric('SUM0', argTypes[0]!, pos);
    return withNullability(sumType(argTypes[0]!), false);
  },
  (argTypes) => sumFunction('SUM0', sumType(argTypes[0]!), true),
);

/**
 * AVG's type, as Flink has it: the argument's type for integers and floating point (an INT
 * average is the truncated quotient, as Java's integer division gives), DECIMAL(38, max(s, 6))
 * for decimals.
 */
function avgType(type: SqlType): SqlType {
  if (type.root === 'DECIMAL') return Types.decimal(38, Math.max(type.scale ?? 0, 6));
  return withNullability(type, true);
}

const AVG = define(
  'AVG',
  (argTypes, pos) => {
    expectArgs('AVG', argTypes, 1, 1, pos);
    expectNumeric('AVG', argTypes[0]!, pos);
    return avgType(argTypes[0]!);
  },
  (argTypes) => {
    const sum = sumFunction('AVG', argTypes[0]!, false);
    const type = avgType(argTypes[0]!);
    const round = rounder(type);
    // A BIGINT average is the (wrapped) long sum divided as Java longs divide.
    const quotient: (s: number, n: number) => unknown =
      type.root === 'BIGINT'
        ? longDivide
        : isInteger(type)
          ? (s, n) => Math.trunc(s / n)
          : (s, n) => round(s / n);
    return {
      ...sum,
      getValue: (acc: SumAcc) => (acc[1] === 0 ? null : quotient(acc[0], acc[1])),
    } as SqlAggregateFunction;
  },
);

/**
 * MIN or MAX. Without retraction the accumulator is the extreme value so far (null before
 * any). With retraction it is an {@link ExtremeAcc}: every value's count and a binary heap of
 * the distinct values, so retracting the extreme's last copy costs O(log n) instead of a scan
 * of every distinct value (the final level of a split-distinct aggregate retracts its current
 * MAX on nearly every update of the leading bucket).
 */
function extremeFunction(name: 'MIN' | 'MAX', retraction: boolean): SqlAggregateFunction {
  const better: (a: unknown, b: unknown) => boolean =
    name === 'MIN' ? (a, b) => (a as number) < (b as number) : (a, b) => (a as number) > (b as number);
  if (!retraction)
    return {
      name,
      createAccumulator: () => null,
      accumulate(acc: unknown, args) {
        const v = args[0];
        if (v === null || v === undefined) return acc;
        return acc === null || better(v, acc) ? v : acc;
      },
      merge: (acc: unknown, other: unknown) =>
        other === null ? acc : acc === null || better(other, acc) ? other : acc,
      getValue: (acc: unknown) => acc,
    };
  const heap = new ExtremeHeap(better);
  return {
    name,
    createAccumulator: (): ExtremeAcc => [[], new Map(), 0, null],
    accumulate(acc: ExtremeAcc, args) {
      const v = args[0];
      if (v !== null && v !== undefined) heap.add(acc, v, 1);
      return acc;
    },
    retract(acc: ExtremeAcc, args) {
      const v = args[0];
      if (v !== null && v !== undefined) heap.remove(acc, v, 1);
      return acc;
    },
    merge(acc: ExtremeAcc, other: ExtremeAcc) {
      for (const [v, n] of other[1]) if (n > 0) heap.add(acc, v, n);
      if (other[3] !== null) for (const [v, n] of other[3]) heap.remove(acc, v, n);
      return acc;
    },
    getValue: (acc: ExtremeAcc) => (acc[0].length === 0 ? null : acc[0][0]),
  } as SqlAggregateFunction;
}

function extremeDefinition(name: 'MIN' | 'MAX'): AggregateFunctionDefinition {
  return define(
    name,
    (argTypes, pos) => {
      expectArgs(name, argTypes, 1, 1, pos);
      // Flink's planner has no MIN or MAX for byte strings (its AggFunctionFactory refuses them),
      // though they compare with < and =.
      if (isByteString(argTypes[0]!))
        throw validationError(
          pos,
          `${name} takes no byte strings, as in Flink, got ${formatType(argTypes[0]!)}; CAST it to STRING to compare its text`,
        );
      if (!comparable(argTypes[0]!))
        throw validationError(pos, `${name} cannot order values of type ${formatType(argTypes[0]!)}`);
      return withNullability(withoutTimeAttribute(argTypes[0]!), true);
    },
    (_argTypes, retraction) => extremeFunction(name, retraction),
  );
}

/**
 * Whether a retracted value is a value kept in an accumulator. Kept values and retracted ones
 * are different objects whenever either went through a checkpoint or came from another
 * operator, so arrays, maps, rows and binary strings compare by content; NaN is the same value
 * as NaN, as Flink's binary comparison has it.
 */
function sameValue(kept: unknown, retracted: unknown): boolean {
  if (kept === retracted) return true;
  if (typeof kept === 'number') return Number.isNaN(kept) && Number.isNaN(retracted);
  if (typeof kept !== 'object' || typeof retracted !== 'object' || kept === null || retracted === null)
    return false;
  return valuesEqual(kept, retracted);
}

/**
 * Removes the earliest copy of `value` from `list`, as Flink's FirstValueWithRetract,
 * LastValueWithRetract and ListAggWithRetract functions do: of equal values the one that
 * arrived first goes, so the order of the others is kept. A value not in the list (its
 * insertion was before state expired) is ignored, as there.
 */
function removeFirst(list: unknown[], value: unknown): void {
  let i = list.indexOf(value);
  if (i < 0 && (typeof value === 'object' || Number.isNaN(value)))
    i = list.findIndex((kept) => sameValue(kept, value));
  if (i >= 0) list.splice(i, 1);
}

/**
 * FIRST_VALUE or LAST_VALUE of the non-null values in arrival order. Without retraction the
 * accumulator is one value; with retraction it is the list of values still in, in arrival
 * order, since any of them may become the first or last: retracting the first (or last) falls
 * back to the one that arrived next (or before), as Flink's *WithRetract functions do.
 */
function endValueFunction(name: 'FIRST_VALUE' | 'LAST_VALUE', retraction: boolean): SqlAggregateFunction {
  const first = name === 'FIRST_VALUE';
  if (!retraction)
    return {
      name,
      createAccumulator: () => null,
      accumulate(acc: unknown, args) {
        const v = args[0];
        if (v === null || v === undefined) return acc;
        return first && acc !== null ? acc : v;
      },
      // `other` holds rows that arrived after `acc`'s (later slices, later sessions).
      merge: (acc: unknown, other: unknown) => (first ? (acc ?? other) : (other ?? acc)),
      getValue: (acc: unknown) => acc,
    };
  return {
    name,
    createAccumulator: (): unknown[] => [],
    accumulate(acc: unknown[], args) {
      const v = args[0];
      if (v !== null && v !== undefined) acc.push(v);
      return acc;
    },
    retract(acc: unknown[], args) {
      const v = args[0];
      if (v !== null && v !== undefined) removeFirst(acc, v);
      return acc;
    },
    merge(acc: unknown[], other: unknown[]) {
      for (const v of other) acc.push(v);
      return acc;
    },
    getValue: (acc: unknown[]) => (acc.length === 0 ? null : first ? acc[0] : acc[acc.length - 1]),
  } as SqlAggregateFunction;
}

function endValueDefinition(name: 'FIRST_VALUE' | 'LAST_VALUE'): AggregateFunctionDefinition {
  return define(
    name,
    (argTypes, pos) => {
      expectArgs(name, argTypes, 1, 1, pos);
      return withNullability(withoutTimeAttribute(argTypes[0]!), true);
    },
    (_argTypes, retraction) => endValueFunction(name, retraction),
  );
}

/**
 * LISTAGG(value [, separator]): the non-null values in arrival order joined by the separator
 * (',' by default). The accumulator is `[values, separator]`, the separator being the last
 * one seen; Flink needs it constant.
 */
type ListAcc = [string[], string];
const LISTAGG = define(
  'LISTAGG',
  (argTypes, pos) => {
    expectArgs('LISTAGG', argTypes, 1, 2, pos);
    for (const t of argTypes)
      if (!isString(t) && t.root !== 'NULL')
        throw validationError(pos, `LISTAGG needs STRING arguments, got ${formatType(t)}; CAST it to STRING`);
    return Types.STRING;
  },
  () =>
    ({
      name: 'LISTAGG',
      createAccumulator: (): ListAcc => [[], ','],
      accumulate(acc: ListAcc, args) {
        const v = args[0];
        if (v === null || v === undefined) return acc;
        acc[0].push(v as string);
        if (args.length > 1 && args[1] !== null && args[1] !== undefined) acc[1] = args[1] as string;
        return acc;
      },
      retract(acc: ListAcc, args) {
        const v = args[0];
        if (v !== null && v !== undefined) removeFirst(acc[0], v);
        return acc;
      },
      merge(acc: ListAcc, other: ListAcc) {
        for (const v of other[0]) acc[0].push(v);
        return acc;
      },
      getValue: (acc: ListAcc) => (acc[0].length === 0 ? null : acc[0].join(acc[1])),
    }) as SqlAggregateFunction,
);

/**
 * COLLECT(x): the multiset of the non-null values, a Map of value → count (`MULTISET<T> NOT
 * NULL`, empty over no values, as Flink's). Retracting a value not yet counted leaves a negative
 * count, as Flink's accumulator does, so a retraction that overtakes its insertion still cancels
 * out; the result holds the positive counts only. Values are Map keys, so the element type must
 * have primitive values (not ARRAY, MAP, ROW or binary).
 */
const COLLECT = define(
  'COLLECT',
  (argTypes, pos) => {
    expectArgs('COLLECT', argTypes, 1, 1, pos);
    const element = withoutTimeAttribute(argTypes[0]!);
    const root = element.root;
    if (
      root === 'ARRAY' ||
      root === 'MAP' ||
      root === 'ROW' ||
      root === 'BINARY' ||
      root === 'VARBINARY' ||
      root === 'RAW'
    )
      throw validationError(
        pos,
        `COLLECT of ${formatType(element)} values is not supported; collect a scalar such as CAST(x AS STRING)`,
      );
    return withNullability(Types.multiset(element), false);
  },
  () =>
    ({
      name: 'COLLECT',
      createAccumulator: () => new Map<unknown, number>(),
      accumulate(acc: Map<unknown, number>, args) {
        const v = args[0];
        if (v === null || v === undefined) return acc;
        const n = (acc.get(v) ?? 0) + 1;
        if (n === 0) acc.delete(v);
        else acc.set(v, n);
        return acc;
      },
      retract(acc: Map<unknown, number>, args) {
        const v = args[0];
        if (v === null || v === undefined) return acc;
        const n = (acc.get(v) ?? 0) - 1;
        if (n === 0) acc.delete(v);
        else acc.set(v, n);
        return acc;
      },
      merge(acc: Map<unknown, number>, other: Map<unknown, number>) {
        for (const [v, count] of other) {
          const n = (acc.get(v) ?? 0) + count;
          if (n === 0) acc.delete(v);
          else acc.set(v, n);
        }
        return acc;
      },
      // A fresh Map: the accumulator changes in place, and an emitted value must not.
      getValue(acc: Map<unknown, number>) {
        const out = new Map<unknown, number>();
        for (const [v, n] of acc) if (n > 0) out.set(v, n);
        return out;
      },
    }) as SqlAggregateFunction,
);

/** The built-in aggregate functions by upper-case name. */
export const BUILTIN_AGGREGATES: ReadonlyMap<string, AggregateFunctionDefinition> = new Map(
  [
    COUNT,
    SUM,
    SUM0,
    AVG,
    extremeDefinition('MIN'),
    extremeDefinition('MAX'),
    endValueDefinition('FIRST_VALUE'),
    endValueDefinition('LAST_VALUE'),
    LISTAGG,
    COLLECT,
    SINGLE_VALUE,
    ...STATISTICAL_AGGREGATES,
    ...JSON_AGGREGATES,
    ...ARRAY_AGGREGATES,
  ].map((d) => [d.name, d]),
);

/** What a refusal of an aggregate without a definition suggests: the built-in ones. */
export function unsupportedAggregateHint(): string {
  return `use one of ${[...BUILTIN_AGGREGATES.keys()].join(', ')}`;
}

/**
 * The aggregate function of this name, in Flink's order: a temporary system function, a built-in
 * (any case), then a catalog function from the session's function catalog; undefined when there
 * is none. A temporary system function of another kind hides the built-in aggregate too.
 */
export function lookupAggregate(
  name: string,
  functions: FunctionCatalog | undefined,
): AggregateFunctionDefinition | undefined {
  if (functions?.shadowing(name) !== undefined) return functions.aggregate(name);
  return BUILTIN_AGGREGATES.get(name.toUpperCase()) ?? functions?.aggregate(name);
}
