/**
 * The async wait operator driven by hand, as the task drives it: input goes in batches, and a
 * new batch only when `isAvailable()` says so; the test settles the requests in an order it
 * chooses (fast-check picks it), which stands for any pattern of delays. Properties: ordered
 * output equals a synchronous map, in order; unordered output is the same multiset and no
 * record crosses a watermark; timestamps are kept; no more than `capacity` requests are ever in
 * flight; a snapshot taken with requests in flight, restored into fresh operators (one, or
 * several as at another parallelism), gives exactly the failure-free output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AsyncOutputMode,
  type AsyncRequestFunction,
  AsyncWaitOperator,
} from '../../src/runtime/operators/async-wait-operator.js';
import { OneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import {
  isRecordOutput,
  isWatermarkOutput,
  type OutputElement,
} from '../../src/runtime/testing/output-collector.js';

/**
 * An async function whose requests the test settles by hand; counts what is in flight. The
 * operator works on a copy of it (one per subtask), so what the test reads is held by reference.
 */
class HandSettled implements AsyncRequestFunction<number, string> {
  readonly pending: { input: number; resolve: (rows: string[]) => void; reject: (e: Error) => void }[] = [];
  readonly stats = { maxInFlight: 0 };

  asyncInvoke(input: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.pending.length);
    });
  }

  /** Settles the `pick`-th pending request (modulo how many there are) with its rows. */
  settle(pick: number): void {
    const [request] = this.pending.splice(pick % this.pending.length, 1);
    request!.resolve(rows(request!.input));
  }
}

/** What the synchronous map gives for `i`: zero, one or two rows. */
function rows(i: number): string[] {
  return i % 5 === 0 ? [] : i % 3 === 0 ? [`${i}a`, `${i}b`] : [`${i}`];
}

/** Lets settled promises reach the operator (it drains them in a microtask without a task loop). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

type Item = { record: number } | { watermark: number };

/** Input: records 0..n-1 (timestamp = value) with watermarks after the records marked. */
function inputOf(n: number, watermarkAfter: readonly boolean[]): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    items.push({ record: i });
    if (watermarkAfter[i]) items.push({ watermark: i });
  }
  return items;
}

function harness(fn: HandSettled, mode: AsyncOutputMode, capacity: number) {
  const op = new AsyncWaitOperator<number, string>(fn, mode, Number.POSITIVE_INFINITY, capacity);
  return { op, h: new OneInputStreamOperatorTestHarness(op) };
}

/**
 * Feeds `items` in batches of the given sizes, a new batch only while the operator is available,
 * settling requests in `picks` order whenever it is not (or the input is done), then ends the input.
 */
async function drive(
  h: OneInputStreamOperatorTestHarness<number, string>,
  op: AsyncWaitOperator<number, string>,
  fn: HandSettled,
  items: readonly Item[],
  batches: readonly number[],
  picks: readonly number[],
): Promise<void> {
  h.open();
  let next = 0;
  let b = 0;
  let p = 0;
  const settleOne = async () => {
    fn.settle(picks[p++ % picks.length]!);
    await flush();
  };
  while (next < items.length) {
    if (op.isAvailable() !== undefined) {
      expect(fn.pending.length, 'unavailable with nothing in flight').toBeGreaterThan(0);
      await settleOne();
      continue;
    }
    const size = batches[b++ % batches.length]!;
    for (const item of items.slice(next, next + size)) {
      if ('record' in item) h.processElement(item.record, item.record);
      else h.processWatermark(item.watermark);
    }
    next += size;
  }
  let finished = false;
  const done = Promise.resolve(h.endInput()).then(() => {
    finished = true;
  });
  await flush();
  while (!finished) {
    expect(fn.pending.length, 'finish waits with nothing in flight').toBeGreaterThan(0);
    await settleOne();
  }
  await done;
}

const scenario = fc.record({
  n: fc.integer({ min: 0, max: 40 }),
  watermarkAfter: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  capacity: fc.integer({ min: 1, max: 6 }),
  batches: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 8 }),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
});

