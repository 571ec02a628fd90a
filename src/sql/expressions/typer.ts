/**
 * The expression typer: resolves the names in a syntax-tree expression against the columns in
 * scope, checks operand types, and produces a typed expression ({@link Rex}). Type errors point
 * at the expression: `SQL error at line 1, column 8: cannot apply '+' to (STRING, INT) …`.
 */
import { MAX_LONG, wrapLong } from './long.js';
import type { Expr, IntervalLiteral, SourcePos, TimeUnit, TypedLiteral } from '../parser/ast.js';
import { unsupported, validationError } from '../errors.js';
import {
  branchNeedsCast,
  commonType,
  formatType,
  isTimestamp,
  isString,
  resolveType,
  type SqlType,
  Types,
  narrowsTimestamp,
  withNullability,
} from '../catalog/types.js';
import { parseTimestamp } from './runtime.js';
import { checkArguments } from '../functions/definitions.js';
import { plannedFunctions } from '../functions/planning-context.js';
import { currentDatabase } from '../functions/more-scalar-functions.js';
import { castable } from './castable.js';
import { FUNCTIONS } from './functions.js';
import { call, literal, type Rex } from './rex.js';
import { currentWatermark } from './current-watermark.js';
import { JSON_SYNTAX, jsonCallArguments } from './json-syntax.js';

/** What names mean where an expression is typed. */
export interface Scope {
  /** The column (or ROW field) a possibly qualified name refers to; throws naming the candidates. */
  resolve(path: readonly string[], pos: SourcePos): Rex;
}

/** Aggregate function names: typed by the planner's aggregate support, not here. */
export const AGGREGATES = new Set([
  'COUNT',
  'SUM',
  'MIN',
  'MAX',
  'AVG',
  'FIRST_VALUE',
  'LAST_VALUE',
  'LISTAGG',
  'COLLECT',
  'JSON_OBJECTAGG',
  'JSON_ARRAYAGG',
  'ARRAY_AGG',
  'PERCENTILE',
  'VAR_POP',
  'VAR_SAMP',
  'VARIANCE',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'STDDEV',
  // Calcite's, which Flink's operator table lists too; scalar subqueries are planned with it.
  'SINGLE_VALUE',
]);

/**
 * Flink's aggregate functions Weir does not have, each with what to use instead, so a pasted
 * query is refused by name rather than as an unknown function (or as a column that is neither
 * grouped nor aggregated, which is what its argument would look like).
 */
export const REFUSED_AGGREGATES: ReadonlyMap<string, string> = new Map([
  ['APPROX_COUNT_DISTINCT', 'use COUNT(DISTINCT x), which is exact'],
]);

/** Types an expression in a scope. */
export function typeExpression(expr: Expr, scope: Scope): Rex {
  return new Typer(scope).type(expr);
}

/** Checks that an expression is a condition (BOOLEAN), as WHERE and ON need. */
export function typeCondition(expr: Expr, scope: Scope, clause: string): Rex {
  const rex = typeExpression(expr, scope);
  if (rex.type.root !== 'BOOLEAN' && rex.type.root !== 'NULL')
    throw validationError(expr.pos, `${clause} needs a BOOLEAN condition, got ${formatType(rex.type)}`);
  return rex;
}

const BOOL_NOT_NULL = withNullability(Types.BOOLEAN, false);

class Typer {
  constructor(private readonly scope: Scope) {}

