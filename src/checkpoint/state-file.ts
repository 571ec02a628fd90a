/**
 * The bytes of one operator subtask's `.state` file. The state holds already encoded blobs
 * (a key group's state, an operator state entry), often megabytes each, so the file is framed
 * rather than one MessagePack value: a small header describes the state with every blob
 * replaced by its length, and the blobs follow it back to back, in the order the header names
 * them:
 *
 *     0xc1 'W' 'S' 'F' <version u8> <header length u32 BE> <header (msgpack)> <blob> <blob> …
 *
 * Writing hands the file out as a list of parts (the prefix and header, then each blob as it
 * is), so no blob is copied into a growing buffer; the writer hashes and writes the parts one
 * after another. 0xc1 is the one byte MessagePack never writes (the codec does not bundle
 * strings), so files of the older format, a single MessagePack value of the whole state, are
 * told apart by their first byte and still read.
 */
import type { OperatorStateEntries, OperatorSubtaskState, SharedKeyGroupState } from '../runtime/snapshot.js';
import { decode, encode } from '../types/codec.js';

/** Version of the framed layout, after the magic bytes. */
export const STATE_FILE_VERSION = 2;

const MAGIC = [0xc1, 0x57, 0x53, 0x46] as const;
/** Magic, version byte, header length. */
const PREFIX_BYTES = MAGIC.length + 1 + 4;

/** The header: the state with each blob replaced by its byte length. */
interface StateFileHeader {
  /** `[keyGroup, length of its blob | shared blob reference]`. */
  readonly keyGroups: readonly (readonly [number, number | SharedKeyGroupState])[];
  readonly operatorState: Readonly<
    Record<string, { readonly mode: string; readonly entries: readonly number[] }>
  >;
  /**
   * Indexes (in file order) of the blobs that were Node `Buffer`s: they come back as such, and
   * the others as plain `Uint8Array`s, as the codec keeps the two apart too.
   */
  readonly buffers: readonly number[];
}

/**
 * The file's bytes as parts to write in order (their concatenation is the file). Blobs are
 * handed out as they are, not copied. Shared key groups stay references in the header (with
 * their bytes, should they still carry any).
 */
export function encodeStateFile(state: OperatorSubtaskState): Uint8Array[] {
  const blobs: Uint8Array[] = [];
  const buffers: number[] = [];
  const add = (bytes: Uint8Array): number => {
    if (Buffer.isBuffer(bytes)) buffers.push(blobs.length);
    blobs.push(bytes);
    return bytes.byteLength;
  };
  const keyGroups = state.keyGroups.map(([group, part]): readonly [number, number | SharedKeyGroupState] => {
    if (part instanceof Uint8Array) return [group, add(part)];
    return [group, part];
  });
  const operatorState: Record<string, { mode: string; entries: number[] }> = {};
  for (const name in state.operatorState) {
    const { mode, entries } = state.operatorState[name]!;
    operatorState[name] = {
      mode,
      entries: entries.map(add),
    };
  }
  const header = encode({ keyGroups, operatorState, buffers } satisfies StateFileHeader);
  const head = new Uint8Array(PREFIX_BYTES + header.byteLength);
  head.set(MAGIC, 0);
  head[MAGIC.length] = STATE_FILE_VERSION;
  new DataView(head.buffer).setUint32(MAGIC.length + 1, header.byteLength);
  head.set(header, PREFIX_BYTES);
  return [head, ...blobs];
}

/**
 * The state a `.state` file holds, in either layout. Blobs of the framed layout are views into
 * `bytes`, not copies: together they cover nearly all of it, so copying would only double the
 * memory for a while, and state bound for another thread gets buffers of its own before it
 * goes (`compactStates`). Throws for bytes that are neither layout or whose lengths do not add up.
 */
export function decodeStateFile(bytes: Uint8Array): OperatorSubtaskState {
  if (bytes[0] !== MAGIC[0]) return decode<OperatorSubtaskState>(bytes);
  if (bytes.byteLength < PREFIX_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('not a state file: bad magic bytes');
  }
  const version = bytes[MAGIC.length];
  if (version !== STATE_FILE_VERSION) throw new Error(`state file version ${version} is not known`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    MAGIC.length + 1,
  );
  let offset = PREFIX_BYTES + headerLength;
  if (offset > bytes.byteLength) throw new Error('state file header runs past the end');
  const header = decode<StateFileHeader>(bytes.subarray(PREFIX_BYTES, offset));
  const buffers = new Set(Array.isArray(header.buffers) ? header.buffers : []);
  let index = 0;
  const blob = (length: unknown): Uint8Array => {
    if (
      !Number.isInteger(length) ||
      (length as number) < 0 ||
      offset + (length as number) > bytes.byteLength
    ) {
      throw new Error('state file blob lengths do not match the file');
    }
    const start = bytes.byteOffset + offset;
    offset += length as number;
    return buffers.has(index++)
      ? Buffer.from(bytes.buffer, start, length as number)
      : new Uint8Array(bytes.buffer, start, length as number);
  };
  if (typeof header !== 'object' || header === null || !Array.isArray(header.keyGroups)) {
    throw new Error('state file header lacks its key groups');
  }
  const keyGroups = header.keyGroups.map(
    ([group, part]) => [group, typeof part === 'number' ? blob(part) : part] as const,
  );
  const operatorState: Record<string, OperatorStateEntries> = {};
  for (const name in header.operatorState) {
    const { mode, entries } = header.operatorState[name]!;
    operatorState[name] = { mode: mode as OperatorStateEntries['mode'], entries: entries.map(blob) };
  }
  if (offset !== bytes.byteLength) throw new Error('state file has bytes after its last blob');
  return { keyGroups, operatorState };
}
