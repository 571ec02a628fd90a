/**
 * Operator test harnesses in the style of Flink's KeyedOneInputStreamOperatorTestHarness: drive
 * an operator by hand with elements, watermarks and processing time, and inspect what it emits,
 * its keyed state and its timers. Keyed harnesses use the heap state backend and the heap timer
 * service, own all key groups by default (maxParallelism 128), and make the element's key
 * current before `processElement`, exactly as the runtime does.
 *
 * @example
 * const h = new KeyedOneInputStreamOperatorTestHarness(op, (e: Bid) => e.auction);
 * h.open();
 * h.processElement(bid, 1000);
 * h.processWatermark(5000);
 * expect(h.extractOutputValues()).toEqual([...]);
 */
import { HeapKeyedStateBackend } from '../../state/heap/heap-backend.js';
import { keyGroupRangeForSubtask } from '../../state/key-groups.js';
import { createTimeServiceManager } from '../../state/timer-service.js';
import type { InternalTimerService, TimeServiceManager } from '../../state/timers.js';
import { NO_TIMESTAMP } from '../../types/elements.js';
import type { KeySelector, OutputTag } from '../../types/functions.js';
import type {
  OneInputStreamOperator,
  OperatorSetup,
  RuntimeMode,
  StreamOperator,
  TwoInputStreamOperator,
} from '../operator.js';
import { CollectingOutput, type OutputElement, type StreamRecordOutput } from './output-collector.js';
import { ManualProcessingTime } from './manual-processing-time.js';

/** Options of every harness; a plain number is taken as `maxParallelism`. */
export interface HarnessOptions {
  /** Defaults to 128; the harness owns the key groups of `subtaskIndex` out of `parallelism`. */
  readonly maxParallelism?: number;
  readonly parallelism?: number;
  readonly subtaskIndex?: number;
  readonly initialProcessingTime?: number;
  readonly runtimeMode?: RuntimeMode;
  readonly name?: string;
  /** The checkpoint the operator is restored from, as its setup tells it; none by default. */
  readonly restoredCheckpointId?: number;
}

/**
 * What all harnesses share: setup, output collection, the manual clock, and lifecycle.
 * Gotcha: call `open()` first (the process methods do it for you if you forget).
 */
export abstract class AbstractOperatorTestHarness<OUT> {
  readonly output = new CollectingOutput<OUT>();
  readonly processingTime: ManualProcessingTime;
  /** Present for keyed harnesses. */
  readonly keyedBackend: HeapKeyedStateBackend | undefined;
  readonly timeServiceManager: TimeServiceManager | undefined;
  private readonly timerServices: InternalTimerService<any>[] = [];
  private opened = false;
  private closed = false;

  protected constructor(
    protected readonly op: StreamOperator<OUT>,
    keyed: boolean,
    optionsOrMaxParallelism: HarnessOptions | number,
  ) {
    const options: HarnessOptions =
      typeof optionsOrMaxParallelism === 'number'
        ? { maxParallelism: optionsOrMaxParallelism }
        : optionsOrMaxParallelism;
    const maxParallelism = options.maxParallelism ?? 128;
    const parallelism = options.parallelism ?? 1;
    const subtaskIndex = options.subtaskIndex ?? 0;
    this.processingTime = new ManualProcessingTime(options.initialProcessingTime ?? 0);
    if (keyed) {
      const clock = this.processingTime;
      this.keyedBackend = new HeapKeyedStateBackend({
        maxParallelism,
        keyGroupRange: keyGroupRangeForSubtask(maxParallelism, parallelism, subtaskIndex),
        now: () => clock.now(),
      });
      this.timeServiceManager = this.countingManager(createTimeServiceManager(this.keyedBackend, clock));
      this.processingTime.managers.push(this.timeServiceManager);
    }
    const setup: OperatorSetup<OUT> = {
      name: options.name ?? 'operator-under-test',
      uid: options.name ?? 'operator-under-test',
      subtaskIndex,
      parallelism,
      maxParallelism,
      attemptNumber: 0,
      attemptId: 'test-attempt',
      restoredCheckpointId: options.restoredCheckpointId,
      output: this.output,
      keyedBackend: this.keyedBackend,
      timeServiceManager: this.timeServiceManager,
      processingTime: this.processingTime,
      runtimeMode: options.runtimeMode ?? 'streaming',
      autoWatermarkInterval: 0,
    };
    op.setup(setup);
  }

