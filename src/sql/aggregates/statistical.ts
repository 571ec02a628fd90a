/**
 * Flink's statistical aggregates: VAR_POP, VAR_SAMP (alias VARIANCE), STDDEV_POP and
 * STDDEV_SAMP (alias STDDEV).
 *
 * Flink plans these by rewriting each into SUM(x * x), SUM(x) and COUNT(x) and an expression
 * over them, typed as AVG is: the result has the argument's type (DECIMAL(38, max(s, 6)) for
 * decimals). So an integer argument gives an integer result computed in integer arithmetic
 * (each division truncates, the square root is truncated too): VAR_POP of INTs 1, 2, 3, 4 is
 * (30 - 100 / 4) / 4 = 1. The functions here keep that arithmetic for integers, exactly, with
 * `[count, sum, sum of squares]` as the accumulator, which retracts and merges by addition.
 *
 * Floating point and decimal arguments use the same accumulator and Flink's formula in
 * doubles (a variance that rounding makes negative is taken as 0, as Flink's rewrite does), so
 * results agree with Flink's, cancellation included. Plain sums, unlike a running mean, also
 * take additions and retractions in any order and with a negative count, which local-global
 * aggregation of a retract input produces (a bundle may retract more rows than it adds).
 *
 * NULL arguments are skipped; no rows give NULL, and the sample variants give NULL for one row
 * (Flink divides by NULLIF(n - 1, 0)).
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { formatType, isInteger, isNumeric, type SqlType, Types, withNullability } from '../catalog/types.js';
import type {
  AggregateCreateOptions,
  AggregateFunctionDefinition,
  SqlAggregateFunction,
} from './aggregate-function.js';

/** The accumulator: `[count of non-null values, their sum, the sum of their squares]`. */
export type VarianceAcc = [number, number, number];

/** Which statistic a function computes. */
export interface Statistic {
  /** Divide by n (population) rather than n - 1 (sample). */
  readonly population: boolean;
  /** Take the square root (standard deviation) of the variance. */
  readonly sqrt: boolean;
}

/** The result type: the argument's, widened for decimals, as AVG's (Flink types them alike). */
export function statisticalType(type: SqlType): SqlType {
  if (type.root === 'DECIMAL') return Types.decimal(38, Math.max(type.scale ?? 0, 6));
  return withNullability(type, true);
}

/**
 * The statistic of an accumulator, or null (no rows; one row for a sample statistic). With
 * `integer`, Flink's integer arithmetic: both divisions and the square root truncate.
 */
export function statisticValue(acc: VarianceAcc, stat: Statistic, integer: boolean): number | null {
  const [n, sum, sumSquares] = acc;
  const divisor = stat.population ? n : n - 1;
  if (n <= 0 || divisor <= 0) return null;
  if (integer) {
    const variance = Math.trunc((sumSquares - Math.trunc((sum * sum) / n)) / divisor);
    return stat.sqrt ? Math.trunc(Math.sqrt(Math.max(variance, 0))) : variance;
  }
  const variance = Math.max(sumSquares - (sum * sum) / n, 0) / divisor;
  return stat.sqrt ? Math.sqrt(variance) : variance;
}

function create(name: string, stat: Statistic, argType: SqlType): SqlAggregateFunction {
  const integer = isInteger(argType);
  const type = statisticalType(argType);
  const factor = type.root === 'DECIMAL' ? 10 ** (type.scale ?? 0) : undefined;
  return {
    name,
    createAccumulator: (): VarianceAcc => [0, 0, 0],
    accumulate(acc: VarianceAcc, args) {
      const x = args[0];
      if (x !== null && x !== undefined) {
        acc[0]++;
        acc[1] += x as number;
        acc[2] += (x as number) * (x as number);
      }
      return acc;
    },
    retract(acc: VarianceAcc, args) {
      const x = args[0];
      if (x !== null && x !== undefined) {
        acc[0]--;
        acc[1] -= x as number;
        acc[2] -= (x as number) * (x as number);
      }
      return acc;
    },
    merge(acc: VarianceAcc, other: VarianceAcc) {
      acc[0] += other[0];
      acc[1] += other[1];
      acc[2] += other[2];
      return acc;
    },
    getValue(acc: VarianceAcc) {
      const v = statisticValue(acc, stat, integer);
      return v === null || factor === undefined ? v : Math.round(v * factor) / factor;
    },
  } as SqlAggregateFunction;
}

function define(name: string, stat: Statistic): AggregateFunctionDefinition {
  return Object.freeze({
    name,
    resultType(argTypes: readonly SqlType[], pos?: SourcePos): SqlType {
      if (argTypes.length !== 1)
        throw validationError(pos, `${name} takes 1 argument, got ${argTypes.length}`);
      const type = argTypes[0]!;
      if (!isNumeric(type))
        throw validationError(
          pos,
          `${name} needs a numeric argument, got ${formatType(type)}; CAST it to a number`,
        );
      return statisticalType(type);
    },
    retractable: true,
    create: (argTypes: readonly SqlType[], _options?: AggregateCreateOptions) =>
      create(name, stat, argTypes[0]!),
  });
}

const POP_VARIANCE: Statistic = { population: true, sqrt: false };
const SAMPLE_VARIANCE: Statistic = { population: false, sqrt: false };
const POP_STDDEV: Statistic = { population: true, sqrt: true };
const SAMPLE_STDDEV: Statistic = { population: false, sqrt: true };

/** The statistical aggregates, with Flink's aliases VARIANCE (VAR_SAMP) and STDDEV (STDDEV_SAMP). */
export const STATISTICAL_AGGREGATES: readonly AggregateFunctionDefinition[] = Object.freeze([
  define('VAR_POP', POP_VARIANCE),
  define('VAR_SAMP', SAMPLE_VARIANCE),
  define('VARIANCE', SAMPLE_VARIANCE),
  define('STDDEV_POP', POP_STDDEV),
  define('STDDEV_SAMP', SAMPLE_STDDEV),
  define('STDDEV', SAMPLE_STDDEV),
]);
