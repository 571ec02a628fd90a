/**
 * Builds the logical plan of a query from its syntax tree: resolves tables, views and CTEs,
 * expands a table's computed columns and watermark above its scan, and types every
 * expression. Projections, filters, VALUES and UNION ALL are planned here; each streaming
 * operator family plans its own constructs from its folder (`buildAggregateSelect`,
 * `buildOverSelect`, `buildWindowTvf`, `buildJoin`, `buildSubqueryFilter`).
 */
import type {
  Expr,
  FromItem,
  Query,
  QueryBody,
  Select,
  SelectItem,
  SourcePos,
  SqlHint,
} from '../parser/ast.js';
import { unsupported, validationError } from '../errors.js';
import type { Catalog, CatalogTable } from '../catalog/catalog.js';
import {
  branchNeedsCast,
  commonType,
  formatType,
  type SqlType,
  withNullability,
  withoutTimeAttribute,
} from '../catalog/types.js';
import { noteStarExpansion, withoutStarRecording } from '../catalog/star-expansions.js';
import { compileExpression } from '../expressions/compiler.js';
import { call, field, fieldsOf, type Rex } from '../expressions/rex.js';
import { AGGREGATES, typeCondition, typeExpression } from '../expressions/typer.js';
import {
  filter,
  type LogicalNode,
  type PlanColumn,
  project,
  scan,
  union,
  values,
  watermarkAssigner,
} from './logical.js';
import { ColumnScope, type ScopeColumn, scopeOf, starColumns } from './scope.js';
import { aggregate } from './aggregate/aggregate-nodes.js';
import { buildAggregateSelect } from './aggregate/build-aggregate.js';
import { buildSetOperation } from './set-operations.js';
import {
  buildGroupingSetsSelect,
  isGroupingConstruct,
  withConstantGrouping,
} from './aggregate/grouping-sets.js';
import { buildJoin } from './join/build-join.js';
import { settleCrossJoins } from './join/join-time-attributes.js';
import { buildSubqueryFilter } from './join/build-subquery.js';
import { joinGroupKeySubqueries } from './join/group-key-subquery.js';
import { joinScalarSubqueries } from './join/scalar-subquery.js';
import { buildOrderByLimit } from './over/build-order-limit.js';
import { buildTemporalSort } from './sort/build-temporal-sort.js';
import { buildMatch } from './match/build-match.js';
import { buildOverSelect } from './over/build-over.js';
import { containsAggregate, containsOver, containsSubquery } from './syntax-search.js';
import { groupWindowSelect } from './window/build-group-window.js';
import { refuseOptionsOnView, tableWithHints } from './hints/dynamic-options.js';
import { hintedAggregate } from './hints/operator-hints.js';
import { withQueryBlock } from './hints/query-block.js';
import { buildWindowTvf } from './window/build-window-tvf.js';

/**
 * The views whose queries are being planned now (planning is synchronous), each with where the
 * statement being planned names it: an error inside a view's text must point into the statement.
 */
const expandingViews = new Map<object, SourcePos>();

/** A plan and the columns it exposes to the enclosing query, with their qualifiers. */
export interface Relation {
  readonly plan: LogicalNode;
  readonly scope: ScopeColumn[];
}

/** Builds logical plans against a catalog. */
export class PlanBuilder {
  constructor(
    readonly catalog: Catalog,
    /** Common table expressions in scope, innermost last. */
    private readonly ctes: ReadonlyMap<string, Query> = new Map(),
  ) {}

  /** The plan of a query. */
  query(q: Query): LogicalNode {
    let builder: PlanBuilder = this;
    if (q.with.length > 0) {
      const ctes = new Map(this.ctes);
      for (const cte of q.with) {
        if (cte.columns.length > 0)
          throw unsupported(q.pos, 'column lists on WITH queries', 'alias the columns in the query');
        ctes.set(cte.name, cte.query);
      }
      builder = new PlanBuilder(this.catalog, ctes);
    }
    const body = builder.body(q.body);
    return buildTemporalSort(q, body) ?? buildOrderByLimit(q, body);
  }

