/**
 * Window aggregation at run time: the rows are keyed by their group keys and
 * {@link SqlWindowAggregateFunction} folds them into one accumulator list per window (through
 * the shared {@link RowAggregates} runner). Event-time HOP windows whose functions can merge get
 * the slice-sharing {@link HopSlicesOperator}, so a row updates one slice, not size/slide
 * windows; TUMBLE windows and rows windowed already get {@link SingleWindowAggregateOperator},
 * one accumulator list per key and window end and one timer per window, not per row; the others
 * (CUMULATE, SESSION, HOP whose calls cannot merge) run on the DataStream window operator with
 * the TVF's assigner. When the watermark passes a window's end, {@link windowResultFunction}
 * writes one row: the group keys, the aggregate values and the window's bounds; the operator
 * stamps it with the window's last millisecond, which is `window_time`. Rows behind the
 * watermark when they arrive are dropped, as Flink SQL drops them (no allowed lateness).
 * Windows over a `PROCTIME()` column use the processing-time assigners instead and fire on
 * processing-time timers (see {@link ProcessingTimeWindowAggregateOperator}). A two-phase plan
 * puts a local phase before the shuffle (`local-window-aggregate.ts`) and drives the same
 * operators with its partials ({@link createGlobalWindowAggregateOperator}). The operators'
 * checkpoints carry the layout of their state ({@link WINDOW_AGGREGATE_LAYOUT}, see
 * `runtime/state-layout.ts`), so a checkpoint of another layout fails the job on restore
 * instead of being read as this one.
 */
import type { OneInputStreamOperator } from '../../../runtime/operator.js';
import { createAggregateWindowOperator } from '../../../runtime/operators/window-operator-builder.js';
import type { AggregateFunction, Collector, KeySelector } from '../../../types/functions.js';
import type { WindowAssigner } from '../../../windowing/assigner.js';
import { EventTimeSessionWindows } from '../../../windowing/sessions.js';
import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from '../../../windowing/sliding.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from '../../../windowing/tumbling.js';
import type { TimeWindow } from '../../../windowing/windows.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { type AccumulatorList, RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import { columnsKey } from '../compact-keys.js';
import { markLayout, StateLayout } from '../state-layout.js';
import {
  type InputWindow,
  isProcessingTimeWindow,
  type WindowColumns,
  type WindowSpec,
} from '../../planner/window/window-nodes.js';
import { CumulativeEventTimeWindows, CumulativeProcessingTimeWindows } from './cumulative-windows.js';
import { ProcessingTimeWindowAggregateOperator } from './processing-time-window-operator.js';
import { HopSlicesOperator } from './hop-slices-operator.js';
import { type PartialWindowAggregate, partialMerger } from './local-window-aggregate.js';
import { RowWindows } from './row-windows.js';
import { SingleWindowAggregateOperator, type SingleWindowOf } from './single-window-aggregate-operator.js';

/**
 * The layout of the window aggregates' state. Layout 3 keeps the lists of TUMBLE windows and of
 * windowed rows as value state `window-accumulators@3` under the window's end, the window's
 * start in a last slot (see {@link SingleWindowAggregateOperator}), where layout 2 kept them
 * under the DataStream window operator's window namespace. Since layout 2, rows of two or more
 * group columns are keyed by a compact string, their group values kept in the accumulator list,
 * whose accumulators are the group aggregates' (one distinct map shared by the DISTINCT calls);
 * layout 1, written without a marker, keyed them by an array of the values.
 */
export const WINDOW_AGGREGATE_LAYOUT = new StateLayout('window aggregate', 3);

/** The state of {@link SingleWindowAggregateOperator}'s lists, by its name without a version. */
const SINGLE_WINDOW_LISTS = 'window-accumulators';

