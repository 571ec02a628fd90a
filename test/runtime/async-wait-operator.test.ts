/**
 * The async wait operator driven by hand, as the task drives it: input goes in batches, and a
 * new batch only when `isAvailable()` says so; the test settles the requests in an order it
 * chooses (fast-check picks it), which stands for any pattern of delays. Properties: ordered
 * output equals a synchronous map, in order; unordered output is the same multiset and no
 * record crosses a watermark; timestamps are kept; no more than `capacity` requests are ever in
 * flight; a snapshot taken with requests in flight and watermarks held among them, restored
 * into a fresh operator, gives exactly the output a failure-free run gives (the ordered map, or
 * in unordered mode every record between the same two watermarks), even when the sources send
 * an older watermark again after the restore; restored into several, as at another
 * parallelism, every row comes out once and none behind a watermark its subtask passed.
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

/** The synchronous map of `items`, in order, with each watermark in its place. */
function orderedMap(items: readonly Item[]): OutputElement<string>[] {
  return items.flatMap<OutputElement<string>>((item) =>
    'record' in item
      ? rows(item.record).map((value) => ({ value, timestamp: item.record }))
      : [{ watermark: item.watermark }],
  );
}

/**
 * Checks unordered output against the input: the same rows with their timestamps, the input's
 * watermarks in order, and before each watermark exactly the rows of the records before it.
 */
function expectSegmentsKept(out: readonly OutputElement<string>[], items: readonly Item[]): void {
  const records = out.filter(isRecordOutput);
  const expectedRows = items.flatMap((item) => ('record' in item ? rows(item.record) : []));
  expect(records.map((r) => r.value).sort()).toEqual([...expectedRows].sort());
  for (const r of records) expect(r.timestamp).toBe(Number.parseInt(r.value, 10));
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
}

/** What the next operator sees: watermarks that do not move time forward are dropped. */
function advancing(out: readonly OutputElement<string>[]): OutputElement<string>[] {
  let latest = Number.NEGATIVE_INFINITY;
  return out.filter((element) => {
    if (!isWatermarkOutput(element)) return true;
    if (element.watermark <= latest) return false;
    latest = element.watermark;
    return true;
  });
}

/** No record comes out at or behind a watermark that left before it (it would be late downstream). */
function expectNoneLate(out: readonly OutputElement<string>[]): void {
  let latest = Number.NEGATIVE_INFINITY;
  for (const element of out) {
    if (isWatermarkOutput(element)) latest = Math.max(latest, element.watermark);
    else if (isRecordOutput(element)) expect(element.timestamp).toBeGreaterThan(latest);
  }
}

