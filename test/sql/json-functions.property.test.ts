/**
 * Property tests of the JSON path evaluator and the JSON functions: a member path over
 * generated documents finds what direct property access finds (and nothing where that gives
 * undefined), in dot and bracket spelling, strict and lax; a wildcard finds every element; and
 * what JSON_OBJECT and JSON_ARRAY write, JSON_VALUE and JSON_QUERY read back, through the whole
 * front end (SQL text, parser, typer, compiler).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types, withNullability } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { evaluateJsonPath, NOT_FOUND, parseJsonPath } from '../../src/sql/expressions/json-path.js';
import { typeExpression } from '../../src/sql/expressions/typer.js';
import { parseExpression } from '../../src/sql/parser/parse.js';
import { ColumnScope } from '../../src/sql/planner/scope.js';

/** Keys a dot path can spell: a letter, then letters, digits and `_`. */
const plainKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/);
/** Keys only the bracket spelling can hold: blanks, dots, brackets (no quotes or backslashes). */
const anyKey = fc.string({ maxLength: 6 }).filter((k) => !/['"\\]/.test(k));

/** Direct access along `keys`: undefined where a step does not apply, as the reference. */
function access(document: unknown, keys: readonly string[]): unknown {
  let value = document;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key))
      return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A document in which the keys often exist: nested objects built along some of them. */
const documentAndKeys = (key: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(key, { minLength: 1, maxLength: 4 }), fc.jsonValue(), fc.nat(4), fc.jsonValue())
    .map(([keys, leaf, depth, noise]) => {
      let document: unknown = leaf;
      for (let i = Math.min(depth, keys.length) - 1; i >= 0; i--)
        document = { [keys[i]!]: document, ...(i === 0 ? { noise } : {}) };
      return { document, keys };
    });

describe('the JSON path evaluator', () => {
  test('$.a.b finds what direct property access finds, in strict and lax mode', () => {
    fc.assert(
      fc.property(documentAndKeys(plainKey), fc.boolean(), ({ document, keys }, lax) => {
        const path = parseJsonPath(`${lax ? 'lax ' : ''}$.${keys.join('.')}`);
        if (typeof path === 'string') throw new Error(path);
        expect(path.strict).toBe(!lax);
        const expected = access(document, keys);
        const found = evaluateJsonPath(path, document);
        expect(found).toStrictEqual(expected === undefined ? NOT_FOUND : expected);
      }),
      { numRuns: 500 },
    );
  });

  test("$['a b'] spells any key and agrees with direct access", () => {
    fc.assert(
      fc.property(documentAndKeys(anyKey), fc.boolean(), ({ document, keys }, doubleQuotes) => {
        const q = doubleQuotes ? '"' : "'";
        const path = parseJsonPath(`$${keys.map((k) => `[${q}${k}${q}]`).join('')}`);
        if (typeof path === 'string') throw new Error(path);
        const expected = access(document, keys);
        expect(evaluateJsonPath(path, document)).toStrictEqual(expected === undefined ? NOT_FOUND : expected);
      }),
      { numRuns: 300 },
    );
  });

  test('$.a[i] indexes from the start, negative from the end; $.a[*] finds every element', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.integer({ min: -8, max: 8 }), (items, i) => {
        const document = { a: items };
        const at = evaluateJsonPath(parseJsonPath(`$.a[${i}]`) as never, document);
        const expected = items.at(i);
        const inRange = i < items.length && i >= -items.length;
        expect(at).toStrictEqual(inRange ? expected : NOT_FOUND);
        expect(evaluateJsonPath(parseJsonPath('$.a[*]') as never, document)).toStrictEqual(items);
      }),
      { numRuns: 300 },
    );
  });

  test('after a wildcard, members that are missing are skipped, not failures', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer(), { nil: undefined }), { maxLength: 6 }), (cs) => {
        const document = { a: cs.map((c) => (c === undefined ? { d: 1 } : { c })) };
        const found = evaluateJsonPath(parseJsonPath('strict $.a[*].c') as never, document);
        expect(found).toStrictEqual(cs.filter((c) => c !== undefined));
      }),
      { numRuns: 200 },
    );
  });
});

