/**
 * How the disk backend lays out its store keys: key group (2 bytes, big-endian), canonical key,
 * state name, namespace and, for map state, the canonical user key. Every part after the key
 * group is a tag byte and a 4-byte big-endian length before its bytes, so no part is a prefix of
 * another: all entries of a key group, of a key, of a key's state in one namespace are each one
 * contiguous range of the sorted store, and a key can be parsed back into its parts.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { CanonicalKey } from '../key-groups.js';

/** The namespace key of an entry, as `namespaceKeyOf` returns it. */
export type NamespaceKey = string | number;

/** lmdb's default limit on key size; longer keys are rejected by the store itself. */
export const MAX_STORE_KEY_BYTES = 1978;

const TAG_STRING = 0x73;
const TAG_NUMBER = 0x6e;
const TAG_TRUE = 0x74;
const TAG_FALSE = 0x66;
const TAG_BIGINT = 0x69;

/** One part: tag, length, bytes. */
export function encodePart(value: CanonicalKey): Buffer {
  switch (typeof value) {
    case 'string': {
      const length = Buffer.byteLength(value, 'utf8');
      const out = Buffer.allocUnsafe(5 + length);
      out[0] = TAG_STRING;
      out.writeUInt32BE(length, 1);
      out.write(value, 5, 'utf8');
      return out;
    }
    case 'number': {
      const out = Buffer.allocUnsafe(13);
      out[0] = TAG_NUMBER;
      out.writeUInt32BE(8, 1);
      out.writeDoubleBE(value, 5);
      return out;
    }
    case 'boolean': {
      const out = Buffer.allocUnsafe(5);
      out[0] = value ? TAG_TRUE : TAG_FALSE;
      out.writeUInt32BE(0, 1);
      return out;
    }
    default: {
      const text = value.toString();
      const out = Buffer.allocUnsafe(5 + text.length);
      out[0] = TAG_BIGINT;
      out.writeUInt32BE(text.length, 1);
      out.write(text, 5, 'latin1');
      return out;
    }
  }
}

/** The key group's two bytes followed by the canonical key: the prefix of all of a key's entries. */
export function keyPrefix(keyGroup: number, canonical: CanonicalKey): Buffer {
  const part = encodePart(canonical);
  const out = Buffer.allocUnsafe(2 + part.length);
  out.writeUInt16BE(keyGroup, 0);
  part.copy(out, 2);
  return out;
}

/** The two bytes that start every entry of a key group. */
export function keyGroupPrefix(keyGroup: number): Buffer {
  const out = Buffer.allocUnsafe(2);
  out.writeUInt16BE(keyGroup, 0);
  return out;
}

/** Concatenates parts into a store key, rejecting keys lmdb would refuse with a user error. */
export function storeKey(parts: readonly Buffer[]): Buffer {
  const key = Buffer.concat(parts);
  if (key.length > MAX_STORE_KEY_BYTES) {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      `a key, namespace or map key of the disk state backend takes ${key.length} bytes with the state name, over the store's limit of ${MAX_STORE_KEY_BYTES}; key by something shorter (e.g. an id instead of a whole object)`,
    );
  }
  return key;
}

/**
 * The first key after every key starting with `prefix` (exclusive end of a range scan), or
 * undefined when there is none (an empty prefix, or one of only 0xff bytes): scan to the end.
 */
export function prefixEnd(prefix: Buffer): Buffer | undefined {
  const end = Buffer.from(prefix);
  let i = end.length - 1;
  while (i >= 0 && end[i] === 0xff) i--;
  if (i < 0) return undefined;
  end[i]!++;
  return end.subarray(0, i + 1);
}

/** A store key taken apart. */
export interface ParsedKey {
  readonly keyGroup: number;
  readonly key: CanonicalKey;
  readonly state: string;
  readonly ns: NamespaceKey;
  /** The canonical user key of a map entry; undefined for other states. */
  readonly userKey: CanonicalKey | undefined;
  /** Length of the bytes up to and including the namespace: the entry's (key, state, ns). */
  readonly entryLength: number;
}

/** Parses a store key written with {@link storeKey}; throws on bytes that are not one. */
export function parseStoreKey(bytes: Uint8Array): ParsedKey {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const keyGroup = buf.readUInt16BE(0);
  let offset = 2;
  const read = (): CanonicalKey => {
    const tag = buf[offset]!;
    const length = buf.readUInt32BE(offset + 1);
    const start = offset + 5;
    offset = start + length;
    if (offset > buf.length) throw new Error('store key is truncated');
    switch (tag) {
      case TAG_STRING:
        return buf.toString('utf8', start, offset);
      case TAG_NUMBER:
        return buf.readDoubleBE(start);
      case TAG_TRUE:
        return true;
      case TAG_FALSE:
        return false;
      case TAG_BIGINT:
        return BigInt(buf.toString('latin1', start, offset));
      default:
        throw new Error(`store key has an unknown part tag ${tag}`);
    }
  };
  const key = read();
  const state = read() as string;
  const ns = read() as NamespaceKey;
  const entryLength = offset;
  const userKey = offset < buf.length ? read() : undefined;
  return { keyGroup, key, state, ns, userKey, entryLength };
}

/** Offset of the state name part in a store key: after the key group and the key's part. */
export function statePartOffset(key: Buffer): number {
  return 7 + key.readUInt32BE(3);
}

/** Whether the store key `key` belongs to the state whose encoded name is `statePart`. */
export function isKeyOfState(key: Buffer, statePart: Buffer): boolean {
  const start = statePartOffset(key);
  return (
    key.length >= start + statePart.length &&
    key.compare(statePart, 0, statePart.length, start, start + statePart.length) === 0
  );
}

/** The state name of a store key, read without parsing the rest. */
export function stateNameOf(key: Buffer): string {
  const start = statePartOffset(key);
  return key.toString('utf8', start + 5, start + 5 + key.readUInt32BE(start + 1));
}
