/**
 * AND and OR evaluate their cheaper operand first when neither can fail (operand-order.ts).
 * Random conditions over a string, a url and an integer column, mixing cheap tests, regular
 * expression extractions and a term that can fail (integer division by a column that may be
 * zero), must give the same value or the same error compiled in the written order and reordered;
 * the q21-shaped condition must skip its regular expression when the cheap test decides.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { Types, withNullability } from '../../src/sql/catalog/types.js';
import { compileCalc, compileExpression, type Row } from '../../src/sql/expressions/compiler.js';
import { cannotFail, operandOrder } from '../../src/sql/expressions/operand-order.js';
import { call, field, literal, type Rex } from '../../src/sql/expressions/rex.js';
import { runtime } from '../../src/sql/expressions/runtime.js';

const INT = withNullability(Types.BIGINT, true);
const STR = withNullability(Types.STRING, true);
const BOOL = withNullability(Types.BOOLEAN, true);
const PATTERN = '(&|^)k=([^&]*)';

const extract = (): Rex =>
  call('REGEXP_EXTRACT', [field('u', STR), literal(PATTERN, STR), literal(2, INT)], STR);

type Atom = 'hasParam' | 'paramIsA' | 'lowerIn' | 'nLess' | 'nIsNull' | 'divides';
type Shape =
  | { t: 'atom'; atom: Atom; k: number }
  | { t: 'AND' | 'OR'; a: Shape; b: Shape }
  | { t: 'NOT'; a: Shape };

function atomRex(atom: Atom, k: number): Rex {
  switch (atom) {
    case 'hasParam':
      return call('IS NOT NULL', [extract()], BOOL);
    case 'paramIsA':
      return call('=', [extract(), literal('a', STR)], BOOL);
    case 'lowerIn':
      return call(
        'IN',
        [call('LOWER', [field('s', STR)], STR), literal('ab', STR), literal('cd', STR)],
        BOOL,
      );
    case 'nLess':
      return call('<', [field('n', INT), literal(k, INT)], BOOL);
    case 'nIsNull':
      return call('IS NULL', [field('n', INT)], BOOL);
    case 'divides':
      // Integer division by zero fails: an operand the order must not move.
      return call('>', [call('/', [literal(10, INT), field('n', INT)], INT), literal(k, INT)], BOOL);
  }
}

function toRex(s: Shape): Rex {
  if (s.t === 'atom') return atomRex(s.atom, s.k);
  if (s.t === 'NOT') return call('NOT', [toRex(s.a)], BOOL);
  return call(s.t, [toRex(s.a), toRex(s.b)], BOOL);
}

const shapes = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      t: fc.constant('atom' as const),
      atom: fc.constantFrom<Atom>('hasParam', 'paramIsA', 'lowerIn', 'nLess', 'nIsNull', 'divides'),
      k: fc.integer({ min: -2, max: 2 }),
    }),
    fc.record({ t: fc.constantFrom('AND' as const, 'OR' as const), a: tie('shape'), b: tie('shape') }),
    fc.record({ t: fc.constant('NOT' as const), a: tie('shape') }),
  ) as fc.Arbitrary<Shape>,
}));

const rows = fc.record({
  s: fc.constantFrom('AB', 'ab', 'Cd', 'zz', null),
  u: fc.constantFrom('k=a', 'x=1&k=a&y=2', 'x=1&k=', 'xk=a', 'nothing', null),
  n: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.constant(null)),
});

type Outcome = { value: unknown } | { error: string };

function outcome(fn: (row: Row) => unknown, row: Row): Outcome {
  try {
    return { value: fn(row) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AND / OR operand order', () => {
  test('reordered conditions give the value or the error the written order gives', () => {
    fc.assert(
      fc.property(
        shapes.shape,
        fc.array(rows, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (shape, input, share) => {
          const rex = toRex(shape);
          const written = compileExpression(rex, {
            reorderOperands: false,
            shareCommonSubexpressions: share,
          });
          const reordered = compileExpression(rex, { shareCommonSubexpressions: share });
          for (const row of input) expect(outcome(reordered, row)).toEqual(outcome(written, row));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('q21: the channel test runs first, so a matching channel skips the regular expression', () => {
    const cond = call('OR', [atomRex('hasParam', 0), atomRex('lowerIn', 0)], BOOL);
    const channelId = call(
      'CASE',
      [
        call('=', [call('LOWER', [field('s', STR)], STR), literal('ab', STR)], BOOL),
        literal('0', STR),
        extract(),
      ],
      STR,
    );
    const calc = compileCalc([{ name: 'id', rex: channelId }], cond);
    const runs = vi.spyOn(runtime, 'regexpExtractWith');
    expect(calc({ s: 'AB', u: 'k=7' })).toEqual({ id: '0' });
    expect(runs).toHaveBeenCalledTimes(0);
    // Another channel: the expression runs once, for the filter and the column both.
    expect(calc({ s: 'zz', u: 'x=1&k=7' })).toEqual({ id: '7' });
    expect(runs).toHaveBeenCalledTimes(1);
    expect(calc({ s: 'zz', u: 'x=1' })).toBeUndefined();
    expect(runs).toHaveBeenCalledTimes(2);
  });

  test('an operand that can fail keeps the written order', () => {
    const fails = atomRex('divides', 0);
    const cheap = atomRex('nIsNull', 0);
    expect(cannotFail(fails)).toBe(false);
    expect(operandOrder(fails, cheap)).toEqual([fails, cheap]);
    // Written first, the division fails on n = 0 whatever the other operand says.
    const fn = compileExpression(
      call('OR', [fails, call('<', [field('n', INT), literal(1, INT)], BOOL)], BOOL),
    );
    expect(() => fn({ n: 0 })).toThrow();
    // Written second, a deciding first operand skips it.
    const guarded = compileExpression(
      call('OR', [call('<', [field('n', INT), literal(1, INT)], BOOL), fails], BOOL),
    );
    expect(guarded({ n: 0 })).toBe(true);
  });

  test('operands of similar cost keep the written order', () => {
    // Nexmark q3's state = 'OR' OR state = 'ID' OR state = 'CA': the nested OR costs more than
    // the last test, but not a regular expression's worth more.
    const state = (s: string) => call('=', [field('s', STR), literal(s, STR)], BOOL);
    const nested = call('OR', [state('OR'), state('ID')], BOOL);
    expect(operandOrder(nested, state('CA'))).toEqual([nested, state('CA')]);
    const regex = atomRex('hasParam', 0);
    expect(operandOrder(regex, nested)).toEqual([nested, regex]);
  });

  test('a pattern that is not a valid regular expression counts as failing', () => {
    const bad = call('REGEXP_EXTRACT', [field('u', STR), literal('(', STR)], STR);
    expect(cannotFail(bad)).toBe(false);
    expect(cannotFail(extract())).toBe(true);
  });
});