const scope = new ColumnScope([
  // JSON_OBJECT keys must be NOT NULL, as in Flink.
  { name: 'k', internal: 'k', type: withNullability(Types.STRING, false) },
  { name: 's', internal: 's', type: Types.STRING },
  { name: 'n', internal: 'n', type: Types.BIGINT },
  { name: 'd', internal: 'd', type: Types.DOUBLE },
  { name: 'b', internal: 'b', type: Types.BOOLEAN },
]);

const compile = (sql: string) => compileExpression(typeExpression(parseExpression(sql), scope));

describe('JSON functions through SQL', () => {
  const roundTrip = {
    s: compile("JSON_VALUE(JSON_OBJECT('x' VALUE 1, k VALUE s), '$[''' || k || ''']')"),
    n: compile("JSON_VALUE(JSON_OBJECT(k VALUE n), '$[''' || k || ''']' RETURNING BIGINT)"),
    d: compile("JSON_VALUE(JSON_OBJECT(KEY k VALUE d), 'lax $[''' || k || ''']' RETURNING DOUBLE)"),
    b: compile("JSON_VALUE(JSON_ARRAY(s, b, n), '$[1]' RETURNING BOOLEAN)"),
    array: compile("JSON_QUERY(JSON_ARRAY(s, n, b NULL ON NULL), '$')"),
  };
  const row = fc.record({
    k: anyKey.filter((k) => k !== 'x'),
    s: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
    n: fc.option(fc.integer(), { nil: null }),
    d: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
    b: fc.option(fc.boolean(), { nil: null }),
  });

  test('JSON_OBJECT then JSON_VALUE gives the value back (NULL for NULL)', () => {
    fc.assert(
      fc.property(row, (r) => {
        expect(roundTrip.s(r)).toBe(r.s);
        expect(roundTrip.n(r)).toBe(r.n);
        // -0 is written as -0.0, as Java's Double.toString does, and reads back as -0.
        expect(roundTrip.d(r)).toBe(r.d);
        // ABSENT ON NULL (JSON_ARRAY's default) closes the gaps NULLs leave; a number at index 1
        // does not convert to BOOLEAN, which is an error, NULL ON ERROR.
        const second = [r.s, r.b, r.n].filter((v) => v !== null)[1];
        expect(roundTrip.b(r)).toBe(typeof second === 'boolean' ? second : null);
      }),
      { numRuns: 300 },
    );
  });

  test('JSON_QUERY of the whole document gives the same JSON back, numbers with their text', () => {
    const whole = compile("JSON_QUERY(s, '$' WITH UNCONDITIONAL ARRAY WRAPPER)");
    // A decimal with trailing zeros keeps them; its value is unchanged.
    const decimal = fc
      .tuple(fc.integer({ min: -9999, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.nat(3))
      .map(([whole, fraction, zeros]) => `${whole}.${fraction}${'0'.repeat(zeros)}`);
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(decimal, { maxLength: 3 }), (document, decimals) => {
        // Built as text: a replace of a placeholder could hit the same text inside the document.
        const text = `{"d":${JSON.stringify(document)},"n":[${decimals.join(',')}]}`;
        const result = whole({ k: 'k', s: text, n: null, d: null, b: null }) as string;
        expect(JSON.parse(result)).toEqual([JSON.parse(text)]);
        expect(result).toContain(`"n":[${decimals.join(',')}]`);
      }),
      { numRuns: 300 },
    );
  });

  test('JSON_ARRAY then JSON_QUERY gives the same JSON back', () => {
    fc.assert(
      fc.property(row, (r) => {
        const text = roundTrip.array(r) as string;
        expect(JSON.parse(text)).toStrictEqual([r.s, r.n, r.b]);
      }),
      { numRuns: 200 },
    );
  });
});
