/**
 * The query a Table stands for and how its operations are checked. A Table holds the SQL a user
 * would write for its chain (see `query-shape.ts`), planned once, when the table is used. Each
 * operation checks only its own step at once: the step's SQL over its input's plan, read under
 * an internal name, so a chain costs about what its SQL costs, yet a mistake fails at the
 * operation that made it.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { LogicalNode } from '../planner/logical.js';
import { withTableApiErrors } from './errors.js';
import { parseQuery, TableApiPlanBuilder, type UnnamedTables } from './plan-builder.js';
import { type QueryShape, selectFrom, shapeSql } from './query-shape.js';
import { collectingSubqueries } from './render.js';
import { quoteIdentifier } from './sql-text.js';

/** @internal SQL of the Table API, and the tables without a catalog name it reads. */
export interface TableQuery {
  readonly shape: QueryShape;
  readonly unnamed: UnnamedTables;
}

/** An operation's change to its input's query: the clause it adds. */
export type Step = (input: TableQuery) => QueryShape;

/**
 * How an operation's table was checked: its step planned, or, for a step the SQL layer cannot
 * run alone (an ORDER BY that a `fetch` after it may make a Top-N), deferred: its query over the
 * same input is kept for the next step to extend.
 */
export type StepCheck =
  | { readonly kind: 'planned'; readonly plan: LogicalNode }
  | { readonly kind: 'deferred'; readonly query: TableQuery };

/** The internal name a step reads its input's plan by; a join's two inputs get their own. */
export const INPUT = '$input';
/** The internal name of a join's or set operation's left input. */
export const LEFT = '$left';
/** The internal name of a join's or set operation's right input. */
export const RIGHT = '$right';

/** Runs a function with the catalog, as the session plans SQL (its functions, its time zone). */
export type InSession = <T>(fn: (catalog: Catalog) => T) => T;

/** Plans the query `q` as the Table API operation `op`, its errors named after `op`. */
export function planQuery(inSession: InSession, op: string, q: TableQuery): LogicalNode {
  const sql = shapeSql(q.shape);
  return withTableApiErrors(op, () =>
    inSession((catalog) => new TableApiPlanBuilder(catalog, q.unnamed).query(parseQuery(sql))),
  );
}

/** `SELECT * FROM name`, where `name` is `plan`'s internal name. */
export function readOf(name: string, plan: LogicalNode): TableQuery {
  return { shape: selectFrom(quoteIdentifier(name), 'table'), unnamed: new Map([[name, plan]]) };
}

/** `input` extended by `step`, with the unnamed tables its subqueries (`in(table)`) read. */
export function extended(input: TableQuery, step: Step): TableQuery {
  const [shape, read] = collectingSubqueries(() => step(input));
  return { shape, unnamed: withUnnamed(input.unnamed, read as UnnamedTables) };
}

/** The unnamed tables of several queries together; their names are unique per environment. */
export function withUnnamed(...maps: UnnamedTables[]): UnnamedTables {
  return maps.length === 1 || maps.slice(1).every((m) => m.size === 0)
    ? maps[0]!
    : new Map(maps.flatMap((m) => [...m]));
}

/**
 * The next internal name of a table without one, per environment: a job file run again on a
 * worker thread names its tables the same, so it meets the SQL text it parsed before.
 */
const unnamedCounts = new WeakMap<object, number>();

/** A new internal name for a table of `owner`'s without a catalog name: `$table$n`. */
export function nextUnnamedName(owner: object): string {
  const n = unnamedCounts.get(owner) ?? 0;
  unnamedCounts.set(owner, n + 1);
  return `$table$${n}`;
}
