/**
 * The entry points of the Table API's expression language, with Flink's names (its
 * `Expressions` class): `$('price')` for a column, `lit(10)` for a value, `call('f', …)` for a
 * function by name, and the over window bounds.
 *
 * @example
 * orders.where($('price').isGreater(10)).select($('id'), $('price').times(2).as('doubled'));
 */
import { parseExpression } from '../parser/parse.js';
import { type DataTypeLike, dataTypeSql } from './data-types.js';
import { tableApiError } from './errors.js';
import { commaSeparated, Expression, type ExpressionArg, fn, sql, toExpression } from './expression.js';
import { type ColumnSpec, literalNode } from './expression-node.js';

/**
 * A column by name; `$('person.name')` is not a path but a name with a dot in it: read a ROW
 * field with `$('person').get('name')`. `$('*')` is every column (in `select`, `count`).
 */
export function $(name: string): Expression {
  return name === '*' ? new Expression({ kind: 'star' }) : new Expression({ kind: 'column', path: [name] });
}

/** The same as {@link $}. */
export function col(name: string): Expression {
  return $(name);
}

/**
 * A literal: numbers are INT (or BIGINT) when whole and DOUBLE otherwise, as Flink types
 * Java values; `type` casts the value (`lit('1.50', DataTypes.DECIMAL(10, 2))`).
 */
export function lit(value: number | bigint | string | boolean, type?: DataTypeLike): Expression {
  const literal = new Expression(literalNode(value));
  return type === undefined ? literal : literal.cast(type);
}

/** A NULL of the given type. */
export function nullOf(type: DataTypeLike): Expression {
  return sql(`CAST(NULL AS ${dataTypeSql(type)})`);
}

/**
 * A function by name: a built-in (`call('UPPER', $('name'))`) or a user-defined function
 * registered with `createTemporarySystemFunction`; an aggregate's name makes an aggregate.
 */
export function call(name: string, ...args: ExpressionArg[]): Expression {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw tableApiError('call', `'${name}' is not a function name; names are letters, digits and _`);
  return new Expression({ kind: 'call', fn: name, args: args.map(toExpression), distinct: false });
}

/**
 * An argument of a Table operation or window: an {@link Expression}, or text: a column name
 * (`'price'`), or a SQL expression (`'price * 2'`), as Flink's string expressions.
 */
export type TableExpression = Expression | string;

/** @internal A Table operation's argument as an expression: a plain name is a column, other text SQL. */
export function tableExpression(field: TableExpression): Expression {
  if (field instanceof Expression) return field;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) return new Expression({ kind: 'column', path: [field] });
  return callSql(field);
}

/** A SQL expression as text (`callSql('UPPER(name) || \'!\'')`), checked by the SQL parser now. */
export function callSql(text: string): Expression {
  parseExpression(text);
  return sql('(', text, ')');
}

/** `a AND b AND …`. */
export function and(first: ExpressionArg, second: ExpressionArg, ...more: ExpressionArg[]): Expression {
  return toExpression(first).and(second, ...more);
}

/** `a OR b OR …`. */
export function or(first: ExpressionArg, second: ExpressionArg, ...more: ExpressionArg[]): Expression {
  return toExpression(first).or(second, ...more);
}

/** `NOT a`. */
export function not(value: ExpressionArg): Expression {
  return toExpression(value).not();
}

/** `CASE WHEN condition THEN ifTrue ELSE ifFalse END`. */
export function ifThenElse(
  condition: ExpressionArg,
  ifTrue: ExpressionArg,
  ifFalse: ExpressionArg,
): Expression {
  return sql(
    'CASE WHEN ',
    toExpression(condition),
    ' THEN ',
    toExpression(ifTrue),
    ' ELSE ',
    toExpression(ifFalse),
    ' END',
  );
}

/** `COALESCE(a, b, …)`: the first value that is not NULL. */
export function coalesce(...values: ExpressionArg[]): Expression {
  return fn('COALESCE', ...values);
}

/** `ROW(a, b, …)`. */
export function row(...values: ExpressionArg[]): Expression {
  return sql('ROW(', ...commaSeparated(values), ')');
}

/** `ARRAY[a, b, …]`. */
export function array(...values: ExpressionArg[]): Expression {
  return sql('ARRAY[', ...commaSeparated(values), ']');
}

/** An over window from the partition's first row (by time): `preceding(UNBOUNDED_RANGE)`. */
export const UNBOUNDED_RANGE: Expression = bound('UNBOUNDED PRECEDING', false, true);
/** An over window from the partition's first row (by count): `preceding(UNBOUNDED_ROW)`. */
export const UNBOUNDED_ROW: Expression = bound('UNBOUNDED PRECEDING', true, true);
/** An over window up to the current row's time, the default end of a time-bounded window. */
export const CURRENT_RANGE: Expression = bound('CURRENT ROW', false, false);
/** An over window up to the current row, the default end of a row-bounded window. */
export const CURRENT_ROW: Expression = bound('CURRENT ROW', true, false);

/** An over window of the `n` rows before the current one: `preceding(rowInterval(10))`. */
export function rowInterval(n: number): Expression {
  if (!Number.isInteger(n) || n < 0)
    throw tableApiError('rowInterval', `rowInterval takes a whole number of rows, not ${n}`);
  return bound(`${n} PRECEDING`, true, false);
}

function bound(text: string, rows: boolean, unbounded: boolean): Expression {
  return new Expression({ kind: 'bound', sql: text, rows, unbounded });
}

/**
 * The table's columns picked by name (`$('a')`, `'a'`), 1-based position or `range(…)`, in the
 * table's order: `select(withColumns(range(1, 3)), $('d').plus(1))`.
 */
export function withColumns(head: ColumnSpec, ...tail: ColumnSpec[]): Expression {
  return new Expression({ kind: 'columns', specs: [head, ...tail], without: false });
}

/** The table's columns except those picked, as {@link withColumns} picks them. */
export function withoutColumns(head: ColumnSpec, ...tail: ColumnSpec[]): Expression {
  return new Expression({ kind: 'columns', specs: [head, ...tail], without: true });
}

/** Columns from `from` to `to`, both included, by 1-based position or by name, for {@link withColumns}. */
export function range(from: string | number, to: string | number): Expression {
  return new Expression({ kind: 'range', from, to });
}
