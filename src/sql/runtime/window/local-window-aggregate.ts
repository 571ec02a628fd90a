/**
 * The local phase of a two-phase window aggregate (Flink's LocalWindowAggregate), for event-time
 * TUMBLE, HOP and CUMULATE windows whose calls all merge. It runs before the shuffle, unkeyed,
 * and folds the rows of each group into one accumulator list per slice: the pieces of time
 * that every window of the TVF either holds whole or not at all (the window itself for TUMBLE,
 * gcd(size, slide) for HOP, the step for CUMULATE). It holds no state: a slice's partials go
 * downstream, stamped with the slice's last millisecond, just before the watermark that passes
 * that millisecond, and all of them before a checkpoint barrier, at the end of input and when
 * the input goes idle. The global phase (the one-phase window operator driven by
 * {@link partialMerger}) merges them into its windows as it would have added the rows.
 *
 * Rows are never dropped here: the global phase judges lateness against the watermark of all its
 * inputs, which may trail this subtask's. A row whose slice this subtask's watermark has passed
 * already goes on at once, as a partial of its own, so it reaches the global phase between the
 * same watermarks as in the one-phase plan, and is dropped there exactly when that plan drops it;
 * a buffered partial arrives before the watermark that would make it late.
 */
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import { requireTimestamp } from '../../../windowing/assigner.js';
import { TimeWindow } from '../../../windowing/windows.js';
import type { AccumulatorList } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import type { WindowSpec } from '../../planner/window/window-nodes.js';
import { columnsKey } from '../compact-keys.js';
import type { MergingWindowAccumulators } from './hop-slices-operator.js';

/** One group's pre-aggregated rows of one slice, as the local phase sends it. */
export interface PartialWindowAggregate {
  /** The group's key columns (and nothing else), which the global phase is keyed by. */
  readonly keys: Row;
  /** The accumulator list of the window aggregate function (its key slot included). */
  readonly accs: AccumulatorList;
}

/** How time is cut into slices: `size` ms starting at `offset` mod `size`. */
export interface Slices {
  readonly size: number;
  readonly offset: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The slices of an event-time TUMBLE, HOP or CUMULATE window; undefined for SESSION. */
export function slicesOf(window: WindowSpec): Slices | undefined {
  switch (window.kind) {
    case 'TUMBLE':
      return { size: window.size, offset: window.offset % window.size };
    case 'HOP': {
      const size = gcd(window.size, window.slide);
      return { size, offset: window.offset % size };
    }
    case 'CUMULATE':
      return { size: window.step, offset: window.offset % window.step };
    case 'SESSION':
      return undefined;
  }
}

/**
 * The global phase's aggregate function over partials: a partial merges into the window's list
 * as its rows would have been added; `fn` is the window aggregate function of the one-phase plan.
 */
export function partialMerger(fn: MergingWindowAccumulators): MergingWindowAccumulators & {
  getResult(accs: AccumulatorList): AccumulatorList;
} {
  return {
    createAccumulator: () => fn.createAccumulator(),
    add: (partial, accs) => fn.merge(accs, (partial as unknown as PartialWindowAggregate).accs),
    merge: (a, b) => fn.merge(a, b),
    getResult: (accs) => accs,
  };
}

type LocalGroup = { keys: Row; accs: AccumulatorList };

/**
 * The local phase of a window aggregate: rows in, one {@link PartialWindowAggregate} per group
 * and slice out. Create one per subtask.
 *
 * @example
 * new LocalWindowAggregateOperator({ size: 10_000, offset: 0 }, ['auction'], fn);
 */
export class LocalWindowAggregateOperator
  extends AbstractStreamOperator<PartialWindowAggregate>
  implements OneInputStreamOperator<Row, PartialWindowAggregate>
{
  /** The open slices by their end, each with its groups in order of their first rows. */
  private readonly pending = new Map<number, Map<unknown, LocalGroup>>();
  private readonly keyRow: (row: Row) => Row;
  private readonly keyOf: (row: Row) => unknown;
  /** The slice end, group id and group of the last row buffered; NaN matches no end. */
  private lastEnd = Number.NaN;
  private lastId: unknown;
  private lastGroup: LocalGroup | undefined;
  /** The earliest end in {@link pending}; infinite while it is empty. */
  private firstEnd = Number.POSITIVE_INFINITY;
  /** Whether the input is idle (see {@link processWatermarkStatus}). */
  private idle = false;

  constructor(
    private readonly slices: Slices,
    groupKeys: readonly string[],
    private readonly aggregate: MergingWindowAccumulators,
  ) {
    super();
    const fields = groupKeys.map((c) => `${JSON.stringify(c)}: row[${JSON.stringify(c)}] ?? null`);
    this.keyRow = new Function('row', `return { ${fields.join(', ')} };`) as (row: Row) => Row;
    this.keyOf = columnsKey(groupKeys);
  }

  processElement(row: Row, timestamp: number): void {
    requireTimestamp(timestamp, 'LocalWindowAggregate');
    const { size, offset } = this.slices;
    const end = TimeWindow.getWindowStartWithOffset(timestamp, offset, size) + size;
    if (end - 1 <= this.currentWatermark || this.idle) {
      // Behind this subtask's watermark, or with its input idle (so not holding the global
      // phase's watermark back): on at once, for the global phase to judge.
      const accs = this.aggregate.add(row, this.aggregate.createAccumulator());
      this.output.collect({ keys: this.keyRow(row), accs }, end - 1);
      return;
    }
    const id = this.keyOf(row);
    // Rows of one slice and group often come in runs (a global aggregate's are all one group).
    if (end === this.lastEnd && id === this.lastId) {
      this.aggregate.add(row, this.lastGroup!.accs);
      return;
    }
    let groups = this.pending.get(end);
    if (groups === undefined) {
      groups = new Map();
      this.pending.set(end, groups);
      if (end < this.firstEnd) this.firstEnd = end;
    }
    let group = groups.get(id);
    if (group === undefined) {
      group = { keys: this.keyRow(row), accs: this.aggregate.createAccumulator() };
      groups.set(id, group);
    }
    this.lastEnd = end;
    this.lastId = id;
    this.lastGroup = group;
    this.aggregate.add(row, group.accs);
  }

  /** Emits the partials of the slices ending at or before `watermark` + 1, earliest first. */
  private flush(watermark: number): void {
    // Watermarks come far more often than slices end: most find nothing to flush, and must not
    // allocate to find that out.
    if (!(this.firstEnd - 1 <= watermark)) return;
    const ends = [...this.pending.keys()].sort((a, b) => a - b);
    this.lastEnd = Number.NaN;
    this.lastGroup = undefined;
    this.firstEnd = Number.POSITIVE_INFINITY;
    for (const end of ends) {
      if (end - 1 > watermark) {
        this.firstEnd = end;
        break;
      }
      for (const group of this.pending.get(end)!.values()) this.output.collect(group, end - 1);
      this.pending.delete(end);
    }
  }

  protected override advanceWatermark(watermark: number): void {
    this.flush(watermark);
    super.advanceWatermark(watermark);
  }

  override processWatermarkStatus(idle: boolean, input: number): void {
    // An idle input no longer holds the global watermark back: what it buffered must be there first.
    if (idle) this.flush(Number.POSITIVE_INFINITY);
    this.idle = idle;
    super.processWatermarkStatus(idle, input);
  }

  prepareSnapshotPreBarrier(_checkpointId: number): void {
    this.flush(Number.POSITIVE_INFINITY);
  }

  override endInput(input: number): void {
    this.flush(Number.POSITIVE_INFINITY);
    super.endInput(input);
  }
}
