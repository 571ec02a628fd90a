/**
 * Key groups: the unit in which keyed state is partitioned and moved. A key's group is a hash
 * of the key's value modulo `maxParallelism`; each parallel subtask owns a contiguous range of
 * groups, so rescaling moves whole groups. Keys hash by value (objects by their contents), and
 * the hash is the same in every process, so a key lands on the same subtask after a restart.
 */
import { ErrorCodes, userError } from '../types/errors.js';

/** An inclusive range of key groups. */
export interface KeyGroupRange {
  readonly start: number;
  readonly end: number;
}

/** Largest allowed `maxParallelism`, as in Flink. */
export const UPPER_BOUND_MAX_PARALLELISM = 1 << 15;

/** The value a key is stored under: primitives as themselves, objects as a canonical string. */
export type CanonicalKey = string | number | boolean | bigint;

const OBJECT_KEY_PREFIX = '\u0000';

/**
 * The canonical form of a key: equal for keys equal by value. Throws a user error for keys that
 * cannot be hashed stably (undefined, functions, symbols).
 */
export function canonicalKey(key: unknown): CanonicalKey {
  switch (typeof key) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return key;
    case 'number':
      // -0 and 0 are the same key, as are all NaNs.
      return key === 0 ? 0 : key;
    case 'undefined':
      throw userError(
        ErrorCodes.INVALID_KEY,
        'key selector returned undefined; make keyBy return a defined value (use null or a default for missing fields)',
      );
    case 'object':
      return key === null ? OBJECT_KEY_PREFIX + 'null' : OBJECT_KEY_PREFIX + stableStringify(key);
    default:
      throw userError(
        ErrorCodes.INVALID_KEY,
        `key of type ${typeof key} cannot be hashed stably; make keyBy return a string, number, boolean, bigint, array or plain object`,
      );
  }
}

