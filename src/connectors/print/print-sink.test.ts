import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DataGeneratorSource, StreamExecutionEnvironment, WatermarkStrategy } from '../../index.js';
import type { SinkInitContext } from '../../types/sink.js';
import { formatPrintValue } from './print-format.js';
import { PrintSink } from './print-sink.js';

function context(subtaskIndex: number, parallelism: number): SinkInitContext {
  return {
    subtaskIndex,
    parallelism,
    attemptNumber: 0,
    jobId: 'job',
    attemptId: 'attempt',
    restoredCheckpointId: undefined,
    currentProcessingTime: () => 0,
  };
}

function print<T>(values: T[], prefix: string | undefined, subtask: number, parallelism: number): string[] {
  const writes: string[] = [];
  const writer = new PrintSink<T>(prefix, false, { write: (s) => writes.push(s) }).createWriter(
    context(subtask, parallelism),
  );
  const ctx = { timestamp: () => undefined, currentWatermark: () => 0 };
  for (const v of values) writer.write(v, ctx);
  writer.flush(true);
  return writes;
}

describe('PrintSink', () => {
  it('prefixes lines like Flink', () => {
    expect(print(['a'], undefined, 0, 1)).toEqual(['a\n']);
    expect(print(['a'], 'out', 0, 1)).toEqual(['out> a\n']);
    expect(print(['a'], 'out', 2, 4)).toEqual(['out:3> a\n']);
    expect(print(['a'], undefined, 0, 2)).toEqual(['1> a\n']);
  });

  it('prints objects as JSON and other values as text, in one write per flush', () => {
    expect(print([{ id: 1, s: 'x' }, 42, null, [1, 2]], 'p', 0, 1)).toEqual([
      'p> {"id":1,"s":"x"}\np> 42\np> null\np> [1,2]\n',
    ]);
  });

  it('falls back to inspect for values JSON cannot show', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatPrintValue({ n: 10n })).toBe('{ n: 10n }');
    expect(formatPrintValue(cyclic)).toContain('[Circular');
    expect(formatPrintValue(undefined)).toBe('undefined');
  });

  it('writes a batch on the next turn of the event loop without an explicit flush', async () => {
    const writes: string[] = [];
    const writer = new PrintSink<number>(undefined, false, { write: (s) => writes.push(s) }).createWriter(
      context(0, 1),
    );
    const ctx = { timestamp: () => undefined, currentWatermark: () => 0 };
    writer.write(1, ctx);
    writer.write(2, ctx);
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['1\n2\n']);
    writer.close();
    expect(writes).toHaveLength(1);
  });
});

/**
 * A stream whose reader takes nothing until released: writes past its small buffer make it
 * full, as stdout is while a pipe's reader is slower than the job.
 */
class HeldStream extends Writable {
  /** Everything written so far, in the order the stream took it. */
  readonly received: string[] = [];
  private readonly held: ((error?: Error) => void)[] = [];
  private holding = true;

  constructor() {
    super({ highWaterMark: 64, decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error) => void): void {
    this.received.push(String(chunk));
    if (this.holding) this.held.push(callback);
    else callback();
  }

  release(): void {
    this.holding = false;
    for (const callback of this.held.splice(0)) callback();
  }

  /** The reader went away: the held writes fail with `error`. */
  failHeld(error: Error): void {
    for (const callback of this.held.splice(0)) callback(error);
  }
}

/**
 * A held stream that, as Node's stdout and stderr do, stays open when destroyed: after a failed
 * write it goes on taking writes, still flagged full.
 */
class StdioLikeStream extends HeldStream {
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    callback(error);
    (this as unknown as { _undestroy(): void })._undestroy();
  }
}

/** Whether `promise` settles within a few turns of the event loop. */
async function settles(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return settled;
}

