/**
 * The streaming matcher against a brute-force model of Flink's NFA: for each start, every way of
 * giving each step of the pattern a number of rows (within its quantifier) whose rows all
 * satisfy their variable's condition over the running match is enumerated; of those Flink's NFA
 * forms (its rules in {@link formedByFlink}), the first to complete is taken (ties: SQL's
 * preference), and the skip strategy picks the next start. Conditions read the running match
 * (sums over a variable, the previous row, FIRST/LAST navigations), so the order rows are tried
 * in matters: the model reads it from arrays, the matcher from its shared buffer of branches.
 *
 * The input ends in a row no condition accepts, which decides every start, so the model can
 * treat the input as finite. Feeding rows one at a time must emit, after each row, a prefix of
 * the final matches: the matcher never emits a match a later row could still beat.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../expressions/compiler.js';
import { CompleteMatch, type MatchView, RunningMatch } from './match-expressions.js';
import { entryCount, variablesOf } from './match-paths.js';
import {
  type MatcherState,
  PatternMatcher,
  type PatternStep,
  type RowCondition,
  type RunningState,
  type SkipStrategy,
} from './pattern-matcher.js';

/**
 * A variable's condition: on the row's `x`, on the running sum of the variable, on the previous
 * row, or above the row a navigation picks (`FIRST(v.x, offset)` or `LAST(v.x, offset)`, of any
 * variable without `of`), as a DEFINE condition would read it.
 */
type ConditionKind =
  | { kind: 'any' }
  | { kind: 'mod'; m: number; r: number }
  | { kind: 'sumBelow'; limit: number }
  | { kind: 'rising' }
  | { kind: 'atLeast'; of: number | undefined; offset: number; fromEnd: boolean };

const VARIABLES = 3;

/**
 * Whether the last row of the running match `view` (the row tried, mapped to `variable`)
 * satisfies the condition; with `running`, `sumBelow` reads the branch's running sums (kept by
 * {@link runningSums}) instead of summing the rows, as the DEFINE aggregates do.
 */
function accepts(
  kinds: readonly ConditionKind[],
  view: MatchView,
  variable: number,
  running?: unknown,
): boolean {
  const row = view.row(view.length - 1);
  if (row.end === true) return false;
  const c = kinds[variable]!;
  const x = row.x as number;
  switch (c.kind) {
    case 'any':
      return true;
    case 'mod':
      return x % c.m !== c.r;
    case 'sumBelow': {
      if (running !== undefined) return (running as readonly number[])[variable]! < c.limit;
      const vars = view.variables();
      let sum = 0;
      for (let k = 0; k < view.length; k++) if (vars[k] === variable) sum += view.row(k).x as number;
      return sum < c.limit;
    }
    case 'rising':
      return view.length === 1 || x > (view.row(view.length - 2).x as number);
    case 'atLeast': {
      const k = view.position(c.of, c.offset, c.fromEnd);
      return k < 0 || x >= (view.row(k).x as number);
    }
  }
}

/** Whether any condition navigates by variable (the matcher then keeps its navigation tables). */
const navigates = (kinds: readonly ConditionKind[]): boolean =>
  kinds.some((c) => c.kind === 'atLeast' && c.of !== undefined);

/** The model's conditions: over the rows and variables as arrays, the tried row appended. */
type ModelCondition = (rows: readonly Row[], vars: readonly number[], row: Row, variable: number) => boolean;

function modelCondition(kinds: readonly ConditionKind[]): ModelCondition {
  return (rows, vars, row, variable) =>
    accepts(kinds, new CompleteMatch([...rows, row], [...vars, variable]), variable);
}

/**
 * The matcher's conditions: over the branch as a DEFINE condition reads it (the shared buffer's
 * navigations); with `incremental`, sums from the branch's running state.
 */
function conditionOf(kinds: readonly ConditionKind[], incremental = false): RowCondition {
  const view = new RunningMatch();
  return (state, branch, row, variable, running) => {
    view.state = state;
    view.branch = branch;
    view.candidate = row;
    view.candidateVariable = variable;
    return accepts(kinds, view, variable, incremental ? running : undefined);
  };
}

