/**
 * flatAggregate over updating input, for random sales: a Top-2 table aggregate per category of
 * the items' running totals ends with the two largest final totals of each category, and its
 * changelog, replayed, leaves exactly those rows: every earlier emission was retracted.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { $, call, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { Top2 } from './table-api-checks.js';

const saleArbitrary = fc.record({
  cat: fc.constantFrom('a', 'b', 'c'),
  item: fc.constantFrom('x', 'y', 'z', 'w'),
  amount: fc.integer({ min: 1, max: 9 }),
});

/** Each category's two largest item totals, ranked, computed directly. */
function expectedTop2(sales: readonly { cat: string; item: string; amount: number }[]) {
  const totals = new Map<string, Map<string, number>>();
  for (const s of sales) {
    const items = totals.get(s.cat) ?? new Map<string, number>();
    items.set(s.item, (items.get(s.item) ?? 0) + s.amount);
    totals.set(s.cat, items);
  }
  return [...totals].flatMap(([cat, items]) =>
    [...items.values()]
      .sort((a, b) => b - a)
      .slice(0, 2)
      .map((v, i) => ({ cat, v, rank: i + 1 })),
  );
}

const sorted = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('flatAggregate property', () => {
  test('Top-2 of running totals ends with the top two final totals, every earlier emission retracted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(saleArbitrary, { minLength: 1, maxLength: 20 }), async (sales) => {
        const env = StreamExecutionEnvironment.createLocalEnvironment(1);
        const tEnv = TableEnvironment.create(env);
        tEnv.createTemporarySystemFunction('top2', new Top2());
        tEnv.createTemporaryView('sales', env.fromElements(...sales), {
          cat: 'STRING',
          item: 'STRING',
          amount: 'BIGINT',
        });
        const changes = await tEnv
          .from('sales')
          .groupBy($('cat'), $('item'))
          .select($('cat'), $('item'), $('amount').sum().as('total'))
          .groupBy($('cat'))
          .flatAggregate(call('top2', $('total')))
          .select($('cat'), $('v'), $('rank'))
          .execute()
          .collectChanges();
        const live = new Map<string, number>();
        for (const { kind, row } of changes) {
          const key = JSON.stringify(row);
          const n = (live.get(key) ?? 0) + (kind === '+I' || kind === '+U' ? 1 : -1);
          expect(n).toBeGreaterThanOrEqual(0);
          live.set(key, n);
        }
        const left = [...live].flatMap(([key, n]) => Array.from({ length: n }, () => JSON.parse(key)));
        expect(sorted(left)).toEqual(sorted(expectedTop2(sales)));
      }),
      { numRuns: 25 },
    );
  });
});
