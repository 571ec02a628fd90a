/**
 * Common sub-expressions in compiled Calcs: random conditions and projections built from a
 * small pool of sub-terms (so terms repeat, inside and outside CASE branches, AND/OR right
 * sides, COALESCE and IN) must give the same rows and the same errors whether repeated terms
 * are evaluated once per row or at every occurrence. Two of the terms can throw: an integer
 * division by zero, and a user function that fails on multiples of three. Sharing must also
 * never run a user function more often than the unshared code does, and must leave calls of
 * non-deterministic functions at every occurrence.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types } from '../../src/sql/catalog/types.js';
import {
  compileCalc,
  compileExpression,
  expressionSource,
  type Row,
} from '../../src/sql/expressions/compiler.js';
import { call, field, literal, type Rex } from '../../src/sql/expressions/rex.js';
import { defineUserFunction, type ScalarUdf } from '../../src/sql/functions/definitions.js';

const INT = Types.BIGINT;
const BOOL = Types.BOOLEAN;

/** Evaluations of the user functions, across all instances (their copies share this). */
const evaluations = { count: 0 };

const boom = defineUserFunction('boom', {
  resultType: 'BIGINT',
  eval(a: number | null) {
    evaluations.count++;
    if (a === null) return null;
    if (a % 3 === 0) throw new Error(`boom on ${a}`);
    return a * 2;
  },
}) as ScalarUdf;

/** An integer term; `ref` picks a term of the shared pool, which is what makes terms repeat. */
type IntShape =
  | { t: 'col'; name: 'x' | 'y' }
  | { t: 'lit'; value: number | null }
  | { t: 'ref'; index: number }
  | { t: '+' | '/'; a: IntShape; b: IntShape }
  | { t: 'boom'; a: IntShape }
  | { t: 'case'; when: BoolShape; yes: IntShape; no: IntShape }
  | { t: 'coalesce'; a: IntShape; b: IntShape };
type BoolShape =
  | { t: '=' | '<'; a: IntShape; b: IntShape }
  | { t: 'and' | 'or'; a: BoolShape; b: BoolShape }
  | { t: 'not' | 'isNull'; a: BoolShape | IntShape }
  | { t: 'in'; a: IntShape; items: IntShape[] };

const POOL = 3;

const shapes = fc.letrec<{ int: IntShape; bool: BoolShape }>((tie) => ({
  int: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x' as const, 'y' as const).map((name) => ({ t: 'col' as const, name })),
    fc
      .oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null))
      .map((value) => ({ t: 'lit' as const, value })),
    fc.integer({ min: 0, max: POOL - 1 }).map((index) => ({ t: 'ref' as const, index })),
    fc.record({ t: fc.constantFrom('+' as const, '/' as const), a: tie('int'), b: tie('int') }),
    fc.record({ t: fc.constant('boom' as const), a: tie('int') }),
    fc.record({ t: fc.constant('case' as const), when: tie('bool'), yes: tie('int'), no: tie('int') }),
    fc.record({ t: fc.constant('coalesce' as const), a: tie('int'), b: tie('int') }),
  ) as fc.Arbitrary<IntShape>,
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ t: fc.constantFrom('=' as const, '<' as const), a: tie('int'), b: tie('int') }),
    fc.record({ t: fc.constantFrom('and' as const, 'or' as const), a: tie('bool'), b: tie('bool') }),
    fc.record({ t: fc.constantFrom('not' as const), a: tie('bool') }),
    fc.record({ t: fc.constant('isNull' as const), a: tie('int') }),
    fc.record({
      t: fc.constant('in' as const),
      a: tie('int'),
      items: fc.array(tie('int'), { minLength: 1, maxLength: 3 }),
    }),
  ) as fc.Arbitrary<BoolShape>,
}));

/** Pool terms are leaves-only of refs (a pool term may use earlier ones, never itself). */
function intRex(s: IntShape, pool: readonly IntShape[], depth = 0): Rex {
  switch (s.t) {
    case 'col':
      return field(s.name, INT);
    case 'lit':
      return literal(s.value, INT);
    case 'ref':
      // A fresh Rex each time: sharing must find structurally equal terms, not only the same object.
      return depth > 3 ? literal(1, INT) : intRex(pool[s.index]!, pool, depth + 1);
    case '+':
    case '/':
      return call(s.t, [intRex(s.a, pool, depth), intRex(s.b, pool, depth)], INT);
    case 'boom':
      return call('boom', [intRex(s.a, pool, depth)], INT, undefined, boom);
    case 'case':
      return call(
        'CASE',
        [boolRex(s.when, pool, depth), intRex(s.yes, pool, depth), intRex(s.no, pool, depth)],
        INT,
      );
    case 'coalesce':
      return call('COALESCE', [intRex(s.a, pool, depth), intRex(s.b, pool, depth)], INT);
  }
}

