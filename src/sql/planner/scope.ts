/**
 * Name resolution for expressions: the columns an expression may use, each with the qualifier
 * it can be written with (`B.price`, where B is a table alias). Unqualified names must be
 * unambiguous within one query's scope; a correlated subquery's names resolve in the innermost
 * scope that has them. A ROW column's fields are reached with dots (`person.id`).
 */
import type { SourcePos } from '../parser/ast.js';
import { ColumnNotFoundError, validationError } from '../errors.js';
import { formatType, withNullability } from '../catalog/types.js';
import { call, field, literal, type Rex } from '../expressions/rex.js';
import type { Scope } from '../expressions/typer.js';
import { Types } from '../catalog/types.js';
import type { PlanColumn } from './logical.js';

/** A column in scope. `internal` is its name in the input row. */
export interface ScopeColumn {
  readonly qualifier?: string;
  readonly name: string;
  readonly internal: string;
  readonly type: PlanColumn['type'];
  /**
   * Reached only by its qualified name, and not part of `*` (a side's own column of a
   * `JOIN … USING`, whose merged column takes the plain name).
   */
  readonly hidden?: boolean;
  /**
   * The column's position in its own table's columns, for a `JOIN … USING`'s columns: `a.*`
   * lists table `a`'s columns in its own order, each as `a.col` reads it (its own key column
   * too, hidden or not), as Calcite expands a qualified star; only `*` puts the merged keys first.
   */
  readonly ordinal?: number;
}

/**
 * The columns `*` (no qualifier) or `q.*` stands for: every visible column in scope order, or
 * `q`'s columns in its own order.
 */
export function starColumns(scope: readonly ScopeColumn[], qualifier: readonly string[]): ScopeColumn[] {
  if (qualifier.length === 0) return scope.filter((c) => c.hidden !== true);
  const name = qualifier.join('.');
  const own = scope.filter((c) => c.qualifier === name && (c.hidden !== true || c.ordinal !== undefined));
  if (!own.some((c) => c.ordinal !== undefined)) return own;
  return own
    .map((c, i) => ({ c, at: c.ordinal ?? i }))
    .sort((x, y) => x.at - y.at)
    .map((x) => x.c);
}

/** The columns of a plan node's output, under one qualifier. */
export function scopeOf(columns: readonly PlanColumn[], qualifier?: string): ScopeColumn[] {
  return columns.map((c) => ({ qualifier, name: c.name, internal: c.name, type: c.type }));
}

/** A {@link Scope} over a list of columns. */
export class ColumnScope implements Scope {
  constructor(readonly columns: readonly ScopeColumn[]) {}

  resolve(path: readonly string[], pos: SourcePos): Rex {
    const [first, second] = path;
    if (path.length >= 2) {
      const qualified = this.columns.filter((c) => c.qualifier === first && c.name === second);
      if (qualified.length === 1)
        return this.fields(field(qualified[0]!.internal, qualified[0]!.type), path.slice(2), pos);
    }
    const matches = this.columns.filter((c) => c.name === first && c.hidden !== true);
    if (matches.length > 1)
      throw validationError(
        pos,
        `column '${first}' is ambiguous; qualify it with one of ${matches.map((m) => m.qualifier).join(', ')}`,
      );
    if (matches.length === 1)
      return this.fields(field(matches[0]!.internal, matches[0]!.type), path.slice(1), pos);
    if (path.length >= 2 && this.columns.some((c) => c.qualifier === first))
      throw new ColumnNotFoundError(
        pos,
        [second!],
        `column '${second}' not found in ${first}; its columns are ${this.names(first).join(', ')}`,
      );
    const nearMiss = this.columns.find((c) => c.name.toLowerCase() === (first ?? '').toLowerCase());
    const hint =
      nearMiss !== undefined
        ? `; names are case-sensitive, did you mean ${nearMiss.name}?`
        : `; available columns: ${this.listed().join(', ')}`;
    throw new ColumnNotFoundError(pos, path, `column '${path.join('.')}' not found${hint}`);
  }

