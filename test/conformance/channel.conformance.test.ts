/**
 * One conformance suite for every channel implementation: ordering, credit-based
 * backpressure, control events in order with records, and wake-up listeners. A new channel
 * (worker thread, TCP) joins by adding a factory to `implementations`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/exchange/channel.js';
import { LocalChannel } from '../../src/exchange/local-channel.js';
import type { StreamEvent } from '../../src/types/elements.js';

const implementations: { name: string; create: (capacity: number) => Channel }[] = [
  { name: 'LocalChannel', create: (capacity) => new LocalChannel(capacity) },
];

const records = (...values: number[]): StreamEvent => ({
  kind: 'records',
  values,
  timestamps: values.map(() => 0),
});

function drain(channel: Channel): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (let e = channel.reader.poll(); e !== undefined; e = channel.reader.poll()) out.push(e);
  return out;
}

for (const impl of implementations) {
  describe(`channel conformance: ${impl.name}`, () => {
    it('delivers events in the order sent, whatever the interleaving of sends and polls', () => {
      fc.assert(
        fc.property(
          fc.array(fc.boolean(), { maxLength: 300 }),
          fc.integer({ min: 1, max: 8 }),
          (ops, capacity) => {
            const channel = impl.create(capacity);
            let sent = 0;
            const received: number[] = [];
            for (const send of ops) {
              if (send) channel.writer.send(records(sent++));
              else {
                const e = channel.reader.poll();
                if (e?.kind === 'records') received.push(...(e.values as number[]));
              }
            }
            for (const e of drain(channel))
              if (e.kind === 'records') received.push(...(e.values as number[]));
            expect(received).toEqual(Array.from({ length: sent }, (_, i) => i));
          },
        ),
      );
    });

    it('withdraws credit at capacity and grants it back when the reader drains', () => {
      const channel = impl.create(3);
      expect(channel.writer.hasCredit()).toBe(true);
      channel.writer.send(records(1));
      channel.writer.send(records(2));
      expect(channel.writer.hasCredit()).toBe(true);
      channel.writer.send(records(3));
      expect(channel.writer.hasCredit()).toBe(false);
      let credits = 0;
      channel.writer.setCreditListener(() => credits++);
      channel.reader.poll();
      expect(channel.writer.hasCredit()).toBe(true);
      expect(credits).toBe(1);
    });

    it('keeps watermarks, status, barriers and end in order with records', () => {
      const channel = impl.create(2);
      const sent: StreamEvent[] = [
        records(1, 2),
        { kind: 'watermark', timestamp: 10 },
        records(3),
        { kind: 'status', idle: true },
        { kind: 'barrier', checkpointId: 1, timestamp: 5, savepoint: false },
        records(4),
        { kind: 'end' },
      ];
      for (const e of sent) channel.writer.send(e);
      expect(drain(channel)).toEqual(sent);
    });

    it('wakes the reader on every arrival', () => {
      const channel = impl.create(4);
      let wakes = 0;
      channel.reader.setDataListener(() => wakes++);
      channel.writer.send(records(1));
      channel.writer.send({ kind: 'end' });
      expect(wakes).toBe(2);
      expect(channel.reader.queued()).toBe(2);
    });

    it('accepts a bounded overshoot beyond capacity without losing events', () => {
      const channel = impl.create(1);
      for (let i = 0; i < 50; i++) channel.writer.send(records(i));
      expect(channel.writer.hasCredit()).toBe(false);
      const got = drain(channel).flatMap((e) => (e.kind === 'records' ? (e.values as number[]) : []));
      expect(got).toHaveLength(50);
      expect(channel.writer.hasCredit()).toBe(true);
    });
  });
}
