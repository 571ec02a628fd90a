import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FakeEnumeratorContext,
  FakeReaderContext,
  FakeReaderOutput,
  readAll,
  replayAcrossSnapshot,
} from '../common/testing.js';
import { type NexmarkEvent, NexmarkEventType, nexmarkEventTime } from './model.js';
import { NexmarkGenerator } from './nexmark-generator.js';
import { NexmarkSource } from './nexmark-source.js';
import { createNexmarkSplits, type NexmarkSplit } from './nexmark-split.js';

afterEach(() => {
  vi.useRealTimers();
});

const key = (e: NexmarkEvent) => JSON.stringify(e);

function expectedEvents(n: number, config = {}): string[] {
  const gen = new NexmarkGenerator(config);
  return Array.from({ length: n }, (_, i) => key(gen.event(i))).sort();
}

function readerWith(source: NexmarkSource, splits: NexmarkSplit[], context = new FakeReaderContext()) {
  const reader = source.createReader(context);
  reader.addSplits(splits);
  reader.notifyNoMoreSplits();
  return reader;
}

describe('NexmarkSource', () => {
  it('emits exactly events 0 … N-1 at parallelism 1, 2 and 3, each with its event time', async () => {
    const n = 2500;
    const expected = expectedEvents(n);
    for (const p of [1, 2, 3]) {
      const { records } = await readAll(new NexmarkSource({ events: n }), p);
      expect(records.map(key).sort()).toEqual(expected);
    }
    const source = new NexmarkSource({ events: 300, firstEventRate: 1000 });
    const reader = readerWith(source, createNexmarkSplits(300, 1, source.config.baseTime));
    const output = new FakeReaderOutput<NexmarkEvent>();
    reader.pollNext(output);
    expect(output.records.length).toBe(300);
    expect(output.timestamps).toEqual(output.records.map(nexmarkEventTime));
    expect(output.timestamps[299]).toBe(source.config.baseTime + 299);
  });

  it('emits only the kinds in eventTypes: the full stream filtered, at any parallelism and shuffle', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([NexmarkEventType.PERSON, NexmarkEventType.AUCTION, NexmarkEventType.BID], {
          minLength: 1,
        }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(1, 7),
        async (eventTypes, p, outOfOrderGroupSize) => {
          const n = 700;
          const gen = new NexmarkGenerator({ outOfOrderGroupSize });
          const expected = Array.from({ length: n }, (_, i) => gen.event(i))
            .filter((e) => eventTypes.includes(e.type))
            .map(key)
            .sort();
          const { records } = await readAll(
            new NexmarkSource({ events: n, eventTypes, outOfOrderGroupSize }),
            p,
          );
          expect(records.map(key).sort()).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
    expect(() => new NexmarkSource({ eventTypes: [] })).toThrow(/eventTypes must be a non-empty list/);
    expect(() => new NexmarkSource({ eventTypes: [3 as never] })).toThrow(
      /pass e\.g\. \[NexmarkEventType\.BID\]/,
    );
  });

  it('strides the index space so that readers stay close in event time', () => {
    expect(createNexmarkSplits(10, 3, 7)).toEqual([
      { id: 'nexmark-0', next: 0, end: 10, stride: 3, baseTime: 7 },
      { id: 'nexmark-1', next: 1, end: 10, stride: 3, baseTime: 7 },
      { id: 'nexmark-2', next: 2, end: 10, stride: 3, baseTime: 7 },
    ]);
    expect(createNexmarkSplits(2, 3, 7).map((s) => s.id)).toEqual(['nexmark-0', 'nexmark-1']);
    expect(createNexmarkSplits(Number.POSITIVE_INFINITY, 2, 7)[1]).toEqual({
      id: 'nexmark-1',
      next: 1,
      end: null,
      stride: 2,
      baseTime: 7,
    });
    const source = new NexmarkSource();
    expect(source.getBoundedness()).toBe('unbounded');
    expect(new NexmarkSource({ events: 5 }).getBoundedness()).toBe('bounded');
    const reader = readerWith(source, [createNexmarkSplits(Number.POSITIVE_INFINITY, 2, 0)[1]]);
    const output = new FakeReaderOutput<NexmarkEvent>();
    expect(reader.pollNext(output)).toBe('more-available');
    const gen = new NexmarkGenerator({ baseTime: 0 });
    expect(output.records.slice(0, 3)).toEqual([gen.event(1), gen.event(3), gen.event(5)]);
  });

  it('resumes exactly once from a snapshot at any point, at another parallelism too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(7), { maxLength: 6 }),
        fc.array(fc.nat(7), { maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(7), { maxLength: 4 }),
        async (events, parallelism, before, after, restoredParallelism, deal) => {
          const result = await replayAcrossSnapshot(() => new NexmarkSource({ events }), {
            parallelism,
            before,
            after,
            restoredParallelism,
            deal,
          });
          expect(result.actual).toEqual(result.expected);
          const all = [...result.actual.values()].flat().map(key).sort();
          expect(all).toEqual(expectedEvents(events));
          expect(result.snapshotChanged).toBe(false);
          expect(result.unattributed).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('interleaves the splits a reader holds, so they advance together in event time', () => {
    const source = new NexmarkSource({ events: 10_000 });
    const reader = readerWith(source, createNexmarkSplits(10_000, 3, source.config.baseTime));
    const output = new FakeReaderOutput<NexmarkEvent>();
    for (let i = 0; i < 3; i++) reader.pollNext(output);
    // One poll per split: each split's first 1024 indexes, not split 0 to its end.
    expect([...output.bySplit.values()].map((records) => records.length)).toEqual([1024, 1024, 1024]);
  });

  it('takes the wall clock as base time once, at the start, and keeps it across a restore', async () => {
    const before = Date.now();
    const source = new NexmarkSource({ events: 100, ratePerSecond: 1000, wallClockBaseTime: true });
    const context = new FakeEnumeratorContext<NexmarkSplit>(2);
    const enumerator = source.createEnumerator(context);
    enumerator.handleSplitRequest(0);
    const after = Date.now();
    const baseTime = context.assignments[0]!.split.baseTime;
    expect(baseTime).toBeGreaterThanOrEqual(before);
    expect(baseTime).toBeLessThanOrEqual(after);
    // The unassigned split keeps the same base time through the enumerator's checkpoint.
    const restoredContext = new FakeEnumeratorContext<NexmarkSplit>(1);
    const again = source.restoreEnumerator(restoredContext, enumerator.snapshotState(1));
    again.handleSplitRequest(0);
    expect(restoredContext.assignments[0]!.split.baseTime).toBe(baseTime);
  });

  it('with wallClockBaseTime emits an event only once the clock reaches its dateTime', async () => {
    vi.useFakeTimers();
    const source = new NexmarkSource({ events: 1000, ratePerSecond: 1000, wallClockBaseTime: true });
    const context = new FakeReaderContext(0, 1);
    const split = createNexmarkSplits(1000, 1, 50_000)[0]!;
    const reader = readerWith(source, [split], context);
    const output = new FakeReaderOutput<NexmarkEvent>();
    context.now = 49_999;
    expect(reader.pollNext(output)).toBe('nothing-available');
    expect(output.records).toEqual([]);
    context.now = 50_010;
    reader.pollNext(output);
    // 1000 events/s: events 0 … 10 are due at 50,000 … 50,010.
    expect(output.timestamps).toEqual(Array.from({ length: 11 }, (_, i) => 50_000 + i));
    expect(reader.pollNext(output)).toBe('nothing-available');
    let woke = false;
    void reader.isAvailable().then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(woke).toBe(true);
    for (const [i, t] of output.timestamps.entries()) expect(t).toBe(nexmarkEventTime(output.records[i]!));
  });

  it('holds each reader to its share of ratePerSecond', () => {
    const context = new FakeReaderContext(0, 2);
    const source = new NexmarkSource({ events: 10_000, ratePerSecond: 200 });
    const reader = readerWith(source, createNexmarkSplits(10_000, 1, 0), context);
    const output = new FakeReaderOutput<NexmarkEvent>();
    // 200/s over 2 readers: 100/s for this one.
    reader.pollNext(output);
    expect(output.records.length).toBe(1);
    expect(reader.pollNext(output)).toBe('nothing-available');
    for (let t = 1; t <= 1000; t++) {
      context.now = t;
      reader.pollNext(output);
    }
    expect(output.records.length).toBeLessThanOrEqual(101);
    expect(output.records.length).toBeGreaterThanOrEqual(100);
  });

  it('rejects bad configs with one-line errors that name the source', () => {
    for (const config of [{ bidProportion: -1 }, { firstEventRate: 0 }, { events: 1.5 }, { speed: 3 }]) {
      expect(() => new NexmarkSource(config as never)).toThrow(/^NexmarkSource: [^\n]*; pass /);
    }
  });
});
