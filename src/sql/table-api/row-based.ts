/**
 * The pieces of Flink's row-based operations (`map`, `flatMap`, `aggregate`): the function call
 * each takes, checked for the kind of function the operation needs, and the select list that
 * expands a function's ROW result into columns. A ROW result is held under one internal column
 * and read field by field (`` SELECT `$row`.`x` AS `x` FROM (SELECT f(a) AS `$row` FROM t) ``),
 * which is how SQL expands a ROW value, so the operation plans as that SQL does.
 */
import type { SqlType } from '../catalog/types.js';
import { tableApiError } from './errors.js';
import type { Expression } from './expression.js';
import type { RenderedItem } from './render.js';
import { quoteIdentifier } from './sql-text.js';

/** The column a function's ROW result is held in before its fields are expanded. */
export const ROW_COLUMN = '$row';

/** The kinds of user-defined function: the function catalog's, with table aggregate functions told apart from aggregate ones. */
export type FunctionKind = 'scalar' | 'table' | 'aggregate' | 'tableAggregate';

/** A function call given to a row-based operation, and the column names its `as(…)` gave. */
export interface FunctionCall {
  readonly call: Expression;
  readonly names: readonly string[];
}

const EXAMPLES: Record<FunctionKind, string> = {
  scalar: "map(call('f', $('a')))",
  table: "flatMap(call('split', $('s')))",
  aggregate: "groupBy($('k')).aggregate(call('agg', $('a'))).select('*')",
  tableAggregate: "groupBy($('k')).flatAggregate(call('top2', $('a'))).select('*')",
};

const KIND_NAMES: Record<FunctionKind, string> = {
  scalar: 'a scalar function',
  table: 'a table function',
  aggregate: 'an aggregate function',
  tableAggregate: 'a table aggregate function',
};

/** Which operation takes a function of each kind, for errors that name the fix. */
const OPERATION_OF: Record<FunctionKind, string> = {
  scalar: 'map',
  table: 'flatMap (or joinLateral)',
  aggregate: 'aggregate',
  tableAggregate: 'flatAggregate',
};

/**
 * The call `e` stands for, checked to be a call of a function of kind `expected`; `kindOf`
 * tells a user-defined function's kind (undefined for a built-in, which SQL then checks).
 */
export function functionCallOf(
  op: string,
  e: Expression,
  expected: FunctionKind,
  kindOf: (name: string) => FunctionKind | undefined,
): FunctionCall {
  const node = e.node;
  const call = node.kind === 'alias' ? node.inner : e;
  const wanted = KIND_NAMES[expected];
  if (call.node.kind !== 'call')
    throw tableApiError(op, `takes ${wanted}'s call: ${EXAMPLES[expected]}, not ${String(call)}`);
  const fn = call.node.fn;
  const kind = kindOf(fn);
  // As Flink's, flatAggregate runs only a TableAggregateFunction: neither a built-in nor an
  // aggregate function whose value happens to be an ARRAY of rows.
  if (expected === 'tableAggregate' && kind !== expected)
    throw tableApiError(
      op,
      kind === undefined
        ? `${fn} is not a table aggregate function; ${op} takes one: extend TableAggregateFunction and register it with createTemporarySystemFunction`
        : `${fn} is ${KIND_NAMES[kind]}, but ${op} takes a table aggregate function; extend TableAggregateFunction (its emitValue emits the rows), or call it with ${OPERATION_OF[kind]}`,
    );
  if (kind !== undefined && kind !== expected)
    throw tableApiError(
      op,
      `${fn} is ${KIND_NAMES[kind]}, but ${op} takes ${wanted}; call it with ${OPERATION_OF[kind]}`,
    );
  return { call, names: node.kind === 'alias' ? [node.name, ...node.more] : [] };
}

/**
 * The select list reading the ROW in column {@link ROW_COLUMN} of type `type` as columns, named
 * by `names` or else by its fields; a result that is not a ROW is one column, `f0` unless named.
 */
export function rowFieldItems(op: string, type: SqlType, names: readonly string[]): RenderedItem[] {
  const fields = type.root === 'ROW' ? type.fields!.map((f) => f.name) : undefined;
  const count = fields?.length ?? 1;
  if (names.length > 0 && names.length !== count)
    throw tableApiError(
      op,
      `${names.length} names given for the function's ${count} column${count === 1 ? '' : 's'}${fields === undefined ? '' : ` (${fields.join(', ')})`}`,
    );
  const row = quoteIdentifier(ROW_COLUMN);
  if (fields === undefined) return [{ sql: row, alias: names[0] ?? 'f0' }];
  return fields.map((f, i) => ({ sql: `${row}.${quoteIdentifier(f)}`, alias: names[i] ?? f }));
}

/**
 * The columns of the rows a table aggregate function emits, held as the ARRAY of type `type`
 * (its SQL value): named by `names` or else by the row's fields.
 */
export function emittedColumns(op: string, type: SqlType, names: readonly string[]): string[] {
  const element = type.element!;
  const fields = element.root === 'ROW' ? element.fields!.map((f) => f.name) : ['f0'];
  if (names.length > 0 && names.length !== fields.length)
    throw tableApiError(
      op,
      `${names.length} names given for the function's ${fields.length} column${fields.length === 1 ? '' : 's'} (${fields.join(', ')})`,
    );
  return names.length > 0 ? [...names] : fields;
}