/** The window assigner of a windowing table function: event or processing time, as its column. */
export function windowAssigner(window: WindowSpec): WindowAssigner<unknown, TimeWindow> {
  if (isProcessingTimeWindow(window))
    switch (window.kind) {
      case 'TUMBLE':
        return TumblingProcessingTimeWindows.of(window.size, window.offset % window.size);
      case 'HOP':
        return SlidingProcessingTimeWindows.of(window.size, window.slide, window.offset % window.slide);
      case 'CUMULATE':
        return CumulativeProcessingTimeWindows.of(window.size, window.step, window.offset);
      case 'SESSION':
        break; // the planner refuses processing-time sessions
    }
  switch (window.kind) {
    case 'TUMBLE':
      return TumblingEventTimeWindows.of(window.size, window.offset % window.size);
    case 'HOP':
      return SlidingEventTimeWindows.of(window.size, window.slide, window.offset % window.slide);
    case 'CUMULATE':
      return CumulativeEventTimeWindows.of(window.size, window.step, window.offset);
    case 'SESSION':
      return EventTimeSessionWindows.withGap(window.gap) as WindowAssigner<unknown, TimeWindow>;
  }
}

/**
 * The key of a row for `keyBy`: the value itself for one column (no allocation), an array of
 * the values for several, and a constant when there are none (a global window aggregate runs
 * in one subtask, as in Flink).
 */
export function rowKeySelector(columns: readonly string[]): KeySelector<Row, unknown> {
  if (columns.length === 0) return () => 0;
  if (columns.length === 1) {
    const column = columns[0]!;
    return (row) => row[column] ?? null;
  }
  return (row) => columns.map((c) => row[c] ?? null);
}

/**
 * The key of a window aggregate's rows for `keyBy`: as {@link rowKeySelector} for up to one
 * column, and one compact string for several (`runtime/compact-keys.ts`), which keyBy hashes as
 * it is where an array key is serialised canonically twice per row. The result row's group
 * values then come from the accumulator list, which carries them (see
 * {@link SqlWindowAggregateFunction}), since a compact key cannot be read back.
 */
export function windowAggregateKeySelector(columns: readonly string[]): KeySelector<Row, unknown> {
  return columns.length < 2 ? rowKeySelector(columns) : columnsKey(columns);
}

/**
 * The SQL aggregate calls of a window aggregate as a DataStream AggregateFunction whose
 * accumulator is the calls' accumulator list. `getResult` hands the list itself to the window
 * function, which writes the values straight into the result row. With two or more group
 * columns, the list ends with one more slot, {@link keySlot}: the group values of the first row
 * added, an array taken once per key and slice, so the result row need not read them from the
 * key. Create one per subtask: the runner reuses its argument arrays.
 */
export class SqlWindowAggregateFunction implements AggregateFunction<Row, AccumulatorList, AccumulatorList> {
  readonly aggregates: RowAggregates;
  /** The slot of the group values in each accumulator list; -1 for fewer than two group columns. */
  readonly keySlot: number;
  private readonly keyColumns: readonly string[];

  constructor(calls: readonly BoundAggregateCall[], groupKeys: readonly string[] = []) {
    this.aggregates = new RowAggregates(calls);
    this.keyColumns = groupKeys;
    this.keySlot = groupKeys.length < 2 ? -1 : this.aggregates.createAccumulators().length;
  }

  createAccumulator(): AccumulatorList {
    const accs = this.aggregates.createAccumulators();
    if (this.keySlot >= 0) accs[this.keySlot] = null;
    return accs;
  }

  add(row: Row, accs: AccumulatorList): AccumulatorList {
    this.aggregates.accumulate(accs, row);
    const slot = this.keySlot;
    if (slot >= 0 && accs[slot] === null) accs[slot] = this.keyColumns.map((c) => row[c] ?? null);
    return accs;
  }

  getResult(accs: AccumulatorList): AccumulatorList {
    return accs;
  }

  /**
   * Merges `b` into `a`. When a call cannot merge, `b` is handed back: the window operators
   * take that as "slices cannot be shared" and keep one accumulator per window; the planner
   * refuses such calls under SESSION windows, the only merging windows here.
   */
  merge(a: AccumulatorList, b: AccumulatorList): AccumulatorList {
    if (!this.aggregates.mergeable) return b;
    this.aggregates.merge(a, b);
    const slot = this.keySlot;
    if (slot >= 0 && a[slot] === null) a[slot] = b[slot];
    return a;
  }
}