  private body(body: QueryBody): LogicalNode {
    switch (body.kind) {
      case 'query':
        return this.query(body);
      case 'select':
        return this.select(body);
      case 'values':
        return this.values(body.rows, body.pos);
      case 'setOp': {
        if (body.op !== 'UNION')
          return buildSetOperation(
            body.op,
            body.all,
            this.body(body.left),
            this.body(body.right),
            body.pos,
            (l, r) => this.unionAll(l, r, body.pos),
          );
        const all = this.unionAll(this.body(body.left), this.body(body.right), body.pos);
        // UNION without ALL: a GROUP BY of every column over UNION ALL, as SELECT DISTINCT is.
        return body.all
          ? all
          : aggregate(
              all,
              all.columns.map((c) => c.name),
              [],
            );
      }
    }
  }

  /**
   * Both inputs' rows under the left input's column names, each column widened to the type
   * both sides share: rows are keyed by name, so the right side is renamed where it differs.
   */
  private unionAll(left: LogicalNode, right: LogicalNode, pos: SourcePos): LogicalNode {
    if (left.columns.length !== right.columns.length)
      throw validationError(
        pos,
        `UNION ALL inputs have ${left.columns.length} and ${right.columns.length} columns; they need the same number`,
      );
    const columns = left.columns.map((l, i) => {
      const r = right.columns[i]!;
      const type = commonType(l.type, r.type);
      if (type === undefined)
        throw validationError(
          pos,
          `UNION ALL column ${i + 1} ('${l.name}') is ${formatType(l.type)} on the left and ${formatType(r.type)} on the right`,
        );
      return {
        name: l.name,
        type: unionTimeAttribute(l.type, r.type, type),
      };
    });
    const conform = (input: LogicalNode): LogicalNode => {
      const same = input.columns.every(
        (c, i) => c.name === columns[i]!.name && c.type.root === columns[i]!.type.root,
      );
      if (same) return input;
      return project(
        input,
        input.columns.map((c, i) => {
          const target = columns[i]!;
          const rex = field(c.name, c.type);
          return {
            name: target.name,
            rex: c.type.root === target.type.root ? rex : call('CAST', [rex], target.type),
          };
        }),
      );
    };
    const inputs = [left, right]
      .flatMap((input) => (input.kind === 'union' ? input.inputs : [input]))
      .map(conform);
    return union(inputs, columns);
  }

  private values(rows: readonly (readonly Expr[])[], pos: SourcePos): LogicalNode {
    const empty = new ColumnScope([]);
    const typed = rows.map((row) => row.map((e) => typeExpression(e, empty)));
    const width = typed[0]!.length;
    const columns: PlanColumn[] = [];
    for (let i = 0; i < width; i++) {
      let type = typed[0]![i]!.type;
      for (const row of typed) {
        if (row.length !== width)
          throw validationError(pos, `VALUES rows have different lengths (${width} and ${row.length})`);
        const next = commonType(type, row[i]!.type);
        if (next === undefined)
          throw validationError(
            pos,
            `VALUES column ${i + 1} mixes ${formatType(type)} and ${formatType(row[i]!.type)}`,
          );
        type = next;
      }
      columns.push({ name: `EXPR$${i}`, type });
    }
    // Constant expressions (CAST(NULL AS STRING), -1, 'a' || 'b') are folded now.
    const constant = (rex: Rex, at: SourcePos) => {
      if (rex.kind === 'literal') return rex.value;
      if (fieldsOf(rex).size > 0) throw unsupported(at, 'column references in VALUES');
      return compileExpression(rex)({});
    };
    // A TIMESTAMP in a TIMESTAMP_LTZ column becomes one; other values are held as their column's.
    const conformed = (r: Rex, type: SqlType): Rex =>
      branchNeedsCast(r.type, type) ? call('CAST', [r], withNullability(type, r.type.nullable)) : r;
    return values(
      typed.map((row) => row.map((r, i) => constant(conformed(r, columns[i]!.type), pos))),
      columns,
    );
  }