describe('AsyncWaitOperator', () => {
  it('ordered: any settling order gives the synchronous map, in order, with timestamps and watermarks in place', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ n, watermarkAfter, capacity, batches, picks }) => {
        const fn = new HandSettled();
        const { op, h } = harness(fn, 'ordered', capacity);
        const items = inputOf(n, watermarkAfter);
        await drive(h, op, fn, items, batches, picks);
        const expected = items.flatMap<OutputElement<string>>((item) =>
          'record' in item
            ? rows(item.record).map((value) => ({ value, timestamp: item.record }))
            : [{ watermark: item.watermark }],
        );
        expect(h.getOutput()).toEqual(expected);
        expect(fn.stats.maxInFlight).toBeLessThanOrEqual(capacity);
      }),
      { numRuns: 150 },
    );
  });

  it('unordered: the same rows, and none crosses a watermark', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ n, watermarkAfter, capacity, batches, picks }) => {
        const fn = new HandSettled();
        const { op, h } = harness(fn, 'unordered', capacity);
        const items = inputOf(n, watermarkAfter);
        await drive(h, op, fn, items, batches, picks);
        const out = h.getOutput();
        const records = out.filter(isRecordOutput);
        const expectedRows = items.flatMap((item) => ('record' in item ? rows(item.record) : []));
        expect(records.map((r) => r.value).sort()).toEqual([...expectedRows].sort());
        for (const r of records) expect(r.timestamp).toBe(Number.parseInt(r.value, 10));
        // Before each watermark w: exactly the rows of the records before w in the input.
        const watermarks = out.filter(isWatermarkOutput).map((w) => w.watermark);
        expect(watermarks).toEqual(items.flatMap((item) => ('watermark' in item ? [item.watermark] : [])));
        for (let k = 0; k < out.length; k++) {
          const element = out[k]!;
          if (!isWatermarkOutput(element)) continue;
          const before = out
            .slice(0, k)
            .filter(isRecordOutput)
            .map((r) => r.value)
            .sort();
          const expectedBefore = items
            .slice(
              0,
              items.findIndex((item) => 'watermark' in item && item.watermark === element.watermark),
            )
            .flatMap((item) => ('record' in item ? rows(item.record) : []))
            .sort();
          expect(before).toEqual(expectedBefore);
        }
        expect(fn.stats.maxInFlight).toBeLessThanOrEqual(capacity);
      }),
      { numRuns: 150 },
    );
  });

  it('a snapshot with requests in flight, restored into 1..3 fresh subtasks, gives exactly the failure-free rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario,
        fc.constantFrom<AsyncOutputMode>('ordered', 'unordered'),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        async ({ n, capacity, batches, picks }, mode, restoredParallelism, cut) => {
          const items = inputOf(n, []);
          const fn = new HandSettled();
          const { op, h } = harness(fn, mode, capacity);
          // Run the first part of the input with some requests settled, then take the snapshot.
          const split = n === 0 ? 0 : cut % (n + 1);
          h.open();
          for (const item of items.slice(0, split)) {
            if ('record' in item) h.processElement(item.record, item.record);
            if (op.isAvailable() !== undefined && picks[0]! % 2 === 0) {
              fn.settle(picks[1 % picks.length]!);
              await flush();
            }
          }
          const state = op.snapshotState(1);
          const beforeBarrier = h.getRecordOutput().slice();
          const inState = (state?.['async-in-flight']?.entries ?? []) as [number, number][];
          // Every request still in flight is in the snapshot (with its timestamp), each once.
          const stateInputs = inState.map(([input]) => input);
          expect(new Set(stateInputs).size).toBe(stateInputs.length);
          for (const request of fn.pending) expect(inState).toContainEqual([request.input, request.input]);
          // The crash: the old operator is gone; what it emits from now on is not in the checkpoint.
          for (const request of fn.pending) request.resolve(rows(request.input));
          await h.close();
          // Restore: the entries dealt out round-robin, as split list state is.
          const outputs: { value: string; timestamp: number }[] = [...beforeBarrier];
          for (let s = 0; s < restoredParallelism; s++) {
            const share = inState.filter((_, k) => k % restoredParallelism === s);
            const fresh = new HandSettled();
            const restored = new AsyncWaitOperator<number, string>(
              fresh,
              mode,
              Number.POSITIVE_INFINITY,
              capacity,
            );
            const rh = new OneInputStreamOperatorTestHarness(restored, undefined, {
              parallelism: restoredParallelism,
              subtaskIndex: s,
            });
            restored.initializeState(new Map([['async-in-flight', share]]));
            // The rest of the input goes to subtask 0.
            await drive(rh, restored, fresh, s === 0 ? items.slice(split) : [], batches, picks);
            if (mode === 'ordered') {
              // Restored records come first, in their order, then the new input.
              const order = rh
                .getRecordOutput()
                .map((r) => r.timestamp)
                .filter((t, k, all) => k === 0 || all[k - 1] !== t);
              expect(order).toEqual([...order].sort((a, b) => a - b));
            }
            outputs.push(...rh.getRecordOutput());
          }
          const expected = items.flatMap((item) =>
            'record' in item ? rows(item.record).map((value) => ({ value, timestamp: item.record })) : [],
          );
          const key = (r: { value: string; timestamp: number }) => `${r.timestamp}/${r.value}`;
          expect(outputs.map(key).sort()).toEqual(expected.map(key).sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a timed-out request emits what timeout() returns; without timeout() the operator fails naming timeoutMs', async () => {
    const never = {
      asyncInvoke: (i: number) => (i % 2 === 0 ? Promise.resolve([`${i}`]) : new Promise<string[]>(() => {})),
      timeout: (i: number) => [`late ${i}`],
    };
    const op = new AsyncWaitOperator<number, string>(never, 'ordered', 5, 10);
    const h = new OneInputStreamOperatorTestHarness(op);
    h.open();
    for (let i = 0; i < 6; i++) h.processElement(i, i);
    await h.endInput();
    expect(h.extractOutputValues()).toEqual(['0', 'late 1', '2', 'late 3', '4', 'late 5']);

    const strict = new AsyncWaitOperator<number, string>(
      { asyncInvoke: () => new Promise<string[]>(() => {}) },
      'unordered',
      5,
      10,
    );
    const sh = new OneInputStreamOperatorTestHarness(strict, undefined, { name: 'lookup' });
    sh.processElement(1, 1);
    await expect(sh.endInput()).rejects.toThrow(/'lookup' did not complete within 5 ms; raise the timeoutMs/);
    await sh.close();
  });

  it('a rejected request fails the operator with its message', async () => {
    const op = new AsyncWaitOperator<number, string>(
      { asyncInvoke: async (i) => (i === 3 ? Promise.reject(new Error('connection refused')) : [`${i}`]) },
      'ordered',
      Number.POSITIVE_INFINITY,
      10,
    );
    const h = new OneInputStreamOperatorTestHarness(op);
    for (let i = 0; i < 5; i++) h.processElement(i, i);
    await expect(h.endInput()).rejects.toThrow(/failed: connection refused/);
    await h.close();
  });

  it('waits for an open() promise before the first request', async () => {
    let connected = false;
    const invokedConnected: boolean[] = [];
    let finishOpen!: () => void;
    const op = new AsyncWaitOperator<number, string>(
      {
        open: () =>
          new Promise<void>((resolve) => {
            finishOpen = () => {
              connected = true;
              resolve();
            };
          }),
        asyncInvoke: async (i) => {
          invokedConnected.push(connected);
          return [`${i}`];
        },
      },
      'ordered',
      Number.POSITIVE_INFINITY,
      10,
    );
    const h = new OneInputStreamOperatorTestHarness(op);
    h.open();
    expect(op.isAvailable()).toBeInstanceOf(Promise);
    // A record that arrives anyway (a restored one would too) waits for open.
    h.processElement(1, 1);
    await flush();
    expect(invokedConnected).toEqual([]);
    finishOpen();
    await op.isAvailable();
    await flush();
    expect(op.isAvailable()).toBeUndefined();
    h.processElement(2, 2);
    await h.endInput();
    expect(invokedConnected).toEqual([true, true]);
    expect(h.extractOutputValues()).toEqual(['1', '2']);
  });
});
