/**
 * Aggregate functions as the SQL operators use them: group aggregation, window aggregation and
 * OVER aggregation all drive the same functions through this interface, so `SUM`, `COUNT
 * (DISTINCT …)` and user-defined aggregates behave the same under every operator.
 *
 * Accumulators are values held in keyed state. `accumulate` and `retract` return the new
 * accumulator (they may also change it in place and return it), because a state backend
 * that serializes values (the disk backend) only sees changes that are written back.
 */
import type { SourcePos } from '../parser/ast.js';
import type { SqlType } from '../catalog/types.js';

/** One aggregate function at run time, for one call site. */
export interface SqlAggregateFunction<Acc = unknown> {
  /** The upper-case SQL name, for EXPLAIN and errors. */
  readonly name: string;
  createAccumulator(): Acc;
  /** Adds one input row's argument values (one per argument; none for `COUNT(*)`). */
  accumulate(acc: Acc, args: readonly unknown[]): Acc;
  /**
   * Removes a row added earlier, for retract inputs and OVER frames that slide. Absent when the
   * function cannot retract; the planner then refuses such an input by name.
   */
  readonly retract?: (acc: Acc, args: readonly unknown[]) => Acc;
  /** Combines two accumulators: session windows merging, slices of sliding windows. */
  readonly merge?: (acc: Acc, other: Acc) => Acc;
  /** The SQL value of the accumulator (null where SQL says so, e.g. SUM of no rows). */
  getValue(acc: Acc): unknown;
  /**
   * A table aggregate's `emitUpdateWithRetract`: the rows that changed since its last emission,
   * the earlier ones retracted, where `getValue` gives all rows (see `table-aggregate-function.ts`).
   */
  readonly emitUpdateWithRetract?: (acc: Acc, out: ChangedRowCollector) => void;
}

/** Where a table aggregate's `emitUpdateWithRetract` puts its rows: new ones, and earlier ones taken back. */
export interface ChangedRowCollector {
  collect(row: unknown): void;
  retract(row: unknown): void;
}

/**
 * An aggregate call in a plan. Its arguments and FILTER are input column names: the planner
 * projects argument expressions into columns below the aggregate, as Calcite does, so the
 * operators read `row[arg]` and never evaluate expressions themselves.
 */
export interface AggregateCall {
  /** Upper-case function name: `COUNT`, `SUM`, … or a user-defined aggregate's name. */
  readonly fn: string;
  /** Input columns, one per argument; empty for `COUNT(*)`. */
  readonly args: readonly string[];
  readonly argTypes: readonly SqlType[];
  /** `COUNT(DISTINCT x)`: each distinct argument tuple counts once (per group, with retraction). */
  readonly distinct: boolean;
  /** `FILTER (WHERE …)`: a BOOLEAN input column; rows where it is not TRUE are skipped. */
  readonly filter?: string;
  /** The output column's name and type. */
  readonly name: string;
  readonly type: SqlType;
  readonly pos?: SourcePos;
}

/** Formats a call as EXPLAIN prints it: `COUNT(DISTINCT bidder) FILTER $f3 AS cnt`. */
export function formatAggregateCall(call: AggregateCall): string {
  const args = call.args.length === 0 && call.fn === 'COUNT' ? '*' : call.args.join(', ');
  const filter = call.filter === undefined ? '' : ` FILTER ${call.filter}`;
  return `${call.fn}(${call.distinct ? 'DISTINCT ' : ''}${args})${filter} AS ${call.name}`;
}

/**
 * What the planner knows of an aggregate function by name: built-in ones (`builtins.ts`) and
 * user-defined ones registered on the Table API share this shape.
 */
export interface AggregateFunctionDefinition {
  /** Upper-case for built-ins; as registered for user-defined functions. */
  readonly name: string;
  /** The result type for these argument types; throws a one-line validation error otherwise. */
  resultType(argTypes: readonly SqlType[], pos?: SourcePos): SqlType;
  /** Whether {@link SqlAggregateFunction.retract} exists, so planning can refuse retract inputs. */
  readonly retractable: boolean;
  /**
   * A fresh function for one call site; operators call it once per operator instance. With
   * `options.retraction`, the function must implement `retract` (MIN, MAX, FIRST_VALUE then keep
   * every value with its count); without, it may keep less (MIN keeps one value).
   */
  create(argTypes: readonly SqlType[], options?: AggregateCreateOptions): SqlAggregateFunction;
  /** Whether its functions have {@link SqlAggregateFunction.emitUpdateWithRetract}. */
  readonly emitsChangedRows?: boolean;
}

/** How an operator will drive a function: whether it retracts rows. */
export interface AggregateCreateOptions {
  /** The operator calls `retract` (retract input, sliding OVER frames). */
  readonly retraction?: boolean;
  /** Where the call is written, for the function's run-time errors. */
  readonly pos?: SourcePos;
}

/** An aggregate call together with its definition, as operators receive it. */
export interface BoundAggregateCall extends AggregateCall {
  readonly definition: AggregateFunctionDefinition;
}