  type(e: Expr): Rex {
    switch (e.kind) {
      case 'literal':
        return this.literal(e.type, e.value, e.text);
      case 'interval':
        return intervalLiteral(e);
      case 'typedLiteral':
        return typedLiteral(e);
      case 'column':
        return this.scope.resolve(e.path, e.pos);
      case 'star':
        throw validationError(e.pos, "'*' is only allowed in the select list and in COUNT(*)");
      case 'symbol':
        return literal(e.name, withNullability(Types.STRING, false));
      case 'unary': {
        const operand = this.type(e.operand);
        if (e.op === '+') return operand;
        if (e.op === 'NOT') return call('NOT', [this.boolean(operand, e.pos, 'NOT')], operand.type, e.pos);
        return this.apply('NEGATE', [operand], e.pos);
      }
      case 'binary': {
        const left = this.type(e.left);
        const right = this.type(e.right);
        if (e.op === 'AND' || e.op === 'OR') {
          const args = [this.boolean(left, e.left.pos, e.op), this.boolean(right, e.right.pos, e.op)];
          return call(
            e.op,
            args,
            withNullability(Types.BOOLEAN, left.type.nullable || right.type.nullable),
            e.pos,
          );
        }
        if (COMPARISONS.has(e.op)) return this.compare(e.op, left, right, e.pos);
        return this.apply(e.op, [left, right], e.pos);
      }
      case 'is': {
        const operand = this.type(e.operand);
        if (e.test !== 'NULL') this.boolean(operand, e.pos, `IS ${e.test}`);
        return call(`IS ${e.negated ? 'NOT ' : ''}${e.test}`, [operand], BOOL_NOT_NULL, e.pos);
      }
      case 'isDistinctFrom': {
        const args = comparedOperands(this.type(e.left), this.type(e.right));
        this.apply('=', args, e.pos);
        return call(e.negated ? 'IS NOT DISTINCT FROM' : 'IS DISTINCT FROM', args, BOOL_NOT_NULL, e.pos);
      }
      case 'between': {
        const operand = this.type(e.operand);
        const low = this.type(e.low);
        const high = this.type(e.high);
        if (e.negated) {
          const below = this.compare('<', operand, low, e.pos);
          const above = this.compare('>', operand, high, e.pos);
          return call(
            'OR',
            [below, above],
            withNullability(Types.BOOLEAN, below.type.nullable || above.type.nullable),
            e.pos,
          );
        }
        const ge = this.compare('>=', operand, low, e.pos);
        const le = this.compare('<=', operand, high, e.pos);
        return call(
          'AND',
          [ge, le],
          withNullability(Types.BOOLEAN, ge.type.nullable || le.type.nullable),
          e.pos,
        );
      }
      case 'like': {
        const args = [this.type(e.operand), this.type(e.pattern)];
        if (e.escape !== undefined) args.push(this.type(e.escape));
        if (e.similar) {
          const similar = call('SIMILAR TO', args, FUNCTIONS['SIMILAR TO']!.type(args, e.pos), e.pos);
          return e.negated ? call('NOT', [similar], similar.type, e.pos) : similar;
        }
        const op = e.ignoreCase ? 'ILIKE' : 'LIKE';
        for (const a of args)
          if (!isString(a.type) && a.type.root !== 'NULL')
            throw validationError(e.pos, `${op} needs strings, got ${formatType(a.type)}`);
        const like = call(
          op,
          args,
          withNullability(
            Types.BOOLEAN,
            args.some((a) => a.type.nullable),
          ),
          e.pos,
        );
        return e.negated ? call('NOT', [like], like.type, e.pos) : like;
      }
      case 'inList': {
        let operand = this.type(e.operand);
        let list = e.list.map((item) => this.type(item));
        // A TIMESTAMP among TIMESTAMP_LTZs compares as one (read in the session's zone); the
        // rest keep their types, and each item must be comparable with the operand (the
        // comparison's type check says so).
        const widened = [operand, ...list].reduce<SqlType | undefined>(
          (type, r) => (type === undefined ? undefined : commonType(type, r.type)),
          operand.type,
        );
        if (widened !== undefined) {
          operand = asBranch(operand, widened);
          list = list.map((item) => asBranch(item, widened));
        }
        // Nested TIMESTAMPs meeting nested TIMESTAMP_LTZs: the operand takes a TIMESTAMP_LTZ
        // where any item has one, and each item where the operand then has one.
        operand = list.reduce((o, item) => zonedLike(o, item.type), operand);
        list = list.map((item) => zonedLike(item, operand.type));
        for (const item of list) this.apply('=', [operand, item], e.pos);
        const nullable = operand.type.nullable || list.some((i) => i.type.nullable);
        const test = call('IN', [operand, ...list], withNullability(Types.BOOLEAN, nullable), e.pos);
        return e.negated ? call('NOT', [test], test.type, e.pos) : test;
      }
      case 'inQuery':
      case 'exists':
        throw unsupported(
          e.pos,
          `${e.kind === 'exists' ? 'EXISTS' : 'IN (subquery)'} here`,
          'IN and EXISTS subqueries are planned in WHERE, HAVING, JOIN … ON, GROUP BY and the select list; compute it in the select list of a subquery in FROM instead',
        );
      case 'subquery':
        throw unsupported(
          e.pos,
          'a scalar subquery here',
          'scalar subqueries are planned in WHERE, HAVING, JOIN … ON, GROUP BY, the select list and the arguments of GROUP BY aggregates; compute it in the select list of a subquery in FROM instead',
        );
      case 'row':
        // `(1, 'a')` where a value is expected is the implicit ROW constructor, ROW(1, 'a').
        return this.apply(
          'ROW',
          e.items.map((item) => this.type(item)),
          e.pos,
        );
      case 'case':
        return this.caseExpression(e);
      case 'cast': {
        const operand = this.type(e.operand);
        const target = resolveType(e.type);
        if (!castable(operand.type, target)) {
          // Printed as its single-field kind, a two-field interval needs the reason said.
          const fields =
            operand.type.multiField || target.multiField
              ? '; only an interval of one field (INTERVAL MONTH, INTERVAL SECOND) casts to and from a number'
              : '';
          throw validationError(
            e.pos,
            `cannot CAST ${formatType(operand.type)} to ${formatType(target)}${fields}`,
          );
        }
        const nullable = operand.type.nullable || e.safe;
        return call(e.safe ? 'TRY_CAST' : 'CAST', [operand], withNullability(target, nullable), e.pos);
      }
      case 'call':
        return this.call(e);
    }
  }

