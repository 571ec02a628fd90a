/**
 * The two kinds of window Weir ships: {@link TimeWindow}, a half-open interval of time
 * `[start, end)`, and {@link GlobalWindow}, the single window that holds everything of a key.
 * Windows are used as state and timer namespaces, so equal windows must have equal
 * `namespaceKey`s; the key is derived from the bounds alone. Both are registered with the codec,
 * so windows in checkpointed state and timers come back as the same classes.
 */
import { registerCodecClass } from '../types/codec.js';
import { MAX_WATERMARK } from '../types/elements.js';
import type { Window } from '../types/functions.js';

/**
 * A window over the time interval `[start, end)` in milliseconds.
 *
 * @example
 * const w = new TimeWindow(0, 5000); // the first five seconds
 * w.maxTimestamp(); // 4999: the last timestamp still inside, and the time the window fires at
 *
 * Gotcha: `end` is exclusive, so an element at exactly `end` belongs to the next window.
 */
export class TimeWindow implements Window {
  /**
   * Built on first use: session merging creates many windows (assigned, covered, merged away)
   * whose keys are never looked up, and a key is a string allocation.
   */
  private key: string | undefined = undefined;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  get namespaceKey(): string {
    let key = this.key;
    if (key === undefined) {
      key = `${this.start}:${this.end}`;
      this.key = key;
    }
    return key;
  }

  /** The largest timestamp inside the window, `end - 1`. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /**
   * True if the windows overlap or touch. Touching counts (`[0,5)` and `[5,9)` intersect)
   * because session windows that meet must merge, exactly as in Flink.
   */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window that contains both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * The start of the aligned window of length `size` that contains `timestamp`, where windows
   * are aligned to `offset` (epoch + offset is a window start). Works for negative timestamps
   * and offsets: the result is always <= timestamp and > timestamp - size.
   *
   * @example
   * TimeWindow.getWindowStartWithOffset(7, 0, 5);  // 5
   * TimeWindow.getWindowStartWithOffset(-1, 0, 5); // -5
   * TimeWindow.getWindowStartWithOffset(7, 3, 5);  // 3
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, size: number): number {
    const remainder = (timestamp - offset) % size;
    // `%` keeps the dividend's sign, so a negative remainder means we are before the aligned
    // start by `size + remainder`.
    return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder;
  }

  /**
   * Rebuilds a TimeWindow from its plain fields, e.g. after state was serialized and restored.
   * Returns the argument itself if it already is a TimeWindow.
   */
  static revive(raw: { start: number; end: number }): TimeWindow {
    return raw instanceof TimeWindow ? raw : new TimeWindow(raw.start, raw.end);
  }
}

/**
 * Merges overlapping or touching time windows, calling `onMerge(toBeMerged, result)` once for
 * every group of two or more windows. This is what session windows use.
 *
 * Gotcha: unlike a set, the group keeps duplicates: if the same window appears twice (an
 * in-flight window and an identical new one), both copies are reported, so that the merging
 * window set retires the in-flight copy correctly.
 */
export function mergeTimeWindows(
  windows: readonly TimeWindow[],
  onMerge: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void,
): void {
  const sorted = windows.slice().sort((a, b) => a.start - b.start);
  let current: TimeWindow | undefined;
  let group: TimeWindow[] = [];
  for (const candidate of sorted) {
    if (current === undefined) {
      current = candidate;
      group = [candidate];
    } else if (current.intersects(candidate)) {
      current = current.cover(candidate);
      group.push(candidate);
    } else {
      if (group.length > 1) onMerge(group, current);
      current = candidate;
      group = [candidate];
    }
  }
  if (current !== undefined && group.length > 1) onMerge(group, current);
}

/**
 * The one window of {@link GlobalWindows}: all elements of a key, forever. It never ends on
 * its own (`maxTimestamp()` is {@link MAX_WATERMARK}), so it needs a trigger such as
 * `CountTrigger` to fire, and its state is never cleaned up by time.
 *
 * @example
 * const w = GlobalWindow.get(); // always the same instance
 */
export class GlobalWindow implements Window {
  private static readonly INSTANCE = new GlobalWindow();
  readonly namespaceKey = 'global';

  private constructor() {}

  /** The singleton. */
  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }

  maxTimestamp(): number {
    return MAX_WATERMARK;
  }

  toString(): string {
    return 'GlobalWindow';
  }
}

// Type codes are part of the checkpoint format: never change or reuse them.
registerCodecClass<TimeWindow>({
  type: 1,
  Class: TimeWindow,
  write: (window) => [window.start, window.end],
  read: (data: [number, number]) => new TimeWindow(data[0], data[1]),
});
registerCodecClass<GlobalWindow>({
  type: 2,
  // The constructor is private; the codec only needs the class for `instanceof`.
  Class: GlobalWindow as unknown as abstract new () => GlobalWindow,
  write: () => 0,
  read: () => GlobalWindow.get(),
});
