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

/** Marks a buffered row that a later retraction cancelled. */
const CANCELLED: Row = Object.freeze({});

/** Room for `needed` entries: the array itself, or a copy twice as long. */
function grown<A extends Int32Array | Float64Array>(array: A, needed: number): A {
  if (needed <= array.length) return array;
  const bigger = new (array.constructor as new (length: number) => A)(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

/**
 * One side's part of the open bundle: its rows by join key, in arrival order. The rows and
 * their timestamps sit in flat arrays in arrival order, each row linked to its key's next, and
 * each key (in order of first arrival) has the slot of its first and last row; the arrays are
 * kept for the next bundle. A bundle then costs a map entry per key and nothing per row, where
 * an object and two growing arrays per key, and a rows array grown anew per bundle, cost 46 MB
 * of allocation per million Nexmark q20 events (1,650 keys and 30,700 rows per bundle).
 */
class SideBundle {
  /** Each key's index among `keys`, by its bundle key. */
  private readonly index = new Map<unknown, number>();
  /** Per key: the key, its first and last row's slots, and how many of its rows are live. */
  readonly keys: unknown[] = [];
  first = new Int32Array(64);
  private last = new Int32Array(64);
  live = new Int32Array(64);
  /** Per row slot: the row (or {@link CANCELLED}), its timestamp, the next slot of its key (-1: none). */
  rows: Row[] = [];
  private size = 0;
  times = new Float64Array(256);
  next = new Int32Array(256);

  /** Whether the bundle holds no key. */
  get isEmpty(): boolean {
    return this.keys.length === 0;
  }

  /**
   * Adds an element; a retraction whose equal accumulation is buffered cancels that instead.
   * Returns how many elements the bundle holds more (1, or -1 for a cancelled pair).
   */
  add(key: unknown, element: Row, timestamp: number, rowKey: ((row: Row) => unknown) | undefined): number {
    const id = bundleKey(key);
    let k = this.index.get(id);
    if (k !== undefined && rowKey !== undefined) {
      const change = element as unknown as ChangelogRow;
      if ((change.kind === '-D' || change.kind === '-U') && this.cancelLatest(k, rowKey, rowKey(change.row)))
        return -1;
    }
    const slot = this.size++;
    if (slot === this.times.length) {
      this.times = grown(this.times, slot + 1);
      this.next = grown(this.next, slot + 1);
    }
    if (slot === this.rows.length) this.rows.push(element);
    else this.rows[slot] = element;
    this.times[slot] = timestamp;
    this.next[slot] = -1;
    if (k === undefined) {
      k = this.keys.length;
      if (k === this.first.length) {
        this.first = grown(this.first, k + 1);
        this.last = grown(this.last, k + 1);
        this.live = grown(this.live, k + 1);
      }
      this.index.set(id, k);
      this.keys.push(key);
      this.first[k] = slot;
      this.live[k] = 0;
    } else this.next[this.last[k]!] = slot;
    this.last[k] = slot;
    this.live[k]!++;
    return 1;
  }

  /** Cancels key `k`'s latest live accumulation whose row is `target` by `rowKey`; false if none. */
  private cancelLatest(k: number, rowKey: (row: Row) => unknown, target: unknown): boolean {
    let found = -1;
    for (let slot = this.first[k]!; slot !== -1; slot = this.next[slot]!) {
      const earlier = this.rows[slot] as unknown as ChangelogRow | typeof CANCELLED;
      if (earlier === CANCELLED) continue;
      const change = earlier as ChangelogRow;
      if ((change.kind === '+I' || change.kind === '+U') && rowKey(change.row) === target) found = slot;
    }
    if (found === -1) return false;
    this.rows[found] = CANCELLED;
    this.live[k]!--;
    return true;
  }

  /** Empties the bundle, keeping its arrays for the next one; the rows are let go. */
  clear(): void {
    this.index.clear();
    this.keys.length = 0;
    // The array keeps its length for the next bundle, without holding on to the rows.
    this.rows.fill(CANCELLED, 0, this.size);
    this.size = 0;
  }
}

/** Runs a {@link RegularJoinFunction} over bundles of both inputs; see the module comment. */
export class MiniBatchJoinOperator extends CoProcessOperator<Row, Row, Row> {
  private left = new SideBundle();
  private right = new SideBundle();
  /** The bundles of the flush before, emptied, which the next flush takes up. */
  private spareLeft: SideBundle | undefined;
  private spareRight: SideBundle | undefined;
  /**
   * The run being joined: its rows and their timestamps, by the rows' order, kept for the next
   * run (the join gathers the rows it keeps at the front, and state copies them out); how many
   * slots of `runRows` a run of this bundle used; and a callback that stamps a row's results.
   */
  private readonly runRows: Row[] = [];
  private runTimes = new Float64Array(64);
  private runRowsUsed = 0;
  private readonly prepareRunRow = (r: number) => this.prepare(this.runTimes[r]!);
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
    if (this.left.isEmpty && this.right.isEmpty) return;
    const left = this.left;
    const right = this.right;
    // Other bundles first: an output that ends up back here (it cannot, but a timer could fire
    // while a bundle is processed) must not see a half-processed one. The spares are taken
    // while in use, so such a nested flush would make new ones.
    this.left = this.spareLeft ?? new SideBundle();
    this.right = this.spareRight ?? new SideBundle();
    this.spareLeft = undefined;
    this.spareRight = undefined;
    const current = this.keyedBackend.getCurrentKey();
    if (this.leftFirst) {
      this.processSide(left, true);
      this.processSide(right, false);
    } else {
      this.processSide(right, false);
      this.processSide(left, true);
    }
    if (current !== undefined) this.keyedBackend.setCurrentKey(current);
    // The runs' rows are let go (those kept are in state, the others may be garbage).
    this.runRows.fill(CANCELLED, 0, this.runRowsUsed);
    this.runRowsUsed = 0;
    left.clear();
    right.clear();
    this.spareLeft = left;
    this.spareRight = right;
  }

  private processSide(side: SideBundle, isLeft: boolean): void {
    const join = this.join;
    const backend = this.keyedBackend;
    const { keys, first, live, rows, times, next } = side;
    for (let k = 0; k < keys.length; k++) {
      const count = live[k]!;
      if (count === 0) continue;
      backend.setCurrentKey(keys[k]);
      // A run of one row gains nothing from being joined as a run.
      if (count > 1) {
        const run = this.runRows;
        this.runTimes = grown(this.runTimes, count);
        let r = 0;
        for (let slot = first[k]!; slot !== -1; slot = next[slot]!) {
          if (rows[slot] === CANCELLED) continue;
          if (r === run.length) run.push(rows[slot]!);
          else run[r] = rows[slot]!;
          this.runTimes[r++] = times[slot]!;
        }
        if (r > this.runRowsUsed) this.runRowsUsed = r;
        if (join.processRun(run, r, isLeft, this.ctx as never, this.collector, this.prepareRunRow)) continue;
      }
      for (let slot = first[k]!; slot !== -1; slot = next[slot]!) {
        const row = rows[slot]!;
        if (row === CANCELLED) continue;
        this.prepare(times[slot]!);
        if (isLeft) join.processElement1(row, this.ctx as never, this.collector);
        else join.processElement2(row, this.ctx as never, this.collector);
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
