/**
 * flatAggregate over updating input, for random sales: a Top-2 table aggregate per category of
 * the items' running totals ends with the two largest final totals of each category, and its
 * changelog, replayed, leaves exactly those rows: every earlier emission was retracted. With
 * emitUpdateWithRetract, it ends with the same rows in no more changes, emitting changed ranks only.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { $, call, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { IncrementalTop2, Top2 } from './table-api-checks.js';

const saleArbitrary = fc.record({
  cat: fc.constantFrom('a', 'b', 'c'),
  item: fc.constantFrom('x', 'y', 'z', 'w'),
  amount: fc.integer({ min: 1, max: 9 }),
});

/** One sale of an item in a category. */
interface Sale {
  readonly cat: string;
  readonly item: string;
  readonly amount: number;
}

/** Each category's two largest item totals, ranked, computed directly. */
function expectedTop2(sales: readonly Sale[]) {
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

describe('flatAggregate with emitUpdateWithRetract', () => {
  /** The changes of the Top-2 of running totals per category, with `fn` as top2. */
  async function top2Changes(sales: readonly Sale[], fn: Top2) {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    tEnv.createTemporarySystemFunction('top2', fn);
    tEnv.createTemporaryView('sales', env.fromElements(...sales), {
      cat: 'STRING',
      item: 'STRING',
      amount: 'BIGINT',
    });
    const table = tEnv
      .from('sales')
      .groupBy($('cat'), $('item'))
      .select($('cat'), $('item'), $('amount').sum().as('total'))
      .groupBy($('cat'))
      .flatAggregate(call('top2', $('total')))
      .select($('cat'), $('v'), $('rank'));
    return { explain: table.explain(), changes: await table.execute().collectChanges() };
  }

  test('ends with the same table as emitValue, in no more changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(saleArbitrary, { minLength: 1, maxLength: 20 }), async (sales) => {
        const all = await top2Changes(sales, new Top2());
        const changed = await top2Changes(sales, new IncrementalTop2());
        expect(sorted(replayed(changed.changes))).toEqual(sorted(replayed(all.changes)));
        expect(sorted(replayed(changed.changes))).toEqual(sorted(expectedTop2(sales)));
        expect(changed.changes.length).toBeLessThanOrEqual(all.changes.length);
      }),
      { numRuns: 25 },
    );
  });

  test('a changed second value retracts and emits that rank alone', async () => {
    const sales = [
      { cat: 'a', item: 'x', amount: 9 },
      { cat: 'a', item: 'y', amount: 3 },
      { cat: 'a', item: 'y', amount: 2 },
    ];
    const all = await top2Changes(sales, new Top2());
    const changed = await top2Changes(sales, new IncrementalTop2());
    expect(changed.explain).toContain('emit=[updateWithRetract]');
    expect(all.explain).not.toContain('emit=[updateWithRetract]');
    // y's total goes 3 -> 5 (a retraction of 3, then 5): only rank 2 changes, where emitValue
    // retracts and emits rank 1 too, each time.
    const text = (changes: typeof all.changes) => changes.map((c) => `${c.kind} ${JSON.stringify(c.row)}`);
    expect(text(changed.changes)).toEqual([
      '+I {"cat":"a","v":9,"rank":1}',
      '+U {"cat":"a","v":3,"rank":2}',
      '-U {"cat":"a","v":3,"rank":2}',
      '+U {"cat":"a","v":5,"rank":2}',
    ]);
    expect(all.changes).toHaveLength(10);
    expect(text(all.changes).slice(-3)).toEqual([
      '-U {"cat":"a","v":9,"rank":1}',
      '+U {"cat":"a","v":9,"rank":1}',
      '+U {"cat":"a","v":5,"rank":2}',
    ]);
  });
});

/** The rows a changelog leaves, each row as often as it was added and not retracted. */
function replayed(changes: readonly { kind: string; row: unknown }[]): unknown[] {
  const live = new Map<string, number>();
  for (const { kind, row } of changes) {
    const key = JSON.stringify(row);
    live.set(key, (live.get(key) ?? 0) + (kind === '+I' || kind === '+U' ? 1 : -1));
  }
  return [...live].flatMap(([key, n]) => Array.from({ length: n }, () => JSON.parse(key)));
}
