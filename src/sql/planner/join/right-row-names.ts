/**
 * The right input of a regular or interval join as it runs: the names its rows carry, which need
 * not be the join's names for its columns. The builder renames right columns whose names the left side
 * uses (`dateTime` → `dateTime0`, see `build-join.ts`), and the Calc below the join then copies
 * every right row into a new object under the new names. Rows are read by name, so the join can
 * instead read each such column under the name its source gives it: the Calc keeps its
 * expressions but names its outputs after what they read (`dateTime AS dateTime0` is run as
 * `dateTime`, `FIELD(bid, 'extra') AS extra0` as `extra`), and a Calc left doing nothing but
 * pass its input on is not run at all. Its output can then be its input's row, or its source's
 * ROW value itself (see `fused-source-chain.ts`), without a copy per row.
 *
 * EXPLAIN shows the plan (the Calc with the join's names): this is only how it runs.
 *
 * Rows stored by a join of an earlier version carry the join's names; see {@link readRight}.
 */
import { field, type Rex, substitute } from '../../expressions/rex.js';
import type { PhysicalCalc, PhysicalNode } from '../physical.js';

/** The right input to run, and each renamed column's row name by its join name. */
export interface RightInput {
  readonly node: PhysicalNode;
  readonly rowNames: ReadonlyMap<string, string>;
}

/** No column renamed: every right column is read under the join's name. */
export const NO_RENAMES: ReadonlyMap<string, string> = new Map();

/** The name an output column reads from: a column, or a ROW column's field; else undefined. */
function readName(rex: Rex): string | undefined {
  if (rex.kind === 'field') return rex.name;
  if (rex.kind !== 'call' || rex.op !== 'FIELD' || rex.args.length !== 2) return undefined;
  const name = rex.args[1]!;
  return name.kind === 'literal' && typeof name.value === 'string' ? name.value : undefined;
}

/**
 * The right input of a join to run: `right` itself, or, when it is a Calc that renames what it
 * reads, that Calc with its outputs under the names they read (or the Calc's input, when it then
 * only passes its input on), and the renames. A column is renamed only when both names stay
 * apart from the other side of the rename: no row name is a join name of another right column
 * and no join name is a row name, so a row of either shape has at most one of the two names
 * (what {@link readRight} relies on).
 */
export function rightInputAsRead(right: PhysicalNode): RightInput {
  if (right.kind !== 'calc') return { node: right, rowNames: NO_RENAMES };
  const joinNames = new Set(right.projections.map((p) => p.name));
  const rowNames = new Map<string, string>();
  const used = new Set<string>();
  for (const { name, rex } of right.projections) {
    const read = readName(rex);
    if (read !== undefined && read !== name && !joinNames.has(read) && !used.has(read)) {
      rowNames.set(name, read);
      used.add(read);
    }
  }
  if (rowNames.size === 0) return { node: right, rowNames: NO_RENAMES };
  const projections = right.projections.map((p) => ({ name: rowNames.get(p.name) ?? p.name, rex: p.rex }));
  const columns = right.columns.map((c) => ({ ...c, name: rowNames.get(c.name) ?? c.name }));
  const input = right.input;
  const passesOn =
    right.condition === undefined &&
    projections.length === input.columns.length &&
    projections.every(
      (p, i) => p.rex.kind === 'field' && p.rex.name === p.name && p.name === input.columns[i]!.name,
    );
  if (passesOn) return { node: input, rowNames };
  const calc: PhysicalCalc = Object.freeze({ ...right, projections: Object.freeze(projections), columns });
  return { node: calc, rowNames };
}

/**
 * JavaScript reading join column `name` of right row `r` (an identifier in generated code):
 * under its row name, or, for a row stored by an earlier version under the join's name, under
 * that. The names are kept apart (see {@link rightInputAsRead}), so a row has at most one of
 * them; NULL either way is `null`.
 */
export function readRight(r: string, name: string, rowNames: ReadonlyMap<string, string>): string {
  const rowName = rowNames.get(name);
  if (rowName === undefined) return `${r}[${JSON.stringify(name)}]`;
  return `(${r}[${JSON.stringify(rowName)}] ?? ${r}[${JSON.stringify(name)}] ?? null)`;
}

/** A reader of join column `name` from right rows of either shape (see {@link readRight}). */
export function rightColumnReader(
  name: string,
  rowNames: ReadonlyMap<string, string>,
): (row: Record<string, unknown>) => unknown {
  const rowName = rowNames.get(name);
  if (rowName === undefined) return (row) => row[name];
  return (row) => row[rowName] ?? row[name] ?? null;
}

/** Expressions over the right side's columns, read from arriving right rows (their row names). */
export function readFromRightRows(
  keys: readonly Rex[],
  rowNames: ReadonlyMap<string, string>,
): readonly Rex[] {
  if (rowNames.size === 0) return keys;
  return keys.map((k) => substitute(k, (f) => field(rowNames.get(f.name) ?? f.name, f.type)));
}
