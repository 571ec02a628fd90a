import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { whenWritable } from './when-writable.js';

/**
 * A stream like `process.stdout` on a pipe: writes complete only when the reader takes them,
 * and, as Node does for stdio, destroying it (which a failed write does) leaves it open.
 */
class StdoutLike extends Writable {
  private readonly held: ((error?: Error | null) => void)[] = [];

  constructor() {
    super({ highWaterMark: 64, decodeStrings: false });
  }

  override _write(
    _chunk: unknown,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.held.push(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    callback(error);
    (this as unknown as { _undestroy(): void })._undestroy();
  }

  /** The reader went away: the write in flight fails with EPIPE. */
  closeReader(): void {
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    for (const callback of this.held.splice(0)) callback(epipe);
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

describe('whenWritable', () => {
  it('waits while the buffer is full and stops waiting when a failed write closed the stream', async () => {
    const stream = new StdoutLike();
    stream.on('error', () => {});
    expect(whenWritable(stream)).toBeUndefined();
    stream.write('x'.repeat(100));
    const wait = whenWritable(stream);
    expect(wait).toBeDefined();
    expect(await settles(wait!)).toBe(false);
    stream.closeReader();
    expect(await settles(wait!)).toBe(true);
  });

  it('never waits on a failed stdio stream, which stays open and full with no drain to come', async () => {
    const stream = new StdoutLike();
    stream.on('error', () => {});
    stream.write('x'.repeat(100));
    stream.closeReader();
    await new Promise((r) => setImmediate(r));
    // What process.stdout looks like after an EPIPE: not destroyed, still flagged full, empty.
    expect(stream.destroyed).toBe(false);
    expect(stream.writableNeedDrain).toBe(true);
    expect(stream.writableLength).toBe(0);
    expect(whenWritable(stream)).toBeUndefined();
  });
});
