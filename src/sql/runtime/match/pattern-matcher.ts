/**
 * The matcher of `MATCH_RECOGNIZE`: finds, for one partition's rows in order, the matches of a
 * pattern of quantified variables as Flink's CEP NFA finds them (every row of a match belongs
 * to one variable, in pattern order, and satisfies that variable's condition). Matching starts
 * at a row and follows every branch Flink's NFA keeps from there; the first to complete is the
 * match. Then `AFTER MATCH SKIP …` says where the next attempt starts; a start without a match
 * is followed by the next row. `SKIP TO FIRST/LAST v` after a match with no row of `v`, or
 * whose `v` row is its first, fails the job, as in Flink's SQL (which asks its skip strategy to
 * throw on a miss rather than fall back to no skipping).
 *
 * Flink's rules differ from SQL's backtracking. A branch holds `count` rows in step `at`; on a
 * row it may take the row into that step, or leave the step (a PROCEED edge, once the step
 * holds its minimum) and try the row at the next step. A greedy step puts `NOT` its condition
 * on every edge out of the next step's first state, so nothing happens there on a row the
 * greedy step could take, even once it is full: the branch where the next step takes such a
 * row is never formed, and a greedy run that fails later has no fallback. Other steps keep both
 * ways. A match completes only when a row is taken and the PROCEED edges from there reach the
 * pattern's end on that same row, judged over the match before it; the NFA emits it at once
 * (no start before it is pending), so the first branch to complete wins, not the one SQL
 * prefers. Of two completing on one row Flink's choice follows its priority queue; this matcher
 * takes the one its branch order puts first (SQL's preference).
 *
 * The matcher keeps the rows from the current start and its branches ({@link Branch}) in that
 * order; each row extends every branch in order. After a start is decided, the rows after the
 * next start are fed again from there.
 *
 * Everything is plain data ({@link MatcherState}), kept in keyed state by the operator; what it
 * holds is bounded by the pattern: the rows since the current start and one branch per way the
 * pattern can still map them, whose rows' variables a shared buffer holds (`match-paths.ts`: a
 * branch that takes a row adds one entry pointing to its previous one, so a row costs the same
 * however long the match). `WITHIN` bounds it by time: a branch cannot take a row at or after
 * the start row plus the interval (a match spans less than the interval: Flink's NFA times a
 * partial match out once `time - start >= within`, before it sees a row of that time), and
 * {@link PatternMatcher.expire} drops the branches once the watermark reaches that point, which
 * decides the start.
 *
 * A branch may also carry running state over its rows ({@link RunningState}, e.g. the
 * accumulators of the aggregates the conditions read), extended row by row as the branch takes
 * rows, so a condition over a long match costs the same as over a short one.
 */
import { ErrorCodes, userError, type WeirError } from '../../../types/errors.js';
import type { Row } from '../../expressions/compiler.js';
import {
  appendEntry,
  clearPaths,
  emptyPaths,
  type MatchPaths,
  NO_ENTRY,
  positionOf,
  variablesOf,
} from './match-paths.js';

/** One pattern variable with its quantifier; `variable` indexes the pattern's variable names. */
export interface PatternStep {
  readonly variable: number;
  readonly min: number;
  /** `Infinity` for `*`, `+` and `{n,}`. */
  readonly max: number;
  /**
   * Greedy as a CEP pattern with `greedy()`: the next step's first state does nothing on a row
   * this step could take. Otherwise both ways stay open.
   */
  readonly greedy: boolean;
}

/** Where matching resumes after a match; `variable` indexes the variable names. */
export type SkipStrategy =
  | { readonly kind: 'pastLastRow' | 'toNextRow' }
  | { readonly kind: 'toFirst' | 'toLast'; readonly variable: number };

/**
 * One way of mapping the first `length` rows since the start: `path` is the entry of its last
 * row in the state's {@link MatchPaths}, which knows the variable of each. A live branch is in
 * step `at`, which holds `count` rows so far, fewer than its maximum (a full step's branch is in
 * the next one); a completed one has `at` -1 and is a match of `length` rows. `running` is the
 * {@link RunningState} over its rows, undefined without one.
 */
export interface Branch {
  readonly path: number;
  readonly length: number;
  readonly at: number;
  readonly count: number;
  readonly running?: unknown;
}

/**
 * A partition's matching state: the rows since the current start, of which `fed` went through
 * `branches`, whose rows' variables `paths` holds.
 */
export interface MatcherState {
  rows: Row[];
  fed: number;
  branches: Branch[];
  paths: MatchPaths;
}

/**
 * Whether `row` may be mapped to `variable` after the rows of `branch` (the first
 * `branch.length` of `state.rows`, mapped as `state.paths` says): the variable's DEFINE
 * condition over the running match. `running` is the running state over those rows and `row`
 * (undefined without a {@link RunningState}).
 */
export type RowCondition = (
  state: MatcherState,
  branch: Branch,
  row: Row,
  variable: number,
  running: unknown,
) => boolean;

