/**
 * Whether a channel should share msgpackr record structures between its writer and its reader
 * (`sequential`, as msgpackr's PackrStream does) or write each message self-contained, as
 * src/exchange/event-serializer.ts does. A channel delivers in order, so sharing is legal; it
 * saves writing an object's key list once per message and lets the reader keep its compiled
 * record reader. This measures encode, copy to a fresh buffer and decode, on one thread, for
 * the bid records of bench/exchange.ts at several batch sizes.
 *
 * Run: `npx tsx bench/exchange-structures.ts [--records N]`
 */
import { parseArgs } from 'node:util';
import { Packr, Unpackr } from 'msgpackr';
import { bid } from './exchange-records.js';
import { round, wholeNumber } from './window-events.js';

const OPTIONS = { moreTypes: true, mapsAsObjects: false, useRecords: true } as const;
const ROUNDS = 5;

interface Codec {
  pack(values: unknown[]): Uint8Array;
  unpack(bytes: Uint8Array): unknown[];
}

function selfContained(): Codec {
  const packr = new Packr(OPTIONS);
  return { pack: (v) => packr.pack(v), unpack: (b) => packr.unpack(b) };
}

function sequential(): Codec {
  const packr = new Packr({ ...OPTIONS, sequential: true });
  const unpackr = new Unpackr({ ...OPTIONS, sequential: true });
  return { pack: (v) => packr.pack(v), unpack: (b) => unpackr.unpack(b) };
}

/** Records per second through encode, copy and decode, and bytes per record. */
function measure(codec: Codec, batch: number, batches: number): { recordsPerSecond: number; bytes: number } {
  const pool = Array.from({ length: 64 }, (_, b) =>
    Array.from({ length: batch }, (_, i) => bid(b * batch + i)),
  );
  let bytes = 0;
  let check = 0;
  const start = performance.now();
  for (let k = 0; k < batches; k++) {
    const packed = codec.pack(pool[k % pool.length]!);
    const copy = new Uint8Array(packed.length);
    copy.set(packed);
    bytes += copy.length;
    check += (codec.unpack(copy)[batch - 1] as { auction: number }).auction;
  }
  const seconds = (performance.now() - start) / 1000;
  if (!(check > 0)) throw new Error('decoded records are wrong');
  return { recordsPerSecond: (batch * batches) / seconds, bytes: bytes / (batch * batches) };
}

const { values } = parseArgs({ options: { records: { type: 'string' } } });
const records = wholeNumber('--records', values.records, 2_000_000);
for (const batch of [512, 64, 8]) {
  const batches = Math.max(1, Math.round(records / batch));
  const best = { self: 0, sequential: 0 };
  let bytes = { self: 0, sequential: 0 };
  // Alternate the two and keep each one's best round, so a noisy neighbour hurts both alike.
  for (let r = 0; r < ROUNDS; r++) {
    const a = measure(selfContained(), batch, batches);
    const b = measure(sequential(), batch, batches);
    best.self = Math.max(best.self, a.recordsPerSecond);
    best.sequential = Math.max(best.sequential, b.recordsPerSecond);
    bytes = { self: a.bytes, sequential: b.bytes };
  }
  console.log(
    `batch ${String(batch).padStart(3)}: self-contained ${Math.round(best.self).toLocaleString('en')} rec/s ` +
      `(${round(bytes.self, 1)} B/rec), sequential ${Math.round(best.sequential).toLocaleString('en')} rec/s ` +
      `(${round(bytes.sequential, 1)} B/rec), sequential/self ${round(best.sequential / best.self, 3)}`,
  );
}
