/**
 * COLLECT's accumulator against a model multiset: any sequence of accumulates and retractions
 * (a retraction only of a value added before, as a changelog gives), split at any point into
 * two accumulators that are then merged, leaves the multiset of the values added and not
 * retracted; NULLs are never counted.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { lookupAggregate } from '../../src/sql/aggregates/builtins.js';
import { Types } from '../../src/sql/catalog/types.js';

const COLLECT = lookupAggregate('COLLECT', undefined)!;

/** Steps: add a value (or NULL), or retract the i-th value still in (modulo their number). */
const steps = fc.array(
  fc.oneof(
    fc.record({ add: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { freq: 5 }) }),
    fc.record({ retract: fc.nat() }),
  ),
  { maxLength: 60 },
);

describe('COLLECT', () => {
  test('accumulate, retract and merge give the multiset of the values still in', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (list, at) => {
        const fn = COLLECT.create([Types.STRING], { retraction: true });
        const cut = list.length === 0 ? 0 : at % (list.length + 1);
        let first = fn.createAccumulator();
        let second = fn.createAccumulator();
        const live: string[] = [];
        list.forEach((step, i) => {
          const target = i < cut ? first : second;
          if ('add' in step) {
            const next = fn.accumulate(target, [step.add]);
            if (i < cut) first = next;
            else second = next;
            if (step.add !== null) live.push(step.add);
          } else if (live.length > 0) {
            const [value] = live.splice(step.retract % live.length, 1);
            const next = fn.retract!(target, [value]);
            if (i < cut) first = next;
            else second = next;
          }
        });
        const merged = fn.getValue(fn.merge!(first, second)) as Map<string, number>;
        const expected = new Map<string, number>();
        for (const v of live) expected.set(v, (expected.get(v) ?? 0) + 1);
        expect(new Map([...merged].sort())).toEqual(new Map([...expected].sort()));
        for (const n of merged.values()) expect(n).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  test('its result is a MULTISET of the argument type, never NULL', () => {
    expect(COLLECT.resultType([Types.INT])).toMatchObject({
      root: 'MAP',
      multiset: true,
      nullable: false,
      key: Types.INT,
    });
  });
});
