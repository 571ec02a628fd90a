/**
 * One conformance suite for every channel implementation: ordering, credit-based
 * backpressure, control events in order with records, wake-up listeners, closing and failure,
 * and (for channels that serialize) what survives the trip. A new channel (TCP) joins by adding
 * an entry to `implementations`.
 *
 * Across threads, events and credit arrive asynchronously, so the suite is written against a
 * harness whose writer calls may return promises, and it waits for conditions with a bounded
 * poll loop ({@link eventually}), never a fixed sleep. The cross-thread variant keeps its
 * writers in a real worker thread (fixtures/port-writer.ts) and drives them by command.
 */
import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ChannelReader } from '../../src/exchange/channel.js';
import { LocalChannel } from '../../src/exchange/local-channel.js';
import { PortChannelReader, PortChannelWriter } from '../../src/exchange/port-channel.js';
import type { StreamEvent } from '../../src/types/elements.js';
import { ErrorCodes, WeirError } from '../../src/types/errors.js';
import { WriterThread } from './fixtures/remote-writer.js';
import { Point, type SampleName, sample } from './fixtures/samples.js';

type MaybePromise<T> = T | Promise<T>;

/** One channel under test: the reader here, the writer possibly in another thread. */
interface Harness {
  readonly reader: ChannelReader;
  send(event: StreamEvent): MaybePromise<unknown>;
  /** Sends {@link sample}(name), built in the writer's thread. */
  sendSample(name: SampleName): MaybePromise<unknown>;
  hasCredit(): MaybePromise<boolean>;
  /** How often the writer's credit listener ran. */
  creditCalls(): MaybePromise<number>;
  closeWriter(): MaybePromise<unknown>;
  /** Resolves once the reader's side has learned that the writer closed. */
  writerCloseSeen(): Promise<void>;
  dispose(): MaybePromise<unknown>;
}

interface Implementation {
  readonly name: string;
  /** Whether events are serialized, so that non-data values are refused. */
  readonly serializes: boolean;
  /** Runs of each property. */
  readonly numRuns: number;
  create(capacity: number): Promise<Harness>;
  /** Starts a writer thread that sends `[0]`, `[1]`, … for ever; only for cross-thread channels. */
  streamFromThread?(capacity: number): Promise<{ reader: ChannelReader; kill(): Promise<void> }>;
}

/** Wraps both ends of a channel that lives on this thread. */
function sameThread(channel: Channel, writerCloseSeen: () => Promise<void>): Harness {
  let creditCalls = 0;
  channel.writer.setCreditListener(() => creditCalls++);
  return {
    reader: channel.reader,
    send: (event) => channel.writer.send(event),
    sendSample: (name) => channel.writer.send(sample(name)),
    hasCredit: () => channel.writer.hasCredit(),
    creditCalls: () => creditCalls,
    closeWriter: () => channel.writer.close(),
    writerCloseSeen,
    dispose: () => {
      channel.writer.close();
      channel.reader.close();
    },
  };
}

let writerThread: WriterThread | undefined;

const implementations: Implementation[] = [
  {
    name: 'LocalChannel',
    serializes: false,
    numRuns: 100,
    create: async (capacity) => sameThread(new LocalChannel(capacity), () => Promise.resolve()),
  },
  {
    name: 'PortChannel, both ends on this thread',
    serializes: true,
    numRuns: 100,
    create: async (capacity) => {
      const { port1, port2 } = new MessageChannel();
      const closed = new Promise<void>((resolve) => port2.once('close', () => resolve()));
      const channel = {
        writer: new PortChannelWriter(port1, capacity),
        reader: new PortChannelReader(port2, capacity),
      };
      return sameThread(channel, () => closed);
    },
  },
  {
    name: 'PortChannel, writer in a worker thread',
    serializes: true,
    numRuns: 40,
    create: async (capacity) => {
      const { port1, port2 } = new MessageChannel();
      const closed = new Promise<void>((resolve) => port2.once('close', () => resolve()));
      const reader = new PortChannelReader(port2, capacity);
      const writer = await writerThread!.open(port1, capacity);
      return {
        reader,
        send: (event) => writer.send(event),
        sendSample: (name) => writer.sendSample(name),
        hasCredit: async () => (await writer.state()).hasCredit,
        creditCalls: async () => (await writer.state()).creditCalls,
        closeWriter: () => writer.close(),
        writerCloseSeen: () => closed,
        dispose: async () => {
          reader.close();
          await writer.close();
        },
      };
    },
    streamFromThread: async (capacity) => {
      const thread = await WriterThread.start();
      const { port1, port2 } = new MessageChannel();
      const reader = new PortChannelReader(port2, capacity);
      const writer = await thread.open(port1, capacity);
      await writer.stream();
      return { reader, kill: () => thread.terminate() };
    },
  },
];

beforeAll(async () => {
  writerThread = await WriterThread.start();
});

afterAll(async () => {
  await writerThread?.terminate();
});

