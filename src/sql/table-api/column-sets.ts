/**
 * Column sets of the Table API, as Flink's `withColumns` and `withoutColumns`: columns picked
 * by name, by 1-based position or by `range(from, to)`, in the table's column order, for wide
 * tables where naming each column is a chore. They expand where a list of expressions is
 * taken (`select`, `groupBy`, `addColumns`, call arguments).
 */
import { tableApiError } from './errors.js';
import { Expression } from './expression.js';
import type { ColumnSpec } from './expression-node.js';

/** The columns a `withColumns(…)` or `withoutColumns(…)` expression picks from `columns`, in their order. */
export function pickColumns(set: Expression, columns: readonly string[], op: string): string[] {
  const node = set.node;
  if (node.kind !== 'columns') return [];
  const position = (at: string | number): number => {
    const i = typeof at === 'number' ? at - 1 : columns.indexOf(at);
    if (typeof at === 'number' ? !Number.isInteger(at) || i < 0 || i >= columns.length : i < 0)
      throw tableApiError(
        op,
        typeof at === 'number'
          ? `column position ${at} is out of range; the table has columns 1 to ${columns.length}`
          : `column '${at}' not found; available columns: ${columns.join(', ')}`,
      );
    return i;
  };
  const picked = new Set<number>();
  for (const spec of node.specs) for (const i of positions(spec, position, op)) picked.add(i);
  return columns.filter((_, i) => picked.has(i) !== node.without);
}

function positions(spec: ColumnSpec, position: (at: string | number) => number, op: string): number[] {
  if (!(spec instanceof Expression)) return [position(spec)];
  const node = spec.node;
  if (node.kind === 'column' && node.path.length === 1) return [position(node.path[0]!)];
  if (node.kind === 'range') {
    const [from, to] = [position(node.from), position(node.to)];
    if (from > to) throw tableApiError(op, `${String(spec)} runs backwards; name its first column first`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  throw tableApiError(op, `withColumns takes columns, positions and ranges, not ${String(spec)}`);
}

/** The expressions with each column set replaced by the columns it picks. */
export function expandColumnSets(
  fields: readonly Expression[],
  columns: readonly string[],
  op: string,
): Expression[] {
  return fields.flatMap((f) =>
    f.node.kind === 'columns'
      ? pickColumns(f, columns, op).map((name) => new Expression({ kind: 'column', path: [name] }))
      : [f],
  );
}
