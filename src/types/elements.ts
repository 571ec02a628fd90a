/**
 * What travels on a channel between tasks: records in batches, and control events in order
 * with them. Every channel implementation carries exactly this union, so a watermark or a
 * barrier can never overtake the records sent before it.
 */

/** Timestamp of a record that has none (Flink's Long.MIN_VALUE marker). */
export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;

/** The watermark before any event time has been observed. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;

/** The watermark that ends event time: emitted at end of input, it fires every event-time timer. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;

/** A batch of records; `timestamps[i]` belongs to `values[i]` and may be {@link NO_TIMESTAMP}. */
export interface RecordBatch {
  readonly kind: 'records';
  readonly values: unknown[];
  readonly timestamps: number[];
}

/** Event time has advanced to `timestamp` on this channel: no older record should follow. */
export interface WatermarkEvent {
  readonly kind: 'watermark';
  readonly timestamp: number;
}

/** The channel became idle (excluded from watermark alignment) or active again. */
export interface WatermarkStatusEvent {
  readonly kind: 'status';
  readonly idle: boolean;
}

/** A checkpoint barrier: everything before it belongs to checkpoint `checkpointId`. */
export interface BarrierEvent {
  readonly kind: 'barrier';
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
  /**
   * Set on the barrier of a job's final checkpoint as the coordinator injects it at the sources
   * (it does not travel on channels): a source task sends {@link EndOfDataEvent} before it, so
   * every task has finished its operators when the barrier reaches it.
   */
  readonly final?: boolean;
}

/**
 * The sender has no more records: every task upstream finished its operators. Unlike
 * {@link EndOfPartitionEvent} the channel stays open for the final checkpoint's barrier.
 */
export interface EndOfDataEvent {
  readonly kind: 'end-of-data';
}

/** No more events will follow on this channel. */
export interface EndOfPartitionEvent {
  readonly kind: 'end';
}

/** Everything that can travel on a channel, in order. */
export type StreamEvent =
  | RecordBatch
  | WatermarkEvent
  | WatermarkStatusEvent
  | BarrierEvent
  | EndOfDataEvent
  | EndOfPartitionEvent;
