/**
 * Windows over a TIMESTAMP_LTZ time attribute (a rowtime declared on an LTZ column, or
 * `PROCTIME()`) in a session time zone other than UTC, as Flink defines them: windows are laid
 * out on the local wall clock, so a 1-day TUMBLE runs from local midnight to local midnight
 * (23 or 25 hours on the days clocks change), and `window_start` / `window_end` are TIMESTAMP
 * values holding those local times, while `window_time` stays the instant (TIMESTAMP_LTZ) of
 * the window's last millisecond.
 *
 * The operators keep working on instants: {@link LocalTimeWindows} assigns a row to the
 * windows of its local time and hands the operator each window as the instants its local
 * bounds map to (an end the clocks repeat takes the later instant, so the window waits for
 * all its rows). Watermarks, timers, lateness and state all stay in epoch milliseconds; only
 * the rows written out carry local bounds ({@link localBounds}).
 */
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import { createAggregateWindowOperator } from '../../../runtime/operators/window-operator-builder.js';
import type { Collector } from '../../../types/functions.js';
import { WindowAssigner, type WindowAssignerContext } from '../../../windowing/assigner.js';
import type { Trigger } from '../../../windowing/trigger.js';
import { TimeWindow } from '../../../windowing/windows.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import type { Row } from '../../expressions/compiler.js';
import type { TimeZone } from '../../expressions/time-zone.js';
import {
  type InputWindow,
  isProcessingTimeWindow,
  WINDOW_END,
  WINDOW_START,
  WINDOW_TIME,
  type WindowSpec,
} from '../../planner/window/window-nodes.js';
import { markLayout } from '../state-layout.js';
import { ProcessingTimeWindowAggregateOperator } from './processing-time-window-operator.js';
import { RowWindows } from './row-windows.js';
import {
  SqlWindowAggregateFunction,
  WINDOW_AGGREGATE_LAYOUT,
  type WindowResultLayout,
  windowAssigner,
  windowResultFunction,
} from './window-aggregate.js';

const DAY_MS = 86_400_000;

/**
 * An assigner that lays out `inner`'s windows on the local wall clock of `zone` and returns
 * them as instants. Stateless apart from the last answer, which is handed out again while
 * rows fall in the same windows (callers do not modify the array).
 */
export class LocalTimeWindows<T> extends WindowAssigner<T, TimeWindow> {
  private lastLocal: TimeWindow[] = [];
  private lastInstants: TimeWindow[] = [];
  private lastWindows: TimeWindow[] = [];
  private clock: WindowAssignerContext | undefined;
  private localClock: WindowAssignerContext | undefined;

  constructor(
    private readonly inner: WindowAssigner<T, TimeWindow>,
    private readonly zone: TimeZone,
  ) {
    super();
  }

  assignWindows(element: T, timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    let local: TimeWindow[];
    if (this.inner.isEventTime())
      local = this.inner.assignWindows(element, this.zone.toLocal(timestamp), context);
    else {
      if (context !== this.clock) {
        this.clock = context;
        this.localClock = {
          getCurrentProcessingTime: () => this.zone.toLocal(context.getCurrentProcessingTime()),
        };
      }
      local = this.inner.assignWindows(element, timestamp, this.localClock!);
    }
    if (sameWindows(local, this.lastLocal)) return this.lastWindows;
    this.lastLocal = local.slice();
    this.lastInstants = local.map(
      (w) => new TimeWindow(this.zone.firstInstantFrom(w.start), endInstant(this.zone, w.end)),
    );
    // CUMULATE windows of one start ending in a skipped hour and right after it are one window
    // of instants (see cumulateGapEnds): a row goes into it once.
    this.lastWindows = this.lastInstants.filter(
      (w, i) => this.lastInstants.findIndex((o) => o.start === w.start && o.end === w.end) === i,
    );
    return this.lastWindows;
  }

  /** The local windows of the last {@link assignWindows} call. */
  localWindows(): readonly TimeWindow[] {
    return this.lastLocal;
  }

  /** The windows of instants of {@link localWindows}, one each (duplicates kept). */
  localWindowInstants(): readonly TimeWindow[] {
    return this.lastInstants;
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return this.inner.getDefaultTrigger();
  }

  isEventTime(): boolean {
    return this.inner.isEventTime();
  }

  override toString(): string {
    return `LocalTimeWindows(${String(this.inner)}, ${this.zone.id})`;
  }
}

function sameWindows(a: readonly TimeWindow[], b: readonly TimeWindow[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.start !== b[i]!.start || a[i]!.end !== b[i]!.end) return false;
  return true;
}

