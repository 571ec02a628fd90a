/**
 * The bundle trigger shared by the mini-batch SQL aggregates, as Flink's MiniBatch
 * aggregation: elements are buffered per key in memory and handed over as one bundle when
 * `size` elements are buffered, `allow-latency` of processing time has passed since the
 * bundle's first element, a watermark arrives, the input ends, or a checkpoint barrier
 * arrives. The bundle is plain memory, never state: it is always empty when the task takes a
 * checkpoint (see {@link MiniBatchOperator.prepareSnapshotPreBarrier}), so a restore neither
 * loses nor replays a buffered element.
 */
import {
  AbstractStreamOperator,
  type OneInputStreamOperator,
  type ProcessingTimeService,
} from '../../../runtime/operator.js';
import { canonicalKey } from '../../../state/key-groups.js';
import { compoundKey } from '../compact-keys.js';

/** How big a bundle may grow and how long it may wait. */
export interface MiniBatchOptions {
  /** `table.exec.mini-batch.allow-latency` in milliseconds; > 0. */
  readonly latencyMs: number;
  /** `table.exec.mini-batch.size`: elements buffered before the bundle is closed; >= 1. */
  readonly size: number;
}

/**
 * The Map key of a group within a bundle: equal for equal group keys, as {@link canonicalKey},
 * but an array key (several group columns) becomes one {@link compoundKey} string instead of
 * its canonical serialization, which a bundle would pay once per row.
 */
export function bundleKey(key: unknown): unknown {
  if (Array.isArray(key)) return compoundKey(key);
  return typeof key === 'object' && key !== null ? canonicalKey(key) : key;
}

/**
 * Closes a bundle by its own two rules, `size` buffered elements and `allow-latency` since its
 * first one; the operator owning it closes it for the other reasons (watermark, end, barrier),
 * and calls {@link reset} whenever it processes the bundle.
 */
export class BundleTrigger {
  private buffered = 0;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly options: MiniBatchOptions,
    private readonly time: () => ProcessingTimeService,
    private readonly closeBundle: () => void,
  ) {}

  /** Whether the bundle holds nothing. */
  get empty(): boolean {
    return this.buffered === 0;
  }

  /**
   * Counts `count` more elements (negative when a retraction cancelled a buffered element), and
   * closes the bundle once it is full, or else makes sure its latency timer is running.
   */
  added(count: number): void {
    this.buffered += count;
    if (this.buffered >= this.options.size) {
      this.closeBundle();
      return;
    }
    if (this.cancelTimer === undefined) this.startTimer();
  }

  // Apart from `added`, which runs per element: a function that makes a closure over `this`
  // allocates a context for it on every call, whether or not the closure is made.
  private startTimer(): void {
    const time = this.time();
    this.cancelTimer = time.schedule(time.now() + this.options.latencyMs, () => {
      this.cancelTimer = undefined;
      this.closeBundle();
    });
  }

  /** Stops the latency timer and counts the bundle empty, as it is about to be processed. */
  reset(): void {
    this.dispose();
    this.buffered = 0;
  }

  /** Stops the latency timer for good (the operator closes). */
  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}

/**
 * A one-input operator that buffers its input in bundles and processes each bundle at once.
 * Subclasses add an element to the bundle in {@link addToBundle} and process and empty it in
 * {@link finishBundle}; this class decides when.
 */
export abstract class MiniBatchOperator<IN, OUT>
  extends AbstractStreamOperator<OUT>
  implements OneInputStreamOperator<IN, OUT>
{
  private readonly trigger: BundleTrigger;

  constructor(protected readonly miniBatch: MiniBatchOptions) {
    super();
    this.trigger = new BundleTrigger(
      miniBatch,
      () => this.setupInfo.processingTime,
      () => this.flush(),
    );
  }

  /** Adds one element to the open bundle. */
  protected abstract addToBundle(element: IN): void;
  /** Processes the bundle's elements and empties it; called only when it holds some. */
  protected abstract finishBundle(): void;

  processElement(value: IN, _timestamp: number): void {
    this.addToBundle(value);
    this.trigger.added(1);
  }

  /** Closes the open bundle now, if it holds anything. */
  protected flush(): void {
    const empty = this.trigger.empty;
    this.trigger.reset();
    if (!empty) this.finishBundle();
  }

  // Results of the rows before a watermark go out ahead of it, as without mini-batch.
  override processWatermark(watermark: number, input: number): void {
    this.flush();
    super.processWatermark(watermark, input);
  }

  override endInput(input: number): void {
    this.flush();
    super.endInput(input);
  }

  override finish(): void {
    this.flush();
  }

  prepareSnapshotPreBarrier(_checkpointId: number): void {
    this.flush();
  }

  override close(): void {
    this.trigger.dispose();
  }
}
