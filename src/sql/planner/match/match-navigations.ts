/**
 * DEFINE conditions and MEASURES as expressions over navigations (see `match-spec.ts`). Each
 * place an expression reads the match is cut out into a navigation and replaced by a reference
 * to its column: `FIRST(A.price, 1)`, `LAST(x)`, `PREV(A.price, 0)`, an aggregate such as
 * `SUM(A.price)` or `COUNT(A.*)`, `MATCH_ROWTIME()`, and a bare `A.price` or `price`, which
 * read the last row of A or of the whole match (in DEFINE, the row being tried). What is left
 * is typed and compiled as any expression. A navigation's own argument may read one pattern
 * variable only, as in Flink (`LAST(A.price * A.tax)`, not `LAST(A.price * B.tax)`).
 *
 * PREV takes offset 0 only (the row itself, as a bare `A.price`): Flink's conditions see the
 * partial match's rows only, never the partition's rows before it, so it refuses PREV's
 * physical offsets; the previous row of a variable is the logical offset `LAST(A.price, 1)`.
 */
import type { Call, Expr, SourcePos } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { formatType, type SqlType, withNullability, withoutTimeAttribute } from '../../catalog/types.js';
import { lookupAggregate } from '../../aggregates/builtins.js';
import type { Rex } from '../../expressions/rex.js';
import { typeExpression } from '../../expressions/typer.js';
import { type MatchExpression, type Navigation, navigationColumn } from '../../runtime/match/match-spec.js';
import type { PlanBuilder } from '../builder.js';
import type { PlanColumn } from '../logical.js';
import { ColumnScope, scopeOf } from '../scope.js';

/** Functions of the SQL standard's pattern matching that Flink does not have, with what to do instead. */
const REFUSED: ReadonlyMap<string, readonly [string, string]> = new Map([
  ['NEXT', ['NEXT (a physical offset, as in Flink)', 'use LAST or FIRST with an offset']],
  ['CLASSIFIER', ['CLASSIFIER() (as in Flink)', 'define a measure per variable instead']],
  ['MATCH_NUMBER', ['MATCH_NUMBER() (as in Flink)', 'use MATCH_ROWTIME() to tell matches apart']],
  ['RUNNING', ['RUNNING (as in Flink)', 'drop it; measures are FINAL']],
  ['FINAL', ['FINAL (as in Flink)', 'drop it; measures are always FINAL']],
]);

/** A navigation's argument typed over the input row, with the pattern variable it reads. */
interface Inner {
  readonly rex: Rex;
  readonly variable?: number;
}

/** Builds the expressions of one MATCH_RECOGNIZE clause. */
export class MatchExpressionBuilder {
  private readonly inputScope: ColumnScope;
  /** The type of the order's time attribute, which MATCH_ROWTIME() returns. */
  private readonly timeType: SqlType;

  constructor(
    inputColumns: readonly PlanColumn[],
    private readonly variables: readonly string[],
    private readonly timeColumn: string,
    private readonly builder: PlanBuilder,
  ) {
    this.inputScope = new ColumnScope(scopeOf(inputColumns));
    this.timeType = inputColumns.find((c) => c.name === timeColumn)!.type;
  }

  /** A DEFINE condition: a BOOLEAN over the running match. */
  condition(expr: Expr): MatchExpression {
    const result = this.build(expr, 'DEFINE');
    if (result.rex.type.root !== 'BOOLEAN' && result.rex.type.root !== 'NULL')
      throw validationError(expr.pos, `DEFINE needs a BOOLEAN condition, got ${formatType(result.rex.type)}`);
    return result;
  }

  /** A measure over the complete match. */
  measure(expr: Expr): MatchExpression {
    return this.build(expr, 'MEASURES');
  }

