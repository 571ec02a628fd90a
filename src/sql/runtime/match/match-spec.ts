/**
 * What a `MATCH_RECOGNIZE` operator runs, as the planner hands it over: the pattern, the skip
 * strategy, and the DEFINE conditions and MEASURES as expressions over navigations. A
 * navigation (`FIRST(A.price, 1)`, `LAST(B.x)`, `SUM(A.price)`, a bare `A.price`, which is
 * `LAST(A.price)`) picks rows of the running match and computes one value from them; the
 * expression around it reads that value from column `$m<i>` of a scratch row, so the expression
 * compiler compiles it like any other.
 */
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import type { Rex } from '../../expressions/rex.js';
import type { SortKeySpec } from '../over/sort-order.js';
import type { PatternStep, SkipStrategy } from './pattern-matcher.js';

/**
 * One navigation. `variable` indexes the pattern's variable names; absent, it means every row of
 * the match (Flink's universal variable `*`). `value` and `args` read the input row's columns.
 */
export type Navigation =
  /** The `offset`-th row from the first (FIRST) or the last (LAST) row of the variable. */
  | {
      readonly kind: 'first' | 'last';
      readonly variable?: number;
      readonly offset: number;
      readonly value: Rex;
    }
  /** An aggregate over the variable's rows. */
  | {
      readonly kind: 'aggregate';
      readonly variable?: number;
      readonly call: BoundAggregateCall;
      readonly args: readonly Rex[];
    }
  /** `MATCH_ROWTIME()`: the time attribute of the match's last row. */
  | { readonly kind: 'matchRowtime'; readonly column: string };

/** An expression over navigations: `rex` reads navigation i from column `$m<i>`. */
export interface MatchExpression {
  readonly rex: Rex;
  readonly navigations: readonly Navigation[];
}

/** The column navigation `i`'s value is read from. */
export const navigationColumn = (i: number): string => `$m${i}`;

/** Everything the operator needs. */
export interface MatchSpec {
  /** The order's time attribute column (first key, ascending). */
  readonly timeColumn: string;
  /** Ordered by a processing-time attribute: rows are matched as they arrive. */
  readonly proctime: boolean;
  /** Order keys after the time attribute, ordering the rows of one timestamp. */
  readonly otherOrder: readonly SortKeySpec[];
  readonly partitionKeys: readonly string[];
  readonly variables: readonly string[];
  readonly steps: readonly PatternStep[];
  readonly skip: SkipStrategy;
  readonly withinMs?: number;
  /** The DEFINE condition of each variable (by index); undefined matches any row. */
  readonly defines: readonly (MatchExpression | undefined)[];
  readonly measures: readonly { readonly name: string; readonly expr: MatchExpression }[];
}
