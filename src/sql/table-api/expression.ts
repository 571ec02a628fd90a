/**
 * `Expression`: a value of the Table API's expression language, as Flink's `ApiExpression`.
 * Methods build larger expressions (`$('price').times(2).isGreater(100)`); a plain value where
 * an expression is expected is a literal, as in Flink (`$('name').isEqual('ann')`). An
 * expression is kept as a small tree and written as SQL when its operation is planned, since
 * some parts mean something only there: the window of `$('w').start()`, the over window of
 * `.over($('o'))`, the name given by `.as('n')`.
 */
import { dataTypeSql, type DataTypeLike } from './data-types.js';
import { tableApiError } from './errors.js';
import {
  type ExpressionNode,
  intervalNode,
  literalNode,
  type SubqueryTable,
  windowPropertyNode,
} from './expression-node.js';
import { nodeText } from './expression-text.js';
import type { Table } from '../table.js';

/** A value where the Table API takes an expression: an {@link Expression} or a literal. */
export type ExpressionArg = Expression | number | bigint | string | boolean;

/** An expression of the Table API; see the module comment. */
export class Expression {
  /** @internal */
  constructor(readonly node: ExpressionNode) {}

  // Arithmetic.
  /** `this + other`; with an interval, date and time arithmetic. */
  plus(other: ExpressionArg): Expression {
    return binary(this, '+', other);
  }
  /** `this - other`. */
  minus(other: ExpressionArg): Expression {
    return binary(this, '-', other);
  }
  /** `this * other`. */
  times(other: ExpressionArg): Expression {
    return binary(this, '*', other);
  }
  /** `this / other`. */
  dividedBy(other: ExpressionArg): Expression {
    return binary(this, '/', other);
  }
  /** `MOD(this, other)`. */
  mod(other: ExpressionArg): Expression {
    return fn('MOD', this, other);
  }
  /** `-this`. */
  negate(): Expression {
    return sql('(-', this, ')');
  }

  // Comparison and logic.
  /** `this = other`. */
  isEqual(other: ExpressionArg): Expression {
    return binary(this, '=', other);
  }
  /** `this <> other`. */
  isNotEqual(other: ExpressionArg): Expression {
    return binary(this, '<>', other);
  }
  /** `this > other`. */
  isGreater(other: ExpressionArg): Expression {
    return binary(this, '>', other);
  }
  /** `this >= other`. */
  isGreaterOrEqual(other: ExpressionArg): Expression {
    return binary(this, '>=', other);
  }
  /** `this < other`. */
  isLess(other: ExpressionArg): Expression {
    return binary(this, '<', other);
  }
  /** `this <= other`. */
  isLessOrEqual(other: ExpressionArg): Expression {
    return binary(this, '<=', other);
  }
  /** `this IS NULL`. */
  isNull(): Expression {
    return sql('(', this, ' IS NULL)');
  }
  /** `this IS NOT NULL`. */
  isNotNull(): Expression {
    return sql('(', this, ' IS NOT NULL)');
  }
  /** `this IS TRUE`. */
  isTrue(): Expression {
    return sql('(', this, ' IS TRUE)');
  }
  /** `this IS FALSE`. */
  isFalse(): Expression {
    return sql('(', this, ' IS FALSE)');
  }
  /** `this AND other…`, with SQL's three-valued logic. */
  and(...others: ExpressionArg[]): Expression {
    return others.reduce<Expression>((left, right) => binary(left, 'AND', right), this);
  }
  /** `this OR other…`. */
  or(...others: ExpressionArg[]): Expression {
    return others.reduce<Expression>((left, right) => binary(left, 'OR', right), this);
  }
  /** `NOT this`. */
  not(): Expression {
    return sql('(NOT ', this, ')');
  }
  /** `this LIKE pattern` (`%` any text, `_` one character). */
  like(pattern: ExpressionArg): Expression {
    return binary(this, 'LIKE', pattern);
  }
  /** `this SIMILAR TO pattern`. */
  similar(pattern: ExpressionArg): Expression {
    return binary(this, 'SIMILAR TO', pattern);
  }
  /** `this IN (values…)`, or `this IN (SELECT …)` of a one-column Table: `$('id').in(vips)`. */
  in(...values: ExpressionArg[] | [table: Table]): Expression {
    if (values.length === 0) throw tableApiError('in', "give at least one value: $('x').in(1, 2)");
    const [first] = values;
    if (values.length === 1 && isSubqueryTable(first))
      return new Expression({ kind: 'inQuery', operand: this, table: first });
    return sql('(', this, ' IN (', ...commaSeparated(values as ExpressionArg[]), '))');
  }
  /** `this BETWEEN low AND high` (both ends included). */
  between(low: ExpressionArg, high: ExpressionArg): Expression {
    return sql('(', this, ' BETWEEN ', toExpression(low), ' AND ', toExpression(high), ')');
  }
  /** `this NOT BETWEEN low AND high`. */
  notBetween(low: ExpressionArg, high: ExpressionArg): Expression {
    return sql('(', this, ' NOT BETWEEN ', toExpression(low), ' AND ', toExpression(high), ')');
  }
  /** `COALESCE(this, replacement)`: the replacement when this is NULL. */
  ifNull(replacement: ExpressionArg): Expression {
    return fn('COALESCE', this, replacement);
  }