  /** Wraps the manager so the harness can count the timers of every service the operator uses. */
  private countingManager(inner: TimeServiceManager): TimeServiceManager {
    const services = this.timerServices;
    return {
      getInternalTimerService(name, triggerable) {
        const s = inner.getInternalTimerService(name, triggerable);
        if (!services.includes(s)) services.push(s);
        return s;
      },
      advanceWatermark: (w) => inner.advanceWatermark(w),
      onProcessingTime: (t) => inner.onProcessingTime(t),
      currentWatermark: () => inner.currentWatermark(),
      snapshotKeyGroups: () => inner.snapshotKeyGroups(),
      restoreKeyGroup: (keyGroup, data) => inner.restoreKeyGroup(keyGroup, data),
    };
  }

  /** Opens the operator; idempotent. */
  open(): void {
    if (this.opened) return;
    this.opened = true;
    this.op.open();
  }

  protected ensureOpen(): void {
    if (!this.opened) this.open();
  }

  /** Moves processing time to `time`, firing due processing-time timers and scheduled callbacks. */
  setProcessingTime(time: number): void {
    this.ensureOpen();
    this.processingTime.advanceTo(time);
  }

  getProcessingTime(): number {
    return this.processingTime.now();
  }

  /** Everything on the main output, in order: records `{value, timestamp}`, `{watermark}`, `{idle}`. */
  getOutput(): OutputElement<OUT>[] {
    return this.output.elements.slice();
  }

  /** The records of the main output. */
  getRecordOutput(): StreamRecordOutput<OUT>[] {
    return this.output.records();
  }

  /** The values of the main output's records. */
  extractOutputValues(): OUT[] {
    return this.output.records().map((r) => r.value);
  }

  /** The records emitted to a side output. */
  getSideOutput<X>(tag: OutputTag<X>): StreamRecordOutput<X>[] {
    return this.output.side(tag);
  }

  /** Forgets the output collected so far. */
  clearOutput(): void {
    this.output.clear();
  }

  /** Registered event-time timers over all of the operator's timer services. */
  numEventTimeTimers(): number {
    let n = 0;
    for (const s of this.timerServices) n += s.numEventTimeTimers();
    return n;
  }

  /** Registered processing-time timers over all of the operator's timer services. */
  numProcessingTimeTimers(): number {
    let n = 0;
    for (const s of this.timerServices) n += s.numProcessingTimeTimers();
    return n;
  }

  /** Number of (key, namespace) state entries; 0 for non-keyed harnesses. */
  numKeyedStateEntries(): number {
    return this.keyedBackend?.numEntries() ?? 0;
  }

  /** Calls `finish` on the operator (after the subclass signalled end of input). */
  protected finishOperator(): void | Promise<void> {
    return this.op.finish();
  }

  /** Closes the operator and releases the backend; returns a promise if the operator's close does. */
  close(): void | Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const result = this.op.close();
    if (result instanceof Promise) return result.then(() => this.keyedBackend?.dispose());
    this.keyedBackend?.dispose();
  }
}

/** Makes the key of `value` current, for keyed harnesses. */
function withKey<T>(
  backend: HeapKeyedStateBackend | undefined,
  selector: KeySelector<T, unknown> | undefined,
  value: T,
): void {
  if (backend !== undefined && selector !== undefined) backend.setCurrentKey(selector(value));
}

