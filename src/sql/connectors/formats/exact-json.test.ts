/**
 * Exact JSON parsing: integers past 2^53 come back as bigints with every digit, everything else
 * as JSON.parse gives it, and text with the parsed value's digits writes back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LONG, MIN_LONG } from '../../expressions/long.js';
import { exactJsonText, parseExactJson } from './exact-json.js';

/** Whether a value holds no integer past 2^53 (which JSON.parse would round). */
const onlyDoubles = (v: unknown): boolean =>
  typeof v === 'number'
    ? Number.isSafeInteger(v) || !Number.isInteger(v)
    : typeof v === 'object' && v !== null
      ? Object.values(v).every(onlyDoubles)
      : true;

describe('exact JSON', () => {
  it('keeps integers past 2^53 exact and parses the rest as JSON.parse', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: MIN_LONG, max: MAX_LONG }),
        fc.jsonValue().filter(onlyDoubles),
        (n, other) => {
          const text = JSON.stringify({ other }).replace(/^\{/, `{"n":${n},`);
          const parsed = parseExactJson(text) as { n: unknown; other: unknown };
          const safe = n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER);
          expect(parsed.n).toBe(safe ? Number(n) : n);
          expect(parsed.other).toEqual(JSON.parse(JSON.stringify(other)));
          expect(exactJsonText(parsed)).toBe(text);
        },
      ),
    );
  });

  it('fails on invalid JSON with the native message, and a repeated key keeps its last value', () => {
    expect(() => parseExactJson('{"n": 12345678901234567890')).toThrow(SyntaxError);
    expect(parseExactJson('{"a": 1, "a": 12345678901234567890}')).toEqual({ a: 12345678901234567000 });
  });
});
