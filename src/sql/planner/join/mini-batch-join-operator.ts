/**
 * The regular join with `table.exec.mini-batch.enabled` (Flink's MiniBatchStreamingJoinOperator):
 * each input's rows are gathered per join key for a bundle, and the bundle is processed key by
 * key, one side at a time, when it holds `size` rows, `allow-latency` of processing time has
 * passed since its first row, the combined watermark of both inputs advances, both inputs have ended, or before a
 * checkpoint's barrier (one input's end does not close it: the other's rows may still come into
 * the bundle, as in Flink). The bundle is plain memory, never state: it is empty whenever a snapshot is taken, so
 * a restore neither loses nor replays a buffered row.
 *
 * Within a bundle a retraction cancels an equal accumulation of the same side and key that is
 * still buffered (`+I r` then `-D r`, a `+U` then its `-U`): the pair would add and remove the
 * same row, and the join's final result depends only on the rows each side holds. The order in
 * which the sides are processed follows Flink: the non-outer side of a left or right join first
 * (its matches are then stored when the outer side's rows arrive, which spares the padded rows
 * and their retractions), the right side first otherwise. A side whose rows are plain (insert-only
 * and not outer) is processed a key's run at a time (`RegularJoinFunction.processRun`): one read
 * of the other side's rows and one write of its own for all of the key's rows in the bundle.
 */
import { CoProcessOperator } from '../../../runtime/operators/process-operators.js';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../changelog.js';
import { BundleTrigger, bundleKey, type MiniBatchOptions } from '../../runtime/aggregate/mini-batch.js';
import type { RegularJoinFunction } from './join-function.js';

/** One side's buffered rows of one join key, in arrival order, with their timestamps. */
type KeyRun = { key: unknown; elements: Row[]; timestamps: number[] };

/** One side's part of the open bundle: its rows by join key. */
class SideBundle {
  readonly runs = new Map<unknown, KeyRun>();

  /**
   * Adds an element; a retraction whose equal accumulation is buffered removes that instead.
   * Returns how many elements the bundle holds more (1, or -1 for a cancelled pair).
   */
  add(key: unknown, element: Row, timestamp: number, rowKey: ((row: Row) => unknown) | undefined): number {
    const id = bundleKey(key);
    let run = this.runs.get(id);
    if (run === undefined) {
      run = { key, elements: [], timestamps: [] };
      this.runs.set(id, run);
    }
    if (rowKey !== undefined) {
      const change = element as unknown as ChangelogRow;
      if (change.kind === '-D' || change.kind === '-U') {
        const target = rowKey(change.row);
        const { elements } = run;
        for (let i = elements.length - 1; i >= 0; i--) {
          const earlier = elements[i] as unknown as ChangelogRow;
          if ((earlier.kind === '+I' || earlier.kind === '+U') && rowKey(earlier.row) === target) {
            elements.splice(i, 1);
            run.timestamps.splice(i, 1);
            return -1;
          }
        }
      }
    }
    run.elements.push(element);
    run.timestamps.push(timestamp);
    return 1;
  }
}

/** Runs a {@link RegularJoinFunction} over bundles of both inputs; see the module comment. */
export class MiniBatchJoinOperator extends CoProcessOperator<Row, Row, Row> {
  private left = new SideBundle();
  private right = new SideBundle();
  private readonly trigger: BundleTrigger;

  /**
   * `leftRowKey`/`rightRowKey`: equal strings for equal rows of a changelog side (undefined for
   * an insert-only side, which has nothing to fold); `leftFirst`: which side a bundle processes
   * first.
   */
  constructor(
    fn: RegularJoinFunction,
    miniBatch: MiniBatchOptions,
    private readonly leftRowKey: ((row: Row) => unknown) | undefined,
    private readonly rightRowKey: ((row: Row) => unknown) | undefined,
    private readonly leftFirst: boolean,
  ) {
    super(fn, true);
    this.trigger = new BundleTrigger(
      miniBatch,
      () => this.setupInfo.processingTime,
      () => this.flush(),
    );
  }

  private get join(): RegularJoinFunction {
    return this.userFunction as RegularJoinFunction;
  }

  override processElement1(value: Row, timestamp: number): void {
    this.buffer(this.left, value, timestamp, this.leftRowKey);
  }

  override processElement2(value: Row, timestamp: number): void {
    this.buffer(this.right, value, timestamp, this.rightRowKey);
  }

  private buffer(
    side: SideBundle,
    value: Row,
    timestamp: number,
    rowKey: ((row: Row) => unknown) | undefined,
  ): void {
    this.trigger.added(side.add(this.keyedBackend.getCurrentKey(), value, timestamp, rowKey));
  }

  /** Processes and empties the open bundle. */
  private flush(): void {
    this.trigger.reset();
    if (this.left.runs.size === 0 && this.right.runs.size === 0) return;
    const left = this.left;
    const right = this.right;
    // Fresh bundles first: an output that ends up back here (it cannot, but a timer could fire
    // while a bundle is processed) must not see a half-processed one.
    this.left = new SideBundle();
    this.right = new SideBundle();
    const current = this.keyedBackend.getCurrentKey();
    if (this.leftFirst) {
      this.processSide(left, true);
      this.processSide(right, false);
    } else {
      this.processSide(right, false);
      this.processSide(left, true);
    }
    if (current !== undefined) this.keyedBackend.setCurrentKey(current);
  }

  private processSide(side: SideBundle, isLeft: boolean): void {
    const join = this.join;
    const backend = this.keyedBackend;
    for (const { key, elements, timestamps } of side.runs.values()) {
      if (elements.length === 0) continue;
      backend.setCurrentKey(key);
      // A run of one row gains nothing from being joined as a run.
      if (
        elements.length > 1 &&
        join.processRun(elements, isLeft, this.ctx as never, this.collector, (i) =>
          this.prepare(timestamps[i]!),
        )
      )
        continue;
      for (let i = 0; i < elements.length; i++) {
        this.prepare(timestamps[i]!);
        if (isLeft) join.processElement1(elements[i]!, this.ctx as never, this.collector);
        else join.processElement2(elements[i]!, this.ctx as never, this.collector);
      }
    }
  }

  // Results of the rows before a watermark go out ahead of it, as without mini-batch; a
  // watermark of one input that leaves the combined one where it was closes nothing.
  protected override advanceWatermark(watermark: number): void {
    if (watermark > this.currentWatermark) this.flush();
    super.advanceWatermark(watermark);
  }

  override finish(): void {
    this.flush();
    super.finish();
  }

  /** The bundle is processed before the barrier passes: a snapshot never holds buffered rows. */
  prepareSnapshotPreBarrier(): void {
    this.flush();
  }

  override close(): void {
    this.trigger.dispose();
    super.close();
  }
}