/**
 * State a branch keeps over its rows, as plain data (it is checkpointed with the branch).
 * Branches share it, so `extend` returns a new value and leaves `state` as it was.
 */
export interface RunningState {
  initial(): unknown;
  /** `state` after one more row, mapped to `variable`. */
  extend(state: unknown, row: Row, variable: number): unknown;
}

/** A completed match: its rows and the variable of each. */
export type MatchSink = (rows: readonly Row[], vars: readonly number[]) => void;

/** What the matcher needs besides the pattern. */
export interface MatcherOptions {
  readonly condition: RowCondition;
  readonly skip: SkipStrategy;
  /** `WITHIN`: a match spans less than this, in the time `timeOf` reads from rows (last - first < within). */
  readonly withinMs?: number;
  readonly timeOf?: (row: Row) => number;
  readonly running?: RunningState;
  /**
   * Whether conditions navigate by variable (`FIRST`/`LAST` of a variable's rows): the shared
   * buffer then keeps the tables that find those rows (it does for `SKIP TO FIRST/LAST` too).
   */
  readonly navigates?: boolean;
  /** The variables' names, for error messages (`#0`, `#1`, … without). */
  readonly variables?: readonly string[];
}

const DONE = -1;

/** The matching algorithm over {@link MatcherState}s; holds nothing of its own between calls. */
export class PatternMatcher {
  private readonly start: readonly Branch[];
  /** How many variables the steps index. */
  private readonly variableCount: number;
  /** Whether the {@link MatchPaths} keep their navigation tables. */
  private readonly navigable: boolean;

  constructor(
    private readonly steps: readonly PatternStep[],
    private readonly options: MatcherOptions,
  ) {
    this.variableCount = steps.reduce((n, step) => Math.max(n, step.variable + 1), 0);
    this.navigable = options.navigates === true || 'variable' in options.skip;
    if (steps.every((step) => step.min === 0))
      throw new Error('a pattern that can match no rows has no matches on a stream');
    this.start = [{ path: NO_ENTRY, length: 0, at: 0, count: 0, running: options.running?.initial() }];
  }

  /** A state with no rows. */
  empty(): MatcherState {
    return {
      rows: [],
      fed: 0,
      branches: [...this.start],
      paths: emptyPaths(this.variableCount, this.navigable),
    };
  }

  /** Adds a row after the partition's others and reports the matches it decides. */
  push(state: MatcherState, row: Row, emit: MatchSink): void {
    state.rows.push(row);
    this.advance(state, emit);
  }

  /**
   * Drops the branches that can no longer take a row because the time `now` (the watermark, the
   * rows of that time already pushed) has reached the start row plus `WITHIN`, and reports the
   * matches that decides.
   */
  expire(state: MatcherState, now: number, emit: MatchSink): void {
    const { withinMs, timeOf } = this.options;
    if (withinMs === undefined || timeOf === undefined) return;
    // A completed branch decides its start at once, so every branch kept is live and times out.
    while (state.rows.length > 0 && now - timeOf(state.rows[0]!) >= withinMs) {
      state.branches = [];
      this.settle(state, emit);
      this.advance(state, emit);
    }
  }

  /** When the live branches of `state` time out (start row plus `WITHIN`), if they can. */
  deadline(state: MatcherState): number | undefined {
    const { withinMs, timeOf } = this.options;
    if (withinMs === undefined || timeOf === undefined || state.rows.length === 0) return undefined;
    return timeOf(state.rows[0]!) + withinMs;
  }

  /** Feeds the rows not fed yet, deciding starts as they can be decided. */
  private advance(state: MatcherState, emit: MatchSink): void {
    while (state.fed < state.rows.length) {
      const row = state.rows[state.fed]!;
      state.branches = this.feed(state, row);
      state.fed++;
      this.settle(state, emit);
    }
  }

  /**
   * Every branch after `row`, in preference order, as Flink's NFA forms them (see the module
   * doc). The first branch to complete decides the start, so the list is then that branch alone.
   */
  private feed(state: MatcherState, row: Row): Branch[] {
    const { withinMs, timeOf } = this.options;
    const inTime =
      withinMs === undefined || timeOf === undefined || timeOf(row) - timeOf(state.rows[0]!) < withinMs;
    const next: Branch[] = [];
    if (!inTime) return next;
    for (const branch of state.branches) {
      if (this.step(state, branch, row, branch.at, branch.count, next)) return [next[next.length - 1]!];
    }
    return next;
  }

  /**
   * Adds to `into` what `branch` becomes on `row` from step `at` holding `count` rows (fewer than
   * its maximum): nothing if the row is barred from the step's first state (see
   * {@link PatternMatcher.barred}); else the step takes the row, or the branch leaves the step
   * (once it holds its minimum) and goes on from the next step's first state without taking it.
   * Says whether a branch completed, which is then last in `into`.
   */
  private step(
    state: MatcherState,
    branch: Branch,
    row: Row,
    at: number,
    count: number,
    into: Branch[],
  ): boolean {
    if (at === this.steps.length) return false;
    if (count === 0 && this.barred(state, branch, row, at)) return false;
    const step = this.steps[at]!;
    const extended = this.extend(branch, row, step.variable);
    const takes = this.options.condition(state, branch, row, step.variable, extended);
    const leaves = count >= step.min;
    if (!step.greedy && leaves && this.step(state, branch, row, at + 1, 0, into)) return true;
    if (takes && this.take(state, branch, row, at, count + 1, extended, into)) return true;
    return step.greedy && leaves && this.step(state, branch, row, at + 1, 0, into);
  }

