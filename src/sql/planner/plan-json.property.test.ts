/**
 * The JSON form of plan values (plan-json.ts): any value made of the data a plan holds comes back
 * from its JSON text equal, with undefined properties, -0, NaN, bigints, bytes, Maps, Sets and
 * objects owning a `$` key intact; a registered function comes back as the same object; code
 * that is not registered is refused with the path to it.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodePlanValue, encodePlanValue, type PlanFunctions } from './plan-json.js';

const udf = Object.freeze({ name: 'shout', eval: (s: string) => `${s}!` });
const functions: PlanFunctions = {
  nameOf: (value) => (value === udf ? 'shout' : undefined),
  lookup: (name) => (name === 'shout' ? udf : undefined),
};

const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('$', 'v', 'kind'));
const leaf = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.double(),
  fc.integer(),
  fc.bigInt(),
  fc.uint8Array({ maxLength: 8 }),
  fc.constant(udf),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }).map((d) => ({ ...d })),
    fc
      .array(fc.tuple(fc.oneof(fc.string(), fc.integer()), tie('value')), { maxLength: 3 })
      .map((e) => new Map(e)),
    fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }).map((e) => new Set(e)),
  ),
}));

const roundTrip = (v: unknown) =>
  decodePlanValue(JSON.parse(JSON.stringify(encodePlanValue(v, functions))), functions);

describe('plan values through JSON', () => {
  test('come back equal', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  test('keep -0, NaN, infinities and a registered function by identity', () => {
    const back = roundTrip({
      a: -0,
      b: Number.NaN,
      c: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      udf,
    }) as {
      a: number;
      udf: unknown;
    };
    expect(Object.is(back.a, -0)).toBe(true);
    expect(back).toStrictEqual({
      a: -0,
      b: Number.NaN,
      c: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      udf,
    });
    expect(back.udf).toBe(udf);
  });

  test('refuse code that is not registered and class instances, naming the path', () => {
    expect(() => encodePlanValue({ calls: [{ fn: () => 1 }] }, functions)).toThrow(
      'SQL error: the plan cannot be compiled: plan.calls[0].fn is function, which a plan file cannot hold; COMPILE PLAN takes jobs over connector tables and registered functions',
    );
    expect(() => encodePlanValue({ at: new Date(0) }, functions)).toThrow(/plan\.at is a Date instance/);
    expect(() => decodePlanValue({ $: 'function', v: 'missing' }, functions)).toThrow(
      "SQL error: the plan calls function 'missing', which this session does not have; register it (createTemporarySystemFunction or CREATE FUNCTION) before loading the plan",
    );
  });
});
