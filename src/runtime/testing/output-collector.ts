/**
 * An {@link Output} that records everything an operator emits, in order, for assertions in
 * tests: records with their timestamps, watermarks, watermark status changes, and side outputs
 * per tag.
 */
import type { OutputTag } from '../../types/functions.js';
import type { Output } from '../operator.js';

/** A record as emitted: its value and timestamp (NO_TIMESTAMP = -Infinity if none). */
export interface StreamRecordOutput<T> {
  readonly value: T;
  readonly timestamp: number;
}

/** A watermark as emitted. */
export interface WatermarkOutput {
  readonly watermark: number;
}

/** A change of watermark status as emitted. */
export interface WatermarkStatusOutput {
  readonly idle: boolean;
}

/** Anything on the main output, in emission order. */
export type OutputElement<T> = StreamRecordOutput<T> | WatermarkOutput | WatermarkStatusOutput;

/** True for records (as opposed to watermarks and status changes). */
export function isRecordOutput<T>(e: OutputElement<T>): e is StreamRecordOutput<T> {
  return 'value' in e;
}

/** True for watermarks. */
export function isWatermarkOutput<T>(e: OutputElement<T>): e is WatermarkOutput {
  return 'watermark' in e;
}

/**
 * Collects an operator's output.
 *
 * @example
 * const out = new CollectingOutput<number>();
 * op.setup({ ..., output: out }); ...; out.records(); // [{ value: 3, timestamp: 9 }]
 */
export class CollectingOutput<T> implements Output<T> {
  readonly elements: OutputElement<T>[] = [];
  private readonly sides = new Map<string, StreamRecordOutput<unknown>[]>();

  collect(value: T, timestamp: number): void {
    this.elements.push({ value, timestamp });
  }

  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    let list = this.sides.get(tag.id);
    if (list === undefined) this.sides.set(tag.id, (list = []));
    list.push({ value, timestamp });
  }

  emitWatermark(watermark: number): void {
    this.elements.push({ watermark });
  }

  emitWatermarkStatus(idle: boolean): void {
    this.elements.push({ idle });
  }

  /** The records of the main output. */
  records(): StreamRecordOutput<T>[] {
    return this.elements.filter(isRecordOutput);
  }

  /** The records emitted to the side output `tag`. */
  side<X>(tag: OutputTag<X>): StreamRecordOutput<X>[] {
    return (this.sides.get(tag.id) ?? []).slice() as StreamRecordOutput<X>[];
  }

  /** Forgets everything collected so far. */
  clear(): void {
    this.elements.length = 0;
    this.sides.clear();
  }
}
