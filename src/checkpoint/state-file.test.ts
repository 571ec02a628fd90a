/**
 * The framed `.state` file: any subtask state survives a round trip, blobs bigger than the
 * codec's buffer-growth threshold included; files of the older single-MessagePack layout still
 * read, both alone and as a whole checkpoint directory written by the older code (the fixture
 * under `fixtures/msgpack-state-files`); and damaged framing is an error, not wrong state.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OperatorSubtaskState } from '../runtime/snapshot.js';
import { encode } from '../types/codec.js';
import { readCheckpointDirectory } from './checkpoint-format.js';
import { sampleCheckpoint } from './checkpoint-test-fixtures.js';
import { decodeStateFile, encodeStateFile } from './state-file.js';

const concat = (parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** Blobs as plain Uint8Arrays and as Node Buffers (which must come back as Buffers). */
const blob = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
);
const sharedRef = fc.record({
  sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
  length: fc.nat(),
});
const subtaskState = fc.record({
  keyGroups: fc
    .uniqueArray(fc.integer({ min: 0, max: 32767 }), { maxLength: 12 })
    .chain((groups) => fc.tuple(...groups.map((g) => fc.tuple(fc.constant(g), fc.oneof(blob, sharedRef))))),
  operatorState: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.record({ mode: fc.constantFrom('split' as const, 'union' as const), entries: fc.array(blob) }),
    { maxKeys: 4 },
  ),
});

/** Compares states by content: a decoded blob may be a Buffer where a Uint8Array went in. */
function plain(state: OperatorSubtaskState): unknown {
  const bytes = (b: Uint8Array) => [...b];
  return {
    keyGroups: state.keyGroups.map(([g, p]) => [g, p instanceof Uint8Array ? bytes(p) : p]),
    operatorState: Object.fromEntries(
      Object.entries(state.operatorState).map(([n, s]) => [
        n,
        { mode: s.mode, entries: s.entries.map(bytes) },
      ]),
    ),
  };
}

describe('state file', () => {
  it('round-trips any subtask state', () => {
    fc.assert(
      fc.property(subtaskState, (state) => {
        const file = concat(encodeStateFile(state));
        expect(plain(decodeStateFile(file))).toEqual(plain(state));
      }),
    );
  });

  it('hands blobs out uncopied and round-trips blobs past the codec growth threshold', () => {
    // msgpackr grows by 1.25x above 64 MB; a few MB per blob over several groups exercises the
    // same path of large, uncopied frames without the memory of a real one.
    const big = (seed: number, size: number) => {
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i += 4096) b[i] = (i / 4096 + seed) & 0xff;
      b[size - 1] = seed;
      return b;
    };
    const blobs = [big(1, 3_000_000), big(2, 5_000_001), big(3, 17)];
    const state: OperatorSubtaskState = {
      keyGroups: blobs.map((b, i) => [i * 10, b] as const),
      operatorState: { offsets: { mode: 'split', entries: [big(4, 2_000_000)] } },
    };
    const parts = encodeStateFile(state);
    // The very blobs, by identity (a deep comparison of megabytes would crawl).
    const expected = [...blobs, state.operatorState.offsets!.entries[0]];
    expect(parts.length).toBe(expected.length + 1);
    expect(parts.slice(1).every((part, i) => part === expected[i])).toBe(true);
    const decoded = decodeStateFile(concat(parts));
    expect(decoded.keyGroups.map(([g]) => g)).toEqual([0, 10, 20]);
    for (const [i, [, b]] of decoded.keyGroups.entries()) {
      expect(Buffer.compare(b as Uint8Array, blobs[i]!)).toBe(0);
    }
    expect(
      Buffer.compare(decoded.operatorState.offsets!.entries[0]!, state.operatorState.offsets!.entries[0]!),
    ).toBe(0);
  });

  it('decodes blobs as views into the file, of the type they were written as', () => {
    const state: OperatorSubtaskState = {
      keyGroups: [
        [1, new Uint8Array(1000).fill(5)],
        [2, Buffer.alloc(10, 6)],
      ],
      operatorState: {},
    };
    const file = concat(encodeStateFile(state));
    const [[, first], [, second]] = decodeStateFile(file).keyGroups as [number, Uint8Array][];
    expect(first!.buffer).toBe(file.buffer);
    expect([Buffer.isBuffer(first), Buffer.isBuffer(second)]).toEqual([false, true]);
    expect([...first!.subarray(998)]).toEqual([5, 5]);
    expect([...second!]).toEqual(new Array(10).fill(6));
  });

  it('reads files of the single-MessagePack layout', () => {
    fc.assert(
      fc.property(subtaskState, (state) => {
        expect(plain(decodeStateFile(encode(state)))).toEqual(plain(state));
      }),
    );
  });

  it('rejects truncated, padded or mislabelled files', () => {
    const state: OperatorSubtaskState = {
      keyGroups: [[1, new Uint8Array([1, 2, 3])]],
      operatorState: { s: { mode: 'union', entries: [new Uint8Array([9])] } },
    };
    const file = concat(encodeStateFile(state));
    expect(() => decodeStateFile(file.subarray(0, file.byteLength - 1))).toThrow(/lengths/);
    expect(() => decodeStateFile(concat([file, new Uint8Array([0])]))).toThrow(/after its last blob/);
    const otherVersion = file.slice();
    otherVersion[4] = 99;
    expect(() => decodeStateFile(otherVersion)).toThrow(/version 99/);
    expect(() => decodeStateFile(file.subarray(0, 6))).toThrow();
  });

  it('reads a checkpoint directory written with the single-MessagePack state files', async () => {
    const dir = fileURLToPath(new URL('./fixtures/msgpack-state-files', import.meta.url));
    const read = await readCheckpointDirectory(dir);
    if (!read.ok) throw new Error(read.reason);
    const expected = sampleCheckpoint(7);
    expect(read.data.operators.map((op) => op.subtasks.map(plain))).toEqual(
      expected.operators.map((op) => op.subtasks.map(plain)),
    );
    expect(read.data.operators.map((op) => op.coordinatorState && [...op.coordinatorState])).toEqual(
      expected.operators.map((op) => op.coordinatorState && [...op.coordinatorState]),
    );
    expect(read.data.checkpointId).toBe(7);
  });
});