/** Drives a one-input operator; keyed when a key selector is given. */
export class OneInputStreamOperatorTestHarness<IN, OUT> extends AbstractOperatorTestHarness<OUT> {
  constructor(
    readonly operator: OneInputStreamOperator<IN, OUT>,
    private readonly keySelector?: KeySelector<IN, unknown>,
    options: HarnessOptions | number = {},
  ) {
    super(operator, keySelector !== undefined, options);
  }

  /** Processes one element; `timestamp` defaults to NO_TIMESTAMP. */
  processElement(value: IN, timestamp: number = NO_TIMESTAMP): void {
    this.ensureOpen();
    withKey(this.keyedBackend, this.keySelector, value);
    this.operator.processElement(value, timestamp);
  }

  /** Processes a watermark: due event-time timers fire, then it is forwarded. */
  processWatermark(watermark: number): void {
    this.ensureOpen();
    this.operator.processWatermark(watermark, 1);
  }

  /** Marks the input idle or active. */
  processWatermarkStatus(idle: boolean): void {
    this.ensureOpen();
    this.operator.processWatermarkStatus(idle, 1);
  }

  /** Ends the input: `endInput(1)` then `finish()`. */
  endInput(): void | Promise<void> {
    this.ensureOpen();
    this.operator.endInput(1);
    return this.finishOperator();
  }
}

/** A keyed one-input harness; the key selector is required. */
export class KeyedOneInputStreamOperatorTestHarness<IN, OUT, K> extends OneInputStreamOperatorTestHarness<
  IN,
  OUT
> {
  constructor(
    operator: OneInputStreamOperator<IN, OUT>,
    keySelector: KeySelector<IN, K>,
    options: HarnessOptions | number = {},
  ) {
    super(operator, keySelector, options);
  }
}

/** Drives a two-input operator; keyed when both key selectors are given. */
export class TwoInputOperatorTestHarness<IN1, IN2, OUT> extends AbstractOperatorTestHarness<OUT> {
  constructor(
    readonly operator: TwoInputStreamOperator<IN1, IN2, OUT>,
    private readonly keySelector1?: KeySelector<IN1, unknown>,
    private readonly keySelector2?: KeySelector<IN2, unknown>,
    options: HarnessOptions | number = {},
  ) {
    super(operator, keySelector1 !== undefined && keySelector2 !== undefined, options);
  }

  processElement1(value: IN1, timestamp: number = NO_TIMESTAMP): void {
    this.ensureOpen();
    withKey(this.keyedBackend, this.keySelector1, value);
    this.operator.processElement1(value, timestamp);
  }

  processElement2(value: IN2, timestamp: number = NO_TIMESTAMP): void {
    this.ensureOpen();
    withKey(this.keyedBackend, this.keySelector2, value);
    this.operator.processElement2(value, timestamp);
  }

  processWatermark1(watermark: number): void {
    this.ensureOpen();
    this.operator.processWatermark(watermark, 1);
  }

  processWatermark2(watermark: number): void {
    this.ensureOpen();
    this.operator.processWatermark(watermark, 2);
  }

  processWatermarkStatus1(idle: boolean): void {
    this.ensureOpen();
    this.operator.processWatermarkStatus(idle, 1);
  }

  processWatermarkStatus2(idle: boolean): void {
    this.ensureOpen();
    this.operator.processWatermarkStatus(idle, 2);
  }

  /** Ends input 1 or 2; after both ended, `finish()` is called. */
  endInput1(): void | Promise<void> {
    return this.end(1);
  }

  endInput2(): void | Promise<void> {
    return this.end(2);
  }

  private readonly ended = [false, false];
  private end(input: 1 | 2): void | Promise<void> {
    this.ensureOpen();
    if (this.ended[input - 1]) return;
    this.ended[input - 1] = true;
    this.operator.endInput(input);
    if (this.ended[0] && this.ended[1]) return this.finishOperator();
  }
}
