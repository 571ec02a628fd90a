/**
 * The SQL query a chain of Table API operations stands for, kept as the clauses of one SELECT
 * (or one set operation) so that each operation adds the clause a user would write:
 * `from('t').where(p).groupBy(k).select(…)` is `SELECT … FROM t WHERE p GROUP BY k`, not three
 * nested queries, and EXPLAINs as that SQL does. An operation that SQL cannot add to the query
 * as it stands (a `where` after a `select`, which must see the select's columns) wraps it in a
 * subquery first: `SELECT * FROM (SELECT …) WHERE p`.
 */
import { itemSql, type RenderedItem } from './render.js';
import { quoteIdentifier } from './sql-text.js';

/** ORDER BY, OFFSET and LIMIT, which end a query. */
interface Tail {
  readonly orderBy?: readonly string[];
  readonly offset?: number;
  readonly fetch?: number;
}

/** One SELECT's clauses; no items means `*`. */
export interface SelectShape {
  readonly kind: 'select';
  readonly from: string;
  /**
   * What the FROM text is, for joining it without parentheses: a table name, a chain of
   * JOIN … ON, or a comma join (which binds looser than JOIN, so it cannot take one).
   */
  readonly operand?: 'table' | 'join' | 'comma';
  readonly items?: readonly RenderedItem[];
  readonly distinct: boolean;
  readonly where?: string;
  readonly groupBy?: readonly string[];
  readonly tail: Tail;
}

/** `left UNION | INTERSECT | EXCEPT [ALL] right`. */
export interface SetShape {
  readonly kind: 'set';
  readonly text: string;
  readonly tail: Tail;
}

/** A query of the Table API. */
export type QueryShape = SelectShape | SetShape;

/** `SELECT * FROM <from>`. */
export function selectFrom(from: string, operand?: SelectShape['operand']): SelectShape {
  return { kind: 'select', from, operand, distinct: false, tail: {} };
}

/** The query's SQL text. */
export function shapeSql(shape: QueryShape): string {
  let text: string;
  if (shape.kind === 'set') text = shape.text;
  else {
    const items = shape.items === undefined ? '*' : shape.items.map(itemSql).join(', ');
    text = `SELECT ${shape.distinct ? 'DISTINCT ' : ''}${items} FROM ${shape.from}`;
    if (shape.where !== undefined) text += ` WHERE ${shape.where}`;
    if (shape.groupBy !== undefined && shape.groupBy.length > 0)
      text += ` GROUP BY ${shape.groupBy.join(', ')}`;
  }
  const { orderBy, offset, fetch } = shape.tail;
  if (orderBy !== undefined) text += ` ORDER BY ${orderBy.join(', ')}`;
  if (fetch !== undefined) text += ` LIMIT ${fetch}`;
  if (offset !== undefined) text += ` OFFSET ${offset}`;
  return text;
}

/** `SELECT * FROM (<query>)`: the query as the input of the next clause. */
export function wrapped(shape: QueryShape): SelectShape {
  return selectFrom(`(${shapeSql(shape)})`);
}

const hasTail = (shape: QueryShape) =>
  shape.tail.orderBy !== undefined || shape.tail.offset !== undefined || shape.tail.fetch !== undefined;

/** Whether the query is `SELECT * FROM … [WHERE …]`, whose columns are its input's. */
function selectsInput(shape: QueryShape): shape is SelectShape {
  return (
    shape.kind === 'select' &&
    shape.items === undefined &&
    shape.groupBy === undefined &&
    !shape.distinct &&
    !hasTail(shape)
  );
}

/** The query with `condition` added to its WHERE. */
export function withWhere(shape: QueryShape, condition: string): SelectShape {
  const base = selectsInput(shape) ? shape : wrapped(shape);
  return { ...base, where: base.where === undefined ? condition : `${base.where} AND ${condition}` };
}

/** The query with this select list (and GROUP BY), over the columns it has now. */
export function withItems(
  shape: QueryShape,
  items: readonly RenderedItem[],
  groupBy?: readonly string[],
): SelectShape {
  const base = selectsInput(shape) ? shape : wrapped(shape);
  return { ...base, items, groupBy };
}

/**
 * The query with its output columns renamed, as `as(…)` and `renameColumns` do: a select list
 * takes the names as its aliases; other queries are selected from, column by column.
 */