  /** {@link projectItems}, for operator families' builders, which cannot import it without a cycle. */
  projectItems(items: readonly SelectItem[], input: Relation): LogicalNode {
    return projectItems(items, input);
  }

  /** {@link buildAggregateSelect}, for subquery planners, which cannot import it without a cycle. */
  aggregateSelect(select: Select, input: Relation): LogicalNode {
    return buildAggregateSelect(select, input, this);
  }

  /** {@link buildSubqueryFilter}, for subquery planners, which cannot import it without a cycle. */
  subqueryFilter(where: Expr, input: Relation): LogicalNode {
    return buildSubqueryFilter(where, input, this);
  }

  /** Whether a function name is an aggregate: built-in or user-defined. */
  isAggregate(name: string): boolean {
    return AGGREGATES.has(name) || this.catalog.functions.aggregate(name) !== undefined;
  }

  private select(s: Select): LogicalNode {
    return withQueryBlock(s, () => this.selectBlock(s));
  }

  /**
   * A SELECT planned over `input` in place of its FROM clause: a subquery decorrelated over a
   * domain reads its inner rows joined with the outer values, which no FROM clause names.
   */
  selectOver(s: Select, input: Relation): LogicalNode {
    return withQueryBlock(s, () => this.selectBlock(s, input));
  }

  private selectBlock(s: Select, from?: Relation): LogicalNode {
    const unsettled: Relation =
      from ?? (s.from === undefined ? { plan: values([[]], []), scope: [] } : this.from(s.from));
    let input = unsettled;
    if (s.where !== undefined) {
      checkNoAggregate(s.where, 'WHERE');
      if (containsSubquery(s.where)) {
        input = { plan: buildSubqueryFilter(s.where, unsettled, this), scope: unsettled.scope };
      } else {
        const where = typeCondition(s.where, new ColumnScope(unsettled.scope), 'WHERE');
        // A comma join's WHERE decides whether it is a regular join, without time attributes.
        const from = settleCrossJoins(unsettled, where);
        input = { plan: filter(from.plan, where), scope: from.scope };
      }
    } else input = settleCrossJoins(unsettled, undefined);
    const aggregating =
      s.distinct ||
      s.groupBy.length > 0 ||
      s.having !== undefined ||
      s.items.some((item) => containsAggregate(item.expr, (name) => this.isAggregate(name)));
    if (aggregating) {
      // A GROUP BY key's subquery reads input rows: it is joined below the aggregate.
      const keyed = s.groupBy.some(containsSubquery)
        ? joinGroupKeySubqueries(s, input, this)
        : { select: s, input };
      const grouped = keyed.select;
      input = keyed.input;
      // GROUP BY SESSION(ts, gap) and its siblings group a windowing table function's rows.
      if (grouped.groupBy.some(isGroupingConstruct)) return buildGroupingSetsSelect(grouped, input, this);
      // GROUPING(a) under a plain GROUP BY is 0.
      const plain = withConstantGrouping(grouped, input);
      const windowed = groupWindowSelect(plain, input);
      const planned = buildAggregateSelect(windowed?.select ?? plain, windowed?.input ?? input, this);
      return hintedAggregate(planned, s.from, input.plan);
    }
    // The joined subquery's column would name the item; it keeps the name of its expression.
    const named = s.items.map((item, i) =>
      item.alias !== undefined || item.expr.kind === 'star' || !containsSubquery(item.expr)
        ? item
        : { ...item, alias: defaultName(item.expr, i) },
    );
    if (s.windows.length > 0 || s.items.some((item) => containsOver(item.expr)))
      return buildOverSelect({ ...s, items: named }, input, this);
    if (s.items.some((item) => containsSubquery(item.expr))) {
      const joined = joinScalarSubqueries(named, input, this);
      return projectItems(joined.node, joined.input);
    }
    return projectItems(s.items, input);
  }

