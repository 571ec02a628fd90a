import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  drain,
  FakeEnumeratorContext,
  FakeReaderContext,
  FakeReaderOutput,
  readAll,
  replayAcrossSnapshot,
} from '../common/testing.js';
import { DataGeneratorSource } from './datagen-source.js';
import { createGeneratorSplits, type DataGeneratorSplit } from './datagen-split.js';

const gen = (i: number) => ({ id: i, v: (i * 7919) % 101 });

function readerWith(
  source: DataGeneratorSource<unknown>,
  splits: DataGeneratorSplit[],
  context = new FakeReaderContext(),
) {
  const reader = source.createReader(context);
  reader.addSplits(splits);
  reader.notifyNoMoreSplits();
  return reader;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('DataGeneratorSource', () => {
  it('generates count records from their index, the same on every run', async () => {
    const a = await readAll(new DataGeneratorSource(gen, 2500));
    const b = await readAll(new DataGeneratorSource(gen, 2500));
    expect(a.records).toEqual(Array.from({ length: 2500 }, (_, i) => gen(i)));
    expect(b.records).toEqual(a.records);
  });

  it('produces every index exactly once at any parallelism', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 7 }),
        async (count, p) => {
          const { records } = await readAll(new DataGeneratorSource((i) => i, count), p);
          expect([...records].sort((x, y) => x - y)).toEqual(Array.from({ length: count }, (_, i) => i));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('cuts a finite count into contiguous ranges, one per reader', () => {
    expect(createGeneratorSplits(10, 3)).toEqual([
      { id: 'datagen-0', next: 0, end: 3, stride: 1 },
      { id: 'datagen-1', next: 3, end: 6, stride: 1 },
      { id: 'datagen-2', next: 6, end: 10, stride: 1 },
    ]);
    expect(createGeneratorSplits(1, 3)).toEqual([{ id: 'datagen-2', next: 0, end: 1, stride: 1 }]);
  });

  it('assigns one split per request through the enumerator, then no more', () => {
    const context = new FakeEnumeratorContext<DataGeneratorSplit>(2);
    const enumerator = new DataGeneratorSource(gen, 100).createEnumerator(context);
    enumerator.start();
    enumerator.handleSplitRequest(0);
    enumerator.handleSplitRequest(1);
    enumerator.handleSplitRequest(0);
    expect(context.assignments.map((a) => [a.split.next, a.split.end, a.subtask])).toEqual([
      [0, 50, 0],
      [50, 100, 1],
    ]);
    expect([...context.noMoreSplits]).toEqual([0]);
    const state = enumerator.snapshotState(1);
    expect(state.pending).toEqual([]);
  });

  it('interleaves an infinite sequence by stride and is unbounded', () => {
    const source = new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY);
    expect(source.getBoundedness()).toBe('unbounded');
    const splits = createGeneratorSplits(Number.POSITIVE_INFINITY, 2);
    const reader = readerWith(source as DataGeneratorSource<unknown>, [splits[1]]);
    const output = new FakeReaderOutput<unknown>();
    expect(reader.pollNext(output)).toBe('more-available');
    expect(output.records.slice(0, 4)).toEqual([1, 3, 5, 7]);
  });

  it('resumes exactly from a snapshotted split', async () => {
    const source = new DataGeneratorSource(gen, 5000) as DataGeneratorSource<unknown>;
    const splits = createGeneratorSplits(5000, 2);
    const first = readerWith(source, splits);
    const head = new FakeReaderOutput<unknown>();
    for (let i = 0; i < 2; i++) first.pollNext(head);
    const snapshot = first.snapshotState(7);
    expect(snapshot.map((s) => s.id)).toEqual(['datagen-0', 'datagen-1']);
    const tail = await drain(readerWith(source, snapshot));
    expect([...head.records, ...tail.records]).toEqual(Array.from({ length: 5000 }, (_, i) => gen(i)));
  });

  it('resumes exactly once after a snapshot at any point, at another parallelism too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(7), { maxLength: 10 }),
        fc.array(fc.nat(7), { maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(7), { maxLength: 4 }),
        async (count, parallelism, before, after, restoredParallelism, deal) => {
          const result = await replayAcrossSnapshot(() => new DataGeneratorSource(gen, count), {
            parallelism,
            before,
            after,
            restoredParallelism,
            deal,
          });
          expect(result.actual).toEqual(result.expected);
          const all = [...result.expected.values()].flat().map((r) => r.id);
          expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
          expect(result.snapshotChanged).toBe(false);
          expect(result.unattributed).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('restores an enumerator that hands out only the splits it had not assigned', () => {
    const source = new DataGeneratorSource(gen, 90);
    const context = new FakeEnumeratorContext<DataGeneratorSplit>(3);
    const enumerator = source.createEnumerator(context);
    enumerator.handleSplitRequest(2);
    const state = enumerator.snapshotState(1);
    // Handing out more afterwards must not change the state already taken.
    enumerator.handleSplitRequest(0);
    const restoredContext = new FakeEnumeratorContext<DataGeneratorSplit>(2);
    const restored = source.restoreEnumerator(restoredContext, state);
    restored.start();
    for (const subtask of [1, 0, 1]) restored.handleSplitRequest(subtask);
    expect(restoredContext.assignments.map((a) => [a.split.id, a.subtask])).toEqual([
      ['datagen-1', 1],
      ['datagen-2', 0],
    ]);
    expect([...restoredContext.noMoreSplits]).toEqual([1]);
  });

  it('holds each reader to its share of the rate without blocking', () => {
    const context = new FakeReaderContext(0, 2);
    const source = new DataGeneratorSource((i) => i, 10_000, 200) as DataGeneratorSource<unknown>;
    const reader = readerWith(source, createGeneratorSplits(10_000, 1), context);
    const output = new FakeReaderOutput<unknown>();
    // 200/s over 2 readers: 100/s for this one, i.e. one record per 10 ms.
    expect(reader.pollNext(output)).toBe('more-available');
    expect(output.records).toEqual([0]);
    expect(reader.pollNext(output)).toBe('nothing-available');
    for (let t = 1; t <= 1000; t++) {
      context.now = t;
      reader.pollNext(output);
    }
    expect(output.records.length).toBe(101);
    context.now = 1000 + 60_000;
    reader.pollNext(output);
    // After a long pause the burst is capped at a tenth of a second's worth.
    expect(output.records.length).toBe(111);
  });

  it('resolves isAvailable on a timer once the rate allows the next record', async () => {
    vi.useFakeTimers();
    const context = new FakeReaderContext(0, 1);
    const reader = readerWith(
      new DataGeneratorSource((i) => i, 100, 10) as DataGeneratorSource<unknown>,
      createGeneratorSplits(100, 1),
      context,
    );
    const output = new FakeReaderOutput<unknown>();
    reader.pollNext(output);
    expect(reader.pollNext(output)).toBe('nothing-available');
    let woke = false;
    void reader.isAvailable().then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
  });

  it('rejects bad arguments with one-line errors', () => {
    const make = (g: unknown, c: unknown, r?: unknown) => () =>
      new DataGeneratorSource(g as (i: number) => number, c as number, r as number);
    expect(make('x', 1)).toThrow(/generator must be a function/);
    expect(make(gen, -1)).toThrow(/count must be a whole number >= 0 or Infinity, got -1/);
    expect(make(gen, 1.5)).toThrow(/count must be/);
    expect(make(gen, Number.NaN)).toThrow(/count must be/);
    expect(make(gen, 10, 0)).toThrow(/ratePerSecond must be a number > 0, got 0/);
    expect(make(gen, 10, -5)).toThrow(/ratePerSecond/);
    try {
      make(gen, -1)();
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('\n');
      expect((e as { code: string }).code).toBe('INVALID_ARGUMENT');
    }
  });
});