describe('PrintSink on a stream whose buffer is full', () => {
  const ctx = { timestamp: () => undefined, currentWatermark: () => 0 };

  it('takes no records until the stream drained, and keeps every line in order', async () => {
    const stream = new HeldStream();
    const writer = new PrintSink<number>('p', false, stream).createWriter(context(0, 1));
    expect(writer.isAvailable()).toBeUndefined();
    for (let i = 0; i < 100; i++) writer.write(i, ctx);
    writer.flush(false);
    const wait = writer.isAvailable();
    expect(wait).toBeDefined();
    expect(await settles(wait!)).toBe(false);
    // Asked again meanwhile, it is the same wait.
    expect(writer.isAvailable()).toBe(wait);
    stream.release();
    expect(await settles(wait!)).toBe(true);
    expect(writer.isAvailable()).toBeUndefined();
    for (let i = 100; i < 200; i++) writer.write(i, ctx);
    writer.close();
    const lines = stream.received.join('').split('\n').slice(0, -1);
    expect(lines).toEqual(Array.from({ length: 200 }, (_, i) => `p> ${i}`));
  });

  it('stops waiting when the stream closes (a reader that went away)', async () => {
    const stream = new HeldStream();
    const writer = new PrintSink<string>(undefined, false, stream).createWriter(context(0, 1));
    writer.write('x'.repeat(100), ctx);
    writer.flush(false);
    const wait = writer.isAvailable();
    expect(wait).toBeDefined();
    expect(await settles(wait!)).toBe(false);
    stream.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    stream.on('error', () => {});
    expect(await settles(wait!)).toBe(true);
    expect(writer.isAvailable()).toBeUndefined();
  });

  it('drops its lines once a write failed, and neither waits nor raises an error of its own', async () => {
    const stream = new StdioLikeStream();
    const errors: string[] = [];
    stream.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
    const writer = new PrintSink<string>(undefined, false, stream).createWriter(context(0, 1));
    writer.write('x'.repeat(100), ctx);
    writer.flush(false);
    stream.failHeld(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await new Promise((r) => setImmediate(r));
    const received = stream.received.length;
    for (let i = 0; i < 1000; i++) writer.write('y', ctx);
    writer.close();
    expect(stream.received).toHaveLength(received);
    expect(writer.isAvailable()).toBeUndefined();
    expect(errors).toEqual(['EPIPE']);
  });

  it('writes nothing to a stream that was ended, where a write would be an error', async () => {
    const stream = new HeldStream();
    stream.release();
    const errors: unknown[] = [];
    stream.on('error', (error) => errors.push(error));
    const writer = new PrintSink<string>(undefined, false, stream).createWriter(context(0, 1));
    writer.write('a', ctx);
    writer.flush(false);
    stream.end();
    writer.write('b', ctx);
    writer.close();
    await new Promise((r) => setImmediate(r));
    expect(stream.received).toEqual(['a\n']);
    expect(errors).toEqual([]);
    expect(writer.isAvailable()).toBeUndefined();
  });

  it('shares one wait among the subtasks printing to one stream', () => {
    const stream = new HeldStream();
    const writers = [0, 1, 2].map((i) =>
      new PrintSink<string>('p', false, stream).createWriter(context(i, 3)),
    );
    writers[0]!.write('x'.repeat(100), ctx);
    writers[0]!.flush(false);
    const waits = writers.map((w) => w.isAvailable());
    expect(waits[0]).toBeDefined();
    expect(new Set(waits).size).toBe(1);
    expect(stream.listenerCount('drain')).toBe(1);
  });

  it('never waits for a target that cannot say it is full', () => {
    const writes: string[] = [];
    const writer = new PrintSink<number>(undefined, false, { write: (s) => writes.push(s) }).createWriter(
      context(0, 1),
    );
    for (let i = 0; i < 100_000; i++) writer.write(i, ctx);
    expect(writes.length).toBeGreaterThan(0);
    expect(writer.isAvailable()).toBeUndefined();
  });

  it('backpressures an endless job: it takes a bounded number of records while held, and cancels at once', async () => {
    const stream = new HeldStream();
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    let taken = 0;
    env
      .fromSource(
        new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY),
        WatermarkStrategy.noWatermarks<number>(),
        'endless',
      )
      .map((i) => {
        taken++;
        return i;
      })
      .sinkTo(new PrintSink<number>(undefined, false, stream));
    const client = env.executeAsync('held print');
    // The datagen reader goes on forever: only the sink's wait stops it, after the print buffer
    // (64 kB of lines) and one input step past it.
    let held = -1;
    for (let i = 0; i < 50 && (taken === 0 || taken !== held); i++) {
      held = taken;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(taken).toBeGreaterThan(0);
    expect(taken, 'records taken while the stream is full').toBe(held);
    expect(taken).toBeLessThan(50_000);
    client.cancel();
    await expect(client.result).rejects.toThrow(/cancel/i);
    stream.release();
    await new Promise((r) => setImmediate(r));
    const lines = stream.received.join('').split('\n').slice(0, -1);
    expect(lines).toEqual(Array.from({ length: lines.length }, (_, i) => `${i}`));
    expect(lines.length).toBe(taken);
  });
});