/** Running state: the sum of `x` per variable, extended without changing the state it extends. */
const runningSums: RunningState = {
  initial: () => new Array(VARIABLES).fill(0),
  extend: (state, row, variable) => {
    const next = [...(state as readonly number[])];
    next[variable]! += row.x as number;
    return next;
  },
};

interface Mapping {
  readonly counts: readonly number[];
  readonly vars: readonly number[];
}

/** Every complete mapping of the rows from `start` onto the pattern. */
function mappings(
  rows: readonly Row[],
  start: number,
  steps: readonly PatternStep[],
  condition: ModelCondition,
  within: number | undefined,
): Mapping[] {
  const out: Mapping[] = [];
  const walk = (step: number, counts: number[], vars: number[]) => {
    if (step === steps.length) {
      if (vars.length > 0) out.push({ counts: [...counts], vars: [...vars] });
      return;
    }
    const { min, max, variable } = steps[step]!;
    const taken: number[] = [];
    for (let c = 0; c <= Math.min(max, rows.length - start); c++) {
      if (c > 0) {
        const at = start + vars.length + taken.length;
        const row = rows[at];
        if (row === undefined) break;
        if (within !== undefined && (row.t as number) - (rows[start]!.t as number) >= within) break;
        const matchRows = rows.slice(start, at);
        if (!condition(matchRows, [...vars, ...taken], row, variable)) break;
        taken.push(variable);
      }
      if (c >= min) walk(step + 1, [...counts, c], [...vars, ...taken]);
    }
  };
  walk(0, [], []);
  return out;
}

/**
 * Whether Flink's NFA forms mapping `m` of the rows from `start`. Its branch is in a state: a
 * step and the rows it holds (a full step's branch is in the next step holding none). On a row,
 * from its state it may take the row into the step, or, once the step holds its minimum, leave
 * it by a PROCEED edge (no row taken) and act from the next step's first state on the same row.
 * A greedy step's NFA puts `NOT` its condition on every edge out of the next step's first
 * state, so from there nothing happens on a row the greedy step could take, over the match so
 * far (even when the greedy step is full). A match completes when a row is taken, if the
 * PROCEED edges from the state after it reach the end on that same row, judged over the match
 * before that row.
 */
function formedByFlink(
  rows: readonly Row[],
  start: number,
  steps: readonly PatternStep[],
  condition: ModelCondition,
  m: Mapping,
): boolean {
  const stepOfRow = m.counts.flatMap((c, i) => new Array<number>(c).fill(i));
  /** Whether edges out of step `i` holding `count` rows hold on `row` after the first `taken` rows. */
  const edgesHold = (i: number, count: number, taken: number, row: Row): boolean => {
    const before = steps[i - 1];
    if (count > 0 || before === undefined || !before.greedy) return true;
    return !condition(rows.slice(start, start + taken), m.vars.slice(0, taken), row, before.variable);
  };
  let at = 0;
  let count = 0;
  for (let k = 0; k < m.vars.length; k++) {
    const row = rows[start + k]!;
    for (; at < stepOfRow[k]!; at++, count = 0) if (!edgesHold(at, count, k, row)) return false;
    if (!edgesHold(at, count, k, row)) return false;
    count++;
    if (count === steps[at]!.max) {
      at++;
      count = 0;
    }
  }
  const last = m.vars.length - 1;
  for (; at < steps.length; at++, count = 0) {
    if (count < steps[at]!.min || !edgesHold(at, count, last, rows[start + last]!)) return false;
  }
  return true;
}

/**
 * Whether mapping `a` is preferred over `b` among those Flink forms: the first to complete (the
 * NFA emits a match as soon as no earlier start is pending); of two completing on one row,
 * Flink's choice depends on its priority queue, and Weir takes SQL's preferred one (counts
 * compared step by step: greedy steps prefer more rows, reluctant ones fewer).
 */
function preferred(a: Mapping, b: Mapping, steps: readonly PatternStep[]): boolean {
  if (a.vars.length !== b.vars.length) return a.vars.length < b.vars.length;
  for (let i = 0; i < steps.length; i++) {
    if (a.counts[i] === b.counts[i]) continue;
    return steps[i]!.greedy ? a.counts[i]! > b.counts[i]! : a.counts[i]! < b.counts[i]!;
  }
  return false;
}