  private literal(type: string, value: unknown, text: string): Rex {
    switch (type) {
      case 'number': {
        if (/[eE]/.test(text)) return literal(value, withNullability(Types.DOUBLE, false));
        if (text.includes('.')) {
          const [whole = '', fraction = ''] = text.split('.');
          const digits = whole.replace(/^0+/, '').length + fraction.length;
          return literal(value, withNullability(Types.decimal(Math.max(digits, 1), fraction.length), false));
        }
        // INT, BIGINT when past INT (exact past 2^53: long.ts), DECIMAL past BIGINT, as in Flink.
        const n = value as number;
        if (n <= 2147483647) return literal(value, withNullability(Types.INT, false));
        const exact = BigInt(text);
        if (exact <= MAX_LONG) return literal(wrapLong(exact), withNullability(Types.BIGINT, false));
        return literal(value, withNullability(Types.decimal(text.length, 0), false));
      }
      case 'string': {
        const s = value as string;
        // Its length in characters (code points), as Flink counts a CHAR's: '😀' is a CHAR(1), and
        // '' a CHAR(0), the one zero length Flink has, which only a literal can take.
        let length = 0;
        for (const _ of s) length++;
        return literal(s, Object.freeze({ root: 'CHAR', nullable: false, length }) as SqlType);
      }
      case 'boolean':
        return literal(value, BOOL_NOT_NULL);
      case 'binary': {
        // X'0a0b' is a BINARY(2), as in Flink (X'' a BINARY(0)).
        const bytes = Buffer.from(String(value), 'hex');
        return literal(
          bytes,
          Object.freeze({ root: 'BINARY', nullable: false, length: bytes.length }) as SqlType,
        );
      }
      default:
        return literal(null, Types.NULL);
    }
  }

  private boolean(rex: Rex, pos: SourcePos, op: string): Rex {
    if (rex.type.root !== 'BOOLEAN' && rex.type.root !== 'NULL')
      throw validationError(pos, `${op} needs BOOLEAN operands, got ${formatType(rex.type)}`);
    return rex;
  }

