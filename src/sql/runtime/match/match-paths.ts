/**
 * The shared buffer of one partition's partial matches, after Flink's `SharedBuffer`: the
 * branches of the current start (see `pattern-matcher.ts`) map their first rows alike and part
 * ways later, so instead of each branch keeping the variable of every row (a copy per row, and
 * quadratic in the match's length), each row a branch takes is one entry pointing to the entry
 * of the row before it in that branch, and a branch holds only its last entry. Branches that
 * share a beginning share its entries. Taking a row costs one entry, whatever the match's length.
 *
 * When navigations need them, each entry also points to the first and the last entry of every
 * variable up to it, so a navigation (`FIRST(A.x)`, `LAST(A.x, n)`) finds its row without
 * walking the branch: `FIRST(v, 0)` at once, `LAST(v, n)` in n steps, `FIRST(v, n)` in as many
 * steps as `v` has rows after its n-th. Without them an entry is a third of the size or less,
 * which matters for short matches, where filling the tables was most of an entry's cost.
 *
 * It is plain data, one array of numbers holding a record per entry (never removed one by one:
 * the buffer is cleared for each start, see `PatternMatcher`), so it is checkpointed with the
 * matcher's state in keyed state.
 */

/** No entry: the branch has no rows yet, or the variable none up to the entry. */
export const NO_ENTRY = -1;

/**
 * The entries, one record of `4 + 2 * width` numbers each in `data` (one array: an entry is
 * one append, and clearing is one truncation). Entry e's record starts at `e * stride`:
 * - `VARIABLE`: the variable of its row;
 * - `PREV`: the entry before it in its branch, or {@link NO_ENTRY};
 * - `DEPTH`: its row's position in the match (0 for the start row);
 * - `RANK`: how many rows of its variable come before it in its branch (0 without tables);
 * - `FIRST + v`, `FIRST + width + v`: the first and the last entry of variable v up to it, or
 *   {@link NO_ENTRY}.
 *
 * `width` is the number of variables the tables cover: all of the pattern's, or 0 when nothing
 * navigates by variable (then {@link positionOf} and {@link countOf} cannot be asked).
 */
export interface MatchPaths {
  readonly width: number;
  readonly data: number[];
}

const VARIABLE = 0;
const PREV = 1;
const DEPTH = 2;
const RANK = 3;
const FIRST = 4;

/**
 * A buffer with no entries, for a pattern of `variables` variables, with the navigation tables
 * when `navigable`.
 */
export function emptyPaths(variables: number, navigable: boolean): MatchPaths {
  return { width: navigable ? variables : 0, data: [] };
}

/** How many entries `paths` holds. */
export function entryCount(paths: MatchPaths): number {
  return paths.data.length / (FIRST + 2 * paths.width);
}

/** Removes every entry (a start is decided far more often than a partition begins). */
export function clearPaths(paths: MatchPaths): void {
  paths.data.length = 0;
}

/**
 * Adds the entry of a row mapped to `variable` after entry `prev` (whose branch has `depth`
 * rows) and returns its id. Costs one record, whatever the branch's length.
 */
export function appendEntry(paths: MatchPaths, prev: number, depth: number, variable: number): number {
  const { data, width: n } = paths;
  const stride = FIRST + 2 * n;
  const e = data.length / stride;
  if (n === 0) {
    data.push(variable, prev, depth, 0);
    return e;
  }
  if (prev === NO_ENTRY) {
    data.push(variable, NO_ENTRY, depth, 0);
    for (let v = 0; v < n; v++) data.push(v === variable ? e : NO_ENTRY);
    for (let v = 0; v < n; v++) data.push(v === variable ? e : NO_ENTRY);
    return e;
  }
  const p = prev * stride;
  const before = data[p + FIRST + n + variable]!;
  data.push(variable, prev, depth, before === NO_ENTRY ? 0 : data[before * stride + RANK]! + 1);
  for (let v = 0; v < n; v++) {
    const first = data[p + FIRST + v]!;
    data.push(v === variable && first === NO_ENTRY ? e : first);
  }
  for (let v = 0; v < n; v++) data.push(v === variable ? e : data[p + FIRST + n + v]!);
  return e;
}

/** The variable of every row of the branch ending at `entry`, `length` rows, in order. */
export function variablesOf(paths: MatchPaths, entry: number, length: number): number[] {
  const { data } = paths;
  const stride = FIRST + 2 * paths.width;
  const vars = new Array<number>(length);
  for (let e = entry; e !== NO_ENTRY; e = data[e * stride + PREV]!)
    vars[data[e * stride + DEPTH]!] = data[e * stride + VARIABLE]!;
  return vars;
}

/** The last entry of `variable` up to `entry`, or {@link NO_ENTRY} (also for a variable past the tables). */
function lastOf(paths: MatchPaths, entry: number, variable: number): number {
  const n = paths.width;
  if (n === 0) throw new Error('MATCH_RECOGNIZE navigated a shared buffer kept without its tables');
  if (entry === NO_ENTRY || variable >= n) return NO_ENTRY;
  return paths.data[entry * (FIRST + 2 * n) + FIRST + n + variable]!;
}

/** How many rows of `variable` the branch ending at `entry` has. */
export function countOf(paths: MatchPaths, entry: number, variable: number): number {
  const last = lastOf(paths, entry, variable);
  return last === NO_ENTRY ? 0 : paths.data[last * (FIRST + 2 * paths.width) + RANK]! + 1;
}

/**
 * The position in the match of the `offset`-th row of `variable` counted from its first row
 * (or, `fromEnd`, from its last) in the branch ending at `entry`; -1 if there is none (as for a
 * variable past the tables, which no step maps a row to).
 */
export function positionOf(
  paths: MatchPaths,
  entry: number,
  variable: number,
  offset: number,
  fromEnd: boolean,
): number {
  const { data, width: n } = paths;
  const stride = FIRST + 2 * n;
  let e = lastOf(paths, entry, variable);
  if (e === NO_ENTRY) return -1;
  if (!fromEnd && offset === 0) return data[data[entry * stride + FIRST + variable]! * stride + DEPTH]!;
  // Steps back from the variable's last row: `offset` from the end, or to rank `offset`.
  let steps = fromEnd ? offset : data[e * stride + RANK]! - offset;
  if (steps < 0) return -1;
  for (; steps > 0; steps--) {
    const prev = data[e * stride + PREV]!;
    if (prev === NO_ENTRY) return -1;
    e = data[prev * stride + FIRST + n + variable]!;
    if (e === NO_ENTRY) return -1;
  }
  return data[e * stride + DEPTH]!;
}