  /** A FROM item's relation: table, view, CTE, subquery, windowing table function or join. */
  from(item: FromItem): Relation {
    switch (item.kind) {
      case 'tableRef': {
        if (item.systemTimeAsOf !== undefined)
          throw validationError(
            item.pos,
            'FOR SYSTEM_TIME AS OF applies to the right side of a join: … JOIN r FOR SYSTEM_TIME AS OF l.ts ON …',
          );
        const qualifier = item.alias ?? item.name[item.name.length - 1]!;
        const plan = this.named(item.name, item.pos, item.hints);
        return { plan, scope: renamed(scopeOf(plan.columns, qualifier), item.columnAliases, item.pos) };
      }
      case 'subqueryRef': {
        const plan = this.query(item.query);
        return { plan, scope: renamed(scopeOf(plan.columns, item.alias), item.columnAliases, item.pos) };
      }
      case 'tvf':
        return buildWindowTvf(item, this);
      case 'matchRecognize':
        return buildMatch(item, this);
      case 'join':
        return buildJoin(item, this);
      case 'lateral':
        throw validationError(
          item.pos,
          'LATERAL TABLE needs rows to its left: FROM t, LATERAL TABLE(f(t.x)) AS r(y)',
        );
    }
  }

  /** A table, view or CTE by name, with the table hints after its name (OPTIONS). */
  named(path: readonly string[], pos: SourcePos, hints?: readonly SqlHint[]): LogicalNode {
    if (path.length === 1 && this.ctes.has(path[0]!)) {
      refuseOptionsOnView(path[0]!, hints);
      return new PlanBuilder(this.catalog, new Map()).query(this.ctes.get(path[0]!)!);
    }
    const object = this.catalog.lookup(path, pos);
    if (object.kind === 'view') {
      refuseOptionsOnView(object.name, hints);
      if (object.plan !== undefined) return object.plan as LogicalNode;
      // A temporary view may shadow the view its own query reads: expanding it again would
      // never end.
      if (expandingViews.has(object))
        throw validationError(
          expandingViews.values().next().value ?? pos,
          `view '${object.name}' reads itself (a temporary view shadowing the object its query names); give the view another name`,
        );
      expandingViews.set(object, pos);
      let plan: LogicalNode;
      try {
        // Names in the view's query resolve where the view was created, not where it is used.
        // Its stars are the view's own, not part of a view being created over it.
        plan = withoutStarRecording(() =>
          this.catalog.within(object.context, () => new PlanBuilder(this.catalog).query(object.query)),
        );
      } finally {
        expandingViews.delete(object);
      }
      if (object.columnNames.length === 0) return plan;
      return project(
        plan,
        plan.columns.map((c, i) => ({ name: object.columnNames[i]!, rex: field(c.name, c.type) })),
      );
    }
    return tablePlan(tableWithHints(object, hints), pos);
  }
}

/**
 * The projection of a select list over a relation: `*` and `t.*` expand to the relation's
 * columns, each item is typed in its scope, and output names are made unique (`a`, `a0`).
 */
export function projectItems(items: readonly SelectItem[], input: Relation): LogicalNode {
  const scope = new ColumnScope(input.scope);
  const plan = input.plan;
  const projections: { name: string; rex: Rex }[] = [];
  const used = new Set<string>();
  const add = (name: string, rex: Rex): string => {
    let unique = name;
    for (let i = 0; used.has(unique); i++) unique = `${name}${i}`;
    used.add(unique);
    projections.push({ name: unique, rex });
    return unique;
  };
  items.forEach((item, index) => {
    if (item.expr.kind === 'star') {
      const qualifier = item.expr.qualifier;
      const columns = starColumns(input.scope, qualifier);
      if (columns.length === 0)
        throw validationError(item.pos, `'${qualifier.join('.')}.*' matches no table in FROM`);
      const expanded = columns.map((c) => ({
        qualifier: c.qualifier,
        name: c.name,
        output: add(c.name, field(c.internal, c.type)),
      }));
      noteStarExpansion(item.expr, expanded, input.scope);
      return;
    }
    checkNoAggregate(item.expr, 'the select list');
    const rex = typeExpression(item.expr, scope);
    add(item.alias ?? defaultName(item.expr, index), rex);
  });
  return project(plan, projections);
}

