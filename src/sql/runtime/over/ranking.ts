/**
 * Ranks over a partition's rows kept sorted in an array: where a new row goes, and which rows
 * have a rank inside a Top-N range. Shared by Top-N and window Top-N.
 *
 * Ties: ROW_NUMBER numbers equal rows in arrival order (a new row goes after the rows it ties
 * with), RANK gives them one rank and skips the ranks they use, DENSE_RANK gives them one rank
 * and skips none.
 */
import type { Row } from '../../expressions/compiler.js';

/** The ranking functions. */
export type RankKind = 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK';

/** A row with its rank. */
export interface RankedRow {
  readonly row: Row;
  readonly rank: number;
}

/** The index at which `row` goes into sorted `rows`: after its ties, or before them with `beforeTies`. */
export function insertionIndex(
  rows: readonly Row[],
  row: Row,
  compare: (a: Row, b: Row) => number,
  beforeTies = false,
): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(rows[mid]!, row);
    if (c < 0 || (c === 0 && !beforeTies)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `visit` for each row of sorted `rows` whose rank is at most `rankEnd`, in order, and
 * returns the index of the first row ranked beyond it (rows.length when there is none).
 */
export function forEachRanked(
  rows: readonly Row[],
  kind: RankKind,
  rankEnd: number,
  compare: (a: Row, b: Row) => number,
  visit: (row: Row, rank: number, index: number) => void,
): number {
  let rank = 0;
  for (let i = 0; i < rows.length; i++) {
    if (kind === 'ROW_NUMBER') rank = i + 1;
    else if (i === 0 || compare(rows[i - 1]!, rows[i]!) !== 0) rank = kind === 'RANK' ? i + 1 : rank + 1;
    if (rank > rankEnd) return i;
    visit(rows[i]!, rank, i);
  }
  return rows.length;
}

/** The rows with a rank in `[rankStart, rankEnd]`, in order. */
export function rankedRange(
  rows: readonly Row[],
  kind: RankKind,
  rankStart: number,
  rankEnd: number,
  compare: (a: Row, b: Row) => number,
): RankedRow[] {
  const out: RankedRow[] = [];
  forEachRanked(rows, kind, rankEnd, compare, (row, rank) => {
    if (rank >= rankStart) out.push({ row, rank });
  });
  return out;
}
