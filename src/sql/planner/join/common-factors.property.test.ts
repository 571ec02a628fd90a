/**
 * Pulling the parts shared by every branch out of an OR keeps the condition's value under SQL's
 * three-valued logic (AND and OR distribute over each other there as in two-valued logic), and
 * recognises a shared part however each branch writes it: operands of `=` or `+` swapped, a
 * comparison mirrored (`a.x < b.x` as `b.x > a.x`), a name qualified or not, other spacing,
 * keyword case and parentheses. Conditions are generated as SQL text, typed as the planner types
 * them, and both forms are compiled and run on rows holding NULLs.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types, withNullability } from '../../catalog/types.js';
import { compileExpression } from '../../expressions/compiler.js';
import type { Rex } from '../../expressions/rex.js';
import { typeCondition } from '../../expressions/typer.js';
import { parseExpression } from '../../parser/parse.js';
import { ColumnScope } from '../scope.js';
import { normalForm, pullCommonFactors } from './common-factors.js';
import { andOf } from './join-conditions.js';

const INT = withNullability(Types.INT, true);
/** `x` is in both tables, so always qualified; `p` and `q` are one table's each, so either. */
const COLUMNS = [
  { qualifier: 'a', name: 'x', internal: 'ax', type: INT },
  { qualifier: 'a', name: 'p', internal: 'ap', type: INT },
  { qualifier: 'b', name: 'x', internal: 'bx', type: INT },
  { qualifier: 'b', name: 'q', internal: 'bq', type: INT },
];
const scope = new ColumnScope(COLUMNS);
const typed = (sql: string): Rex => typeCondition(parseExpression(sql), scope, 'WHERE');

/** A small deterministic source of the writing choices, so that a failing case replays. */
function chooser(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    flip: () => next() < 0.5,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Choose = ReturnType<typeof chooser>;

/** A term: a column (by index into COLUMNS), a literal, or a column plus a literal. */
type Term = { column: number } | { literal: number } | { column: number; plus: number };
/** An atomic condition, or an OR of two, as one conjunct of a branch. */
type Atom =
  | { op: '=' | '<>' | '<' | '<=' | '>' | '>='; left: Term; right: Term }
  | { isNull: Term; negated: boolean }
  | { or: [Atom, Atom] };

const MIRROR = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const;
const space = (c: Choose) => c.pick([' ', '  ', '\n', '\t ']);
const paren = (c: Choose, text: string) => (c.flip() ? `(${space(c)}${text}${space(c)})` : text);

function columnText(i: number, c: Choose): string {
  const col = COLUMNS[i]!;
  return col.name === 'x' || c.flip() ? `${col.qualifier}.${col.name}` : col.name;
}

function termText(t: Term, c: Choose): string {
  if ('literal' in t) return String(t.literal);
  const column = columnText(t.column, c);
  if (!('plus' in t)) return paren(c, column);
  return paren(c, c.flip() ? `${column}${space(c)}+${space(c)}${t.plus}` : `${t.plus} + ${column}`);
}

function atomText(a: Atom, c: Choose): string {
  if ('or' in a) {
    const [l, r] = c.flip() ? a.or : [a.or[1], a.or[0]];
    return `(${atomText(l, c)}${space(c)}${c.pick(['OR', 'or', 'Or'])}${space(c)}${atomText(r, c)})`;
  }
  if ('isNull' in a)
    return paren(
      c,
      `${termText(a.isNull, c)} ${c.pick(['IS', 'is'])}${a.negated ? ' NOT' : ''} ${c.pick(['NULL', 'null'])}`,
    );
  const mirrored = c.flip();
  const op = mirrored ? MIRROR[a.op] : a.op;
  const opText = op === '<>' ? c.pick(['<>', '!=']) : op;
  const [l, r] = mirrored ? [a.right, a.left] : [a.left, a.right];
  return paren(c, `${termText(l, c)}${space(c)}${opText}${space(c)}${termText(r, c)}`);
}

/** An OR of branches, each an AND of atoms of the pool (by index), each written its own way. */
function conditionText(pool: readonly Atom[], branches: readonly (readonly number[])[], c: Choose): string {
  const and = () => c.pick(['AND', 'and', 'And']);
  const or = () => c.pick(['OR', 'or']);
  return branches
    .map((b) => paren(c, b.map((i) => atomText(pool[i]!, c)).join(`${space(c)}${and()}${space(c)}`)))
    .join(`${space(c)}${or()}${space(c)}`);
}

const column = fc.integer({ min: 0, max: COLUMNS.length - 1 });
const small = fc.integer({ min: -1, max: 2 });
const term: fc.Arbitrary<Term> = fc.oneof(
  column.map((i) => ({ column: i })),
  small.map((n) => ({ literal: n })),
  fc.record({ column, plus: small }),
);
const simpleAtom: fc.Arbitrary<Atom> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom('=', '<>', '<', '<=', '>', '>=' as const),
      left: term,
      right: term,
    }),
  },
  { weight: 1, arbitrary: fc.record({ isNull: term, negated: fc.boolean() }) },
);
const atom: fc.Arbitrary<Atom> = fc.oneof(
  { weight: 5, arbitrary: simpleAtom },
  { weight: 1, arbitrary: fc.tuple(simpleAtom, simpleAtom).map((or) => ({ or })) },
);