/** What the result rows of a window aggregate hold. */
export interface WindowResultLayout {
  /** The group key columns, in key order (as {@link rowKeySelector} builds the key). */
  readonly groupKeys: readonly string[];
  /** Output names of the window bounds the query selects. */
  readonly windowColumns: WindowColumns;
}

/**
 * The window function of a window aggregate: one row per window and key, with the group keys
 * (taken back from the key, or with several, from slot `keySlot` of the accumulator list when
 * it is not -1), the aggregate values and the window columns. The row is one object literal
 * built by a function generated once per operator (see {@link resultRowBuilder}).
 */
export function windowResultFunction(
  aggregates: RowAggregates,
  layout: WindowResultLayout,
  keySlot = -1,
): (key: unknown, window: TimeWindow, results: Iterable<AccumulatorList>, out: Collector<Row>) => void {
  const build = resultRowBuilder(aggregates, layout, keySlot);
  const functions = aggregates.functions;
  return (key, window, results, out) => {
    for (const accs of results) out.collect(build(key, accs, window, functions));
  };
}

type ResultRowBuilder = (
  key: unknown,
  accs: AccumulatorList,
  window: TimeWindow,
  functions: RowAggregates['functions'],
) => Row;

const property = (name: string) => `[${JSON.stringify(name)}]`;

/**
 * Builds a result row as one object literal, columns in the order group keys, aggregate values,
 * window columns: a fixed shape V8 builds at once, where adding the columns one by one walks a
 * chain of shapes per row (a window fires a row per key, Nexmark q5's a quarter of a million).
 * Generated from column names (JSON-quoted), never from data. Names that repeat (which the
 * planner does not produce) get the column-by-column build, whose last value wins in the first
 * one's place, as a literal's would not keep it.
 */
function resultRowBuilder(
  aggregates: RowAggregates,
  layout: WindowResultLayout,
  keySlot: number,
): ResultRowBuilder {
  const { groupKeys } = layout;
  const { start, end, time } = layout.windowColumns;
  const fields: [string, string][] = [];
  if (groupKeys.length === 1) fields.push([groupKeys[0]!, 'key']);
  else
    groupKeys.forEach((k, i) => {
      fields.push([k, `${keySlot >= 0 ? `accs[${keySlot}]` : 'key'}[${i}]`]);
    });
  aggregates.calls.forEach((c, i) => {
    fields.push([c.name, `functions[${i}].getValue(accs[${i}])`]);
  });
  if (start !== undefined) fields.push([start, 'window.start']);
  if (end !== undefined) fields.push([end, 'window.end']);
  if (time !== undefined) fields.push([time, 'window.end - 1']);
  const names = fields.map(([name]) => name);
  if (new Set(names).size === names.length) {
    const literal = fields.map(([name, value]) => `${JSON.stringify(name)}: ${value}`).join(', ');
    return new Function(
      'key',
      'accs',
      'window',
      'functions',
      `"use strict"; return { ${literal} };`,
    ) as ResultRowBuilder;
  }
  const body = fields.map(([name, value]) => `row${property(name)} = ${value};`).join(' ');
  return new Function(
    'key',
    'accs',
    'window',
    'functions',
    `"use strict"; const row = {}; ${body} return row;`,
  ) as ResultRowBuilder;
}

/**
 * The keyed operator of a window aggregate, for one subtask: the DataStream window operator for
 * the window's assigner (slice-sharing for HOP when the calls can merge) with the SQL calls as
 * its aggregate function; with `inputWindow`, each row's window is read from its bound columns.
 * Its input must be keyed by {@link windowAggregateKeySelector} of the group keys. Its
 * checkpoints carry {@link WINDOW_AGGREGATE_LAYOUT} ({@link markLayout}).
 */
