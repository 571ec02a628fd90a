/**
 * User-defined functions for SQL, written in TypeScript: scalar functions (one value per call),
 * table functions (any number of rows per call, used with `LATERAL TABLE`) and aggregate
 * functions (one value per group). They are registered on a TableEnvironment with
 * `createTemporarySystemFunction(name, fn)` or `createTemporaryFunction(name, fn)`, as in Flink,
 * or created by SQL: `CREATE FUNCTION f AS 'udfs.ts#F' LANGUAGE TYPESCRIPT`, or a Java class name
 * bound with `registerFunctionClass` (see create-function.ts).
 *
 * Types are declared as SQL type strings, since TypeScript types are gone at run time:
 * `resultType` (required) and `argumentTypes` (optional). With `argumentTypes`, each call is
 * checked at planning time: an argument must be assignable to the declared type (INT to
 * BIGINT, CHAR to STRING…); a mismatch or a wrong argument count is a one-line error with the
 * call's position. Without `argumentTypes`, any types are accepted and only the count is
 * checked against `eval.length` (the parameters before any default or rest parameter).
 *
 * Null handling is Flink's: `eval` is called with SQL NULL arguments as `null` (functions are
 * not strict), and returns `null` (or `undefined`) for a NULL result; results are nullable,
 * except a scalar function's declared `NOT NULL` (`resultType: 'BIGINT NOT NULL'`), which the
 * planner relies on and every result is checked against: a null fails the job naming the function.
 *
 * Instances: each parallel operator instance works on its own copy of the function object
 * (own fields copied onto an object with the same prototype, as DataStream functions are), so
 * fields set in `open` are per instance; `open` is called before the first row and `close`
 * after the last. Accumulators are checkpointed state: keep them plain data (objects, arrays,
 * numbers, strings), not class instances.
 *
 * Worker threads: a job file is loaded again in every worker, so functions it registers exist
 * there too; functions registered elsewhere (a REPL, say) run only on the submitting thread.
 *
 * @example
 * tEnv.createTemporarySystemFunction('plus_one', { eval: (x: number | null) => (x === null ? null : x + 1), resultType: 'BIGINT', argumentTypes: ['BIGINT'] });
 * class Split extends TableFunction {
 *   resultType = 'ROW<word STRING, len INT>';
 *   eval(s: string | null) { for (const w of s?.split(' ') ?? []) this.collect({ word: w, len: w.length }); }
 * }
 * tEnv.createTemporarySystemFunction('split', new Split());
 * tEnv.executeSql('SELECT t.id, w.word FROM t, LATERAL TABLE(split(t.s)) AS w(word, len)');
 */

/**
 * What `open` receives: where the function instance runs. Undefined where the operator does
 * not say (aggregate functions are opened by the aggregate operators' contract, which has no
 * context, and are never closed).
 */
export interface FunctionContext {
  /** The parallel instance this copy of the function belongs to, from 0. */
  readonly subtaskIndex: number | undefined;
  /** How many parallel instances the operator has. */
  readonly parallelism: number | undefined;
}

/** Lifecycle hooks every kind of user-defined function may have. */
export interface UserFunctionLifecycle {
  /** Called once per operator instance before the first row. */
  open?(context: FunctionContext): void;
  /** Called once per operator instance after the last row. */
  close?(): void;
}

/**
 * A scalar function as a plain object: `{ eval: (a, b) => …, resultType: 'BIGINT' }`. The
 * same shape as the {@link ScalarFunction} class.
 */
export interface ScalarFunctionSpec extends UserFunctionLifecycle {
  readonly kind?: 'scalar';
  /** Computes the result from the arguments, which may be null. */
  eval(...args: never[]): unknown;
  /**
   * The SQL type of the result, e.g. `'BIGINT'`, `'STRING'`, `'ROW<a INT, b STRING>'`; with
   * `NOT NULL` (`'BIGINT NOT NULL'`) a null result fails the job.
   */
  readonly resultType: string;
  /** The SQL types of the arguments; when given, calls are type-checked against them. */
  readonly argumentTypes?: readonly string[];
  /**
   * Whether the same arguments always give the same result (default true). A
   * non-deterministic function is not moved or duplicated by the optimizer's rewrites.
   */
  readonly deterministic?: boolean;
}

/**
 * Base class for scalar functions, as Flink's `ScalarFunction`: subclasses define `eval` and
 * `resultType`, and may add any member of {@link ScalarFunctionSpec} (`argumentTypes`,
 * `deterministic`, `open`, `close`).
 */
export abstract class ScalarFunction implements ScalarFunctionSpec {
  readonly kind = 'scalar' as const;
  abstract eval(...args: never[]): unknown;
  abstract readonly resultType: string;
}