  /**
   * Whether `path` starts with a name of this scope: a visible column (a ROW column's field
   * path too) or, qualified, one of its qualifiers, so that the path's errors are this scope's.
   */
  has(path: readonly string[]): boolean {
    const [first] = path;
    return this.columns.some(
      (c) => (c.name === first && c.hidden !== true) || (path.length >= 2 && c.qualifier === first),
    );
  }

  private names(qualifier?: string): string[] {
    return this.columns
      .filter((c) => qualifier === undefined || c.qualifier === qualifier)
      .map((c) => c.name);
  }

  /**
   * Every column once, in scope order, by its plain name, or qualified where two tables (or an
   * enclosing query's) share the name, so a list over nested scopes says which is which.
   */
  private listed(): string[] {
    const seen = new Set<string>();
    const columns = this.columns.filter((c) => {
      const key = `${c.qualifier ?? ''}.${c.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const count = new Map<string, number>();
    for (const c of columns) count.set(c.name, (count.get(c.name) ?? 0) + 1);
    return columns.map((c) =>
      c.qualifier !== undefined && count.get(c.name)! > 1 ? `${c.qualifier}.${c.name}` : c.name,
    );
  }

  private fields(base: Rex, rest: readonly string[], pos: SourcePos): Rex {
    let rex = base;
    for (const name of rest) {
      const fieldType = rex.type.fields?.find((f) => f.name === name)?.type;
      if (fieldType === undefined) {
        const what =
          rex.type.root === 'ROW'
            ? `has no field '${name}'`
            : `is ${formatType(rex.type)}, not a ROW with field '${name}'`;
        throw validationError(pos, `'${formatPath(rex)}' ${what}`);
      }
      rex = call(
        'FIELD',
        [rex, literal(name, withNullability(Types.STRING, false))],
        withNullability(fieldType, fieldType.nullable || rex.type.nullable),
        pos,
      );
    }
    return rex;
  }
}

/**
 * The error for a FROM column that a grouped query (GROUP BY, or aggregate calls without it)
 * reads outside its group keys and aggregate calls, as Calcite's "is not being grouped".
 */
export function notGroupedError(name: string, pos: SourcePos) {
  return validationError(pos, `column '${name}' must appear in GROUP BY or be used in an aggregate function`);
}

/**
 * A {@link Scope} over nested queries' columns, innermost first: a name resolves in the first
 * scope that has it, as SQL (and Calcite's scopes) resolve a correlated subquery's names, so
 * an inner column hides an outer one of the same name and a name is ambiguous only between
 * columns of one scope (two tables of the subquery's own FROM).
 */
export class NestedScope implements Scope {
  private readonly scopes: readonly ColumnScope[];

  constructor(scopes: readonly (readonly ScopeColumn[])[]) {
    this.scopes = scopes.map((columns) => new ColumnScope(columns));
  }

  resolve(path: readonly string[], pos: SourcePos): Rex {
    const scope = this.scopes.find((s) => s.has(path));
    // Found nowhere: reported against every column in reach.
    return (scope ?? new ColumnScope(this.scopes.flatMap((s) => s.columns))).resolve(path, pos);
  }
}

/**
 * A {@link Scope} over the outer columns a subquery can read: `outer`'s names that `inner` (the
 * subquery's own FROM) does not have, since an inner name hides an outer one; an expression
 * that types here reads outer columns only.
 */
export function outsideScope(inner: readonly ScopeColumn[], outer: readonly ScopeColumn[]): Scope {
  const own = new ColumnScope(inner);
  const outside = new ColumnScope(outer);
  return {
    resolve: (path, pos) => {
      if (own.has(path)) throw validationError(pos, `column '${path.join('.')}' is the subquery's own`);
      return outside.resolve(path, pos);
    },
  };
}

function formatPath(rex: Rex): string {
  if (rex.kind === 'field') return rex.name;
  if (rex.kind === 'call' && rex.op === 'FIELD')
    return `${formatPath(rex.args[0]!)}.${String((rex.args[1] as { value: string }).value)}`;
  return 'expression';
}
