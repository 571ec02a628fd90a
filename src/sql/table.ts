/**
 * `Table`: a query not yet run, as `sqlQuery` and `fromDataStream` return it. It can be
 * explained, executed, turned into a DataStream, or registered as a view for later SQL.
 */
import { formatType } from './catalog/types.js';
import type { LogicalNode } from './planner/logical.js';
import type { ResultColumn, TableResult } from './table-result.js';

/** What a Table needs from its environment. */
export interface TableOwner {
  /** @internal */
  explainTable(plan: LogicalNode): string;
  /** @internal */
  executeTable(plan: LogicalNode): TableResult;
}

/** A relational query over tables, views or DataStreams. */
export class Table {
  /** @internal */
  constructor(
    private readonly owner: TableOwner,
    /** @internal the logical plan as built */
    readonly plan: LogicalNode,
  ) {}

  /** The output columns with their SQL types. */
  getResolvedSchema(): ResultColumn[] {
    return this.plan.columns.map((c) => ({ name: c.name, type: formatType(c.type) }));
  }

  /** The logical, rewritten and physical plans, as EXPLAIN prints them. */
  explain(): string {
    return this.owner.explainTable(this.plan);
  }

  /** Runs the query; `collect()` on the result gathers its rows. */
  execute(): TableResult {
    return this.owner.executeTable(this.plan);
  }
}