/** A near twin of an atom: its operands swapped without mirroring the comparison (`b < a` for `a < b`). */
function swapped(a: Atom): Atom {
  if ('op' in a) return { op: a.op, left: a.right, right: a.left };
  if ('or' in a) return { or: [swapped(a.or[0]), a.or[1]] };
  return { isNull: a.isNull, negated: !a.negated };
}

/** Two atoms and their near twins, which a matcher must not take for them. */
const POOL = 4;
const shape = fc.record({
  pool: fc.tuple(atom, atom).map(([a, b]) => [a, b, swapped(a), swapped(b)]),
  branches: fc.array(fc.array(fc.integer({ min: 0, max: POOL - 1 }), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 4,
  }),
  seed: fc.integer(),
});
const value = fc.constantFrom(null, -1, 0, 1, 2, 3);
const rows = fc.array(fc.tuple(value, value, value, value), { minLength: 1, maxLength: 12 });

const run = (rex: Rex, values: readonly (number | null)[]) =>
  compileExpression(rex)(Object.fromEntries(COLUMNS.map((col, i) => [col.internal, values[i]]))) ?? null;

describe('pullCommonFactors', () => {
  test('keeps the value of the condition for any rows, NULLs included', () => {
    fc.assert(
      fc.property(shape, rows, ({ pool, branches, seed }, data) => {
        const original = typed(conditionText(pool, branches, chooser(seed)));
        const pulled = andOf(pullCommonFactors(original));
        for (const values of data) expect(run(pulled, values)).toBe(run(original, values));
      }),
      { numRuns: 300 },
    );
  });

  test('pulls out every part all branches share, however each branch writes it', () => {
    fc.assert(
      fc.property(shape, ({ pool, branches, seed }) => {
        // One branch is no OR; a branch that is one OR is more branches, not one.
        fc.pre(branches.length > 1 && branches.every((b) => b.length > 1 || !('or' in pool[b[0]!]!)));
        const c = chooser(seed);
        const parts = pullCommonFactors(typed(conditionText(pool, branches, c)));
        const forms = new Set(parts.map(normalForm));
        const shared = pool.filter((_, i) => branches.every((b) => b.includes(i)));
        // Written afresh: another spelling of the same part.
        for (const a of shared) expect(forms).toContain(normalForm(typed(atomText(a, c))));
      }),
      { numRuns: 300 },
    );
  });

  test('a shared equality written the other way round becomes a conjunct of its own', () => {
    const parts = pullCommonFactors(typed('(a.x = b.x AND p < 1) OR (b.x = a.x AND q IS NULL)'));
    expect(parts.map(normalForm)).toEqual([
      normalForm(typed('b.x = a.x')),
      normalForm(typed('p < 1 OR q IS NULL')),
    ]);
    const mirrored = pullCommonFactors(
      typed('(  b.q >= a.p+1 and p = 2) or (1 + p <= q AND (a.x IS NULL OR q = 0))'),
    );
    expect(mirrored).toHaveLength(2);
    expect(normalForm(mirrored[0]!)).toBe(normalForm(typed('a.p + 1 <= b.q')));
    // Nothing shared: the condition stays as it is.
    const none = typed('p = 1 OR q = 2');
    expect(pullCommonFactors(none)).toEqual([none]);
    // A call that may differ between branches is not pulled out, as each branch draws its own.
    const random = typed('(RAND() < 0.5 AND p = 1) OR (RAND() < 0.5 AND q = 1)');
    expect(pullCommonFactors(random)).toEqual([random]);
  });
});
