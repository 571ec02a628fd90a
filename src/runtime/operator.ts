/**
 * The operator contract. An operator must implement only record processing; watermarks,
 * watermark status, end of input, finish and close have defaults in {@link AbstractStreamOperator}.
 *
 * Concurrency contract: every method is called from the task's single thread, never
 * re-entrantly. Timers fire between records, never inside the processing of one. For keyed
 * operators, the runtime makes the record's key current in `keyedBackend` before
 * `processElement`, and the timer's key before a timer fires.
 */
import type { Namespace, KeyedStateBackend } from '../state/backend.js';
import type { InternalTimerService, TimeServiceManager, Triggerable } from '../state/timers.js';
import type { OutputTag } from '../types/functions.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from './snapshot.js';

/** Where an operator emits. Records carry a timestamp, which may be NO_TIMESTAMP. */
export interface Output<T> {
  collect(value: T, timestamp: number): void;
  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void;
  emitWatermark(watermark: number): void;
  emitWatermarkStatus(idle: boolean): void;
}

/** Processing time as the task sees it; callbacks run in the task's mailbox. */
export interface ProcessingTimeService {
  now(): number;
  /** Runs `callback(time)` in the task loop at or after `time`; returns a cancel function. */
  schedule(time: number, callback: (time: number) => void): () => void;
}

/** Whether bounded inputs run as a stream (watermarks as they come) or as a batch (one at the end). */
export type RuntimeMode = 'streaming' | 'batch';

/** Everything an operator is given before `open`. */
export interface OperatorSetup<OUT> {
  readonly name: string;
  readonly uid: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;
  /** Unique for this run of the job (every attempt, every process start). */
  readonly attemptId: string;
  /** The checkpoint this attempt was restored from, or undefined on a fresh start. */
  readonly restoredCheckpointId: number | undefined;
  readonly output: Output<OUT>;
  /** Present when the operator's input is keyed. */
  readonly keyedBackend: KeyedStateBackend | undefined;
  /** Present when the operator's input is keyed. */
  readonly timeServiceManager: TimeServiceManager | undefined;
  readonly processingTime: ProcessingTimeService;
  readonly runtimeMode: RuntimeMode;
  /** Periodic watermark interval in ms; 0 disables periodic watermarks. */
  readonly autoWatermarkInterval: number;
  /**
   * Runs actions on the task's loop between input steps, for work that completes outside it
   * (an asynchronous request's result). Absent where there is no task loop (test harnesses).
   */
  readonly mailbox?: OperatorMailbox;
}

/** The task loop's queue of actions, as operators see it. */
export interface OperatorMailbox {
  /** Queues `action` to run on the task loop, and wakes the task if it sleeps. */
  post(action: () => void): void;
}

/** Lifecycle and control events common to all operators. */
export interface StreamOperator<OUT> {
  setup(setup: OperatorSetup<OUT>): void;
  open(): void;
  /** `input` is 1 or 2. */
  processWatermark(watermark: number, input: number): void;
  processWatermarkStatus(idle: boolean, input: number): void;
  /** Input `input` has ended; for single-input operators it is 1. */
  endInput(input: number): void;
  /** All inputs ended: emit what is buffered. Called once, after `endInput`; may be async (sinks). */
  finish(): void | Promise<void>;
  /** Release resources; called after `finish`, or on failure or cancellation. */
  close(): void | Promise<void>;
  /**
   * Restores non-keyed state: what this subtask was given of the operator's checkpointed list
   * states (an empty map on a fresh start). Called after `setup` and before `open`; keyed
   * state is already restored into the backend by then.
   */
  initializeState?(restored: RestoredOperatorState): void | Promise<void>;
  /**
   * Checkpoint `checkpointId`'s barrier has arrived: emit what is buffered in memory (a
   * mini-batch) before any state of the task is taken. Called on every operator of the chain,
   * head first, before keyed state and {@link snapshotState}; what it emits reaches downstream
   * ahead of the barrier, so the checkpoint covers it and a restore never replays it.
   */
  prepareSnapshotPreBarrier?(checkpointId: number): void;
  /**
   * The operator's non-keyed state for checkpoint `checkpointId`, taken when the barrier
   * reaches it: it reflects exactly the records before the barrier. Keyed state and timers are
   * snapshotted by the task. Returning a promise delays the barrier until it settles.
   */
  snapshotState?(
    checkpointId: number,
  ): OperatorStateSnapshot | undefined | Promise<OperatorStateSnapshot | undefined>;
  /** Checkpoint `checkpointId` is complete (durable everywhere): commit what it covers. */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  /**
   * Undefined while the operator takes input; else a promise that resolves once it does again
   * (an asynchronous operator with every request slot taken). The task asks before each input
   * step and holds input back meanwhile, as for a busy sink writer, so the operator never needs
   * an unbounded queue; operators without it cost the task nothing.
   */
  isAvailable?(): Promise<void> | undefined;
}