function stableStringify(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value === 0 ? 0 : value) : `"#${value}"`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"#${value}n"`;
    case 'undefined':
      return '"#undefined"';
    case 'object':
      break;
    default:
      throw userError(
        ErrorCodes.INVALID_KEY,
        `key contains a ${typeof value}, which cannot be hashed stably; key by plain data (strings, numbers, arrays, objects)`,
      );
  }
  if (Array.isArray(value)) return '[' + value.map(stableStringify).join(',') + ']';
  if (value instanceof Date) return `"#date:${value.getTime()}"`;
  // A Buffer and a Uint8Array holding the same bytes are one key (SQL byte strings come as
  // either), and bytes never read as an object whose properties are named '0', '1'…
  if (value instanceof Uint8Array) {
    return `"#bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}"`;
  }
  if (value instanceof Map || value instanceof Set) {
    throw userError(
      ErrorCodes.INVALID_KEY,
      'a Map or Set key cannot be hashed stably; key by an array or plain object instead',
    );
  }
  const obj = value as Record<string, unknown>;
  const names = Object.keys(obj).sort();
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (i > 0) out += ',';
    out += JSON.stringify(name) + ':' + stableStringify(obj[name]);
  }
  return out + '}';
}

/**
 * A key whose canonical form is `canonical`, for snapshots: state tables store canonical keys
 * only, which keeps object keys from being retained once per state. Primitives are their own
 * canonical form; an object key is parsed back from its canonical JSON, as plain arrays and
 * objects with sorted properties. That is the original key (up to property order) exactly when
 * {@link isCanonicalKeyExact} holds; callers keep the original key themselves otherwise.
 */
export function keyFromCanonical(canonical: CanonicalKey): unknown {
  return typeof canonical === 'string' && canonical.startsWith(OBJECT_KEY_PREFIX)
    ? JSON.parse(canonical.slice(OBJECT_KEY_PREFIX.length))
    : canonical;
}

/**
 * Whether {@link keyFromCanonical} gives `key` back from its canonical form (up to property
 * order, and nested class instances becoming plain objects). It does not for keys holding
 * values canonicalized as tagged strings (Dates, bigints, undefined, non-finite numbers: the
 * tag cannot be told from a string starting with '#'), class instances, and strings that look
 * like an object's canonical form. Cheap for primitive keys; O(length) for object keys.
 */
export function isCanonicalKeyExact(key: unknown, canonical: CanonicalKey): boolean {
  if (typeof canonical !== 'string' || !canonical.startsWith(OBJECT_KEY_PREFIX)) return true;
  if (typeof key !== 'object') return false;
  if (key === null) return true;
  const proto = Object.getPrototypeOf(key);
  if (!Array.isArray(key) && proto !== Object.prototype && proto !== null) return false;
  return !canonical.includes('"#');
}

/** MurmurHash3's 32-bit finalizer over a 32-bit integer. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(s: string): number {
  // FNV-1a over UTF-16 code units, then a murmur finalizer for avalanche.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A 32-bit hash of a canonical key, stable across processes. */
export function hashCanonicalKey(key: CanonicalKey): number {
  switch (typeof key) {
    case 'number':
      return Number.isInteger(key) && key >= -0x80000000 && key <= 0x7fffffff
        ? mix32(key | 0)
        : hashString('n' + key);
    case 'string':
      return hashString(key);
    case 'boolean':
      return key ? mix32(1231) : mix32(1237);
    default:
      return hashString('b' + key.toString());
  }
}

/** The key group of a canonical key. */
export function keyGroupOfCanonical(key: CanonicalKey, maxParallelism: number): number {
  return hashCanonicalKey(key) % maxParallelism;
}

/** The key group of a key. */
export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  return keyGroupOfCanonical(canonicalKey(key), maxParallelism);
}

/** The subtask that owns a key group (Flink's formula: `kg * parallelism / maxParallelism`). */
export function operatorIndexForKeyGroup(
  maxParallelism: number,
  parallelism: number,
  keyGroup: number,
): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The key groups a subtask owns. */
export function keyGroupRangeForSubtask(
  maxParallelism: number,
  parallelism: number,
  subtask: number,
): KeyGroupRange {
  const start = Math.ceil((subtask * maxParallelism) / parallelism);
  const end = Math.ceil(((subtask + 1) * maxParallelism) / parallelism) - 1;
  return { start, end };
}

/** Checks a `maxParallelism` value; returns it. */
export function checkMaxParallelism(maxParallelism: number): number {
  if (
    !Number.isInteger(maxParallelism) ||
    maxParallelism < 1 ||
    maxParallelism > UPPER_BOUND_MAX_PARALLELISM
  ) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `maxParallelism must be an integer in 1..${UPPER_BOUND_MAX_PARALLELISM}, got ${maxParallelism}; the default is 128`,
    );
  }
  return maxParallelism;
}

/**
 * A copy of `range` once checked to be whole key groups within 0..maxParallelism-1, start first;
 * a user error naming the bounds otherwise. Every backend checks the range it is given this way.
 */
export function checkKeyGroupRange(range: KeyGroupRange, maxParallelism: number): KeyGroupRange {
  if (
    !(
      Number.isInteger(range.start) &&
      Number.isInteger(range.end) &&
      range.start >= 0 &&
      range.start <= range.end &&
      range.end < maxParallelism
    )
  ) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `key group range ${range.start}..${range.end} must be integers with 0 <= start <= end < maxParallelism (${maxParallelism})`,
    );
  }
  return { start: range.start, end: range.end };
}

/**
 * The key group of `key` (whose canonical form is `canonical`), which must lie in `range`; a
 * key outside it means a key selector that gave another key for the same record than the
 * partitioner saw, and gets a one-line user error saying so. Every backend looks keys up this way.
 */
export function keyGroupInRange(
  key: unknown,
  canonical: CanonicalKey,
  maxParallelism: number,
  range: KeyGroupRange,
): number {
  const keyGroup = keyGroupOfCanonical(canonical, maxParallelism);
  if (keyGroup < range.start || keyGroup > range.end) {
    throw userError(
      ErrorCodes.INVALID_KEY,
      `key ${describeKey(key)} is in key group ${keyGroup}, outside this subtask's key group range ${range.start}..${range.end}; the key selector must be deterministic (return the same key for the same record, also after keyBy)`,
    );
  }
  return keyGroup;
}

/** A short rendering of a key for error messages. */
function describeKey(key: unknown): string {
  const text = typeof key === 'string' || typeof key === 'object' ? JSON.stringify(key) : String(key);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