function boolRex(s: BoolShape, pool: readonly IntShape[], depth: number): Rex {
  switch (s.t) {
    case '=':
    case '<':
      return call(s.t, [intRex(s.a, pool, depth), intRex(s.b, pool, depth)], BOOL);
    case 'and':
    case 'or':
      return call(s.t.toUpperCase(), [boolRex(s.a, pool, depth), boolRex(s.b, pool, depth)], BOOL);
    case 'not':
      return call('NOT', [boolRex(s.a as BoolShape, pool, depth)], BOOL);
    case 'isNull':
      return call('IS NULL', [intRex(s.a as IntShape, pool, depth)], BOOL);
    case 'in':
      return call('IN', [intRex(s.a, pool, depth), ...s.items.map((i) => intRex(i, pool, depth))], BOOL);
  }
}

type Outcome = { row: Row | undefined } | { error: string };

function run(calc: (row: Row) => Row | undefined, row: Row): Outcome {
  try {
    return { row: calc(row) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const value = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constant(null));
const inputRow = fc.record({ x: value, y: value });

describe('common sub-expressions', () => {
  test('shared and unshared Calcs give the same rows and errors, with no more user function calls', () => {
    fc.assert(
      fc.property(
        fc.array(shapes.int, { minLength: POOL, maxLength: POOL }),
        fc.option(shapes.bool, { nil: undefined }),
        fc.array(shapes.int, { minLength: 1, maxLength: 3 }),
        fc.array(inputRow, { minLength: 1, maxLength: 8 }),
        (pool, condition, projections, rows) => {
          const cond = condition === undefined ? undefined : boolRex(condition, pool, 0);
          const projection = projections.map((p, i) => ({ name: `p${i}`, rex: intRex(p, pool, 0) }));
          const shared = compileCalc(projection, cond);
          const unshared = compileCalc(projection, cond, { shareCommonSubexpressions: false });
          for (const row of rows) {
            evaluations.count = 0;
            const expected = run(unshared, row);
            const unsharedCalls = evaluations.count;
            evaluations.count = 0;
            expect(run(shared, row)).toEqual(expected);
            expect(evaluations.count).toBeLessThanOrEqual(unsharedCalls);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  test('a term repeated in the filter and the projection is evaluated once per row', () => {
    const term = () => call('boom', [field('x', INT)], INT, undefined, boom);
    const cond = call('IS NOT NULL', [term()], BOOL);
    const calc = compileCalc(
      [
        { name: 'a', rex: term() },
        { name: 'b', rex: call('+', [term(), term()], INT) },
      ],
      cond,
    );
    evaluations.count = 0;
    expect(calc({ x: 2 })).toEqual({ a: 4, b: 8 });
    expect(evaluations.count).toBe(1);
  });

  test('a term used only under a CASE branch is not evaluated when the branch is not taken', () => {
    const term = () => call('boom', [field('x', INT)], INT, undefined, boom);
    const guarded = call(
      'CASE',
      [
        call('<', [field('x', INT), literal(0, INT)], BOOL),
        call('+', [term(), term()], INT),
        literal(-1, INT),
      ],
      INT,
    );
    const fn = compileExpression(call('COALESCE', [guarded, term()], INT));
    // x = 3 makes boom throw: only the CASE's untaken branch and the untaken COALESCE argument use it.
    expect(fn({ x: 3 })).toBe(-1);
    expect(fn({ x: -2 })).toBe(-8);
    expect(() => fn({ x: -3 })).toThrow('boom on -3');
  });

  test('a non-deterministic user function is called at every occurrence', () => {
    let next = 0;
    const tick = defineUserFunction('tick', {
      resultType: 'BIGINT',
      deterministic: false,
      eval: (_a: number | null) => ++next,
    }) as ScalarUdf;
    const term = () => call('tick', [field('x', INT)], INT, undefined, tick);
    const calc = compileCalc(
      [
        { name: 'a', rex: term() },
        { name: 'b', rex: term() },
      ],
      call('IS NOT NULL', [term()], BOOL),
    );
    expect(calc({ x: 1 })).toEqual({ a: 2, b: 3 });
  });

  test('the clock is read at every occurrence, and a term over it is not shared', () => {
    const now = () => call('CURRENT_TIMESTAMP', [], Types.timestampLtz(3));
    const later = () => call('+', [now(), literal(1, Types.INTERVAL_DAY_TIME)], Types.timestampLtz(3));
    const source = expressionSource(call('<', [later(), later()], BOOL));
    expect(source.match(/Date\.now\(\)/g)).toHaveLength(2);
    expect(source).not.toMatch(/\bs\d+\b/);
  });

  test('a deterministic term repeated in one expression gets one slot', () => {
    const lower = () => call('LOWER', [field('c', Types.STRING)], Types.STRING);
    const source = expressionSource(
      call(
        'OR',
        [
          call('=', [lower(), literal('a', Types.STRING)], BOOL),
          call('=', [lower(), literal('b', Types.STRING)], BOOL),
        ],
        BOOL,
      ),
    );
    expect(source.match(/toLowerCase/g)).toHaveLength(1);
  });
});
