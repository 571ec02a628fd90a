/**
 * Property tests of the expression compiler against small reference interpreters: random
 * boolean expressions over TRUE, FALSE, NULL and nullable columns must follow Kleene's
 * three-valued logic, and random integer arithmetic must propagate NULL and match exact
 * arithmetic, whatever the nesting. Expressions go through the whole front end: SQL text,
 * parser, typer, compiler.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { typeExpression } from '../../src/sql/expressions/typer.js';
import { parseExpression } from '../../src/sql/parser/parse.js';
import { ColumnScope } from '../../src/sql/planner/scope.js';

type Tri = boolean | null;
type BoolExpr =
  | { op: 'lit'; value: Tri }
  | { op: 'col'; index: number }
  | { op: 'not'; a: BoolExpr }
  | { op: 'and' | 'or'; a: BoolExpr; b: BoolExpr }
  | { op: 'isNull' | 'isTrue' | 'isNotFalse'; a: BoolExpr };

const boolExpr: fc.Arbitrary<BoolExpr> = fc.letrec<{ e: BoolExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Tri>(true, false, null).map((value) => ({ op: 'lit' as const, value })),
    fc.integer({ min: 0, max: 2 }).map((index) => ({ op: 'col' as const, index })),
    tie('e').map((a) => ({ op: 'not' as const, a })),
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), a: tie('e'), b: tie('e') }),
    fc.record({
      op: fc.constantFrom('isNull' as const, 'isTrue' as const, 'isNotFalse' as const),
      a: tie('e'),
    }),
  ),
})).e;

function boolSql(e: BoolExpr): string {
  switch (e.op) {
    case 'lit':
      return e.value === null ? 'CAST(NULL AS BOOLEAN)' : String(e.value).toUpperCase();
    case 'col':
      return `b${e.index}`;
    case 'not':
      return `(NOT ${boolSql(e.a)})`;
    case 'and':
    case 'or':
      return `(${boolSql(e.a)} ${e.op.toUpperCase()} ${boolSql(e.b)})`;
    case 'isNull':
      return `(${boolSql(e.a)} IS NULL)`;
    case 'isTrue':
      return `(${boolSql(e.a)} IS TRUE)`;
    case 'isNotFalse':
      return `(${boolSql(e.a)} IS NOT FALSE)`;
  }
}

/** Kleene logic, written independently of the compiler. */
function kleene(e: BoolExpr, row: Tri[]): Tri {
  switch (e.op) {
    case 'lit':
      return e.value;
    case 'col':
      return row[e.index]!;
    case 'not': {
      const a = kleene(e.a, row);
      return a === null ? null : !a;
    }
    case 'and': {
      const a = kleene(e.a, row);
      const b = kleene(e.b, row);
      if (a === false || b === false) return false;
      return a === null || b === null ? null : true;
    }
    case 'or': {
      const a = kleene(e.a, row);
      const b = kleene(e.b, row);
      if (a === true || b === true) return true;
      return a === null || b === null ? null : false;
    }
    case 'isNull':
      return kleene(e.a, row) === null;
    case 'isTrue':
      return kleene(e.a, row) === true;
    case 'isNotFalse':
      return kleene(e.a, row) !== false;
  }
}

type IntExpr =
  | { op: 'lit'; value: number | null }
  | { op: 'col'; index: number }
  | { op: '+' | '-' | '*'; a: IntExpr; b: IntExpr }
  | { op: 'neg'; a: IntExpr };

const intExpr: fc.Arbitrary<IntExpr> = fc.letrec<{ e: IntExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .option(fc.integer({ min: -50, max: 50 }), { nil: null })
      .map((value) => ({ op: 'lit' as const, value })),
    fc.integer({ min: 0, max: 1 }).map((index) => ({ op: 'col' as const, index })),
    fc.record({ op: fc.constantFrom('+' as const, '-' as const, '*' as const), a: tie('e'), b: tie('e') }),
    tie('e').map((a) => ({ op: 'neg' as const, a })),
  ),
})).e;

function intSql(e: IntExpr): string {
  switch (e.op) {
    case 'lit':
      return e.value === null ? 'CAST(NULL AS BIGINT)' : e.value < 0 ? `(${e.value})` : String(e.value);
    case 'col':
      return `n${e.index}`;
    case 'neg':
      return `(-${intSql(e.a)})`;
    default:
      return `(${intSql(e.a)} ${e.op} ${intSql(e.b)})`;
  }
}

function exact(e: IntExpr, row: (bigint | null)[]): bigint | null {
  switch (e.op) {
    case 'lit':
      return e.value === null ? null : BigInt(e.value);
    case 'col':
      return row[e.index]!;
    case 'neg': {
      const a = exact(e.a, row);
      return a === null ? null : -a;
    }
    default: {
      const a = exact(e.a, row);
      const b = exact(e.b, row);
      if (a === null || b === null) return null;
      return e.op === '+' ? a + b : e.op === '-' ? a - b : a * b;
    }
  }
}

const boolScope = new ColumnScope(
  [0, 1, 2].map((i) => ({ name: `b${i}`, internal: `b${i}`, type: Types.BOOLEAN })),
);
const intScope = new ColumnScope(
  [0, 1].map((i) => ({ name: `n${i}`, internal: `n${i}`, type: Types.BIGINT })),
);
const tri = fc.constantFrom<Tri>(true, false, null);

describe('compiled expressions', () => {
  test('boolean expressions follow three-valued logic', () => {
    fc.assert(
      fc.property(boolExpr, fc.array(fc.tuple(tri, tri, tri), { minLength: 1, maxLength: 8 }), (e, rows) => {
        const compiled = compileExpression(typeExpression(parseExpression(boolSql(e)), boolScope));
        for (const row of rows) {
          expect(compiled({ b0: row[0], b1: row[1], b2: row[2] })).toBe(kleene(e, row));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('integer arithmetic propagates NULL and is exact for small values', () => {
    const value = fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null });
    fc.assert(
      fc.property(intExpr, fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 8 }), (e, rows) => {
        const compiled = compileExpression(typeExpression(parseExpression(intSql(e)), intScope));
        for (const [a, b] of rows) {
          const expected = exact(e, [a === null ? null : BigInt(a), b === null ? null : BigInt(b)]);
          const actual = compiled({ n0: a, n1: b });
          if (expected === null) expect(actual).toBeNull();
          else if (expected <= BigInt(Number.MAX_SAFE_INTEGER) && expected >= BigInt(Number.MIN_SAFE_INTEGER))
            expect(actual).toBe(Number(expected));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a missing field reads as NULL', () => {
    const compiled = compileExpression(typeExpression(parseExpression('n0 + 1 IS NULL'), intScope));
    expect(compiled({})).toBe(true);
  });
});