/**
 * Windows named by a row's local `window_start` / `window_end` columns (rows windowed
 * already), as the instants those local times map to.
 */
class LocalRowWindows extends RowWindows {
  private lastStart = Number.NaN;
  private lastEnd = Number.NaN;
  private instants: TimeWindow[] = [];

  constructor(
    window: InputWindow,
    private readonly zone: TimeZone,
  ) {
    super(window.start, window.end);
  }

  override assignWindows(row: Row, timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const [local] = super.assignWindows(row, timestamp, context);
    if (local!.start !== this.lastStart || local!.end !== this.lastEnd) {
      this.lastStart = local!.start;
      this.lastEnd = local!.end;
      this.instants = [
        new TimeWindow(this.zone.firstInstantFrom(local!.start), endInstant(this.zone, local!.end)),
      ];
    }
    return this.instants;
  }
}

/** Whether the clocks jump forward at `instant` (it begins the hour after a skipped one). */
function jumpsAt(zone: TimeZone, instant: number): boolean {
  return zone.offsetAt(instant - 1) < zone.offsetAt(instant);
}

/**
 * The instant a window ending at local time `end` ends at: the later one of a repeated wall
 * clock (the window waits for all its rows), and for a time the clocks skipped, the jump. It
 * never falls as `end` rises, which the join's cleanup in such zones relies on.
 */
export function endInstant(zone: TimeZone, end: number): number {
  const instant = zone.fromLocal(end, true);
  return zone.toLocal(instant) === end ? instant : zone.firstInstantFrom(end);
}

/** The local `[start, end)` of a window the operator holds as instants. */
export type LocalBounds = (window: TimeWindow) => readonly [number, number];

/**
 * The local bounds of `window`'s windows in `zone`. A bound at an instant the clocks jump
 * forward stands for any local time of the skipped hour or the first after it; the window's
 * shape tells which: a TUMBLE or HOP window spans its size from its other bound, and a
 * CUMULATE window starts on a multiple of its size and ends on one of its step (its windows
 * ending in the skipped hour share one instant; see {@link cumulateGapEnds}).
 */
export function localBounds(window: WindowSpec, zone: TimeZone): LocalBounds {
  const readings = (instant: number): number[] => {
    const now = zone.toLocal(instant);
    const before = instant + zone.offsetAt(instant - DAY_MS);
    return now === before ? [now] : [now, before];
  };
  const aligned = (time: number, unit: number, offset: number) =>
    (((time - offset) % unit) + unit) % unit === 0;
  switch (window.kind) {
    case 'TUMBLE':
    case 'HOP': {
      const size = window.size;
      // A bound not on a jump reads exactly; of a window, at most one bound is on a jump
      // (unless the whole window lies in the gap and so holds no rows).
      return (w) => {
        if (!jumpsAt(zone, w.start)) {
          const start = zone.toLocal(w.start);
          return [start, start + size];
        }
        const end = zone.toLocal(w.end);
        return [end - size, end];
      };
    }
    case 'CUMULATE': {
      const { size, step, offset } = window;
      return (w) => {
        for (const start of readings(w.start))
          for (const end of readings(w.end))
            if (
              aligned(start, size, offset) &&
              end > start &&
              end - start <= size &&
              (end - start) % step === 0
            )
              return [start, end];
        return [zone.toLocal(w.start), zone.toLocal(w.end)];
      };
    }
    case 'SESSION':
      return (w) => [zone.toLocal(w.start), zone.toLocal(w.end)];
  }
}

/**
 * For a CUMULATE window ending at `endInstant`: when the clocks jump forward there, the local
 * ends of the windows starting at `localStart` that lie in the jump (from the last local time
 * before it to the first after), which all end at that instant; else none.
 */
function cumulateGapEnds(
  window: Extract<WindowSpec, { kind: 'CUMULATE' }>,
  zone: TimeZone,
): (localStart: number, endInstant: number) => number[] {
  const { step, size } = window;
  return (localStart, endInstant) => {
    if (!jumpsAt(zone, endInstant)) return [];
    const from = zone.toLocal(endInstant - 1) + 1;
    const to = zone.toLocal(endInstant);
    const ends: number[] = [];
    for (let end = localStart + Math.ceil((from - localStart) / step) * step; end <= to; end += step)
      if (end > localStart && end - localStart <= size) ends.push(end);
    return ends;
  };
}