  // Types and names.
  /** `CAST(this AS type)`; `type` is a {@link DataTypes} type or SQL text such as `'BIGINT'`. */
  cast(type: DataTypeLike): Expression {
    return sql('CAST(', this, ` AS ${dataTypeSql(type)})`);
  }
  /** `TRY_CAST(this AS type)`: NULL where the value does not convert. */
  tryCast(type: DataTypeLike): Expression {
    return sql('TRY_CAST(', this, ` AS ${dataTypeSql(type)})`);
  }
  /**
   * Names the column this expression makes, in `select` and the column operations; a table
   * function's call in `joinLateral` takes a name for each of its columns.
   */
  as(name: string, ...more: string[]): Expression {
    return new Expression({ kind: 'alias', inner: this, name, more });
  }
  /** Ascending order, for `orderBy`. */
  asc(): Expression {
    return new Expression({ kind: 'order', inner: this, descending: false });
  }
  /** Descending order, for `orderBy`. */
  desc(): Expression {
    return new Expression({ kind: 'order', inner: this, descending: true });
  }
  /** NULLs before other values, after `asc()` or `desc()`. */
  nullsFirst(): Expression {
    return this.withNulls('FIRST');
  }
  /** NULLs after other values, after `asc()` or `desc()`. */
  nullsLast(): Expression {
    return this.withNulls('LAST');
  }

  // Strings.
  /** `UPPER(this)`. */
  upperCase(): Expression {
    return fn('UPPER', this);
  }
  /** `LOWER(this)`. */
  lowerCase(): Expression {
    return fn('LOWER', this);
  }
  /** `TRIM(this)`: spaces removed at both ends. */
  trim(): Expression {
    return fn('TRIM', this);
  }
  /** `CHAR_LENGTH(this)`. */
  charLength(): Expression {
    return fn('CHAR_LENGTH', this);
  }
  /** `INITCAP(this)`. */
  initCap(): Expression {
    return fn('INITCAP', this);
  }
  /** `SUBSTRING(this, begin[, length])`, 1-based. */
  substring(begin: ExpressionArg, length?: ExpressionArg): Expression {
    return length === undefined ? fn('SUBSTRING', this, begin) : fn('SUBSTRING', this, begin, length);
  }
  /** `CONCAT(this, others…)`: NULL when any is NULL. */
  concat(...others: ExpressionArg[]): Expression {
    return fn('CONCAT', this, ...others);
  }

  // Numbers.
  /** `ABS(this)`. */
  abs(): Expression {
    return fn('ABS', this);
  }
  /** `FLOOR(this)`. */
  floor(): Expression {
    return fn('FLOOR', this);
  }
  /** `CEIL(this)`. */
  ceil(): Expression {
    return fn('CEIL', this);
  }
  /** `ROUND(this, places)`. */
  round(places: ExpressionArg): Expression {
    return fn('ROUND', this, places);
  }
  /** `POWER(this, exponent)`. */
  power(exponent: ExpressionArg): Expression {
    return fn('POWER', this, exponent);
  }
  /** `SQRT(this)`. */
  sqrt(): Expression {
    return fn('SQRT', this);
  }

  // Collections and rows.
  /** A field of a ROW column (`$('person').get('name')`). */
  get(field: string): Expression {
    if (this.node.kind !== 'column')
      throw tableApiError('get', `get('${field}') reads a field of a ROW column: $('row').get('${field}')`);
    return new Expression({ kind: 'column', path: [...this.node.path, field] });
  }
  /** `this[index]`: an ARRAY's element (1-based) or a MAP's value. */
  at(index: ExpressionArg): Expression {
    return sql('', this, '[', toExpression(index), ']');
  }
  /** `CARDINALITY(this)`: the number of elements of an ARRAY or MAP. */
  cardinality(): Expression {
    return fn('CARDINALITY', this);
  }