const records = (...values: number[]): StreamEvent => ({
  kind: 'records',
  values,
  timestamps: values.map(() => 0),
});

/** Lets queued messages and callbacks run. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits until `condition` holds, checking after every turn of the event loop; fails after 10 s. */
async function eventually(condition: () => MaybePromise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await tick();
  }
}

/** Polls until `count` events have arrived in total (including `already`). */
async function receive(
  reader: ChannelReader,
  count: number,
  already: StreamEvent[] = [],
): Promise<StreamEvent[]> {
  const out = already;
  await eventually(() => {
    for (let e = reader.poll(); e !== undefined && out.length < count; e = reader.poll()) out.push(e);
    return out.length >= count;
  }, `${count} events`);
  return out;
}

const valuesOf = (events: StreamEvent[]) =>
  events.flatMap((e) => (e.kind === 'records' ? (e.values as number[]) : []));

function expectChannelFailed(poll: () => unknown): void {
  let thrown: unknown;
  try {
    poll();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WeirError);
  expect((thrown as WeirError).code).toBe(ErrorCodes.CHANNEL_FAILED);
}

for (const impl of implementations) {
  describe(`channel conformance: ${impl.name}`, () => {
    it('delivers events in the order sent, whatever the interleaving of sends, polls and turns', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom('send', 'send', 'poll', 'tick'), { maxLength: 200 }),
          fc.integer({ min: 1, max: 8 }),
          async (ops, capacity) => {
            const h = await impl.create(capacity);
            try {
              let sent = 0;
              const received: StreamEvent[] = [];
              const sends: unknown[] = [];
              for (const op of ops) {
                if (op === 'send') sends.push(h.send(records(sent++)));
                else if (op === 'tick') await tick();
                else {
                  const e = h.reader.poll();
                  if (e !== undefined) received.push(e);
                }
              }
              await Promise.all(sends);
              await receive(h.reader, sent, received);
              expect(valuesOf(received)).toEqual(Array.from({ length: sent }, (_, i) => i));
            } finally {
              await h.dispose();
            }
          },
        ),
        { numRuns: impl.numRuns },
      );
    });

    it('withdraws credit at capacity and grants it back when the reader drains', async () => {
      const h = await impl.create(3);
      expect(await h.hasCredit()).toBe(true);
      await h.send(records(1));
      await h.send(records(2));
      expect(await h.hasCredit()).toBe(true);
      await h.send(records(3));
      expect(await h.hasCredit()).toBe(false);
      await eventually(() => h.reader.queued() === 3, 'three events queued');
      // Arrival alone gives nothing back: only polling does.
      expect(await h.hasCredit()).toBe(false);
      expect(await h.creditCalls()).toBe(0);
      expect(valuesOf(await receive(h.reader, 3))).toEqual([1, 2, 3]);
      await eventually(() => h.hasCredit(), 'credit to come back');
      expect(await h.creditCalls()).toBe(1);
      await h.dispose();
    });

    it('keeps watermarks, status, barriers and end in order with records', async () => {
      const h = await impl.create(2);
      const sent: StreamEvent[] = [
        records(1, 2),
        { kind: 'watermark', timestamp: 10 },
        records(3),
        { kind: 'status', idle: true },
        { kind: 'barrier', checkpointId: 1, timestamp: 5, savepoint: false },
        { kind: 'barrier', checkpointId: 2, timestamp: 6, savepoint: true },
        records(4),
        { kind: 'status', idle: false },
        { kind: 'watermark', timestamp: Number.POSITIVE_INFINITY },
        { kind: 'end' },
      ];
      for (const e of sent) await h.send(e);
      expect(await receive(h.reader, sent.length)).toEqual(sent);
      await h.dispose();
    });

    it('wakes the reader on every arrival', async () => {
      const h = await impl.create(4);
      let wakes = 0;
      h.reader.setDataListener(() => wakes++);
      await h.send(records(1));
      await h.send({ kind: 'end' });
      await eventually(() => h.reader.queued() === 2, 'two events queued');
      expect(wakes).toBe(2);
      await h.dispose();
    });

    it('accepts a bounded overshoot beyond capacity without losing events', async () => {
      const h = await impl.create(1);
      for (let i = 0; i < 50; i++) await h.send(records(i));
      expect(await h.hasCredit()).toBe(false);
      const got = valuesOf(await receive(h.reader, 50));
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
      await eventually(() => h.hasCredit(), 'credit to come back');
      await h.dispose();
    });

    it('closes cleanly after end: the reader sees every event and no failure', async () => {
      const h = await impl.create(4);
      await h.send(records(1));
      await h.send({ kind: 'end' });
      await h.closeWriter();
      await h.writerCloseSeen();
      expect(await receive(h.reader, 2)).toEqual([records(1), { kind: 'end' }]);
      expect(h.reader.poll()).toBeUndefined();
      expect(h.reader.poll()).toBeUndefined();
      h.reader.close();
      expect(h.reader.poll()).toBeUndefined();
      await h.dispose();
    });

    it('fails the reader with CHANNEL_FAILED after the queued events when the writer closes before end', async () => {
      const h = await impl.create(8);
      let wakes = 0;
      h.reader.setDataListener(() => wakes++);
      for (let i = 0; i < 3; i++) await h.send(records(i));
      await h.closeWriter();
      await h.writerCloseSeen();
      await eventually(() => wakes === 4, 'three arrivals and the break');
      expect(h.reader.queued()).toBe(3);
      for (let i = 0; i < 3; i++) expect(h.reader.poll()).toEqual(records(i));
      expectChannelFailed(() => h.reader.poll());
      expectChannelFailed(() => h.reader.poll());
      await h.dispose();
    });

    it('lets a writer whose reader closed drop its events instead of waiting for credit', async () => {
      const h = await impl.create(1);
      await h.send(records(1));
      await h.send(records(2));
      expect(await h.hasCredit()).toBe(false);
      h.reader.close();
      await eventually(() => h.hasCredit(), 'the writer to stop waiting');
      await h.send(records(3));
      expect(h.reader.poll()).toBeUndefined();
      expect(h.reader.queued()).toBe(0);
      await h.dispose();
    });

    it('carries Maps, Sets, Dates, bigints, nested and registered class values, and odd timestamps', async () => {
      const h = await impl.create(4);
      await h.sendSample('rich');
      const [got] = (await receive(h.reader, 1)) as [StreamEvent & { kind: 'records' }];
      const want = sample('rich') as StreamEvent & { kind: 'records' };
      expect(got).toStrictEqual(want);
      expect(Object.is(got.timestamps[0], -0)).toBe(true);
      expect(got.timestamps[1]).toBeNaN();
      expect(got.timestamps.slice(2)).toEqual(want.timestamps.slice(2));
      const classy = got.values[2] as { point: Point; points: Point[] };
      expect(classy.point).toBeInstanceOf(Point);
      expect(classy.point.norm()).toBe(5);
      expect(classy.points[0]).toBeInstanceOf(Point);
      expect(got.values[1]).toBeInstanceOf(Map);
      expect((got.values[0] as { seen: Date }).seen).toBeInstanceOf(Date);
      await h.dispose();
    });

    it('keeps timestamps that are all equal or all NO_TIMESTAMP', async () => {
      const h = await impl.create(4);
      const sent: StreamEvent[] = [
        { kind: 'records', values: [1, 2, 3], timestamps: [7, 7, 7] },
        { kind: 'records', values: [{ a: 1 }, { a: 2 }], timestamps: [-Infinity, -Infinity] },
        { kind: 'records', values: [], timestamps: [] },
        { kind: 'records', values: [1, 2], timestamps: [0, -0] },
      ];
      for (const e of sent) await h.send(e);
      const got = await receive(h.reader, sent.length);
      expect(got).toStrictEqual(sent);
      expect(Object.is((got[3] as { timestamps: number[] }).timestamps[1], -0)).toBe(true);
      await h.dispose();
    });

    it.skipIf(!impl.serializes)(
      'refuses a function value with SERIALIZATION, sends nothing for it, and stays usable',
      async () => {
        const h = await impl.create(4);
        await h.send(records(1));
        let thrown: (Error & { code?: string }) | undefined;
        try {
          await h.sendSample('function');
        } catch (error) {
          thrown = error as Error & { code?: string };
        }
        expect(thrown?.code).toBe(ErrorCodes.SERIALIZATION);
        expect(thrown?.message).toMatch(/function.*registerTypeSerializer/);
        expect(thrown?.message).not.toContain('\n');
        await h.send({
          kind: 'records',
          values: [{ fresh: 'shape' }, { fresh: 'again' }],
          timestamps: [1, 2],
        });
        await h.send({ kind: 'end' });
        expect(await receive(h.reader, 3)).toEqual([
          records(1),
          { kind: 'records', values: [{ fresh: 'shape' }, { fresh: 'again' }], timestamps: [1, 2] },
          { kind: 'end' },
        ]);
        await h.dispose();
      },
    );

    it.skipIf(impl.streamFromThread === undefined)(
      'fails the reader with CHANNEL_FAILED when the writer thread dies mid-stream, after every event that arrived',
      async () => {
        const { reader, kill } = await impl.streamFromThread!(4);
        const received: number[] = [];
        const take = () => {
          for (let e = reader.poll(); e !== undefined; e = reader.poll()) received.push(...valuesOf([e]));
        };
        await eventually(() => {
          take();
          return received.length >= 20;
        }, 'the stream to flow');
        await kill();
        let failure: unknown;
        await eventually(() => {
          try {
            take();
          } catch (error) {
            failure = error;
            return true;
          }
          return false;
        }, 'the reader to fail');
        expect((failure as WeirError).code).toBe(ErrorCodes.CHANNEL_FAILED);
        expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i));
        expectChannelFailed(() => reader.poll());
        reader.close();
      },
    );
  });
}
