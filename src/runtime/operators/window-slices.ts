/**
 * The per-key slices of sliding event-time windows, shared by the slicing operators (the
 * DataStream one and SQL's HOP operator), whose state and timers must agree to the millisecond
 * so that a checkpoint of either restores in the other. Time is cut into slices of
 * `gcd(size, slide)` ms, so every window boundary is a slice boundary; a slice's accumulator is
 * value state under the slice's start as namespace, and per key one timer chain walks the window
 * ends. What the operators do with a window's accumulators (merge and emit) stays theirs.
 */
import type { InternalKvState } from '../../state/backend.js';
import { VOID_NAMESPACE } from '../../state/backend.js';
import type { InternalTimerService } from '../../state/timers.js';
import type { ValueState } from '../../types/state.js';
import { TimeWindow } from '../../windowing/windows.js';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The time arithmetic of sliding windows cut into slices. */
export class SliceGeometry {
  /** `gcd(size, slide)`: every window boundary is a slice boundary. */
  readonly sliceSize: number;

  constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    this.sliceSize = gcd(size, slide);
  }

  /** The start of the slice holding `timestamp`. */
  sliceStart(timestamp: number): number {
    return TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.sliceSize);
  }

  /** The end of the last window holding `timestamp`: it starts at the last slide boundary at or before it. */
  lastEnd(timestamp: number): number {
    return TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.slide) + this.size;
  }

  /** The timer of the first window holding the slice that has not fired yet (end - 1 > watermark). */
  firstTimer(sliceStart: number, watermark: number): number {
    const time = Math.max(sliceStart + this.sliceSize, watermark + 2);
    // Window ends lie at `offset + size` modulo the slide.
    const end = TimeWindow.getWindowStartWithOffset(time, this.offset + this.size, this.slide);
    return (end < time ? end + this.slide : end) - 1;
  }
}

/** How a slice's accumulator takes a value: the part of an aggregate function the slices need. */
export interface SliceAccumulator<V, ACC> {
  createAccumulator(): ACC;
  add(value: V, accumulator: ACC): ACC;
}

/**
 * The current key's slices and their timer chain. A row whose slice exists registers no timer:
 * the slice's first row registered the first unfired window holding it, and each firing
 * registers the next window while any of the key's slices are left in it.
 */
export class WindowSlices<ACC> {
  constructor(
    readonly geometry: SliceGeometry,
    private readonly slices: ValueState<ACC> & InternalKvState,
    private readonly timers: InternalTimerService<typeof VOID_NAMESPACE>,
  ) {}

  /** Adds `value` at `timestamp` to its slice; false (nothing stored) when every window holding it has fired. */
  add<V>(value: V, timestamp: number, aggregate: SliceAccumulator<V, ACC>): boolean {
    const watermark = this.timers.currentWatermark();
    const geometry = this.geometry;
    if (geometry.lastEnd(timestamp) - 1 <= watermark) return false;
    const sliceStart = geometry.sliceStart(timestamp);
    const slices = this.slices;
    slices.setCurrentNamespace(sliceStart);
    const acc = slices.value();
    if (acc !== undefined) {
      slices.update(aggregate.add(value, acc));
      return true;
    }
    slices.update(aggregate.add(value, aggregate.createAccumulator()));
    this.timers.registerEventTimeTimer(VOID_NAMESPACE, geometry.firstTimer(sliceStart, watermark));
    return true;
  }

  /**
   * Fires the window whose timer is `timerTimestamp` for the current key: pushes its slices'
   * accumulators onto `into` (emptied first) oldest first, clears the slices no later window
   * holds, and registers the next window's timer if it holds any of the key's slices. Slices
   * further ahead registered their own first window's timer when they were created.
   */
  takeWindow(timerTimestamp: number, into: ACC[]): TimeWindow {
    const end = timerTimestamp + 1;
    const { size, slide, sliceSize: q } = this.geometry;
    const start = end - size;
    const nextEnd = end + slide;
    const firstKept = nextEnd - size;
    const slices = this.slices;
    into.length = 0;
    // A key holds at most the slices of one window and a slide: probing them by start costs no
    // more than keeping a list would.
    let nextWindowHasSlices = false;
    for (let s = start; s < end; s += q) {
      slices.setCurrentNamespace(s);
      const acc = slices.value();
      if (acc === undefined) continue;
      into.push(acc);
      if (s < firstKept) slices.clear();
      else nextWindowHasSlices = true;
    }
    for (let s = end; s < nextEnd && !nextWindowHasSlices; s += q) {
      slices.setCurrentNamespace(s);
      nextWindowHasSlices = slices.value() !== undefined;
    }
    if (nextWindowHasSlices) this.timers.registerEventTimeTimer(VOID_NAMESPACE, nextEnd - 1);
    return new TimeWindow(start, end);
  }
}
