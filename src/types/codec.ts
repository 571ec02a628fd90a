/**
 * The binary codec for state, checkpoints and (later) records crossing threads: MessagePack
 * (msgpackr) with its extra types, so plain objects, arrays, Maps, Sets, Dates, typed arrays,
 * errors and bigints survive a round trip. Plain objects are written as msgpackr records and
 * MessagePack maps are read back as `Map`s, so both kinds keep their type. Shared references
 * are not preserved (an object reachable twice comes back as two copies) and cycles cannot be
 * encoded: structured cloning would keep them but makes encoding four times slower, and state
 * values are trees in practice.
 *
 * Instances of user classes come back as plain objects unless the class is registered with
 * {@link registerCodecClass}; the engine registers its own (e.g. windows).
 */
import { addExtension, Packr } from 'msgpackr';

const packr = new Packr({ moreTypes: true, mapsAsObjects: false, useRecords: true });

/** Encodes a value to bytes. */
export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Decodes bytes written by {@link encode}. */
export function decode<T = unknown>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/** How a class is written and read back. */
export interface CodecClass<T> {
  /**
   * Extension type code, unique per class: 1..15 for the engine's own classes, 16..63 for
   * users' (through `registerTypeSerializer`). msgpackr takes codes above that for its own types.
   */
  readonly type: number;
  readonly Class: abstract new (...args: any[]) => T;
  /** Plain data that represents the instance. */
  write(instance: T): unknown;
  read(data: any): T;
}

const registeredTypes = new Map<number, unknown>();

/**
 * Makes instances of a class survive encoding with their class. Registering the same class
 * again is a no-op; another class under a taken type code is an error.
 */
export function registerCodecClass<T>(spec: CodecClass<T>): void {
  if (!Number.isInteger(spec.type) || spec.type < 1 || spec.type > 63)
    throw new Error(`codec type codes are 1..63 (msgpackr uses the others), got ${spec.type}`);
  const existing = registeredTypes.get(spec.type);
  if (existing === spec.Class) return;
  if (existing !== undefined)
    throw new Error(`codec type ${spec.type} is already registered for another class`);
  registeredTypes.set(spec.type, spec.Class);
  addExtension({ Class: spec.Class as any, type: spec.type, write: spec.write, read: spec.read });
}