  /** A comparison, its operands conformed as Flink compares them ({@link comparedOperands}). */
  private compare(op: string, left: Rex, right: Rex, pos: SourcePos): Rex {
    // Checked as written first, so an error names the operands' own types, not the casts'.
    FUNCTIONS[op]!.type([left, right], pos);
    return this.apply(op, comparedOperands(left, right), pos);
  }

  private apply(name: string, args: Rex[], pos: SourcePos | undefined): Rex {
    const fn = FUNCTIONS[name]!;
    return call(name, args, fn.type(args, pos), pos);
  }

  private caseExpression(e: Extract<Expr, { kind: 'case' }>): Rex {
    const operand = e.operand === undefined ? undefined : this.type(e.operand);
    const args: Rex[] = [];
    const results: Rex[] = [];
    for (const { when, then } of e.whens) {
      const w = this.type(when);
      args.push(
        operand === undefined ? this.boolean(w, when.pos, 'WHEN') : this.compare('=', operand, w, when.pos),
      );
      const t = this.type(then);
      results.push(t);
      args.push(t);
    }
    const otherwise = e.otherwise === undefined ? literal(null, Types.NULL) : this.type(e.otherwise);
    results.push(otherwise);
    args.push(otherwise);
    const type = this.common(results, e.pos, 'CASE branches');
    // Conditions sit at even places before the ELSE, results at odd ones and last.
    const conformed = args.map((a, i) => (i % 2 === 1 || i === args.length - 1 ? asBranch(a, type) : a));
    return call('CASE', conformed, type, e.pos);
  }

