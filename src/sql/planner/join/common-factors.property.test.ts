/**
 * Pulling the parts shared by every branch out of an OR keeps the condition's value under SQL's
 * three-valued logic (AND and OR distribute over each other there as in two-valued logic), and
 * leaves a shared part at the top, where it can key a join.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Expr } from '../../parser/ast.js';
import { pullCommonFactors } from './common-factors.js';

type Truth = boolean | null;
const pos = { line: 1, column: 1, offset: 0 } as Expr['pos'];
const atom = (i: number): Expr => ({ kind: 'column', path: [`c${i}`], pos }) as Expr;
const binary = (op: 'AND' | 'OR', left: Expr, right: Expr): Expr =>
  ({ kind: 'binary', op, left, right, pos }) as Expr;

function evaluate(e: Expr, values: readonly Truth[]): Truth {
  if (e.kind === 'column') return values[Number(e.path[0]!.slice(1))]!;
  if (e.kind !== 'binary') throw new Error(`unexpected ${e.kind}`);
  const l = evaluate(e.left, values);
  const r = evaluate(e.right, values);
  if (e.op === 'AND') return l === false || r === false ? false : l === null || r === null ? null : true;
  return l === true || r === true ? true : l === null || r === null ? null : false;
}

const ATOMS = 5;
const branch = fc.array(fc.integer({ min: 0, max: ATOMS - 1 }), { minLength: 1, maxLength: 4 });
const condition = fc
  .array(branch, { minLength: 1, maxLength: 4 })
  .map((branches) =>
    branches
      .map((b) => b.map(atom).reduce((x, y) => binary('AND', x, y)))
      .reduce((x, y) => binary('OR', x, y)),
  );
const truths = fc.array(fc.constantFrom<Truth>(true, false, null), { minLength: ATOMS, maxLength: ATOMS });

describe('pullCommonFactors', () => {
  test('keeps the value of the condition under three-valued logic', () => {
    fc.assert(
      fc.property(condition, truths, (e, values) => {
        const parts = pullCommonFactors(e);
        expect(
          evaluate(
            parts.reduce((x, y) => binary('AND', x, y)),
            values,
          ),
        ).toBe(evaluate(e, values));
      }),
    );
  });

  test('a part every branch has becomes a conjunct of its own', () => {
    const shared = atom(0);
    const e = binary(
      'OR',
      binary('AND', shared, atom(1)),
      binary('AND', atom(2), binary('AND', atom(0), atom(3))),
    );
    const parts = pullCommonFactors(e);
    expect(parts[0]).toEqual(shared);
    expect(parts).toHaveLength(2);
    expect(evaluate(parts[1]!, [true, false, true, true, null])).toBe(true);
    // Nothing shared: the condition stays as it is.
    const none = binary('OR', atom(1), atom(2));
    expect(pullCommonFactors(none)).toEqual([none]);
  });
});