/** Scan, then computed columns, then the watermark: how a table enters a plan. */
export function tablePlan(table: CatalogTable, pos?: SourcePos): LogicalNode {
  const physical = table.columns.filter((c) => c.computed === undefined);
  let plan: LogicalNode = scan(
    table,
    physical.map((c) => ({ name: c.name, type: withoutTimeAttribute(c.type) })),
    pos,
  );
  if (physical.length !== table.columns.length) {
    plan = project(
      plan,
      table.columns.map((c) => ({
        name: c.name,
        rex: c.computed?.rex ?? field(c.name, withoutTimeAttribute(c.type)),
      })),
    );
  }
  if (table.watermark !== undefined) {
    plan = watermarkAssigner(plan, table.watermark.column, table.watermark.rex);
    // The rowtime column carries the *ROWTIME* marker from here on.
    plan = Object.freeze({ ...plan, columns: table.columns.map((c) => ({ name: c.name, type: c.type })) });
  }
  return plan;
}

function renamed(scope: ScopeColumn[], aliases: readonly string[], pos: SourcePos): ScopeColumn[] {
  if (aliases.length === 0) return scope;
  if (aliases.length !== scope.length)
    throw validationError(pos, `${aliases.length} column aliases given for ${scope.length} columns`);
  return scope.map((c, i) => ({ ...c, name: aliases[i]! }));
}

/** Calcite's names for unnamed select items: the column's name, or EXPR$n. */
function defaultName(expr: Expr, index: number): string {
  if (expr.kind === 'column') return expr.path[expr.path.length - 1]!;
  return `EXPR$${index}`;
}

function checkNoAggregate(expr: Expr, clause: string): void {
  const visit = (e: unknown): void => {
    if (e === null || typeof e !== 'object') return;
    const node = e as { kind?: string; name?: string; over?: unknown; pos?: SourcePos };
    // A subquery's aggregates belong to the subquery (`x IN (SELECT k … HAVING COUNT(*) > 1)`).
    if (node.kind === 'query') return;
    if (node.kind === 'call' && node.over !== undefined)
      throw validationError(
        node.pos,
        `${node.name}(…) OVER is not allowed in ${clause}; compute it in a subquery and filter its result`,
      );
    if (node.kind === 'call' && AGGREGATES.has(node.name!))
      throw validationError(
        node.pos,
        clause === 'WHERE'
          ? `aggregate function ${node.name} is not allowed in WHERE; use HAVING`
          : `aggregate function ${node.name} is not allowed in ${clause}`,
      );
    for (const value of Object.values(node)) if (typeof value === 'object') visit(value);
  };
  visit(expr);
}

/** The output columns of a query, for CREATE VIEW and DESCRIBE. */
export function columnsOf(plan: LogicalNode): readonly PlanColumn[] {
  return plan.columns;
}

/**
 * The type of a UNION ALL column: `common`, a rowtime (or proctime) attribute when the column is
 * one in both inputs, as in Flink; mixed with a plain timestamp, or with the other kind, it is a
 * plain timestamp. Rows of the inputs may be stamped by different times: a window over the
 * column restamps them when needed (`window/record-time.ts`).
 */
function unionTimeAttribute(left: SqlType, right: SqlType, common: SqlType): SqlType {
  if (left.root !== right.root) return common;
  if (left.rowtime && right.rowtime) return Object.freeze({ ...common, rowtime: true });
  if (left.proctime && right.proctime) return Object.freeze({ ...common, proctime: true });
  return common;
}
