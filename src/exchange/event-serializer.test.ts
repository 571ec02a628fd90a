import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../types/elements.js';
import { NO_TIMESTAMP } from '../types/elements.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import { EventDecoder, EventEncoder, isEndMessage, registerTypeSerializer } from './event-serializer.js';

const pair = () => ({ encoder: new EventEncoder(), decoder: new EventDecoder() });

function roundTrip(events: StreamEvent[]): StreamEvent[] {
  const { encoder, decoder } = pair();
  return events.map((e) => decoder.decode(encoder.encode(e)));
}

function refusal(values: unknown[]): WeirError {
  try {
    new EventEncoder().encode({ kind: 'records', values, timestamps: values.map(() => 0) });
  } catch (error) {
    return error as WeirError;
  }
  throw new Error('encoding did not fail');
}

describe('event serializer', () => {
  it('round-trips every kind of event', () => {
    const events: StreamEvent[] = [
      { kind: 'records', values: [{ a: 1 }, 'b', [3]], timestamps: [1, 2, 3] },
      { kind: 'watermark', timestamp: -5.5 },
      { kind: 'watermark', timestamp: Number.NEGATIVE_INFINITY },
      { kind: 'status', idle: true },
      { kind: 'status', idle: false },
      { kind: 'barrier', checkpointId: 2 ** 40, timestamp: 1_700_000_000_000, savepoint: true },
      { kind: 'barrier', checkpointId: 1, timestamp: 0, savepoint: false },
      { kind: 'end-of-data' },
      { kind: 'end' },
    ];
    expect(roundTrip(events)).toStrictEqual(events);
  });

  it('writes a batch whose timestamps are all equal with one timestamp, not one per record', () => {
    const values = Array.from({ length: 512 }, (_, i) => i);
    const encoder = new EventEncoder();
    const uniform = encoder.encode({ kind: 'records', values, timestamps: values.map(() => NO_TIMESTAMP) });
    const varied = encoder.encode({ kind: 'records', values, timestamps: values.map((i) => i) });
    expect(varied.byteLength - uniform.byteLength).toBe(8 * 511);
    // -0 and 0 differ, so they cannot share one timestamp.
    const mixed = roundTrip([{ kind: 'records', values: [1, 2], timestamps: [0, -0] }])[0]!;
    expect(Object.is((mixed as { timestamps: number[] }).timestamps[1], -0)).toBe(true);
  });

  it('encodes into a fresh buffer each time, so transferring one never corrupts the next', () => {
    const { encoder, decoder } = pair();
    const a = encoder.encode({ kind: 'records', values: [{ x: 1 }], timestamps: [1] });
    const b = encoder.encode({ kind: 'records', values: [{ x: 2 }], timestamps: [2] });
    expect(a).not.toBe(b);
    const moved = structuredClone(a, { transfer: [a] });
    expect(a.byteLength).toBe(0);
    expect(decoder.decode(moved)).toEqual({ kind: 'records', values: [{ x: 1 }], timestamps: [1] });
    expect(decoder.decode(b)).toEqual({ kind: 'records', values: [{ x: 2 }], timestamps: [2] });
  });

  it('writes the key list of an object shape once per channel', () => {
    const encoder = new EventEncoder();
    const batch: StreamEvent = { kind: 'records', values: [{ auction: 1, bidder: 2 }], timestamps: [0] };
    const first = encoder.encode(batch).byteLength;
    expect(encoder.encode(batch).byteLength).toBeLessThan(first - 'auctionbidder'.length);
  });

  it('decodes batches of many shapes in order, more shapes than structure ids', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const shaped = fc
      .uniqueArray(fc.constantFrom(...keys), { minLength: 1 })
      .chain((ks) =>
        fc.tuple(...ks.map((k) => fc.tuple(fc.constant(k), fc.oneof(fc.integer(), fc.string())))),
      )
      .map((entries) => Object.fromEntries(entries));
    fc.assert(
      fc.property(
        fc.array(fc.array(shaped, { maxLength: 5 }), { minLength: 50, maxLength: 150 }),
        (batches) => {
          const events = batches.map(
            (values): StreamEvent => ({ kind: 'records', values, timestamps: values.map((_, i) => i) }),
          );
          expect(roundTrip(events)).toStrictEqual(events);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuses a function, a symbol and a cycle with a one-line SERIALIZATION error that names the fix', () => {
    const cycle: Record<string, unknown> = { id: 1 };
    cycle.self = cycle;
    for (const [values, reason] of [
      [[{ id: 1, onClick: () => {} }], 'a record holds a function'],
      [[{ id: Symbol('x') }], 'a record holds a symbol'],
      [[cycle], 'a cycle'],
    ] as const) {
      const error = refusal([...values]);
      expect(error).toBeInstanceOf(WeirError);
      expect(error.code).toBe(ErrorCodes.SERIALIZATION);
      expect(error.domain).toBe('user');
      expect(error.message).toContain(reason);
      expect(error.message).toContain('registerTypeSerializer');
      expect(error.message).not.toContain('\n');
      expect(error.cause).toBeDefined();
    }
  });

  it('keeps encoder and decoder in step after a batch failed halfway through a new shape', () => {
    const { encoder, decoder } = pair();
    const before: StreamEvent = { kind: 'records', values: [{ a: 1 }], timestamps: [0] };
    expect(decoder.decode(encoder.encode(before))).toEqual(before);
    expect(() =>
      encoder.encode({ kind: 'records', values: [{ q: 1, r: 2 }, { f: () => 1 }], timestamps: [0, 0] }),
    ).toThrow(WeirError);
    const after: StreamEvent = { kind: 'records', values: [{ q: 3, r: 4 }, { a: 5 }], timestamps: [0, 0] };
    expect(decoder.decode(encoder.encode(after))).toEqual(after);
  });

  it('tells an end message by its first byte', () => {
    const encoder = new EventEncoder();
    expect(isEndMessage(encoder.encode({ kind: 'end' }))).toBe(true);
    // End-of-data leaves the channel open for the final checkpoint's barrier.
    expect(isEndMessage(encoder.encode({ kind: 'end-of-data' }))).toBe(false);
    expect(isEndMessage(encoder.encode({ kind: 'watermark', timestamp: 1 }))).toBe(false);
    expect(isEndMessage(encoder.encode({ kind: 'records', values: [5], timestamps: [5] }))).toBe(false);
  });
});

describe('registerTypeSerializer', () => {
  class Celsius {
    constructor(readonly degrees: number) {}
  }

  it('brings instances back with their class', () => {
    registerTypeSerializer<Celsius>({
      type: 17,
      Class: Celsius,
      write: (c) => c.degrees,
      read: (degrees: number) => new Celsius(degrees),
    });
    const [event] = roundTrip([{ kind: 'records', values: [new Celsius(21.5)], timestamps: [0] }]);
    const value = (event as { values: unknown[] }).values[0];
    expect(value).toBeInstanceOf(Celsius);
    expect((value as Celsius).degrees).toBe(21.5);
  });

  it('accepts the same class twice and refuses a taken code or one outside the user range', () => {
    const spec = {
      type: 18,
      Class: Celsius,
      write: (c: Celsius) => c.degrees,
      read: (d: number) => new Celsius(d),
    };
    registerTypeSerializer(spec);
    registerTypeSerializer(spec);
    class Other {}
    const taken = () =>
      registerTypeSerializer({ type: 18, Class: Other, write: () => 0, read: () => new Other() });
    expect(taken).toThrow(/type 18 is already taken/);
    for (const type of [1, 15, 64, 66, 16.5]) {
      expect(() => registerTypeSerializer({ ...spec, type })).toThrow(
        expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
      );
    }
  });
});
