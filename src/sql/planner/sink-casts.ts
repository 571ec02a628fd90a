/**
 * How a query's column reaches the sink column it is written to, as Flink's sink validation
 * decides: the query's type must cast to the sink's implicitly (Flink's implicit-cast rules, see
 * {@link isAssignable}), and the cast is left out where the value already fits
 * ({@link castAvoidable}). So STRING goes into VARCHAR(3) with a cast that cuts, and CHAR(2) (the
 * literal 'ab') into CHAR(5) with one that pads, but VARCHAR into CHAR(n) and VARBINARY into
 * BINARY(n) are refused: padding a varying string is a change of type the query must ask for.
 * Nullability is not checked here; the sink's NOT NULL enforcer checks each row.
 */
import {
  castAvoidable,
  formatType,
  isAssignable,
  isByteString,
  isString,
  sameKind,
  withNullability,
} from '../catalog/types.js';
import { validationError } from '../errors.js';
import { call, field, type Rex } from '../expressions/rex.js';
import { castable } from '../expressions/castable.js';
import type { Query, SourcePos } from '../parser/ast.js';
import { type LogicalNode, type PlanColumn, values } from './logical.js';

/**
 * The expression writing the query's column `source` into the sink column `target` of table
 * `table`; throws at `pos` when Flink would not cast it implicitly, naming the explicit CAST.
 */
export function sinkColumnRex(
  source: PlanColumn,
  target: PlanColumn,
  table: string,
  pos: SourcePos | undefined,
): Rex {
  if (!isAssignable(source.type, target.type)) {
    const to = formatType(withNullability(target.type, true));
    const fixed = target.type.root === 'CHAR' || target.type.root === 'BINARY';
    const why =
      fixed && (isString(source.type) || isByteString(source.type))
        ? `; only a ${target.type.root} casts to ${target.type.root}(n) implicitly`
        : '';
    const given = `column '${target.name}' of '${table}' is ${formatType(target.type)}, but the query gives ${formatType(source.type)}`;
    // No CAST turns a MAP into a MULTISET or back (see sameKind).
    if (source.type.root === 'MAP' && target.type.root === 'MAP' && !sameKind(source.type, target.type))
      throw validationError(
        pos,
        `${given}; a MULTISET and a MAP are different types, and neither casts to the other: give the column the type the query has`,
      );
    // A CAST that would itself be refused is no fix to name.
    if (!castable(source.type, target.type))
      throw validationError(
        pos,
        `${given}, and no CAST turns one into the other: give the column the type the query has, or compute a value of ${to}`,
      );
    // A generated name (EXPR$0) means nothing to the user; the position shows the expression.
    const operand = /^EXPR\$\d+$/.test(source.name) ? '…' : source.name;
    throw validationError(pos, `${given}${why}; write CAST(${operand} AS ${to}) in the query`);
  }
  const rex = field(source.name, source.type);
  return castAvoidable(source.type, target.type)
    ? rex
    : call('CAST', [rex], withNullability(target.type, source.type.nullable));
}

/**
 * Where the query's `index`-th column is written, for errors: its select item when the query is
 * one SELECT without `*`, else the query.
 */
export function queryColumnPos(query: Query, index: number): SourcePos {
  const body = query.body;
  if (body.kind !== 'select' || body.items.some((i) => i.expr.kind === 'star')) return query.pos;
  return body.items[index]?.pos ?? query.pos;
}

/**
 * An INSERT's VALUES of literals, typed by the sink's columns where a column of string literals
 * goes into CHAR(n), as Flink's SqlToRelConverter converts such VALUES: its rows take the target
 * row type (convertRowValues) and each string literal is padded to the CHAR's length
 * (convertLiteralInValuesList), not cut. So `VALUES ('a'), ('abc')` goes into CHAR(5) as 'a    '
 * and 'abc  ', where its own type, VARCHAR(3), would not cast to CHAR(5) implicitly. A VALUES
 * with any other expression in such a column keeps its type, as in Flink.
 */
export function valuesForSink(
  query: LogicalNode,
  ast: Query | undefined,
  targets: readonly PlanColumn[],
): LogicalNode {
  const body = ast?.body;
  if (query.kind !== 'values' || body?.kind !== 'values') return query;
  const retyped = new Set<number>();
  query.columns.forEach((column, i) => {
    const target = targets[i];
    if (target?.type.root !== 'CHAR' || !isString(column.type)) return;
    const items = body.rows.map((row) => row[i]);
    const literal = (e: (typeof items)[number]) =>
      e?.kind === 'literal' && (e.type === 'string' || e.type === 'null');
    if (items.every(literal) && items.some((e) => e?.kind === 'literal' && e.type === 'string'))
      retyped.add(i);
  });
  if (retyped.size === 0) return query;
  const columns = query.columns.map((c, i) =>
    retyped.has(i) ? { name: c.name, type: withNullability(targets[i]!.type, c.type.nullable) } : c,
  );
  const pad = (value: unknown, length: number) =>
    typeof value === 'string' && [...value].length < length
      ? value + ' '.repeat(length - [...value].length)
      : value;
  const rows = query.rows.map((row) =>
    row.map((v, i) => (retyped.has(i) ? pad(v, targets[i]!.type.length ?? 1) : v)),
  );
  return values(rows, columns);
}
