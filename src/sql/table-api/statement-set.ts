/**
 * `StatementSet`: INSERTs gathered to run as one job, as Flink's interface of this name and
 * `EXECUTE STATEMENT SET BEGIN … END`. The set plans its INSERTs together, so a table several
 * of them read is scanned once and feeds them all.
 *
 * Each INSERT is checked when it is added (unknown tables, column counts and types), as Flink
 * converts it then. `execute()` submits the job and empties the set, which can then gather
 * the INSERTs of another job; executing or explaining an empty set is an error.
 *
 * @example
 * const set = tEnv.createStatementSet();
 * set.addInsertSql('INSERT INTO big SELECT * FROM orders WHERE price > 100');
 * set.addInsert('all_orders', tEnv.sqlQuery('SELECT * FROM orders'));
 * await set.execute().await();
 */
import { validationError } from '../errors.js';
import type { LogicalNode } from '../planner/logical.js';
import type { Table } from '../table.js';
import type { CompiledPlan } from '../compiled-plan/compiled-plan.js';
import type { TableResult } from '../table-result.js';
import type { TableDescriptor } from './table-descriptor.js';

/** An INSERT planned for a job: its sink plan and the names its table goes by. */
export interface PlannedInsert {
  /** The logical plan, a sink at its root. */
  readonly plan: LogicalNode;
  /** The table's path as given, for the job's name. */
  readonly path: string;
  /** `catalog.database.table`, the result's column for this INSERT. */
  readonly target: string;
}

/** What a StatementSet needs from its TableEnvironment. */
export interface StatementSetOwner {
  /** @internal */
  planInsertSql(sql: string): PlannedInsert;
  /** @internal */
  planInsertInto(target: string | TableDescriptor, table: Table): PlannedInsert;
  /** @internal */
  explainInserts(inserts: readonly PlannedInsert[]): string;
  /** @internal */
  executeInserts(inserts: readonly PlannedInsert[]): TableResult;
  /** @internal */
  compileInsertsPlan(inserts: readonly PlannedInsert[]): CompiledPlan;
}

/** INSERTs to run together as one job; make one with `TableEnvironment.createStatementSet()`. */
export class StatementSet {
  private readonly inserts: PlannedInsert[] = [];

  /** @internal use `TableEnvironment.createStatementSet()` */
  constructor(private readonly owner: StatementSetOwner) {}

  /** Adds an `INSERT INTO table …` statement; any other statement is an error. */
  addInsertSql(sql: string): this {
    this.inserts.push(this.owner.planInsertSql(sql));
    return this;
  }

  /**
   * Adds an insert of `table`'s rows into the table at `target` (`t`, `db.t` or
   * `catalog.db.t`), or into an anonymous table `target` describes (its schema may be
   * omitted: it is then `table`'s).
   */
  addInsert(target: string | TableDescriptor, table: Table): this {
    this.inserts.push(this.owner.planInsertInto(target, table));
    return this;
  }

  /** The EXPLAIN text of the whole set, as `EXPLAIN STATEMENT SET BEGIN … END` prints it. */
  explain(): string {
    if (this.inserts.length === 0)
      throw validationError(
        undefined,
        'the statement set is empty, so there is nothing to explain; add an INSERT first',
      );
    return this.owner.explainInserts(this.inserts);
  }

  /**
   * The set's job as a {@link CompiledPlan}, as Flink's method of this name: to write to a file
   * and run later with `TableEnvironment.loadPlan`. The set keeps its INSERTs.
   */
  compilePlan(): CompiledPlan {
    if (this.inserts.length === 0)
      throw validationError(
        undefined,
        'the statement set is empty, so there is nothing to compile; add an INSERT first',
      );
    return this.owner.compileInsertsPlan(this.inserts);
  }

  /**
   * Submits the INSERTs as one job and empties the set (as Flink does, even when submitting
   * fails). The result has one column per INSERT; `await()` waits for the job to end.
   */
  execute(): TableResult {
    if (this.inserts.length === 0)
      throw validationError(
        undefined,
        'the statement set is empty (no operators defined in the topology); add an INSERT with addInsertSql or addInsert before execute()',
      );
    const inserts = this.inserts.splice(0);
    return this.owner.executeInserts(inserts);
  }
}