/** The assigner of `window` laid out on the local wall clock of `zone`. */
export function localWindowAssigner(window: WindowSpec, zone: TimeZone): WindowAssigner<unknown, TimeWindow> {
  const inner = windowAssigner(window);
  // Sessions are gaps between rows: instants, so only their bounds are printed locally.
  return window.kind === 'SESSION' ? inner : new LocalTimeWindows(inner, zone);
}

/**
 * The window aggregate of `createWindowAggregateOperator` over a TIMESTAMP_LTZ time in
 * `zone`: the general window operators with {@link LocalTimeWindows}, and result rows whose
 * `window_start` / `window_end` are local. Its state has the same layout.
 */
export function createLocalWindowAggregateOperator(
  window: WindowSpec,
  calls: readonly BoundAggregateCall[],
  layout: WindowResultLayout,
  zone: TimeZone,
  inputWindow?: InputWindow,
): OneInputStreamOperator<Row, Row> {
  const fn = new SqlWindowAggregateFunction(calls, layout.groupKeys);
  const bounds = localBounds(window, zone);
  const { start, end } = layout.windowColumns;
  const inner = windowResultFunction(fn.aggregates, layout, fn.keySlot);
  const gapEnds =
    window.kind === 'CUMULATE' && inputWindow === undefined ? cumulateGapEnds(window, zone) : undefined;
  const result = (key: unknown, w: TimeWindow, results: Iterable<unknown>, out: Collector<Row>): void => {
    const [localStart, localEnd] = bounds(w);
    inner(
      key,
      w,
      results as Iterable<never>,
      {
        collect(row: Row) {
          if (start !== undefined) row[start] = localStart;
          if (end !== undefined) row[end] = localEnd;
          out.collect(row);
          // CUMULATE windows of one start ending inside a skipped hour and right after it hold
          // the same rows and fire at the same instant: the operator holds them as one window.
          if (gapEnds !== undefined)
            for (const other of gapEnds(localStart, w.end))
              if (other !== localEnd) out.collect(end === undefined ? { ...row } : { ...row, [end]: other });
        },
      } as Collector<Row>,
    );
  };
  const assigner = (
    inputWindow !== undefined ? new LocalRowWindows(inputWindow, zone) : localWindowAssigner(window, zone)
  ) as WindowAssigner<Row, TimeWindow>;
  if (inputWindow === undefined && isProcessingTimeWindow(window))
    return markLayout(
      new ProcessingTimeWindowAggregateOperator(assigner, fn, result),
      WINDOW_AGGREGATE_LAYOUT,
    );
  return markLayout(createAggregateWindowOperator({ assigner }, fn, result), WINDOW_AGGREGATE_LAYOUT);
}

/**
 * `AlignedWindowAssignment` over a TIMESTAMP_LTZ time in `zone`: each row once per window of
 * its local time, with local `window_start` / `window_end` and the instant `window_time`.
 */
export class LocalAlignedWindowAssignment
  extends AbstractStreamOperator<Row>
  implements OneInputStreamOperator<Row, Row>
{
  private readonly assigner: LocalTimeWindows<unknown>;
  private static readonly NO_CONTEXT = { getCurrentProcessingTime: () => Date.now() };

  constructor(
    window: Exclude<WindowSpec, { kind: 'SESSION' }>,
    zone: TimeZone,
    private readonly column = window.timeColumn,
  ) {
    super();
    this.assigner = new LocalTimeWindows(windowAssigner(window), zone);
  }

  processElement(row: Row, _timestamp: number): void {
    const time = row[this.column];
    if (typeof time !== 'number') return;
    this.assigner.assignWindows(row, time, LocalAlignedWindowAssignment.NO_CONTEXT);
    // The local windows themselves: two of them may end at one instant (see cumulateGapEnds).
    const local = this.assigner.localWindows();
    const windows = this.assigner.localWindowInstants();
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i]!;
      const out: Row = { ...row };
      out[WINDOW_START] = local[i]!.start;
      out[WINDOW_END] = local[i]!.end;
      out[WINDOW_TIME] = window.end - 1;
      this.output.collect(out, window.end - 1);
    }
  }
}

/** `sessionRows` with local `window_start` / `window_end`. */
export function localSessionRows(
  zone: TimeZone,
): (key: unknown, window: TimeWindow, rows: Iterable<Row>, out: Collector<Row>) => void {
  return (_key, window, rows, out) => {
    const start = zone.toLocal(window.start);
    const end = zone.toLocal(window.end);
    for (const row of rows) {
      const copy: Row = { ...row };
      copy[WINDOW_START] = start;
      copy[WINDOW_END] = end;
      copy[WINDOW_TIME] = window.end - 1;
      out.collect(copy);
    }
  };
}