export function createWindowAggregateOperator(
  window: WindowSpec,
  calls: readonly BoundAggregateCall[],
  layout: WindowResultLayout,
  inputWindow?: InputWindow,
): OneInputStreamOperator<Row, Row> {
  return windowOperator(window, new SqlWindowAggregateFunction(calls, layout.groupKeys), layout, inputWindow);
}

/**
 * The global phase of a two-phase window aggregate, for one subtask: the operator
 * {@link createWindowAggregateOperator} makes for the same window, merging the local phase's
 * partials (stamped with their slice's last millisecond) where it would add rows. Its state is
 * that operator's, so checkpoints of either plan restore in the other. Its input must be keyed
 * by {@link windowAggregateKeySelector} of the group keys over each partial's `keys`.
 */
export function createGlobalWindowAggregateOperator(
  window: WindowSpec,
  calls: readonly BoundAggregateCall[],
  layout: WindowResultLayout,
): OneInputStreamOperator<PartialWindowAggregate, Row> {
  const fn = new SqlWindowAggregateFunction(calls, layout.groupKeys);
  // The operators take their input as rows; partialMerger reads each one as a partial.
  return windowOperator(window, fn, layout, undefined, true) as unknown as OneInputStreamOperator<
    PartialWindowAggregate,
    Row
  >;
}

/** The window operator over rows, or with `partials`, over the local phase's partials. */
function windowOperator(
  window: WindowSpec,
  fn: SqlWindowAggregateFunction,
  layout: WindowResultLayout,
  inputWindow: InputWindow | undefined,
  partials = false,
): OneInputStreamOperator<Row, Row> {
  const adds = partials ? partialMerger(fn) : fn;
  if (inputWindow === undefined && isProcessingTimeWindow(window))
    return markLayout(
      new ProcessingTimeWindowAggregateOperator(
        windowAssigner(window) as WindowAssigner<Row, TimeWindow>,
        fn,
        windowResultFunction(fn.aggregates, layout, fn.keySlot),
      ),
      WINDOW_AGGREGATE_LAYOUT,
    );
  const result = windowResultFunction(fn.aggregates, layout, fn.keySlot);
  if (
    inputWindow === undefined &&
    window.kind === 'HOP' &&
    window.slide < window.size &&
    fn.aggregates.mergeable
  )
    return markLayout(
      new HopSlicesOperator(
        { size: window.size, slide: window.slide, offset: window.offset % window.slide },
        adds,
        result,
      ),
      WINDOW_AGGREGATE_LAYOUT,
    );
  const single = singleWindowOf(window, inputWindow);
  if (single !== undefined)
    return markLayout(
      new SingleWindowAggregateOperator(
        single,
        adds,
        result,
        WINDOW_AGGREGATE_LAYOUT.stateName(SINGLE_WINDOW_LISTS),
      ),
      WINDOW_AGGREGATE_LAYOUT,
    );
  const assigner =
    inputWindow === undefined
      ? (windowAssigner(window) as WindowAssigner<Row, TimeWindow>)
      : new RowWindows(inputWindow.start, inputWindow.end);
  return markLayout(createAggregateWindowOperator({ assigner }, adds, result), WINDOW_AGGREGATE_LAYOUT);
}

/**
 * Where each row's one window lies, for the event-time aggregates whose rows each belong to one
 * window that its end names: TUMBLE, and rows windowed already by anything but SESSION (whose
 * windows of one end may differ in start). Undefined for the others.
 */
function singleWindowOf(
  window: WindowSpec,
  inputWindow: InputWindow | undefined,
): SingleWindowOf | undefined {
  if (isProcessingTimeWindow(window)) return undefined;
  if (inputWindow !== undefined)
    return window.kind === 'SESSION' ? undefined : { kind: 'columns', ...inputWindow };
  return window.kind === 'TUMBLE'
    ? { kind: 'tumble', size: window.size, offset: window.offset % window.size }
    : undefined;
}