export function withNames(
  shape: QueryShape,
  columns: readonly string[],
  names: readonly string[],
): SelectShape {
  if (shape.kind === 'select' && shape.items !== undefined && !hasTail(shape)) {
    const items = shape.items.map((item, i) =>
      names[i] === columns[i] ? item : { ...item, alias: names[i] },
    );
    return { ...shape, items };
  }
  const items = columns.map((c, i) => ({
    sql: quoteIdentifier(c),
    alias: names[i] === c ? undefined : names[i],
  }));
  return withItems(shape, items);
}

/** `SELECT DISTINCT …`. */
export function withDistinct(shape: QueryShape): SelectShape {
  if (shape.kind === 'select' && !shape.distinct && shape.groupBy === undefined && !hasTail(shape))
    return { ...shape, distinct: true };
  return { ...wrapped(shape), distinct: true };
}

/** The query ordered by `keys`; a query with an order or a limit already is ordered as a subquery. */
export function withOrder(shape: QueryShape, keys: readonly string[]): QueryShape {
  const base = hasTail(shape) ? wrapped(shape) : shape;
  return { ...base, tail: { orderBy: keys } };
}

/** The query without its first `n` rows. */
export function withOffset(shape: QueryShape, n: number): QueryShape {
  if (shape.tail.offset !== undefined || shape.tail.fetch !== undefined) return withOffset(wrapped(shape), n);
  return { ...shape, tail: { ...shape.tail, offset: n } };
}

/** The query's first `n` rows. */
export function withFetch(shape: QueryShape, n: number): QueryShape {
  if (shape.tail.fetch !== undefined) return withFetch(wrapped(shape), n);
  return { ...shape, tail: { ...shape.tail, fetch: n } };
}

/** How a query joins another: INNER with a condition, CROSS (a comma) or an outer join. */
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

/** The FROM text of `left` where a join extends it: its own FROM when that can take one, else a subquery. */
function joinLeft(left: QueryShape, comma: boolean): string {
  // A comma binds looser than JOIN: `a, b JOIN c` would join b and c alone.
  const fits =
    selectsInput(left) &&
    left.where === undefined &&
    (left.operand === 'table' || left.operand === 'join' || (left.operand === 'comma' && comma));
  return fits ? left.from : `(${shapeSql(left)})`;
}

/** `SELECT * FROM left JOIN right ON condition`, or `FROM left, right` without a condition. */
export function joined(left: QueryShape, right: QueryShape, type: JoinType, condition?: string): SelectShape {
  const comma = condition === undefined;
  const leftText = joinLeft(left, comma);
  const rightFits = selectsInput(right) && right.where === undefined && right.operand === 'table';
  const rightText = rightFits ? right.from : `(${shapeSql(right)})`;
  if (comma) return selectFrom(`${leftText}, ${rightText}`, 'comma');
  const keyword = type === 'INNER' ? 'JOIN' : `${type} JOIN`;
  return selectFrom(`${leftText} ${keyword} ${rightText} ON ${condition}`, 'join');
}

/**
 * `SELECT * FROM left, LATERAL TABLE(…) [AS T(names)]` (the `lateral` text): each row with the
 * rows a table function gives for it; with a condition, or for a LEFT join,
 * `[LEFT] JOIN LATERAL TABLE(…) ON condition`.
 */
export function lateralJoined(
  left: QueryShape,
  lateral: string,
  type: 'INNER' | 'LEFT',
  condition?: string,
): SelectShape {
  if (type === 'INNER' && condition === undefined)
    return selectFrom(`${joinLeft(left, true)}, ${lateral}`, 'comma');
  const keyword = type === 'INNER' ? 'JOIN' : 'LEFT JOIN';
  return selectFrom(`${joinLeft(left, false)} ${keyword} ${lateral} ON ${condition ?? 'TRUE'}`, 'join');
}

/** `left op right`; a side with ORDER BY or LIMIT, or a set operation on the right, is parenthesized. */
export function setOperation(left: QueryShape, right: QueryShape, op: string): SetShape {
  const leftText = hasTail(left) ? `(${shapeSql(left)})` : shapeSql(left);
  const rightText = hasTail(right) || right.kind === 'set' ? `(${shapeSql(right)})` : shapeSql(right);
  return { kind: 'set', text: `${leftText} ${op} ${rightText}`, tail: {} };
}