/**
 * A table function as a plain object: `eval` returns an iterable of rows (an array, or a
 * generator with `*eval`). A {@link TableFunction} subclass may instead call `this.collect(row)`.
 * A row is an object keyed by the field names of `resultType`, an array of field values in
 * order, or, when `resultType` is not a ROW, the single value itself.
 */
export interface TableFunctionSpec extends UserFunctionLifecycle {
  /** Marks a plain object as a table function (a {@link TableFunction} subclass needs no mark). */
  readonly kind: 'table';
  eval(...args: never[]): Iterable<unknown> | undefined | void;
  /** The SQL type of one output row, e.g. `'ROW<word STRING, len INT>'`, or one column's type. */
  readonly resultType: string;
  readonly argumentTypes?: readonly string[];
  readonly deterministic?: boolean;
}

/**
 * Base class for table functions, as Flink's `TableFunction`: `eval` calls `this.collect(row)`
 * for each output row (or returns an iterable of rows).
 */
export abstract class TableFunction implements TableFunctionSpec {
  readonly kind = 'table' as const;
  abstract eval(...args: never[]): Iterable<unknown> | undefined | void;
  abstract readonly resultType: string;
  private collector: ((row: unknown) => void) | undefined;

  /** Emits one output row of the current `eval` call. */
  protected collect(row: unknown): void {
    if (this.collector === undefined) throw new Error('TableFunction.collect may only be called during eval');
    this.collector(row);
  }

  /** @internal the runtime routes `collect` to the current input row's output */
  setCollector(collector: ((row: unknown) => void) | undefined): void {
    this.collector = collector;
  }
}

/**
 * An aggregate function, as Flink's `AggregateFunction` (named apart from the DataStream API's
 * `AggregateFunction`). `accumulate` (and `retract`) either change the accumulator in place
 * (Flink's style) or return a new one; `getValue` gives the SQL result.
 *
 * @example
 * const weightedAvg: UserDefinedAggregateFunction<{ sum: number; count: number }> = {
 *   createAccumulator: () => ({ sum: 0, count: 0 }),
 *   accumulate(acc, value: number | null, weight: number | null) { if (value !== null && weight !== null) { acc.sum += value * weight; acc.count += weight; } },
 *   retract(acc, value: number | null, weight: number | null) { if (value !== null && weight !== null) { acc.sum -= value * weight; acc.count -= weight; } },
 *   getValue: (acc) => (acc.count === 0 ? null : acc.sum / acc.count),
 *   resultType: 'DOUBLE',
 *   argumentTypes: ['DOUBLE', 'BIGINT'],
 * };
 */
export interface UserDefinedAggregateFunction<Acc = unknown> extends UserFunctionLifecycle {
  readonly kind?: 'aggregate';
  /** A new, empty accumulator: plain data, since it is held in checkpointed state. */
  createAccumulator(): Acc;
  /** Adds one row's arguments (which may be null); may return a new accumulator. */
  accumulate(acc: Acc, ...args: never[]): Acc | undefined | void;
  /**
   * Removes a row added before. Without it the function cannot aggregate updating input (a
   * GROUP BY over a changelog, say), and planning says so.
   */
  retract?(acc: Acc, ...args: never[]): Acc | undefined | void;
  /** Folds `other` into `acc` (session windows, sliding-window slices); may return a new one. */
  merge?(acc: Acc, other: Acc): Acc | undefined | void;
  /** The SQL value of the accumulator. */
  getValue(acc: Acc): unknown;
  readonly resultType: string;
  readonly argumentTypes?: readonly string[];
  /** The accumulator's SQL type, for documentation and validation; the state keeps the value as is. */
  readonly accumulatorType?: string;
  /**
   * Set by `TableAggregateFunction`: the value is the ARRAY of the rows the function
   * emits, so the Table API's `flatAggregate` runs it and `aggregate` refuses it, as Flink does.
   */
  readonly tableAggregate?: boolean;
  /**
   * A `TableAggregateFunction`'s incremental emission: the rows that changed since the last
   * one, earlier rows retracted (see `table-aggregate-function.ts`).
   */
  emitUpdateWithRetract?(acc: Acc, out: { collect(row: unknown): void; retract(row: unknown): void }): void;
}

/** Anything `createTemporarySystemFunction` accepts. */
export type UserDefinedFunction = ScalarFunctionSpec | TableFunctionSpec | UserDefinedAggregateFunction<any>;

/** Which kind of function an object is: aggregate if it accumulates, table if marked so, else scalar. */
export function functionKind(fn: UserDefinedFunction): 'scalar' | 'table' | 'aggregate' {
  if (fn instanceof TableFunction || fn.kind === 'table') return 'table';
  if (fn.kind === 'aggregate' || typeof (fn as { accumulate?: unknown }).accumulate === 'function')
    return 'aggregate';
  return 'scalar';
}
