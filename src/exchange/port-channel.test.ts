/**
 * What the conformance suite (test/conformance/channel.conformance.test.ts) does not cover
 * for port channels: argument checks, how credit grants are batched, and that a channel does
 * not keep a thread alive.
 */
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { WriterThread } from '../../test/conformance/fixtures/remote-writer.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import { PortChannelReader, PortChannelWriter } from './port-channel.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

describe('PortChannel', () => {
  it('refuses a capacity that is not a whole number >= 1', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) {
      const { port1, port2 } = new MessageChannel();
      expect(() => new PortChannelWriter(port1, capacity)).toThrow(RangeError);
      expect(() => new PortChannelReader(port2, capacity)).toThrow(RangeError);
      port1.close();
    }
  });

  it('gives credit back a quarter of the capacity at a time, and the rest once drained', async () => {
    const { port1, port2 } = new MessageChannel();
    const writer = new PortChannelWriter(port1, 16);
    const reader = new PortChannelReader(port2, 16);
    const post = vi.spyOn(port2, 'postMessage');
    for (let i = 0; i < 18; i++) writer.send({ kind: 'records', values: [i], timestamps: [0] });
    await eventually(() => reader.queued() === 18, 'every event to arrive');
    for (let i = 0; i < 18; i++) reader.poll();
    expect(post.mock.calls.map(([grant]) => grant)).toEqual([4, 4, 4, 4, 2]);
    await eventually(() => writer.hasCredit(), 'the grants to arrive');
    writer.close();
    reader.close();
  });

  it('does not keep a thread alive: a writer thread with nothing else to do exits, and the reader fails', async () => {
    const thread = await WriterThread.start();
    const { port1, port2 } = new MessageChannel();
    const reader = new PortChannelReader(port2, 4);
    const writer = await thread.open(port1, 4);
    await writer.send({ kind: 'records', values: [1], timestamps: [0] });
    await writer.release();
    expect(await thread.exited).toBe(0);
    await eventually(() => reader.queued() === 1, 'the record');
    expect(reader.poll()).toEqual({ kind: 'records', values: [1], timestamps: [0] });
    let failure: unknown;
    await eventually(() => {
      try {
        reader.poll();
        return false;
      } catch (error) {
        failure = error;
        return true;
      }
    }, 'the channel to fail');
    expect(failure).toBeInstanceOf(WeirError);
    expect((failure as WeirError).code).toBe(ErrorCodes.CHANNEL_FAILED);
    reader.close();
  });
});