/** The next start after a match, undefined when the skip target has no row in it or only its first. */
function nextStart(skip: SkipStrategy, vars: readonly number[]): number | undefined {
  if (skip.kind === 'pastLastRow') return vars.length;
  if (!('variable' in skip)) return 1;
  const at = skip.kind === 'toFirst' ? vars.indexOf(skip.variable) : vars.lastIndexOf(skip.variable);
  return at > 0 ? at : undefined;
}

/** A match as [start, vars], or the job failing on a match it cannot skip within. */
type Outcome = [number, number[]] | 'fails';

/** The model's outcomes: the matches in order, then 'fails' if a skip fails the job. */
function model(
  rows: readonly Row[],
  steps: readonly PatternStep[],
  condition: ModelCondition,
  skip: SkipStrategy,
  within: number | undefined,
): Outcome[] {
  const out: Outcome[] = [];
  let start = 0;
  while (start < rows.length) {
    let best: Mapping | undefined;
    for (const m of mappings(rows, start, steps, condition, within))
      if (
        formedByFlink(rows, start, steps, condition, m) &&
        (best === undefined || preferred(m, best, steps))
      )
        best = m;
    if (best === undefined) {
      start++;
      continue;
    }
    const next = nextStart(skip, best.vars);
    if (next === undefined) {
      out.push('fails');
      break;
    }
    out.push([start, [...best.vars]]);
    start += next;
  }
  return out;
}

const stepArb: fc.Arbitrary<PatternStep> = fc
  .record({
    variable: fc.integer({ min: 0, max: VARIABLES - 1 }),
    quantifier: fc.constantFrom<[number, number]>(
      [1, 1],
      [0, Number.POSITIVE_INFINITY],
      [1, Number.POSITIVE_INFINITY],
      [0, 1],
      [2, 2],
      [1, 3],
      [0, 2],
      [2, Number.POSITIVE_INFINITY],
    ),
    greedy: fc.boolean(),
  })
  // Greedy as Flink's SQL builds the CEP pattern: never for ? or a fixed count (the planner's steps).
  .map(({ variable, quantifier: [min, max], greedy }) => ({
    variable,
    min,
    max,
    greedy: greedy && min !== max && !(min === 0 && max === 1),
  }));

const conditionArb: fc.Arbitrary<ConditionKind> = fc.oneof(
  fc.constant<ConditionKind>({ kind: 'any' }),
  fc.record({
    kind: fc.constant('mod' as const),
    m: fc.integer({ min: 2, max: 3 }),
    r: fc.integer({ min: 0, max: 1 }),
  }),
  fc.record({ kind: fc.constant('sumBelow' as const), limit: fc.integer({ min: 3, max: 20 }) }),
  fc.constant<ConditionKind>({ kind: 'rising' }),
  fc.record({
    kind: fc.constant('atLeast' as const),
    of: fc.option(fc.integer({ min: 0, max: VARIABLES - 1 }), { nil: undefined }),
    offset: fc.integer({ min: 0, max: 2 }),
    fromEnd: fc.boolean(),
  }),
);

const skipArb: fc.Arbitrary<SkipStrategy> = fc.oneof(
  fc.constantFrom<SkipStrategy>({ kind: 'pastLastRow' }, { kind: 'toNextRow' }),
  fc.record({
    kind: fc.constantFrom('toFirst' as const, 'toLast' as const),
    variable: fc.integer({ min: 0, max: VARIABLES - 1 }),
  }),
);

const caseArb = fc
  .record({
    steps: fc.array(stepArb, { minLength: 1, maxLength: 4 }),
    conditions: fc.array(conditionArb, { minLength: VARIABLES, maxLength: VARIABLES }),
    skip: skipArb,
    xs: fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 12 }),
    gaps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 13, maxLength: 13 }),
    // WITHIN is a positive interval (the planner refuses others).
    within: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  })
  // A pattern that can match no rows is refused by the planner (as Flink refuses it).
  .filter((c) => c.steps.some((s) => s.min > 0));

function rowsOf(xs: readonly number[], gaps: readonly number[]): Row[] {
  let t = 0;
  const rows: Row[] = xs.map((x, i) => {
    t += gaps[i]!;
    return { x, t };
  });
  rows.push({ x: 0, t: t + gaps[xs.length]!, end: true });
  return rows;
}