  // Aggregates.
  /** `SUM(this)`. */
  sum(): Expression {
    return aggregate('SUM', this);
  }
  /** `COUNT(this)`: rows where this is not NULL (`$('*').count()` counts all rows). */
  count(): Expression {
    return aggregate('COUNT', this);
  }
  /** `AVG(this)`. */
  avg(): Expression {
    return aggregate('AVG', this);
  }
  /** `MIN(this)`. */
  min(): Expression {
    return aggregate('MIN', this);
  }
  /** `MAX(this)`. */
  max(): Expression {
    return aggregate('MAX', this);
  }
  /** `COLLECT(this)`: the multiset of values. */
  collect(): Expression {
    return aggregate('COLLECT', this);
  }
  /** `FIRST_VALUE(this)`. */
  firstValue(): Expression {
    return aggregate('FIRST_VALUE', this);
  }
  /** `LAST_VALUE(this)`. */
  lastValue(): Expression {
    return aggregate('LAST_VALUE', this);
  }
  /** The aggregate over distinct values only: `$('a').count().distinct()` is `COUNT(DISTINCT a)`. */
  distinct(): Expression {
    if (this.node.kind !== 'call')
      throw tableApiError(
        'distinct',
        "distinct() applies to an aggregate, as in $('a').count().distinct(); use Table.distinct() for distinct rows",
      );
    return new Expression({ ...this.node, distinct: true });
  }
  /** The aggregate over the rows of an over window: `$('a').sum().over($('o'))`. */
  over(window: Expression | string): Expression {
    const ref = typeof window === 'string' ? new Expression({ kind: 'column', path: [window] }) : window;
    return new Expression({ kind: 'over', call: this, window: ref });
  }

  // Group window properties.
  /** The start of the group window this names (`$('w').start()`), inclusive. */
  start(): Expression {
    return new Expression(windowPropertyNode(this, 'START'));
  }
  /** The end of the group window this names, exclusive. */
  end(): Expression {
    return new Expression(windowPropertyNode(this, 'END'));
  }
  /** The group window's time attribute (its end less 1 ms), for windows over its result. */
  rowtime(): Expression {
    return new Expression(windowPropertyNode(this, 'ROWTIME'));
  }

  // Intervals, from a number: `lit(10).minutes()`.
  /** An interval of this many milliseconds. */
  millis(): Expression {
    return new Expression(intervalNode(this, 'MILLISECOND'));
  }
  /** An interval of this many seconds. */
  seconds(): Expression {
    return new Expression(intervalNode(this, 'SECOND'));
  }
  /** An interval of this many minutes. */
  minutes(): Expression {
    return new Expression(intervalNode(this, 'MINUTE'));
  }
  /** An interval of this many hours. */
  hours(): Expression {
    return new Expression(intervalNode(this, 'HOUR'));
  }
  /** An interval of this many days. */
  days(): Expression {
    return new Expression(intervalNode(this, 'DAY'));
  }
  /** An interval of this many months. */
  months(): Expression {
    return new Expression(intervalNode(this, 'MONTH'));
  }
  /** An interval of this many years. */
  years(): Expression {
    return new Expression(intervalNode(this, 'YEAR'));
  }

  /** The expression as SQL text, where it means the same on its own. */
  toString(): string {
    return nodeText(this);
  }

  private withNulls(nulls: 'FIRST' | 'LAST'): Expression {
    const order =
      this.node.kind === 'order' ? this.node : { kind: 'order' as const, inner: this, descending: false };
    return new Expression({ ...order, nulls });
  }
}

function isSubqueryTable(value: unknown): value is SubqueryTable {
  return (
    typeof value === 'object' && value !== null && typeof (value as SubqueryTable).subquery === 'function'
  );
}

/** The argument as an expression: a value other than an {@link Expression} is a literal. */
export function toExpression(value: ExpressionArg): Expression {
  return value instanceof Expression ? value : new Expression(literalNode(value));
}

/** An expression of SQL text around sub-expressions. */
export function sql(...parts: (string | Expression)[]): Expression {
  return new Expression({ kind: 'sql', parts });
}

/** `NAME(args…)`, a scalar function call. */
export function fn(name: string, ...args: ExpressionArg[]): Expression {
  return sql(`${name}(`, ...commaSeparated(args), ')');
}

function aggregate(name: string, arg: Expression): Expression {
  return new Expression({ kind: 'call', fn: name, args: [arg], distinct: false });
}

function binary(left: ExpressionArg, op: string, right: ExpressionArg): Expression {
  return sql('(', toExpression(left), ` ${op} `, toExpression(right), ')');
}

/** The arguments, with `, ` between them. */
export function commaSeparated(args: readonly ExpressionArg[]): (string | Expression)[] {
  return args.flatMap((a, i) => (i === 0 ? [toExpression(a)] : [', ', toExpression(a)]));
}
