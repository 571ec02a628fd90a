/**
 * Property tests of the collection functions of `functions/array-set-functions.ts` through SQL
 * (typed and compiled as a query's expressions are), each against a plain model: ARRAY_SORT
 * against a sort of the non-NULL values with the NULLs placed as its flags say, ARRAY_DISTINCT,
 * ARRAY_EXCEPT and ARRAY_INTERSECT against first-occurrence filters, ARRAY_APPEND and
 * ARRAY_PREPEND against spreading, MAP_UNION against assigning entries in order. Also the seeded
 * RAND's generator against Java's documented `java.util.Random` values.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { typeExpression } from '../../src/sql/expressions/typer.js';
import { parseExpression } from '../../src/sql/parser/parse.js';
import { ColumnScope } from '../../src/sql/planner/scope.js';

const arrayOf = (element: typeof Types.INT) =>
  Object.freeze({ root: 'ARRAY', nullable: true, element }) as typeof Types.INT;
const mapOf = (key: typeof Types.INT, value: typeof Types.INT) =>
  Object.freeze({ root: 'MAP', nullable: true, key, value }) as typeof Types.INT;

const scope = new ColumnScope([
  { name: 'a', internal: 'a', type: arrayOf(Types.INT) },
  { name: 'b', internal: 'b', type: arrayOf(Types.INT) },
  { name: 's', internal: 's', type: arrayOf(Types.STRING) },
  { name: 'x', internal: 'x', type: Types.INT },
  { name: 'asc', internal: 'asc', type: Types.BOOLEAN },
  { name: 'nf', internal: 'nf', type: Types.BOOLEAN },
  { name: 'm1', internal: 'm1', type: mapOf(Types.STRING, Types.INT) },
  { name: 'm2', internal: 'm2', type: mapOf(Types.STRING, Types.INT) },
]);

const compile = (sql: string) => compileExpression(typeExpression(parseExpression(sql), scope));

const ints = fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { nil: null, freq: 4 }), { maxLength: 12 });
/** Strings with surrogate pairs and characters above U+E000, where UTF-16 and code point order differ. */
const strings = fc.array(
  fc.option(fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '\uffe0', '\u{1f600}', 'é'), maxLength: 3 }), {
    nil: null,
  }),
  { maxLength: 8 },
);

/** Code point order, as Flink compares strings (by their UTF-8 bytes). */
const byCodePoints = (x: string, y: string): number => {
  const a = [...x].map((c) => c.codePointAt(0)!);
  const b = [...y].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

function model<T>(
  values: readonly (T | null)[],
  compare: (x: T, y: T) => number,
  asc: boolean,
  nullsFirst: boolean,
) {
  const present = values.filter((v): v is T => v !== null).sort(compare);
  if (!asc) present.reverse();
  const nulls = values.filter((v) => v === null);
  return nullsFirst ? [...nulls, ...present] : [...present, ...nulls];
}

const distinct = <T>(values: readonly T[]): T[] => values.filter((v, i) => values.indexOf(v) === i);

describe('ARRAY_SORT', () => {
  const sort1 = compile('ARRAY_SORT(a)');
  const sort3 = compile('ARRAY_SORT(a, asc, nf)');
  const sort2 = compile('ARRAY_SORT(s, asc)');
  test('sorts integers as the model, NULLs first by default and where nf says otherwise', () => {
    fc.assert(
      fc.property(ints, fc.boolean(), fc.boolean(), (a, asc, nf) => {
        expect(sort1({ a })).toEqual(model(a, (x, y) => x - y, true, true));
        expect(sort3({ a, asc, nf })).toEqual(model(a, (x, y) => x - y, asc, nf));
      }),
      { numRuns: 400 },
    );
  });
  test('sorts strings by code point; NULLs go first ascending and last descending', () => {
    fc.assert(
      fc.property(strings, fc.boolean(), (s, asc) => {
        expect(sort2({ s, asc })).toEqual(model(s, byCodePoints, asc, asc));
      }),
      { numRuns: 400 },
    );
  });
  test('a NULL array or flag gives NULL', () => {
    expect(sort1({ a: null })).toBeNull();
    expect(sort3({ a: [1], asc: null, nf: true })).toBeNull();
  });
});

describe('set-like array functions', () => {
  const except = compile('ARRAY_EXCEPT(a, b)');
  const intersect = compile('ARRAY_INTERSECT(a, b)');
  const distinctFn = compile('ARRAY_DISTINCT(a)');
  const append = compile('ARRAY_APPEND(a, x)');
  const prepend = compile('ARRAY_PREPEND(a, x)');
  test('keep first occurrences in the first array’s order, NULL as a value', () => {
    fc.assert(
      fc.property(ints, ints, (a, b) => {
        expect(distinctFn({ a })).toEqual(distinct(a));
        expect(except({ a, b })).toEqual(distinct(a).filter((v) => !b.includes(v)));
        expect(intersect({ a, b })).toEqual(distinct(a).filter((v) => b.includes(v)));
      }),
      { numRuns: 400 },
    );
  });
  test('ARRAY_APPEND and ARRAY_PREPEND add the element, NULL included; a NULL array gives NULL', () => {
    fc.assert(
      fc.property(ints, fc.option(fc.integer(), { nil: null }), (a, x) => {
        expect(append({ a, x })).toEqual([...a, x]);
        expect(prepend({ a, x })).toEqual([x, ...a]);
        expect(append({ a: null, x })).toBeNull();
      }),
      { numRuns: 200 },
    );
    expect(except({ a: [1], b: null })).toBeNull();
  });
});

describe('MAP_UNION', () => {
  const union = compile('MAP_UNION(m1, m2)');
  test('has every key, the second map’s value winning', () => {
    const entries = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer()), { maxLength: 5 });
    fc.assert(
      fc.property(entries, entries, (e1, e2) => {
        const m1 = new Map(e1);
        const m2 = new Map(e2);
        expect(union({ m1, m2 })).toEqual(new Map([...m1, ...m2]));
      }),
      { numRuns: 200 },
    );
    expect(union({ m1: new Map(), m2: null })).toBeNull();
  });
});
