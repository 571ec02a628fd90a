/**
 * The tree an {@link Expression} holds until its operation writes it as SQL, and the nodes of
 * literals and of the values built from one expression alone (window properties, intervals).
 */
import { tableApiError } from './errors.js';
import type { Expression } from './expression.js';
import { quoteString } from './sql-text.js';

/** A property of a group window, read in `select` as `$('w').start()` and its siblings. */
export type WindowProperty = 'START' | 'END' | 'ROWTIME';

/** @internal How an expression is held until it is written as SQL. */
export type ExpressionNode =
  | { readonly kind: 'column'; readonly path: readonly string[] }
  | { readonly kind: 'star' }
  /** A literal; `number` is kept for interval units (`lit(10).minutes()`). */
  | { readonly kind: 'literal'; readonly sql: string; readonly number?: number }
  /** SQL text around sub-expressions, joined as written. */
  | { readonly kind: 'sql'; readonly parts: readonly (string | Expression)[] }
  /** A call by name, kept whole so that `.distinct()` and `.over(…)` can apply to it. */
  | {
      readonly kind: 'call';
      readonly fn: string;
      readonly args: readonly Expression[];
      readonly distinct: boolean;
    }
  | { readonly kind: 'over'; readonly call: Expression; readonly window: Expression }
  | { readonly kind: 'windowProperty'; readonly window: string; readonly property: WindowProperty }
  /** A name; a table function's call in `joinLateral` names each of its columns. */
  | {
      readonly kind: 'alias';
      readonly inner: Expression;
      readonly name: string;
      readonly more: readonly string[];
    }
  | {
      readonly kind: 'order';
      readonly inner: Expression;
      readonly descending: boolean;
      readonly nulls?: 'FIRST' | 'LAST';
    }
  /** An end of an over window's frame: `UNBOUNDED_RANGE`, `rowInterval(10)`, `CURRENT_ROW`. */
  | { readonly kind: 'bound'; readonly sql: string; readonly rows: boolean; readonly unbounded: boolean }
  /** `withColumns(…)` or `withoutColumns(…)`: the table's columns picked by name, position or range. */
  | { readonly kind: 'columns'; readonly specs: readonly ColumnSpec[]; readonly without: boolean }
  /** `operand IN (SELECT …)` over a table's query. */
  | { readonly kind: 'inQuery'; readonly operand: Expression; readonly table: SubqueryTable }
  /** `range(from, to)`: columns by 1-based position or by name, both ends included. */
  | { readonly kind: 'range'; readonly from: string | number; readonly to: string | number };

/** @internal A table as a subquery: its SQL and the tables without a catalog name it reads. */
export interface SubqueryTable {
  /** @internal */
  subquery(): { readonly sql: string; readonly unnamed: ReadonlyMap<string, unknown> };
}

/** A pick of `withColumns`: a column (`$('a')` or `'a'`), a 1-based position, or a `range(…)`. */
export type ColumnSpec = Expression | string | number;

/** The node of a literal: INT or BIGINT for integers, DOUBLE for other numbers, as Flink types them. */
export function literalNode(value: unknown): ExpressionNode {
  switch (typeof value) {
    case 'number': {
      if (!Number.isFinite(value))
        return { kind: 'literal', sql: `CAST(${quoteString(String(value))} AS DOUBLE)` };
      if (Number.isInteger(value))
        return { kind: 'literal', sql: parenthesized(String(value)), number: value };
      const text = String(value).toUpperCase();
      return { kind: 'literal', sql: parenthesized(text.includes('E') ? text : `${text}E0`), number: value };
    }
    case 'bigint':
      return { kind: 'literal', sql: `CAST(${parenthesized(String(value))} AS BIGINT)` };
    case 'string':
      return { kind: 'literal', sql: quoteString(value) };
    case 'boolean':
      return { kind: 'literal', sql: value ? 'TRUE' : 'FALSE' };
    default:
      throw tableApiError(
        'lit',
        `lit takes a number, bigint, string or boolean, not ${value === null ? 'null' : typeof value}; write nullOf(type) for NULL, and lit('2024-01-01 10:00:00').cast(DataTypes.TIMESTAMP(3)) for times`,
      );
  }
}

/** `$('w').start()` and its siblings: a property of the group window named by `e`. */
export function windowPropertyNode(e: Expression, property: WindowProperty): ExpressionNode {
  if (e.node.kind !== 'column' || e.node.path.length !== 1)
    throw tableApiError(
      property.toLowerCase(),
      `${property.toLowerCase()}() reads a group window by its alias: $('w').${property.toLowerCase()}()`,
    );
  return { kind: 'windowProperty', window: e.node.path[0]!, property };
}

/** The units of the Table API's intervals (`lit(10).minutes()`). */
export type IntervalUnit = 'MILLISECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'MONTH' | 'YEAR';

/** `e` units as an interval: a literal for a number, else `e` times one unit. */
export function intervalNode(e: Expression, unit: IntervalUnit): ExpressionNode {
  const n = e.node.kind === 'literal' ? e.node.number : undefined;
  if (n !== undefined) {
    // SQL has no millisecond intervals: a fraction of a second says the same.
    const text = unit === 'MILLISECOND' ? String(n / 1000) : String(n);
    const sqlUnit = unit === 'MILLISECOND' ? 'SECOND' : unit;
    return { kind: 'literal', sql: `INTERVAL ${quoteString(text)} ${sqlUnit}` };
  }
  const one = unit === 'MILLISECOND' ? "INTERVAL '0.001' SECOND" : `INTERVAL '1' ${unit}`;
  return { kind: 'sql', parts: ['(', e, ` * ${one})`] };
}

function parenthesized(text: string): string {
  return text.startsWith('-') ? `(${text})` : text;
}
