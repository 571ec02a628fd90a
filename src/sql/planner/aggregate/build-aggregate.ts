/**
 * Plans a SELECT that aggregates: `GROUP BY`, `HAVING`, `SELECT DISTINCT`, or aggregate calls
 * in the select list. Aggregate arguments and FILTER conditions are projected into columns
 * below the aggregate; the select list and HAVING are then typed against the aggregate's
 * output, with each aggregate call replaced by its result column.
 *
 * The replacement works on the syntax tree: every aggregate call, and every expression that
 * types to the same thing as a GROUP BY key (`t.a` for `GROUP BY a`), becomes a reference to a
 * column of the aggregate, and the rewritten expression is typed in a scope that holds only
 * those columns. Any other name resolves in the FROM clause first, as in Calcite: a FROM column
 * left over is neither grouped nor aggregated and is refused by name, and only a name the FROM
 * clause lacks reads the aggregate's output. As in standard SQL (and Flink), GROUP BY sees the
 * FROM clause's columns, not the select list's aliases.
 */
import type { Call, ColumnRef, Expr, Select, SelectItem, SourcePos } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { lookupAggregate, unsupportedAggregateHint } from '../../aggregates/builtins.js';
import { withoutTimeAttribute } from '../../catalog/types.js';
import { noteStarExpansion } from '../../catalog/star-expansions.js';
import { field, type Rex } from '../../expressions/rex.js';
import { AGGREGATES, type Scope, typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { filter, type LogicalNode, project } from '../logical.js';
import { ColumnScope, notGroupedError, type ScopeColumn, starColumns } from '../scope.js';
import { containsAggregate, containsOver, containsSubquery } from '../syntax-search.js';
import {
  checkGroupedOuterColumns,
  groupedOuterScope,
  joinArgumentSubqueries,
} from '../join/grouped-subquery.js';
import { joinScalarSubqueries } from '../join/scalar-subquery.js';
import { withWindowTimeAttribute } from '../window/window-time-attribute.js';
import { aggregate } from './aggregate-nodes.js';

/** A typed expression's identity, without source positions: `t.a` and `a` may share one. */
const rexKey = (rex: Rex) => JSON.stringify(rex, (k, v) => (k === 'pos' ? undefined : v));

/** The plan of an aggregating SELECT whose FROM and WHERE are already planned as `input`. */
export function buildAggregateSelect(
  original: Select,
  unjoined: Relation,
  builder: PlanBuilder,
): LogicalNode {
  const isAggregate = (name: string) =>
    AGGREGATES.has(name) || lookupAggregate(name, builder.catalog.functions) !== undefined;
  let select = original;
  let input = unjoined;
  if (hasSubquery(select)) {
    // A subquery in an aggregate's argument reads input rows: it is joined below the aggregate.
    const joined = joinArgumentSubqueries(
      { items: select.items, having: select.having },
      input,
      builder,
      isAggregate,
    );
    select = { ...select, items: joined.node.items, having: joined.node.having };
    input = joined.input;
  }
  const grouping =
    select.groupBy.length > 0 ||
    select.having !== undefined ||
    select.items.some((item) => containsAggregate(item.expr, isAggregate));
  const distinctOnly = (): LogicalNode => {
    // SELECT DISTINCT without aggregates: a subquery reads each input row, as without DISTINCT.
    const joined = joinScalarSubqueries(select.items, input, builder);
    return projectSelect(
      joined.node,
      joined.input.plan,
      input.scope,
      new ColumnScope(joined.input.scope),
      (c) => field(c.internal, c.type),
    );
  };
  const plan = grouping ? new AggregateBuilder(select, input, builder, isAggregate).build() : distinctOnly();
  if (!select.distinct) return plan;
  // SELECT DISTINCT: a GROUP BY of every selected column, without calls.
  return aggregate(
    plan,
    plan.columns.map((c) => c.name),
    [],
  );
}

/** Whether a select list or HAVING holds a subquery. */
function hasSubquery(s: {
  readonly items: readonly { readonly expr: Expr }[];
  readonly having?: Expr;
}): boolean {
  return (
    s.items.some((i) => i.expr.kind !== 'star' && containsSubquery(i.expr)) ||
    (s.having !== undefined && containsSubquery(s.having))
  );
}

/** One step of planning a grouped SELECT; holds the columns made so far. */
class AggregateBuilder {
  private readonly inputScope: ColumnScope;
  /** Columns of the projection below the aggregate, by name. */
  private readonly below = new Map<string, Rex>();
  private readonly belowByKey = new Map<string, string>();
  private readonly keys: { name: string; key: string }[] = [];
  private readonly calls: BoundAggregateCall[] = [];
  private readonly callByKey = new Map<string, BoundAggregateCall>();
  private readonly after: ScopeColumn[] = [];

  constructor(
    private readonly select: Select,
    private readonly input: Relation,
    private readonly builder: PlanBuilder,
    private readonly isAggregate: (name: string) => boolean,
  ) {
    this.inputScope = new ColumnScope(input.scope);
  }

  build(): LogicalNode {
    const { select } = this;
    for (const item of select.items)
      if (containsOver(item.expr))
        throw unsupported(
          item.pos,
          'OVER in a query with GROUP BY',
          'aggregate in a subquery and apply OVER to its result',
        );
    // GROUP BY (a, b) groups by a and b, as in Calcite; () adds no key.
    for (const expr of select.groupBy)
      for (const key of expr.kind === 'row' ? expr.items : [expr]) this.addKey(key);
    // Aggregate calls in the order they appear: select list, then HAVING.
    const rewrittenItems = select.items.map((item) => ({
      item,
      expr: item.expr.kind === 'star' ? item.expr : this.rewrite(item.expr, `the select list`, item),
    }));
    const having = select.having === undefined ? undefined : this.rewrite(select.having, 'HAVING');
    const columns = [...this.below].map(([name, rex]) => ({ name, rex }));
    const aggregated = withWindowTimeAttribute(
      aggregate(
        project(this.input.plan, columns),
        this.keys.map((k) => k.name),
        this.calls,
      ),
    );
    // A window aggregate's window_time stays a rowtime attribute (see window-time-attribute.ts).
    for (const [i, c] of this.after.entries()) {
      const type = aggregated.columns.find((a) => a.name === c.internal)?.type;
      if (type?.rowtime && !c.type.rowtime) this.after[i] = { ...c, type };
    }
    let plan: LogicalNode = aggregated;
    let items = rewrittenItems;
    let condition = having;
    let subqueryColumns: ScopeColumn[] = [];
    if (hasSubquery({ items: rewrittenItems.map((i) => ({ expr: i.expr })), having })) {
      // A subquery in the select list or HAVING reads a group's row: it is joined above.
      const outer = groupedOuterScope(
        this.input.scope,
        (rex) => this.keys.find((k) => k.key === rexKey(rex))?.name,
      );
      const exprs = { items: rewrittenItems.map((i) => i.expr), having };
      checkGroupedOuterColumns(exprs, this.input.scope, outer, this.builder);
      const joined = joinScalarSubqueries(exprs, { plan, scope: outer }, this.builder);
      plan = joined.input.plan;
      subqueryColumns = joined.input.scope.slice(outer.length);
      items = rewrittenItems.map((i, n) => ({ ...i, expr: joined.node.items[n]! }));
      condition = joined.node.having;
    }
    const scope = new GroupedScope([...this.after, ...subqueryColumns], this.inputScope);
    if (condition !== undefined) plan = filter(plan, typeCondition(condition, scope, 'HAVING'));
    // A star's columns are the FROM clause's: each must be a grouped column.
    const starColumn = (c: ScopeColumn, pos: SourcePos) => {
      const key = this.keys.find((k) => k.key === rexKey(field(c.internal, c.type)));
      if (key === undefined) throw notGroupedError(c.name, pos);
      return field(key.name, c.type);
    };
    return projectSelect(
      items.map(({ item, expr }) => ({ ...item, expr, original: item.expr })),
      plan,
      this.input.scope,
      scope,
      starColumn,
    );
  }

  /** A column below the aggregate computing `rex`: the input column itself for a plain field. */
  private column(rex: Rex, prefix: string): string {
    const key = rexKey(rex);
    const existing = this.belowByKey.get(key);
    if (existing !== undefined) return existing;
    let name = rex.kind === 'field' && !this.below.has(rex.name) ? rex.name : undefined;
    for (let i = this.below.size; name === undefined || this.below.has(name); i++) name = `${prefix}${i}`;
    this.below.set(name, rex);
    this.belowByKey.set(key, name);
    return name;
  }

  private addKey(expr: Expr): void {
    if (containsAggregate(expr, this.isAggregate))
      throw validationError(expr.pos, 'aggregate functions are not allowed in GROUP BY');
    if (expr.kind === 'literal' && expr.type === 'number')
      throw unsupported(expr.pos, 'GROUP BY a column position', 'name the column or repeat its expression');
    const rex = typeExpression(expr, this.inputScope);
    // A map's entries have no order to key state by; arrays and rows do.
    if (rex.type.root === 'MAP')
      throw unsupported(expr.pos, 'GROUP BY a MAP value', "group by the map's values you need, e.g. m['k']");
    const key = rexKey(rex);
    if (this.keys.some((k) => k.key === key)) return;
    const name = this.column(rex, '$f');
    this.keys.push({ name, key });
    this.after.push({ name, internal: name, type: withoutTimeAttribute(rex.type) });
  }

  /**
   * The expression with each aggregate call and each grouped expression replaced by a
   * reference to the aggregate's column for it.
   */
  private rewrite(expr: Expr, clause: string, item?: SelectItem): Expr {
    if (expr.kind === 'call' && expr.over === undefined && this.isAggregate(expr.name))
      return this.reference(this.addCall(expr, item), expr.pos);
    if (!containsAggregate(expr, this.isAggregate) && expr.kind !== 'literal') {
      const rex = this.tryType(expr);
      if (rex !== undefined) {
        const key = rexKey(rex);
        const grouped = this.keys.find((k) => k.key === key);
        if (grouped !== undefined) return this.reference(grouped.name, expr.pos);
      }
      if (expr.kind === 'column') return this.ungroupedColumn(expr);
    }
    return mapChildren(expr, (child) => this.rewrite(child, clause));
  }

  /**
   * A column that is not itself a group key. As in SQL (and Calcite), a name resolves in the
   * FROM clause first, so one two tables share is ambiguous even when one of them is grouped,
   * and a FROM column that no key covers is refused; a field of a grouped ROW column reads the
   * key. Only a name the FROM clause lacks is left for the aggregate's output (an aggregate
   * call named after its select item's alias, or a joined subquery's column).
   */
  private ungroupedColumn(expr: ColumnRef): Expr {
    if (!this.inputScope.has(expr.path)) return expr;
    // The FROM clause's own errors first: a name two tables share, a missing ROW field.
    typeExpression(expr, this.inputScope);
    for (let n = expr.path.length - 1; n >= 1; n--) {
      const prefix = this.tryType({ ...expr, path: expr.path.slice(0, n) });
      const grouped = prefix === undefined ? undefined : this.keys.find((k) => k.key === rexKey(prefix));
      if (grouped !== undefined)
        return Object.freeze({ kind: 'column', path: [grouped.name, ...expr.path.slice(n)], pos: expr.pos });
    }
    throw notGroupedError(expr.path.join('.'), expr.pos);
  }

  private tryType(expr: Expr): Rex | undefined {
    try {
      return typeExpression(expr, this.inputScope);
    } catch {
      return undefined;
    }
  }

  private reference(name: string, pos: SourcePos): Expr {
    return Object.freeze({ kind: 'column', path: [name], pos }) as Expr;
  }

  /** Adds an aggregate call (or finds the same call made before); returns its column's name. */
  private addCall(expr: Call, item: SelectItem | undefined): string {
    const definition = lookupAggregate(expr.name, this.builder.catalog.functions);
    if (definition === undefined)
      throw unsupported(expr.pos, `aggregate function ${expr.name}`, unsupportedAggregateHint());
    for (const arg of expr.args)
      if (containsAggregate(arg, this.isAggregate))
        throw validationError(
          arg.pos,
          `aggregate function calls cannot be nested in ${expr.name}(…); aggregate in a subquery first`,
        );
    if (expr.filter !== undefined && containsAggregate(expr.filter, this.isAggregate))
      throw validationError(expr.filter.pos, 'aggregate functions are not allowed in FILTER (WHERE …)');
    const star = expr.args.length === 1 && expr.args[0]!.kind === 'star';
    if (star && expr.name !== 'COUNT')
      throw validationError(expr.pos, `'*' is only allowed in COUNT(*), not in ${expr.name}`);
    const argRexes = star ? [] : expr.args.map((a) => typeExpression(a, this.inputScope));
    const filterRex =
      expr.filter === undefined ? undefined : typeCondition(expr.filter, this.inputScope, 'FILTER');
    const key = [
      definition.name,
      expr.distinct,
      argRexes.map(rexKey).join(','),
      filterRex === undefined ? '' : rexKey(filterRex),
    ].join('|');
    const existing = this.callByKey.get(key);
    if (existing !== undefined) return existing.name;
    const argTypes = argRexes.map((r) => r.type);
    const type = definition.resultType(argTypes, expr.pos);
    const args = argRexes.map((r) => this.column(r, '$f'));
    const filterColumn = filterRex === undefined ? undefined : this.column(filterRex, '$f');
    // Flink names a call after its select item's alias when the item is the call itself.
    const used = new Set([...this.keys.map((k) => k.name), ...this.calls.map((c) => c.name)]);
    let name: string | undefined =
      item !== undefined && item.expr === expr
        ? (item.alias ?? `EXPR$${this.select.items.indexOf(item)}`)
        : undefined;
    for (let i = this.calls.length; name === undefined || used.has(name); i++) name = `$a${i}`;
    const call: BoundAggregateCall = Object.freeze({
      fn: definition.name,
      args,
      argTypes,
      distinct: expr.distinct,
      filter: filterColumn,
      name,
      type,
      pos: expr.pos,
      definition,
    });
    this.calls.push(call);
    this.callByKey.set(key, call);
    this.after.push({ name, internal: name, type });
    return name;
  }
}

/**
 * The aggregate's output as a scope. A name it lacks that the FROM clause has is a column
 * neither grouped nor aggregated, which the error names.
 */
class GroupedScope implements Scope {
  private readonly columns: ColumnScope;

  constructor(
    columns: readonly ScopeColumn[],
    private readonly input: ColumnScope,
  ) {
    this.columns = new ColumnScope(columns);
  }

  resolve(path: readonly string[], pos: SourcePos): Rex {
    try {
      return this.columns.resolve(path, pos);
    } catch (error) {
      let known = false;
      try {
        this.input.resolve(path, pos);
        known = true;
      } catch {
        // not an input column either: the original error says so
      }
      if (known) throw notGroupedError(path.join('.'), pos);
      throw error;
    }
  }
}

/** A select item whose expression was rewritten; `original` names it. */
interface RewrittenItem extends SelectItem {
  readonly original?: Expr;
}

/**
 * The select list over `plan`, typed in `scope`: `*` expands to the FROM clause's columns
 * (each through `starColumn`), names default as Calcite's do, and are made unique.
 */
function projectSelect(
  items: readonly RewrittenItem[],
  plan: LogicalNode,
  fromScope: readonly ScopeColumn[],
  scope: Scope,
  starColumn: (c: ScopeColumn, pos: SourcePos) => Rex,
): LogicalNode {
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
      const columns = starColumns(fromScope, qualifier);
      if (columns.length === 0)
        throw validationError(item.pos, `'${qualifier.join('.')}.*' matches no table in FROM`);
      const expanded = columns.map((c) => ({
        qualifier: c.qualifier,
        name: c.name,
        output: add(c.name, starColumn(c, item.pos)),
      }));
      noteStarExpansion(item.expr, expanded, fromScope);
      return;
    }
    const original = item.original ?? item.expr;
    const name =
      item.alias ?? (original.kind === 'column' ? original.path[original.path.length - 1]! : `EXPR$${index}`);
    add(name, typeExpression(item.expr, scope));
  });
  return project(plan, projections);
}

const NOT_EXPRESSIONS: ReadonlySet<string> = new Set(['query', 'type', 'windowSpec']);

/** The expression with each direct child expression mapped; other fields are kept. */
function mapChildren(expr: Expr, map: (child: Expr) => Expr): Expr {
  const isExpr = (v: unknown): v is Expr =>
    v !== null && typeof v === 'object' && typeof (v as { kind?: unknown }).kind === 'string' && 'pos' in v;
  const mapValue = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(mapValue);
    // Subqueries, types (CAST … AS t) and window specifications are not expressions to rewrite.
    if (isExpr(v)) return NOT_EXPRESSIONS.has(v.kind) ? v : map(v);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapValue(x)]));
    return v;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(expr)) out[k] = k === 'pos' ? v : mapValue(v);
  return out as unknown as Expr;
}
