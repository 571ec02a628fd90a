/**
 * The local phase of two-phase aggregation groups a bundle's rows as keyBy would: rows whose key
 * columns are equal as Map keys (SameValueZero, NULL and a missing column alike, ROW values
 * canonically) share one partial, and the partials come out in order of their groups' first
 * rows. Checked against a reference that groups by the canonical key of the key tuple.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import { canonicalKey } from '../../../state/key-groups.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import { Types } from '../../catalog/types.js';
import type { Row } from '../../expressions/compiler.js';
import { LocalGroupAggregateOperator, type PartialAggregate } from './local-global-aggregate.js';

const call = (fn: string, args: string[], name: string): BoundAggregateCall => ({
  fn,
  args,
  argTypes: args.map(() => Types.INT),
  distinct: false,
  name,
  type: Types.INT,
  definition: BUILTIN_AGGREGATES.get(fn)!,
});

/** The partials of one bundle holding `rows`, as `[keys, count, max x]`. */
function localPartials(groupKeys: string[], rows: Row[]): [Row, number, unknown][] {
  const spec = {
    groupKeys,
    calls: [call('MAX', ['x'], 'mx')],
    changelogInput: false,
    insertOnlyOutput: false,
  };
  const h = new OneInputStreamOperatorTestHarness<Row, PartialAggregate>(
    new LocalGroupAggregateOperator(spec, { latencyMs: 1_000_000, size: 1_000_000 }) as never,
  );
  h.open();
  for (const row of rows) h.processElement(row);
  void h.endInput();
  return h.extractOutputValues().map((p) => [p.keys, p.count, p.accs[0]]);
}

/** The same by a Map over the canonical key tuple. */
function referencePartials(groupKeys: string[], rows: Row[]): [Row, number, unknown][] {
  const groups = new Map<unknown, [Row, number, unknown]>();
  for (const row of rows) {
    const values = groupKeys.map((k) => row[k] ?? null);
    // canonicalKey tells -0 from 0; Map keys (and keyBy) do not.
    const id = canonicalKey(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    let group = groups.get(id);
    if (group === undefined) {
      group = [Object.fromEntries(groupKeys.map((k, i) => [k, values[i]])), 0, null];
      groups.set(id, group);
    }
    group[1]++;
    const x = row.x as number | null;
    if (x !== null && (group[2] === null || x > (group[2] as number))) group[2] = x;
  }
  return [...groups.values()];
}

const keyValue = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom(0, -0, Number.NaN, null, undefined, 'a', '0'),
  fc.constantFrom({ f: 1 }, { f: 2 }).map((o) => ({ ...o })),
);

describe('the local phase of two-phase aggregation', () => {
  test('property: one partial per group of equal keys, in order of first rows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.tuple(keyValue, keyValue, keyValue, fc.integer({ min: -9, max: 9 })), { maxLength: 40 }),
        (width, tuples) => {
          const groupKeys = ['a', 'b', 'c'].slice(0, width);
          const rows: Row[] = tuples.map(([a, b, c, x]) => {
            const row: Row = { x };
            if (a !== undefined) row.a = a;
            if (b !== undefined) row.b = b;
            if (c !== undefined) row.c = c;
            return row;
          });
          expect(localPartials(groupKeys, rows)).toEqual(referencePartials(groupKeys, rows));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('groups sharing a key prefix stay apart after the level holding one of them splits', () => {
    const rows = [
      { a: 1, b: 1, x: 1 },
      { a: 1, b: 2, x: 5 },
      { a: 1, b: 1, x: 3 },
      { a: 2, b: 1, x: 4 },
      { a: 1, b: 2, x: 2 },
    ];
    expect(localPartials(['a', 'b'], rows)).toEqual([
      [{ a: 1, b: 1 }, 2, 3],
      [{ a: 1, b: 2 }, 2, 5],
      [{ a: 2, b: 1 }, 1, 4],
    ]);
  });
});