  private common(items: readonly Rex[], pos: SourcePos, what: string): SqlType {
    let type: SqlType = items[0]!.type;
    for (const item of items.slice(1)) {
      const next = commonType(type, item.type);
      if (next === undefined)
        throw validationError(
          pos,
          `${what} have incompatible types ${formatType(type)} and ${formatType(item.type)}`,
        );
      type = next;
    }
    // CHAR(n) stays when every branch is CHAR(n), as in Flink; ragged lengths are VARCHAR.
    return type;
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Rex {
    const name = e.name;
    if (e.over !== undefined)
      throw unsupported(
        e.pos,
        `${name}(…) OVER`,
        'OVER aggregations and ROW_NUMBER are planned in a later version',
      );
    // A temporary system function shadows the built-in of its name, as in Flink.
    if (plannedFunctions()?.shadowing(name) !== undefined)
      return this.userFunction(
        e,
        e.args.map((a) => this.type(a)),
      );
    if (AGGREGATES.has(name))
      throw unsupported(
        e.pos,
        `aggregate function ${name} here`,
        'GROUP BY aggregation is planned in a later version',
      );
    const refused = REFUSED_AGGREGATES.get(name);
    if (refused !== undefined) throw unsupported(e.pos, `aggregate function ${name}`, refused);
    if (e.distinct || e.filter !== undefined)
      throw validationError(e.pos, `DISTINCT and FILTER apply only to aggregate functions, not ${name}`);
    if (
      name === 'TUMBLE' ||
      name === 'HOP' ||
      name === 'SESSION' ||
      name.endsWith('_START') ||
      name.endsWith('_END')
    )
      throw unsupported(
        e.pos,
        `group window function ${name}`,
        "use windowing table functions: FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))",
      );
    if (JSON_SYNTAX.has(name)) {
      const jsonArgs = jsonCallArguments(e, (a) => this.type(a));
      return call(name, jsonArgs, FUNCTIONS[name]!.type(jsonArgs, e.pos), e.pos);
    }
    const args = e.args.map((a) => this.type(a));
    switch (name) {
      case 'COALESCE': {
        if (args.length === 0) throw validationError(e.pos, 'COALESCE needs at least one argument');
        const type = this.common(args, e.pos, 'COALESCE arguments');
        return call(
          'COALESCE',
          args.map((a) => asBranch(a, type)),
          withNullability(
            type,
            args.every((a) => a.type.nullable),
          ),
          e.pos,
        );
      }
      case 'IF': {
        if (args.length !== 3)
          throw validationError(e.pos, `IF takes 3 arguments (condition, then, else), got ${args.length}`);
        this.boolean(args[0]!, e.pos, 'IF');
        const type = this.common(args.slice(1), e.pos, 'IF branches');
        return call('CASE', [args[0]!, ...args.slice(1).map((a) => asBranch(a, type))], type, e.pos);
      }
      case 'NULLIF': {
        if (args.length !== 2) throw validationError(e.pos, `NULLIF takes 2 arguments, got ${args.length}`);
        const eq = this.apply('=', args, e.pos);
        return call(
          'CASE',
          [eq, literal(null, Types.NULL), args[0]!],
          withNullability(args[0]!.type, true),
          e.pos,
        );
      }
      case 'CURRENT_TIMESTAMP':
      case 'NOW':
        return call('CURRENT_TIMESTAMP', [], withNullability(Types.timestampLtz(3), false), e.pos);
      case 'LOCALTIMESTAMP':
        // Flink types it TIMESTAMP(3): the clock's wall time in the session time zone.
        return call(
          'CAST',
          [call('CURRENT_TIMESTAMP', [], withNullability(Types.timestampLtz(3), false), e.pos)],
          withNullability(Types.timestamp(3), false),
          e.pos,
        );
      case 'CURRENT_WATERMARK':
        return currentWatermark(args, e.pos);
      case 'CURRENT_DATABASE':
        // The session's database when the statement is planned, as Flink folds it.
        FUNCTIONS.CURRENT_DATABASE!.type(args, e.pos);
        return literal(currentDatabase(), withNullability(Types.STRING, false));
      case 'PROCTIME':
        return call(
          'CURRENT_TIMESTAMP',
          [],
          Object.freeze({ ...Types.timestampLtz(3), nullable: false, proctime: true }),
          e.pos,
        );
    }
    const fn = FUNCTIONS[name];
    if (fn === undefined) return this.userFunction(e, args);
    return call(name, args, fn.type(args, e.pos), e.pos);
  }

  /**
   * A call of a user-defined scalar function: arguments checked against its declaration, and
   * the function itself kept on the call for the compiler.
   */
  private userFunction(e: Extract<Expr, { kind: 'call' }>, args: Rex[]): Rex {
    const functions = plannedFunctions();
    const udf = functions?.scalar(e.name);
    if (udf === undefined) {
      const kind = functions?.kindOf(e.name);
      if (kind === 'table')
        throw validationError(
          e.pos,
          `${e.name} is a table function; call it in FROM: FROM t, LATERAL TABLE(${e.name}(…)) AS r(…)`,
        );
      if (kind === 'aggregate')
        throw validationError(e.pos, `aggregate function ${e.name} is not allowed here`);
      const upper = e.name.toUpperCase();
      if (upper === 'LAG' || upper === 'LEAD')
        throw validationError(
          e.pos,
          `${upper} is a window function; call it with OVER: ${upper}(x) OVER (PARTITION BY k ORDER BY rowtime)`,
        );
      // Flink's WATERMARK FOR ts AS SOURCE_WATERMARK() asks the connector (Kafka, say) for its
      // watermarks; none of the connectors here emits any.
      if (upper === 'SOURCE_WATERMARK')
        throw unsupported(
          e.pos,
          'SOURCE_WATERMARK()',
          "no connector here emits its own watermarks; bound the lateness: WATERMARK FOR ts AS ts - INTERVAL '5' SECOND",
        );
      const registered = functions?.names() ?? [];
      const user = registered.length === 0 ? '' : `; user-defined functions: ${registered.join(', ')}`;
      throw validationError(
        e.pos,
        `unknown function ${e.name}; built-in functions are listed by SHOW FUNCTIONS${user}`,
      );
    }
    checkArguments(
      udf,
      args.map((a) => a.type),
      e.pos,
      e.args.map((a) => a.pos),
    );
    // A TIMESTAMP passed as a declared DATE or TIME is cast, as Flink casts implicitly.
    const declared = udf.argumentTypes;
    const passed =
      declared === undefined
        ? args
        : args.map((a, i) =>
            narrowsTimestamp(a.type, declared[i]!)
              ? call('CAST', [a], withNullability(declared[i]!, a.type.nullable))
              : a,
          );
    return call(udf.name, passed, udf.resultType, e.pos, udf);
  }
}

/** The operators that compare two values of one type (BETWEEN and CASE's WHEN are made of them). */
const COMPARISONS: ReadonlySet<string> = new Set(['=', '<>', '<', '<=', '>', '>=']);

/**
 * The operands of a comparison as Flink compares them: a TIMESTAMP with a TIMESTAMP_LTZ in their
 * common type, the TIMESTAMP cast to a TIMESTAMP_LTZ (its wall clock read in the session's zone),
 * where the two numbers held (a wall clock read as UTC, an instant) would not compare. Flink's
 * code generation compares timestamps of one root only, and its planner casts first
 * (ComparisonFunctionITCase: in GMT-08:00, the TIMESTAMP 1969-12-31 16:00:01.123 equals the
 * TIMESTAMP_LTZ of epoch millisecond 1123). Other operands compare as held.
 */
export function comparedOperands(left: Rex, right: Rex): [Rex, Rex] {
  if (isTimestamp(left.type) && isTimestamp(right.type)) {
    if (left.type.root === right.type.root) return [left, right];
    const common = commonType(left.type, right.type)!;
    return [asBranch(left, common), asBranch(right, common)];
  }
  return [zonedLike(left, right.type), zonedLike(right, left.type)];
}

/**
 * `rex` cast so that each TIMESTAMP inside it (a ROW's field, an ARRAY's element, a MAP's key or
 * value, at any depth) that meets a TIMESTAMP_LTZ at the same place in `other` is a
 * TIMESTAMP_LTZ, read in the session's zone as at the top ({@link comparedOperands}); `rex`
 * itself where no such place is. Flink's planner casts only top-level operands (Calcite coerces
 * no nested types, and its code generation then compares the nested values' raw numbers, a wall
 * clock read as UTC against an instant); here nested values compare as their fields would.
 */
function zonedLike(rex: Rex, other: SqlType): Rex {
  const type = ltzWhere(rex.type, other);
  return type === rex.type ? rex : call('CAST', [rex], type);
}

/** `type` with TIMESTAMP made TIMESTAMP_LTZ where `other` has one at the same place. */
function ltzWhere(type: SqlType, other: SqlType): SqlType {
  if (type.root === 'TIMESTAMP' && other.root === 'TIMESTAMP_LTZ')
    return Object.freeze({ root: 'TIMESTAMP_LTZ', nullable: type.nullable, precision: type.precision });
  if (type.root !== other.root) return type;
  if (type.root === 'ARRAY') {
    const element = ltzWhere(type.element!, other.element!);
    return element === type.element ? type : Object.freeze({ ...type, element });
  }
  if (type.root === 'MAP') {
    const key = ltzWhere(type.key!, other.key!);
    const value = ltzWhere(type.value!, other.value!);
    return key === type.key && value === type.value ? type : Object.freeze({ ...type, key, value });
  }
  if (type.root === 'ROW' && type.fields!.length === other.fields!.length) {
    const fields = type.fields!.map((f, i) => {
      const t = ltzWhere(f.type, other.fields![i]!.type);
      return t === f.type ? f : Object.freeze({ name: f.name, type: t });
    });
    return fields.every((f, i) => f === type.fields![i])
      ? type
      : Object.freeze({ ...type, fields: Object.freeze(fields) });
  }
  return type;
}

/** A branch cast to the branches' type where its value is held differently ({@link branchNeedsCast}). */
function asBranch(rex: Rex, type: SqlType): Rex {
  return branchNeedsCast(rex.type, type)
    ? call('CAST', [rex], withNullability(type, rex.type.nullable))
    : rex;
}

const DAY_TIME_MS: Record<string, number> = {
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
  MILLISECOND: 1,
  WEEK: 7 * 86_400_000,
};

/** `INTERVAL '1:30' HOUR TO MINUTE` → 5 400 000 ms; `INTERVAL '1-2' YEAR TO MONTH` → 14 months. */
export function intervalLiteral(e: IntervalLiteral): Rex {
  const sign = e.negative ? -1 : 1;
  const text = e.text.trim();
  const bad = () =>
    validationError(e.pos, `invalid interval '${e.text}' for ${e.unit}${e.toUnit ? ` TO ${e.toUnit}` : ''}`);
  if (e.unit === 'YEAR' || e.unit === 'MONTH' || e.unit === 'QUARTER') {
    let months: number;
    if (e.toUnit === 'MONTH') {
      const m = /^(-?\d+)-(\d+)$/.exec(text);
      if (m === null) throw bad();
      months = Number(m[1]) * 12 + Math.sign(Number(m[1]) || 1) * Number(m[2]);
    } else {
      if (!/^-?\d+$/.test(text)) throw bad();
      months = Number(text) * (e.unit === 'YEAR' ? 12 : e.unit === 'QUARTER' ? 3 : 1);
    }
    return literal(sign * months, intervalType('INTERVAL_YEAR_MONTH', e.unit, e.toUnit));
  }
  let ms: number;
  if (e.toUnit === undefined) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw bad();
    ms = Number(text) * DAY_TIME_MS[e.unit]!;
  } else {
    // Fields from unit down to toUnit, e.g. DAY TO SECOND: 'd hh:mm:ss[.fff]'.
    const parts = text.split(/[ :]/).map(Number);
    const units = ['DAY', 'HOUR', 'MINUTE', 'SECOND'];
    const from = units.indexOf(e.unit);
    const to = units.indexOf(e.toUnit);
    if (from < 0 || to < from || parts.length !== to - from + 1 || parts.some((p) => Number.isNaN(p)))
      throw bad();
    ms = parts.reduce((sum, p, i) => sum + p * DAY_TIME_MS[units[from + i]!]!, 0);
  }
  return literal(sign * Math.round(ms), intervalType('INTERVAL_DAY_TIME', e.unit, e.toUnit));
}

