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
import {
  formatType,
  isAssignable,
  narrowsTimestamp,
  isInteger,
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

function lagFunction(): SqlAggregateFunction {
  return {
    name: 'LAG',
    createAccumulator: (): LagAcc => [[], 1, null],
    accumulate(acc: LagAcc, args) {
      const offset = args.length > 1 ? (args[1] as number) : 1;
      acc[1] = offset;
      acc[2] = args.length > 2 ? (args[2] ?? null) : null;
      const values = acc[0];
      values.push(args[0] ?? null);
      while (values.length > offset + 1) values.shift();
      return acc;
    },
    getValue: (acc: LagAcc) => (acc[0].length === acc[1] + 1 ? acc[0][0] : acc[2]),
  } as SqlAggregateFunction;
}

/** LAG's definition: its result is its first argument's type, nullable. */
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
    // The default is emitted as a value of LAG's type, so it must fit without a CAST.
    if (argTypes.length > 2 && (!isAssignable(argTypes[2]!, type) || narrowsTimestamp(argTypes[2]!, type)))
      throw validationError(
        pos,
        `LAG's default must have the type of its value (${formatType(type)}), got ${formatType(argTypes[2]!)}; CAST it`,
      );
    return withNullability(type, true);
  },
  create: () => lagFunction(),
});

/** Functions that exist only with OVER, by upper-case name. */
export const OVER_ONLY_AGGREGATES: ReadonlyMap<string, AggregateFunctionDefinition> = new Map([['LAG', LAG]]);