describe('AsyncWaitOperator', () => {
  it('ordered: any settling order gives the synchronous map, in order, with timestamps and watermarks in place', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ n, watermarkAfter, capacity, batches, picks }) => {
        const fn = new HandSettled();
        const { op, h } = harness(fn, 'ordered', capacity);
        const items = inputOf(n, watermarkAfter);
        await drive(h, op, fn, items, batches, picks);
        expect(h.getOutput()).toEqual(orderedMap(items));
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
        expectSegmentsKept(h.getOutput(), items);
        expect(fn.stats.maxInFlight).toBeLessThanOrEqual(capacity);
      }),
      { numRuns: 150 },
    );
  });

  it('a snapshot with requests in flight and watermarks held, restored, gives the failure-free output', async () => {
    await fc.assert(
      fc.asyncProperty(
        scenario,
        fc.constantFrom<AsyncOutputMode>('ordered', 'unordered'),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(),
        async ({ n, watermarkAfter, capacity, batches, picks }, mode, restoredParallelism, cut) => {
          const items = inputOf(n, watermarkAfter);
          const fn = new HandSettled();
          const { op, h } = harness(fn, mode, capacity);
          // Run the first part of the input with some requests settled, then take the snapshot.
          const split = cut % (items.length + 1);
          h.open();
          for (const [k, item] of items.slice(0, split).entries()) {
            if ('record' in item) h.processElement(item.record, item.record);
            else h.processWatermark(item.watermark);
            if (
              fn.pending.length > 0 &&
              (op.isAvailable() !== undefined || picks[k % picks.length]! % 3 === 0)
            ) {
              fn.settle(picks[(k + 1) % picks.length]!);
              await flush();
            }
          }
          const state = op.snapshotState(1);
          const beforeBarrier = h.getOutput().slice();
          const inState = (state?.['async-in-flight']?.entries ?? []) as unknown[];
          const stored = inState.filter(Array.isArray) as [number, number][];
          // Every request still in flight is in the snapshot (with its timestamp), each once.
          const storedInputs = stored.map(([input]) => input);
          expect(new Set(storedInputs).size).toBe(storedInputs.length);
          for (const request of fn.pending) expect(stored).toContainEqual([request.input, request.input]);
          // The crash: the old operator is gone; what it emits from now on is not in the checkpoint.
          for (const request of fn.pending) request.resolve(rows(request.input));
          await h.close();
          // After a restore the sources send their watermarks again from the checkpoint's
          // position: the last one before it comes again ahead of the rest of the input.
          const lastBefore = items
            .slice(0, split)
            .flatMap((item) => ('watermark' in item ? [item.watermark] : []))
            .pop();
          const rest: Item[] = [
            ...(lastBefore === undefined ? [] : [{ watermark: lastBefore }]),
            ...items.slice(split),
          ];
          // Restore: the elements dealt out round-robin, as split list state is.
          const outputs: OutputElement<string>[][] = [];
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
            await drive(rh, restored, fresh, s === 0 ? rest : [], batches, picks);
            outputs.push(rh.getOutput());
          }
          if (restoredParallelism === 1) {
            // One subtask: what the next operator sees is what a failure-free run gives it.
            const out = advancing([...beforeBarrier, ...outputs[0]!]);
            if (mode === 'ordered') expect(out).toEqual(orderedMap(items));
            else expectSegmentsKept(out, items);
          } else {
            // Rescaled: every row once, and no subtask emits a record behind a watermark it passed.
            const rowsOut = [beforeBarrier, ...outputs].flatMap((out) => out.filter(isRecordOutput));
            const key = (r: { value: string; timestamp: number }) => `${r.timestamp}/${r.value}`;
            const expected = orderedMap(items).filter(isRecordOutput);
            expect(rowsOut.map(key).sort()).toEqual(expected.map(key).sort());
            for (const out of outputs) expectNoneLate([...beforeBarrier, ...out]);
          }
        },
      ),
      { numRuns: 300 },
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

  it('a request that resolved before its deadline is not timed out, however late the operator looks at it', async () => {
    // A loaded machine can stop the thread between a request's start and the turn on which its
    // promise's callback runs; held here past the 5 ms timeout by a busy wait. Only a timer's
    // firing, which comes after those callbacks, may judge a request late.
    const never = {
      asyncInvoke: (i: number) => (i % 2 === 0 ? Promise.resolve([`${i}`]) : new Promise<string[]>(() => {})),
      timeout: (i: number) => [`late ${i}`],
    };
    for (const mode of ['ordered', 'unordered'] as const) {
      const op = new AsyncWaitOperator<number, string>(never, mode, 5, 10);
      const h = new OneInputStreamOperatorTestHarness(op);
      h.open();
      for (let i = 0; i < 6; i++) h.processElement(i, i);
      const until = performance.now() + 20;
      while (performance.now() < until);
      await h.endInput();
      const out = h.extractOutputValues();
      if (mode === 'unordered') out.sort();
      expect(out, mode).toEqual(
        mode === 'ordered'
          ? ['0', 'late 1', '2', 'late 3', '4', 'late 5']
          : ['0', '2', '4', 'late 1', 'late 3', 'late 5'],
      );
      await h.close();
    }
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
