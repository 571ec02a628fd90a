/**
 * Plans the SQL a Table API query stands for with the SQL layer's own builder. A table that
 * came from `sqlQuery`, `fromDataStream` or an earlier plan has no name in the catalog; the
 * Table API's SQL names it with an internal name, which this builder resolves to its plan, as
 * a view holding a plan resolves.
 */
import { ErrorCodes, WeirError } from '../../types/errors.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Query, SourcePos } from '../parser/ast.js';
import { parseStatement } from '../parser/parse.js';
import { PlanBuilder } from '../planner/builder.js';
import type { LogicalNode } from '../planner/logical.js';

/** Tables without a catalog name, by the internal names the Table API's SQL gives them. */
export type UnnamedTables = ReadonlyMap<string, LogicalNode>;

/** A {@link PlanBuilder} that also resolves the Table API's unnamed tables. */
export class TableApiPlanBuilder extends PlanBuilder {
  constructor(
    catalog: Catalog,
    private readonly unnamed: UnnamedTables,
  ) {
    super(catalog);
  }

  override named(path: readonly string[], pos: SourcePos): LogicalNode {
    const plan = path.length === 1 ? this.unnamed.get(path[0]!) : undefined;
    return plan ?? super.named(path, pos);
  }
}

/** The syntax tree of a query the Table API wrote. */
export function parseQuery(sql: string): Query {
  const statement = parseStatement(sql);
  if (statement.kind !== 'queryStatement')
    throw new WeirError(ErrorCodes.INTERNAL, `the Table API wrote a statement that is not a query: ${sql}`, {
      domain: 'internal',
    });
  return statement.query;
}
