/**
 * The shared buffer of branches against branches kept as arrays: any tree of appends (each a
 * row mapped to a variable after some earlier entry, or as a branch's first row) gives, for
 * every entry, the variables of its branch (with or without the navigation tables), each
 * variable's row count, and the row every FIRST/LAST navigation picks, as scanning the
 * branch's array does.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { appendEntry, countOf, emptyPaths, NO_ENTRY, positionOf, variablesOf } from './match-paths.js';

const VARIABLES = 3;

/** The `offset`-th position of `variable` in `vars` from the first (or the last); -1 if none. */
function scan(vars: readonly number[], variable: number, offset: number, fromEnd: boolean): number {
  let seen = 0;
  for (let i = 0; i < vars.length; i++) {
    const k = fromEnd ? vars.length - 1 - i : i;
    if (vars[k] === variable && seen++ === offset) return k;
  }
  return -1;
}

/** Appends: each a variable and which earlier entry (by a fraction of those so far, or none) it follows. */
const appendsArb = fc.array(
  fc.record({
    variable: fc.integer({ min: 0, max: VARIABLES - 1 }),
    after: fc.option(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 60 },
);

describe('MatchPaths', () => {
  test('without navigation tables an entry is four numbers, and navigating it is refused', () => {
    const lean = emptyPaths(VARIABLES, false);
    const e = appendEntry(lean, appendEntry(lean, NO_ENTRY, 0, 1), 1, 2);
    expect(lean.data.length).toBe(8);
    expect(variablesOf(lean, e, 2)).toEqual([1, 2]);
    expect(() => positionOf(lean, e, 1, 0, false)).toThrow(/without its tables/);
  });

  test('each entry knows its branch as the branch kept as an array would (property)', () => {
    fc.assert(
      fc.property(appendsArb, (appends) => {
        const paths = emptyPaths(VARIABLES, true);
        const lean = emptyPaths(VARIABLES, false);
        const branches: number[][] = [];
        for (const { variable, after } of appends) {
          const prev =
            after === undefined || branches.length === 0 ? NO_ENTRY : Math.floor(after * branches.length);
          const before = prev === NO_ENTRY ? [] : branches[prev]!;
          expect(appendEntry(paths, prev, before.length, variable)).toBe(branches.length);
          expect(appendEntry(lean, prev, before.length, variable)).toBe(branches.length);
          branches.push([...before, variable]);
        }
        branches.forEach((vars, e) => {
          expect(variablesOf(paths, e, vars.length)).toEqual(vars);
          expect(variablesOf(lean, e, vars.length)).toEqual(vars);
          for (let v = 0; v <= VARIABLES; v++) {
            expect(countOf(paths, e, v)).toBe(vars.filter((x) => x === v).length);
            for (let offset = 0; offset <= vars.length; offset++)
              for (const fromEnd of [false, true])
                expect(positionOf(paths, e, v, offset, fromEnd)).toBe(scan(vars, v, offset, fromEnd));
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  test('a branch with no rows has no positions and no counts', () => {
    const paths = emptyPaths(VARIABLES, true);
    expect(variablesOf(paths, NO_ENTRY, 0)).toEqual([]);
    expect(countOf(paths, NO_ENTRY, 0)).toBe(0);
    expect(positionOf(paths, NO_ENTRY, 0, 0, false)).toBe(-1);
  });
});