  /**
   * Whether no edge leaves step `at`'s first state on `row` after the rows of `branch`: Flink's
   * NFA puts `NOT` the condition of a greedy step on every edge out of the next step's first
   * state, so nothing happens there on a row the greedy step could take (even when it is full).
   */
  private barred(state: MatcherState, branch: Branch, row: Row, at: number): boolean {
    const before = this.steps[at - 1];
    if (before === undefined || !before.greedy) return false;
    const variable = before.variable;
    return this.options.condition(state, branch, row, variable, this.extend(branch, row, variable));
  }

  /**
   * Adds to `into` the branch after `row` went into step `at`, now holding `count` rows: live
   * unless that filled the last step, and completed as well when the PROCEED edges from there
   * reach the end on `row` itself, judged over the match before it, as Flink judges them when
   * it looks for the end after a row is taken. Says whether a branch completed.
   */
  private take(
    state: MatcherState,
    branch: Branch,
    row: Row,
    at: number,
    count: number,
    running: unknown,
    into: Branch[],
  ): boolean {
    const path = appendEntry(state.paths, branch.path, branch.length, this.steps[at]!.variable);
    const length = branch.length + 1;
    let next = at;
    let held = count;
    if (held === this.steps[next]!.max) {
      next++;
      held = 0;
    }
    if (next < this.steps.length) into.push({ path, length, at: next, count: held, running });
    for (; next < this.steps.length; next++, held = 0) {
      if (held < this.steps[next]!.min) return false;
      // The step that just took the row can take it: a greedy one bars its next step.
      if (held === 0 && next - 1 === at && this.steps[at]!.greedy) return false;
      if (held === 0 && this.barred(state, branch, row, next)) return false;
    }
    into.push({ path, length, at: DONE, count: 0, running });
    return true;
  }

  /** The running state of `branch` after `row` went into `variable`, undefined without one. */
  private extend(branch: Branch, row: Row, variable: number): unknown {
    const running = this.options.running;
    return running === undefined ? undefined : running.extend(branch.running, row, variable);
  }

  /** Decides the start while its result is known: a match in front, or no branch left. */
  private settle(state: MatcherState, emit: MatchSink): void {
    for (;;) {
      const first = state.branches[0];
      if (first !== undefined && first.at !== DONE) return;
      if (first === undefined) {
        this.restart(state, 1);
      } else {
        const next = this.nextStart(state.paths, first);
        emit(state.rows.slice(0, first.length), variablesOf(state.paths, first.path, first.length));
        this.restart(state, next);
      }
    }
  }

  /**
   * Where the next attempt starts after `match`. Skipping to a variable the
   * match has no row of, or whose row is the match's first (the next attempt would start where
   * this one did, for ever), fails the job, as Flink's SQL fails it.
   */
  private nextStart(paths: MatchPaths, match: Branch): number {
    const skip = this.options.skip;
    switch (skip.kind) {
      case 'pastLastRow':
        return match.length;
      case 'toNextRow':
        return 1;
      case 'toFirst':
      case 'toLast': {
        const at = positionOf(paths, match.path, skip.variable, 0, skip.kind === 'toLast');
        if (at > 0) return at;
        throw skipTargetError(skip, this.options.variables, at < 0);
      }
    }
  }

  /** Starts the next attempt at row `from`; the rows after it are fed again by `advance`. */
  private restart(state: MatcherState, from: number): void {
    state.rows = state.rows.slice(from);
    state.fed = 0;
    state.branches = [...this.start];
    // The entries of the previous start's branches are all unreachable now.
    clearPaths(state.paths);
  }
}

/** The job failure of `AFTER MATCH SKIP TO FIRST/LAST v` after a match it cannot skip within. */
function skipTargetError(
  skip: { readonly kind: 'toFirst' | 'toLast'; readonly variable: number },
  names: readonly string[] | undefined,
  missing: boolean,
): WeirError {
  const name = names?.[skip.variable] ?? `#${skip.variable}`;
  const clause = `AFTER MATCH SKIP TO ${skip.kind === 'toFirst' ? 'FIRST' : 'LAST'} ${name}`;
  return userError(
    ErrorCodes.USER_FUNCTION,
    missing
      ? `${clause} found a match with no ${name} row, so it has nowhere to skip to; make ${name} mandatory in the pattern or use AFTER MATCH SKIP TO NEXT ROW`
      : `${clause} found a match whose ${name} row is its first, so the next match would start where this one did; skip to a later variable or use AFTER MATCH SKIP TO NEXT ROW`,
  );
}
