/**
 * Test helpers for end-to-end jobs: a sink that records what reaches it (values, timestamps,
 * the watermark at each record, watermarks, and which subtask wrote what), polling waits, and
 * multiset comparison.
 */
import type { Sink, SinkInitContext, SinkWriter, SinkWriterContext } from '../../src/index.js';

/** One record as the sink saw it. */
export interface Recorded<T> {
  readonly value: T;
  readonly timestamp: number | undefined;
  /** The sink's watermark when the record arrived. */
  readonly watermark: number;
  readonly subtask: number;
}

/** Records every record and watermark; one instance is shared by all subtasks of the sink. */
export class RecordingSink<T> implements Sink<T> {
  readonly records: Recorded<T>[] = [];
  /** Watermarks in arrival order, per subtask. */
  readonly watermarks = new Map<number, number[]>();
  /** Events in arrival order, records and watermarks interleaved (subtask 0's view when parallel). */
  readonly events: ({ kind: 'record'; value: T } | { kind: 'watermark'; watermark: number })[] = [];
  readonly writersOpened: SinkInitContext[] = [];
  flushedAtEnd = 0;
  closed = 0;

  createWriter(context: SinkInitContext): SinkWriter<T> {
    this.writersOpened.push(context);
    const subtask = context.subtaskIndex;
    this.watermarks.set(subtask, []);
    return {
      write: (value: T, ctx: SinkWriterContext) => {
        this.records.push({ value, timestamp: ctx.timestamp(), watermark: ctx.currentWatermark(), subtask });
        this.events.push({ kind: 'record', value });
      },
      writeWatermark: (watermark: number) => {
        this.watermarks.get(subtask)!.push(watermark);
        this.events.push({ kind: 'watermark', watermark });
      },
      flush: (endOfInput: boolean) => {
        if (endOfInput) this.flushedAtEnd++;
      },
      close: () => {
        this.closed++;
      },
    };
  }

  get values(): T[] {
    return this.records.map((r) => r.value);
  }

  /** The last watermark seen by any subtask, or -Infinity. */
  lastWatermark(subtask = 0): number {
    const list = this.watermarks.get(subtask) ?? [];
    return list.length === 0 ? Number.NEGATIVE_INFINITY : list[list.length - 1]!;
  }
}

/**
 * Polls `condition` every few ms until it holds; fails after `timeoutMs` with `what` and, when
 * given, `state()`: what the test saw instead (counts, the job's status), so a wait that gives up
 * on a loaded CI machine says how far the job got. The default bounds a stuck job, not a speed
 * expectation: on a loaded machine a job can take many seconds to get somewhere. It stays well
 * under the tests' 60 s limit, so the message shows instead of vitest's bare timeout.
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 30_000,
  state?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      const seen = state === undefined ? '' : `; ${state()}`;
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${seen}`);
    }
    await sleep(5);
  }
}

/** Resolves after `ms` of wall time; only for letting an event that must not happen show up. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A sorted copy, by the JSON form of each item, for comparing multisets. */
export function sortedByJson<T>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Runs `fn` and returns the error it throws (fails if it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

/** Awaits `promise` and returns its rejection (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
