import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  drain,
  FakeEnumeratorContext,
  FakeReaderContext,
  FakeReaderOutput,
  readAll,
  replayAcrossSnapshot,
} from '../common/testing.js';
import { CollectionSource } from './collection-source.js';
import type { CollectionSplit } from './collection-split.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('CollectionSource', () => {
  it('emits the elements in order and ends', async () => {
    const { records } = await readAll(new CollectionSource(range(5000)));
    expect(records).toEqual(range(5000));
  });

  it('reads any finite iterable, and of() takes arguments', async () => {
    expect((await readAll(new CollectionSource(new Set(['a', 'b', 'c'])))).records).toEqual(['a', 'b', 'c']);
    expect((await readAll(CollectionSource.of({ x: 1 }, { x: 2 }))).records).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it('ends at once for an empty collection', async () => {
    expect((await readAll(new CollectionSource([]))).records).toEqual([]);
  });

  it('has one split, given to the first reader that asks, and no more splits for others', () => {
    const source = new CollectionSource([1, 2]);
    expect(source.maxParallelism).toBe(1);
    const context = new FakeEnumeratorContext<CollectionSplit>(2);
    const enumerator = source.createEnumerator(context);
    enumerator.start();
    enumerator.handleSplitRequest(1);
    enumerator.handleSplitRequest(0);
    expect(context.assignments).toEqual([{ split: { id: 'collection-0', offset: 0 }, subtask: 1 }]);
    expect([...context.noMoreSplits]).toEqual([0]);
  });

  it.each([
    ['an array', () => range(3000)],
    [
      'a re-iterable',
      () => ({
        *[Symbol.iterator]() {
          yield* range(3000);
        },
      }),
    ],
  ])('resumes from a snapshotted split exactly (%s)', async (_name, make) => {
    const source = new CollectionSource<number>(make());
    const first = source.createReader(new FakeReaderContext());
    first.addSplits([{ id: 'collection-0', offset: 0 }]);
    first.notifyNoMoreSplits();
    const output = new FakeReaderOutput<number>();
    first.pollNext(output);
    first.pollNext(output);
    const snapshot = first.snapshotState(1);
    expect(snapshot).toHaveLength(1);
    expect(snapshot[0].offset).toBe(output.records.length);

    const second = new CollectionSource<number>(make()).createReader(new FakeReaderContext());
    second.addSplits(snapshot);
    second.notifyNoMoreSplits();
    const rest = await drain(second);
    expect([...output.records, ...rest.records]).toEqual(range(3000));
  });

  it('resumes exactly once after a snapshot at any point, at any restored parallelism', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 4000 }),
        fc.boolean(),
        fc.array(fc.nat(3), { maxLength: 6 }),
        fc.array(fc.nat(3), { maxLength: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(3), { maxLength: 2 }),
        async (n, asArray, before, after, restoredParallelism, deal) => {
          const items = range(n).map((i) => `e${i}`);
          const iterable: Iterable<string> = asArray ? items : { [Symbol.iterator]: () => items.values() };
          const result = await replayAcrossSnapshot(() => new CollectionSource(iterable), {
            parallelism: 1,
            before,
            after,
            restoredParallelism,
            deal,
          });
          expect(result.actual).toEqual(result.expected);
          expect(result.expected.get('collection-0') ?? []).toEqual(items);
          expect(result.snapshotChanged).toBe(false);
          expect(result.unattributed).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('restores an enumerator that hands out only the split it had not assigned', () => {
    const source = new CollectionSource([1, 2]);
    const before = source.createEnumerator(new FakeEnumeratorContext<CollectionSplit>(1));
    const unassigned = before.snapshotState(1);
    before.handleSplitRequest(0);
    const assigned = before.snapshotState(2);
    for (const [state, splits] of [
      [unassigned, [{ id: 'collection-0', offset: 0 }]],
      [assigned, []],
    ] as const) {
      const context = new FakeEnumeratorContext<CollectionSplit>(1);
      const restored = source.restoreEnumerator(context, state);
      restored.start();
      restored.handleSplitRequest(0);
      restored.handleSplitRequest(0);
      expect(context.assignments.map((a) => a.split)).toEqual(splits);
      expect([...context.noMoreSplits]).toEqual([0]);
    }
  });

  it('emits through a per-split output and releases it at the end', async () => {
    const reader = new CollectionSource([1]).createReader(new FakeReaderContext());
    reader.addSplits([{ id: 'collection-0', offset: 0 }]);
    reader.notifyNoMoreSplits();
    const output = await drain(reader);
    expect(output.bySplit.get('collection-0')).toEqual([1]);
    expect(output.released).toEqual(['collection-0']);
  });

  it('asks for a split on start and waits for it', async () => {
    const context = new FakeReaderContext();
    const reader = new CollectionSource([1]).createReader(context);
    reader.start();
    expect(context.requests).toBe(1);
    expect(reader.pollNext(new FakeReaderOutput())).toBe('nothing-available');
    const available = reader.isAvailable();
    reader.addSplits([{ id: 'collection-0', offset: 0 }]);
    await available;
    expect(reader.pollNext(new FakeReaderOutput())).toBe('more-available');
  });

  it('rejects a non-iterable with a one-line error', () => {
    expect(() => new CollectionSource(42 as unknown as number[])).toThrow(/needs an iterable.*got number/);
  });
});