/**
 * A literal's interval type, NOT NULL, with its field ({@link SqlType.intervalField}), and for
 * `… TO …` its last field and `multiField` ({@link SqlType.multiField}).
 */
function intervalType(
  root: 'INTERVAL_YEAR_MONTH' | 'INTERVAL_DAY_TIME',
  field: TimeUnit,
  toField: TimeUnit | undefined,
): SqlType {
  return Object.freeze({
    root,
    nullable: false,
    intervalField: field,
    ...(toField === undefined ? {} : { multiField: true, intervalToField: toField }),
  });
}

function typedLiteral(e: TypedLiteral): Rex {
  const bad = () => validationError(e.pos, `invalid ${e.type} literal '${e.text}'`);
  if (e.type === 'TIME') {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(e.text.trim());
    if (m === null) throw bad();
    const ms =
      ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 +
      Number((m[4] ?? '0').padEnd(3, '0'));
    // As in Flink, the literal's precision is its number of fraction digits.
    return literal(ms, { root: 'TIME', nullable: false, precision: m[4]?.length ?? 0 });
  }
  const ms = parseTimestamp(e.text);
  if (ms === null || (e.type === 'DATE' && !/^\s*\d{4}-\d{1,2}-\d{1,2}\s*$/.test(e.text))) throw bad();
  if (e.type === 'DATE') return literal(Math.floor(ms / 86_400_000), withNullability(Types.DATE, false));
  return literal(ms, withNullability(Types.timestamp(3), false));
}
