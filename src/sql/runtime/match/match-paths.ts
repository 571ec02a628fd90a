/**
 * The shared buffer of one partition's partial matches, after Flink's `SharedBuffer`: the
 * branches of the current start (see `pattern-matcher.ts`) map their first rows alike and part
 * ways later, so instead of each branch keeping the variable of every row (a copy per row, and
 * quadratic in the match's length), each row a branch takes is one entry pointing to the entry
 * of the row before it in that branch, and a branch holds only its last entry. Branches that
 * share a beginning share its entries. Taking a row costs one entry, whatever the match's length.
 *
 * Each entry also points to the first and the last entry of every variable up to it, so a
 * navigation (`FIRST(A.x)`, `LAST(A.x, n)`) finds its row without walking the branch:
 * `FIRST(v, 0)` at once, `LAST(v, n)` in n steps, `FIRST(v, n)` in as many steps as `v` has rows
 * after its n-th.
 *
 * It is plain data, arrays of numbers indexed by entry (entries are never removed one by one:
 * the buffer is cleared for each start, see `PatternMatcher`), so it is checkpointed with the
 * matcher's state in keyed state.
 */

/** No entry: the branch has no rows yet, or the variable none up to the entry. */
export const NO_ENTRY = -1;

/** The entries, by id; `variables` is the pattern's number of variables. */
export interface MatchPaths {
  readonly variables: number;
  /** The variable of each entry's row. */
  readonly variable: number[];
  /** The entry before each one in its branch, or {@link NO_ENTRY}. */
  readonly prev: number[];
  /** The position of each entry's row in the match (0 for the start row). */
  readonly depth: number[];
  /** How many rows of the entry's variable come before it in its branch. */
  readonly rank: number[];
  /** `first[e * variables + v]`: the first entry of variable v up to entry e, or {@link NO_ENTRY}. */
  readonly first: number[];
  /** `last[e * variables + v]`: the last entry of variable v up to entry e, or {@link NO_ENTRY}. */
  readonly last: number[];
}

/** A buffer with no entries, for a pattern of `variables` variables. */
export function emptyPaths(variables: number): MatchPaths {
  return { variables, variable: [], prev: [], depth: [], rank: [], first: [], last: [] };
}

/** Removes every entry, keeping the arrays (a start is decided far more often than a partition begins). */
export function clearPaths(paths: MatchPaths): void {
  paths.variable.length = 0;
  paths.prev.length = 0;
  paths.depth.length = 0;
  paths.rank.length = 0;
  paths.first.length = 0;
  paths.last.length = 0;
}

/**
 * Adds the entry of a row mapped to `variable` after entry `prev` (whose branch has `depth`
 * rows) and returns its id. Costs one entry and two rows of the variable tables.
 */
export function appendEntry(paths: MatchPaths, prev: number, depth: number, variable: number): number {
  const e = paths.variable.length;
  const n = paths.variables;
  paths.variable.push(variable);
  paths.prev.push(prev);
  paths.depth.push(depth);
  const { first, last } = paths;
  if (prev === NO_ENTRY) {
    for (let v = 0; v < n; v++) {
      first.push(v === variable ? e : NO_ENTRY);
      last.push(v === variable ? e : NO_ENTRY);
    }
    paths.rank.push(0);
    return e;
  }
  const before = last[prev * n + variable]!;
  paths.rank.push(before === NO_ENTRY ? 0 : paths.rank[before]! + 1);
  for (let v = 0; v < n; v++) {
    const f = first[prev * n + v]!;
    first.push(v === variable && f === NO_ENTRY ? e : f);
    last.push(v === variable ? e : last[prev * n + v]!);
  }
  return e;
}

/** The variable of every row of the branch ending at `entry`, `length` rows, in order. */
export function variablesOf(paths: MatchPaths, entry: number, length: number): number[] {
  const vars = new Array<number>(length);
  for (let e = entry; e !== NO_ENTRY; e = paths.prev[e]!) vars[paths.depth[e]!] = paths.variable[e]!;
  return vars;
}

/** How many rows of `variable` the branch ending at `entry` has (none of a variable past the tables). */
export function countOf(paths: MatchPaths, entry: number, variable: number): number {
  if (entry === NO_ENTRY || variable >= paths.variables) return 0;
  const last = paths.last[entry * paths.variables + variable]!;
  return last === NO_ENTRY ? 0 : paths.rank[last]! + 1;
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
  if (entry === NO_ENTRY || variable >= paths.variables) return -1;
  const n = paths.variables;
  if (!fromEnd && offset === 0) {
    const first = paths.first[entry * n + variable]!;
    return first === NO_ENTRY ? -1 : paths.depth[first]!;
  }
  let e = paths.last[entry * n + variable]!;
  if (e === NO_ENTRY) return -1;
  // Steps back from the variable's last row: `offset` from the end, or to rank `offset`.
  let steps = fromEnd ? offset : paths.rank[e]! - offset;
  if (steps < 0) return -1;
  for (; steps > 0; steps--) {
    const prev = paths.prev[e]!;
    e = prev === NO_ENTRY ? NO_ENTRY : paths.last[prev * n + variable]!;
    if (e === NO_ENTRY) return -1;
  }
  return paths.depth[e]!;
}