/**
 * Feeds `rows` one at a time, then runs `finish`, recording the matches and, where the matcher
 * throws the skip failure, 'fails' (nothing is fed after it: the job has failed). `emittedAfter`
 * counts the outcomes after each row.
 */
function drive(
  matcher: PatternMatcher,
  state: MatcherState,
  rows: readonly Row[],
  finish?: (sink: (match: readonly Row[], vars: readonly number[]) => void) => void,
): { got: Outcome[]; emittedAfter: number[] } {
  const got: Outcome[] = [];
  const emittedAfter: number[] = [];
  const sink = (match: readonly Row[], vars: readonly number[]) =>
    got.push([rows.indexOf(match[0]!), [...vars]]);
  const failing = (step: () => void): boolean => {
    try {
      step();
      return false;
    } catch (error) {
      expect((error as Error).message).toMatch(/^AFTER MATCH SKIP TO (FIRST|LAST) #\d found a match /);
      got.push('fails');
      return true;
    }
  };
  for (const row of rows) {
    if (failing(() => matcher.push(state, row, sink))) return { got, emittedAfter };
    emittedAfter.push(got.length);
  }
  if (finish !== undefined) failing(() => finish(sink));
  return { got, emittedAfter };
}

describe('PatternMatcher', () => {
  test("finds the match Flink's NFA completes first at each start, as the brute-force model", () => {
    fc.assert(
      fc.property(caseArb, ({ steps, conditions, skip, xs, gaps, within }) => {
        const rows = rowsOf(xs, gaps);
        const expected = model(rows, steps, modelCondition(conditions), skip, within);
        const matcher = new PatternMatcher(steps, {
          condition: conditionOf(conditions),
          skip,
          navigates: navigates(conditions),
          withinMs: within,
          timeOf: (row) => row.t as number,
        });
        const state: MatcherState = matcher.empty();
        const { got, emittedAfter } = drive(matcher, state, rows);
        expect(got).toEqual(expected);
        // The matches are emitted in the order of their starts, each once.
        const starts = got.flatMap((o) => (o === 'fails' ? [] : [o[0]]));
        expect([...starts].sort((a, b) => a - b)).toEqual(starts);
        // All is decided by the end row: nothing of the partition is kept (unless the job failed).
        if (!got.includes('fails')) expect(state.rows).toEqual([]);
        expect(emittedAfter.every((n, i) => i === 0 || n >= emittedAfter[i - 1]!)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('conditions over running state kept per branch decide as those over the rows (the model)', () => {
    fc.assert(
      fc.property(caseArb, ({ steps, conditions, skip, xs, gaps, within }) => {
        const rows = rowsOf(xs, gaps);
        const expected = model(rows, steps, modelCondition(conditions), skip, within);
        const matcher = new PatternMatcher(steps, {
          condition: conditionOf(conditions, true),
          skip,
          navigates: navigates(conditions),
          withinMs: within,
          timeOf: (row) => row.t as number,
          running: runningSums,
        });
        expect(drive(matcher, matcher.empty(), rows).got).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  test('WITHIN: a watermark at the last start row plus the interval decides every start without more rows', () => {
    fc.assert(
      fc.property(caseArb, ({ steps, conditions, skip, xs, gaps }) => {
        const within = 4;
        const rows = rowsOf(xs, gaps).slice(0, -1);
        const matcher = new PatternMatcher(steps, {
          condition: conditionOf(conditions),
          skip,
          navigates: navigates(conditions),
          withinMs: within,
          timeOf: (r) => r.t as number,
        });
        const state = matcher.empty();
        const last = rows.length === 0 ? 0 : (rows[rows.length - 1]!.t as number);
        const { got } = drive(matcher, state, rows, (sink) => matcher.expire(state, last + within, sink));
        // At every row's deadline the input is as good as ended: the model over it with an end row
        // of that time, which no start can take.
        const ended = [...rows, { x: 0, t: last + within, end: true }];
        expect(got).toEqual(model(ended, steps, modelCondition(conditions), skip, within));
        if (!got.includes('fails')) expect(state.rows).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test('SKIP TO FIRST/LAST fails the job naming the variable and the fix, without emitting that match', () => {
    const emitted: number[][] = [];
    const skipTo = (kind: 'toFirst' | 'toLast', variable: number) =>
      new PatternMatcher(
        [
          { variable: 0, min: 1, max: 1, greedy: true },
          { variable: 1, min: 0, max: 1, greedy: true },
          { variable: 2, min: 1, max: 1, greedy: true },
        ],
        {
          condition: (_state, _branch, row, variable) => row.v === variable,
          skip: { kind, variable },
          variables: ['A', 'B', 'C'],
        },
      );
    const feed = (matcher: PatternMatcher, vs: readonly number[]) => {
      const state = matcher.empty();
      for (const v of vs) matcher.push(state, { v }, (_rows, vars) => emitted.push([...vars]));
    };
    // A B C then A C: the first match skips to its B row, the second has none.
    expect(() => feed(skipTo('toLast', 1), [0, 1, 2, 0, 2])).toThrow(
      'AFTER MATCH SKIP TO LAST B found a match with no B row, so it has nowhere to skip to; make B mandatory in the pattern or use AFTER MATCH SKIP TO NEXT ROW',
    );
    expect(emitted).toEqual([[0, 1, 2]]);
    expect(() => feed(skipTo('toFirst', 0), [0, 2])).toThrow(
      'AFTER MATCH SKIP TO FIRST A found a match whose A row is its first, so the next match would start where this one did; skip to a later variable or use AFTER MATCH SKIP TO NEXT ROW',
    );
    expect(emitted).toEqual([[0, 1, 2]]);
  });

  test('a long greedy run keeps one branch: the next step is tried only on the row the run cannot take', () => {
    // A+ C where C takes any row: SQL would keep "A so far, then C" behind the live A+ at every
    // row; Flink's NFA forms it only on a row A cannot take.
    const matcher = new PatternMatcher(
      [
        { variable: 0, min: 1, max: Number.POSITIVE_INFINITY, greedy: true },
        { variable: 1, min: 1, max: 1, greedy: true },
      ],
      {
        condition: (_state, _branch, row, variable) => variable === 1 || row.x !== 100,
        skip: { kind: 'pastLastRow' },
      },
    );
    const state = matcher.empty();
    const matches: number[][] = [];
    for (let i = 0; i < 1000; i++) matcher.push(state, { x: 1 }, (_rows, vars) => matches.push([...vars]));
    expect(state.branches.map((b) => [b.at, b.count])).toEqual([[0, 1000]]);
    expect(entryCount(state.paths)).toBe(1000);
    matcher.push(state, { x: 100 }, (_rows, vars) => matches.push([...vars]));
    expect(matches).toEqual([[...new Array(1000).fill(0), 1]]);
  });

  test('a reluctant step keeps both ways on, a greedy one only its own', () => {
    // A+? B+ C; A and C take any row but the end row 0, B a row at least its first row.
    // Over 1 1 2 1: SQL prefers one A row, then B 1 2, then C 1. In Flink's NFA that branch's B
    // can take the last 1, so it forms no C there; the branch where A took both 1s (A+? also
    // stays) starts B at 2, whose B cannot take 1, so its C does: A A B C.
    const b = 1;
    const matcher = new PatternMatcher(
      [
        { variable: 0, min: 1, max: Number.POSITIVE_INFINITY, greedy: false },
        { variable: b, min: 1, max: Number.POSITIVE_INFINITY, greedy: true },
        { variable: 2, min: 1, max: 1, greedy: true },
      ],
      {
        condition: (state, branch, row, variable) => {
          if (row.x === 0) return false;
          if (variable !== b) return true;
          const first = variablesOf(state.paths, branch.path, branch.length).indexOf(b);
          return first < 0 || (row.x as number) >= (state.rows[first]!.x as number);
        },
        skip: { kind: 'pastLastRow' },
      },
    );
    const state = matcher.empty();
    const matches: number[][] = [];
    for (const x of [1, 1, 2, 1, 0]) matcher.push(state, { x }, (_rows, vars) => matches.push([...vars]));
    expect(matches).toEqual([[0, 0, 1, 2]]);
  });

  test('a pattern that can match no rows is refused', () => {
    expect(
      () =>
        new PatternMatcher([{ variable: 0, min: 0, max: 1, greedy: true }], {
          condition: () => true,
          skip: { kind: 'pastLastRow' },
        }),
    ).toThrow(/no rows/);
  });
});
