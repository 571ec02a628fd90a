/**
 * `TablePipeline`, as Flink's interface of this name: the INSERT of a table's rows that
 * `Table.insertInto(target)` checks and plans at once, then runs, explains or compiles on demand.
 * Nothing runs until `execute()`; explaining and compiling, before or after it, read the plan
 * made by `insertInto`, so they agree with what runs.
 *
 * @example
 * const pipeline = tEnv.from('bids').where($('price').isGreater(10)).insertInto('big_bids');
 * pipeline.compilePlan().writeToFile('/plans/big-bids.json');
 * await pipeline.execute().await();
 */
import type { CompiledPlan } from '../compiled-plan/compiled-plan.js';
import type { TableResult } from '../table-result.js';

/** An INSERT of a table's rows, from `insertInto(target)`. */
export class TablePipeline {
  /** @internal */
  constructor(
    private readonly run: () => TableResult,
    private readonly plans: () => string,
    private readonly compile: () => CompiledPlan,
    private readonly sink: string | undefined,
  ) {}

  /**
   * The sink table's `catalog.database.table`, as Flink's `getSinkIdentifier`; `undefined` for
   * an anonymous table from a `TableDescriptor` (Flink's empty Optional).
   */
  getSinkIdentifier(): string | undefined {
    return this.sink;
  }

  /** Starts the job; the result's `await()` waits for it to finish. */
  execute(): TableResult {
    return this.run();
  }

  /** The EXPLAIN of the INSERT. */
  explain(): string {
    return this.plans();
  }

  /**
   * The INSERT's job as a {@link CompiledPlan}, as Flink's method of this name: the physical
   * plan `execute()` would run, fixed, to write to a file and run later with
   * `TableEnvironment.loadPlan`. A savepoint of the job that `execute()` or the INSERT's SQL
   * started restores into it.
   */
  compilePlan(): CompiledPlan {
    return this.compile();
  }
}