  private build(expr: Expr, clause: 'DEFINE' | 'MEASURES'): MatchExpression {
    const navigations: Navigation[] = [];
    const types: SqlType[] = [];
    const add = (nav: Navigation, type: SqlType, pos: SourcePos): Expr => {
      navigations.push(nav);
      types.push(type);
      return { kind: 'column', pos, path: [navigationColumn(navigations.length - 1)] };
    };
    const rewrite = (value: unknown): unknown => {
      if (value === null || typeof value !== 'object') return value;
      if (Array.isArray(value)) return value.map(rewrite);
      const node = value as Expr;
      if ((node as { kind?: string }).kind === 'query')
        throw unsupported(node.pos, `subqueries in MATCH_RECOGNIZE's ${clause}`);
      if (node.kind === 'column') {
        const inner = this.inner(node);
        return add(
          { kind: 'last', offset: 0, value: inner.rex, ...variableOf(inner) },
          nullable(inner.rex),
          node.pos,
        );
      }
      if (node.kind === 'call' && node.over === undefined) {
        const nav = this.call(node, clause, add);
        if (nav !== undefined) return nav;
      }
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewrite(v)]));
    };
    const rewritten = rewrite(expr) as Expr;
    const scope = new ColumnScope(
      types.map((type, i) => ({ name: navigationColumn(i), internal: navigationColumn(i), type })),
    );
    return { rex: typeExpression(rewritten, scope), navigations };
  }

  /** The navigation of a call that reads the match, or undefined for other calls. */
  private call(
    node: Call,
    clause: string,
    add: (nav: Navigation, type: SqlType, pos: SourcePos) => Expr,
  ): Expr | undefined {
    const name = node.name.toUpperCase();
    const refused = REFUSED.get(name);
    if (refused !== undefined) throw unsupported(node.pos, refused[0], refused[1]);
    switch (name) {
      case 'FIRST':
      case 'LAST':
      case 'PREV': {
        if (node.args.length < 1 || node.args.length > 2)
          throw validationError(
            node.pos,
            `${name} takes a column and an optional offset: ${name}(A.price, 1)`,
          );
        const offset = node.args.length === 2 ? this.offset(node.args[1]!, name) : name === 'PREV' ? 1 : 0;
        if (name === 'PREV' && offset !== 0)
          throw unsupported(
            node.pos,
            'PREV with an offset (a physical offset within the partition, as in Flink)',
            'use LAST(A.price, 1) for the row of A before the last',
          );
        const inner = this.inner(node.args[0]!);
        const kind = name === 'FIRST' ? 'first' : 'last';
        return add({ kind, offset, value: inner.rex, ...variableOf(inner) }, nullable(inner.rex), node.pos);
      }
      case 'MATCH_ROWTIME': {
        if (clause !== 'MEASURES')
          throw validationError(node.pos, 'MATCH_ROWTIME() is only allowed in MEASURES');
        if (this.timeType.rowtime !== true)
          throw validationError(
            node.pos,
            `MATCH_ROWTIME() needs a MATCH_RECOGNIZE ordered by a rowtime attribute, not ${this.timeColumn}; use MATCH_PROCTIME()`,
          );
        // MATCH_ROWTIME(rowtime) names the time attribute; the order's is the only one there is.
        if (
          node.args.length > 1 ||
          (node.args.length === 1 && this.inner(node.args[0]!).rex.type.rowtime !== true)
        )
          throw validationError(
            node.pos,
            'MATCH_ROWTIME takes no argument or the rowtime attribute: MATCH_ROWTIME()',
          );
        return add(
          { kind: 'matchRowtime', column: this.timeColumn },
          withNullability(this.timeType, false),
          node.pos,
        );
      }
      case 'MATCH_PROCTIME':
        if (clause !== 'MEASURES')
          throw validationError(node.pos, 'MATCH_PROCTIME() is only allowed in MEASURES');
        // The processing time when the match's row is computed, a proctime attribute as PROCTIME().
        return { kind: 'call', pos: node.pos, name: 'PROCTIME', args: [], distinct: false };
    }
    if (!this.builder.isAggregate(name)) return undefined;
    const definition = lookupAggregate(node.name, this.builder.catalog.functions);
    if (definition === undefined)
      throw unsupported(node.pos, `${name} in MATCH_RECOGNIZE`, 'use COUNT, SUM, AVG, MIN or MAX');
    if (node.distinct) throw unsupported(node.pos, 'DISTINCT aggregates in MATCH_RECOGNIZE (as in Flink)');
    if (node.filter !== undefined) throw unsupported(node.pos, 'FILTER on aggregates in MATCH_RECOGNIZE');
    let variable: number | undefined;
    let args: Rex[] = [];
    const star = node.args.length === 1 && node.args[0]!.kind === 'star' ? node.args[0] : undefined;
    if (star !== undefined) {
      if (
        star.qualifier.length > 1 ||
        (star.qualifier.length === 1 && !this.variables.includes(star.qualifier[0]!))
      )
        throw validationError(
          star.pos,
          `${star.qualifier.join('.')}.* must name a pattern variable: COUNT(A.*)`,
        );
      variable = star.qualifier.length === 1 ? this.variables.indexOf(star.qualifier[0]!) : undefined;
    } else {
      const inners = node.args.map((a) => this.inner(a));
      const read = new Set(inners.map((i) => i.variable));
      if (read.size > 1)
        throw validationError(
          node.pos,
          `${name}'s arguments must read one pattern variable, as in ${name}(A.x)`,
        );
      variable = inners[0]?.variable;
      args = inners.map((i) => i.rex);
    }
    const argTypes = args.map((a) => withoutTimeAttribute(a.type));
    const column = navigationColumn(0);
    const type = definition.resultType(argTypes, node.pos);
    const call = {
      fn: definition.name,
      args: args.map((_, i) => `${column}$${i}`),
      argTypes,
      distinct: false,
      name: column,
      type,
      pos: node.pos,
      definition,
    };
    return add(
      { kind: 'aggregate', call, args, ...(variable === undefined ? {} : { variable }) },
      type,
      node.pos,
    );
  }

  /** FIRST/LAST/PREV's offset: a non-negative whole number literal. */
  private offset(expr: Expr, name: string): number {
    if (
      expr.kind !== 'literal' ||
      typeof expr.value !== 'number' ||
      !Number.isInteger(expr.value) ||
      expr.value < 0
    )
      throw validationError(
        expr.pos,
        `${name}'s offset must be a whole number literal >= 0, as in ${name}(A.price, 1)`,
      );
    return expr.value;
  }

  /** A navigation's argument over the input row; `A.x` reads column x of variable A's rows. */
  private inner(expr: Expr): Inner {
    const read = new Set<number | undefined>();
    const strip = (value: unknown): unknown => {
      if (value === null || typeof value !== 'object') return value;
      if (Array.isArray(value)) return value.map(strip);
      const node = value as Expr;
      if (node.kind === 'column') {
        const head = node.path[0]!;
        if (node.path.length >= 2 && this.variables.includes(head)) {
          read.add(this.variables.indexOf(head));
          return { ...node, path: node.path.slice(1) };
        }
        read.add(undefined);
        return node;
      }
      if (node.kind === 'call') {
        const upper = node.name.toUpperCase();
        if (
          ['FIRST', 'LAST', 'PREV', 'MATCH_ROWTIME', 'MATCH_PROCTIME'].includes(upper) ||
          this.builder.isAggregate(upper)
        )
          throw validationError(
            node.pos,
            `${upper} cannot be nested in another navigation or aggregate of the match`,
          );
      }
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, strip(v)]));
    };
    const stripped = strip(expr) as Expr;
    if (read.size > 1)
      throw validationError(
        expr.pos,
        'an expression inside a navigation or aggregate must read one pattern variable, as in LAST(A.price * A.tax)',
      );
    const rex = typeExpression(stripped, this.inputScope);
    const variable = [...read][0];
    return variable === undefined ? { rex } : { rex, variable };
  }
}

function variableOf(inner: Inner): { variable?: number } {
  return inner.variable === undefined ? {} : { variable: inner.variable };
}

/** A navigation's type: its argument's, nullable (the row may be missing), without time attribute. */
function nullable(rex: Rex): SqlType {
  return withNullability(withoutTimeAttribute(rex.type), true);
}