/** An operator with one input. */
export interface OneInputStreamOperator<IN, OUT> extends StreamOperator<OUT> {
  processElement(value: IN, timestamp: number): void;
}

/** An operator with two inputs (connected streams, joins). */
export interface TwoInputStreamOperator<IN1, IN2, OUT> extends StreamOperator<OUT> {
  processElement1(value: IN1, timestamp: number): void;
  processElement2(value: IN2, timestamp: number): void;
}

/** Either kind of operator. */
export type AnyStreamOperator = OneInputStreamOperator<any, any> | TwoInputStreamOperator<any, any, any>;

/** True for two-input operators. */
export function isTwoInput(
  op: StreamOperator<unknown>,
): op is TwoInputStreamOperator<unknown, unknown, unknown> {
  return typeof (op as TwoInputStreamOperator<unknown, unknown, unknown>).processElement1 === 'function';
}

/**
 * Defaults for the operator contract. Watermarks advance the keyed timer services (firing due
 * event-time timers) and are then forwarded; for two inputs the minimum of both is used, and an
 * idle input is left out of the minimum until it becomes active again.
 */
export abstract class AbstractStreamOperator<OUT> implements StreamOperator<OUT> {
  protected output!: Output<OUT>;
  protected setupInfo!: OperatorSetup<OUT>;
  protected currentWatermark = Number.NEGATIVE_INFINITY;
  private readonly inputWatermarks = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  private readonly inputIdle = [false, false];
  private outputIdle = false;

  /** Number of inputs; two-input operators override it. */
  protected get inputCount(): number {
    return 1;
  }

  setup(setup: OperatorSetup<OUT>): void {
    this.setupInfo = setup;
    this.output = setup.output;
  }

  open(): void {}

  /** The keyed backend; throws a clear error when the operator is not keyed. */
  protected get keyedBackend(): KeyedStateBackend {
    const backend = this.setupInfo.keyedBackend;
    if (backend === undefined)
      throw new Error(`operator ${this.setupInfo.name} needs a keyed input; call keyBy first`);
    return backend;
  }

  /** A named timer service; keyed operators only. */
  protected getTimerService<N extends Namespace>(
    name: string,
    triggerable: Triggerable<N>,
  ): InternalTimerService<N> {
    const manager = this.setupInfo.timeServiceManager;
    if (manager === undefined)
      throw new Error(`operator ${this.setupInfo.name} needs a keyed input for timers`);
    return manager.getInternalTimerService(name, triggerable);
  }

  processWatermark(watermark: number, input: number): void {
    if (this.inputCount === 1) {
      this.advanceWatermark(watermark);
      return;
    }
    const i = input - 1;
    this.inputWatermarks[i] = watermark;
    this.inputIdle[i] = false;
    this.advanceWatermark(this.combinedWatermark());
  }

  processWatermarkStatus(idle: boolean, input: number): void {
    if (this.inputCount === 1) {
      this.setOutputIdle(idle);
      return;
    }
    this.inputIdle[input - 1] = idle;
    const allIdle = this.inputIdle[0] && this.inputIdle[1];
    if (!idle || allIdle) this.setOutputIdle(allIdle);
    // An input going idle may release the other input's watermark.
    if (idle && !allIdle) this.advanceWatermark(this.combinedWatermark());
  }

  private combinedWatermark(): number {
    if (this.inputIdle[0]) return this.inputWatermarks[1]!;
    if (this.inputIdle[1]) return this.inputWatermarks[0]!;
    return Math.min(this.inputWatermarks[0]!, this.inputWatermarks[1]!);
  }

  private setOutputIdle(idle: boolean): void {
    if (idle === this.outputIdle) return;
    this.outputIdle = idle;
    this.output.emitWatermarkStatus(idle);
  }

  /** Fires due event-time timers, then forwards the watermark. Only ever moves forward. */
  protected advanceWatermark(watermark: number): void {
    if (watermark <= this.currentWatermark) return;
    this.currentWatermark = watermark;
    this.setupInfo.timeServiceManager?.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  endInput(_input: number): void {}
  finish(): void | Promise<void> {}
  close(): void | Promise<void> {}
}
