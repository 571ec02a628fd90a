/**
 * `LAG(expr [, offset [, default]])` as an OVER aggregate, the way Flink runs it on streams: an
 * accumulator that keeps the last `offset + 1` values of `expr` in the window's order, and whose
 * value is the oldest of them, or `default` while fewer rows have passed. The OVER operator feeds
 * rows in time order once the watermark passes them, so out-of-order input gives the same
 * result, and the accumulator lives in its keyed state, so checkpoints keep it.
 *
 * Under the default frame (RANGE, unbounded) the rows of one timestamp are all added before any
 * of them is emitted, so they share one LAG: the value `offset` rows before the last row of
 * that timestamp, as Flink's results show. LAG cannot retract, so bounded frames are refused.
 * LEAD needs rows that have not arrived yet; Flink refuses it on streams, and so does Weir.
 *
 * LAG is only an OVER function: it is not in the built-in aggregate map, so `GROUP BY` queries
 * never see it.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { runtime } from '../expressions/runtime.js';
import {
  castAvoidable,
  formatType,
  isAssignable,
  isByteString,
  isInteger,
  isNumeric,
  isString,
  isTimestamp,
  type SqlType,
  withNullability,
  withoutTimeAttribute,
} from '../catalog/types.js';
import type { AggregateFunctionDefinition, SqlAggregateFunction } from './aggregate-function.js';

/**
 * `[values, offset, default]`: the last `offset + 1` values (nulls included, oldest first), the
 * offset and the default of the latest row, as Flink's LAG accumulator holds them.
 */
type LagAcc = [unknown[], number, unknown];

function lagFunction(argTypes: readonly SqlType[]): SqlAggregateFunction {
  const toValue = defaultCast(argTypes);
  return {
    name: 'LAG',
    createAccumulator: (): LagAcc => [[], 1, null],
    accumulate(acc: LagAcc, args) {
      const offset = args.length > 1 ? (args[1] as number) : 1;
      acc[1] = offset;
      acc[2] = args.length > 2 && args[2] != null ? toValue(args[2]) : null;
      const values = acc[0];
      values.push(args[0] ?? null);
      while (values.length > offset + 1) values.shift();
      return acc;
    },
    getValue: (acc: LagAcc) => (acc[0].length === acc[1] + 1 ? acc[0][0] : acc[2]),
  } as SqlAggregateFunction;
}

/**
 * The default as a value of LAG's type: an INT default for a BIGINT value is the same number, a
 * BIGINT one for an INT value is cast (as CAST does), a CHAR(1) for a CHAR(3) padded.
 */
function defaultCast(argTypes: readonly SqlType[]): (value: unknown) => unknown {
  const value = argTypes[0];
  const fallback = argTypes[2];
  if (value === undefined || fallback === undefined || fallback.root === 'NULL') return (v) => v;
  const to = withoutTimeAttribute(value);
  if (castAvoidable(withNullability(fallback, true), withNullability(to, true))) return (v) => v;
  return (v) => runtime.cast(v, fallback, to, false);
}

/**
 * Whether LAG takes a default of type `fallback` for values of type `value`, as Flink's LAG
 * (Calcite's SqlLeadLagAggFunction, whose operand check wants the two comparable) does: of one
 * type family (numbers with numbers, strings with strings, TIMESTAMP with TIMESTAMP_LTZ), or an
 * untyped NULL. So a TIMESTAMP default for a DATE value is refused. Calcite also lets a string
 * stand for a number, date or time, which Flink's LAG then cannot run; Weir refuses it.
 */
function defaultFits(fallback: SqlType, value: SqlType): boolean {
  if (fallback.root === 'NULL') return true;
  if (isNumeric(fallback) && isNumeric(value)) return true;
  if (isString(fallback) && isString(value)) return true;
  if (isByteString(fallback) && isByteString(value)) return true;
  if (isTimestamp(fallback) && isTimestamp(value)) return true;
  return fallback.root === value.root && childrenComparable(fallback, value);
}

/** Collections and rows take a default whose elements (fields) take each other's values. */
function childrenComparable(a: SqlType, b: SqlType): boolean {
  return isAssignable(a, b) || isAssignable(b, a);
}

/**
 * LAG's definition: its result is its first argument's type, as in Flink (the default is cast to
 * it), nullable unless the value and a default are both NOT NULL. Flink makes it NOT NULL
 * whenever the default is, though a NULL value of an earlier row still comes out as NULL.
 */
export const LAG: AggregateFunctionDefinition = Object.freeze({
  name: 'LAG',
  retractable: false,
  resultType(argTypes: readonly SqlType[], pos?: SourcePos): SqlType {
    if (argTypes.length < 1 || argTypes.length > 3)
      throw validationError(
        pos,
        `LAG takes 1 to 3 arguments (expr, offset, default), got ${argTypes.length}`,
      );
    const type = withoutTimeAttribute(argTypes[0]!);
    if (argTypes.length > 1 && !isInteger(argTypes[1]!))
      throw validationError(pos, `LAG's offset must be an integer literal, got ${formatType(argTypes[1]!)}`);
    if (argTypes.length > 2 && !defaultFits(argTypes[2]!, type))
      throw validationError(
        pos,
        `LAG's default must be comparable with its value (${formatType(type)}), got ${formatType(argTypes[2]!)}; CAST it to ${formatType(withNullability(type, true))}`,
      );
    const notNull = argTypes.length > 2 && !argTypes[2]!.nullable && !type.nullable;
    return withNullability(type, !notNull);
  },
  create: (argTypes: readonly SqlType[]) => lagFunction(argTypes),
});

/** Functions that exist only with OVER, by upper-case name. */
export const OVER_ONLY_AGGREGATES: ReadonlyMap<string, AggregateFunctionDefinition> = new Map([['LAG', LAG]]);
