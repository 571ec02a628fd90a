/**
 * Windowing table functions in the plan. `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size))` and
 * its siblings add `window_start`, `window_end` and `window_time` to every row; a GROUP BY on
 * `window_start, window_end` over such a function becomes a window aggregate (the
 * WindowAggregateRule), which emits each window once, when the watermark passes its end; a
 * GROUP BY on a window aggregate's bounds is one too, over windowed rows (`inputWindow`).
 * Window Top-N, window deduplication and window joins recognise these nodes too, so the shapes
 * here are shared by those operators.
 */
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import type { SourcePos } from '../../parser/ast.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';

/**
 * The window of a windowing table function; sizes are milliseconds. `proctime` marks windows
 * over a `PROCTIME()` column: rows go to the window of the operator's clock when they arrive
 * (the column's value is never read), and windows fire when that clock passes their end. Only
 * the aligned windows have it; SESSION on processing time is refused, as in Flink. `pos` is
 * where the window function was called, for errors; comparisons of windows ignore it.
 * `localTime` marks windows over a TIMESTAMP_LTZ column (rowtime or `PROCTIME()`): they are
 * laid out on the session time zone's wall clock, and their `window_start` / `window_end` hold
 * local times (see `runtime/window/local-time-windows.ts`).
 */
export type WindowSpec = (
  | {
      readonly kind: 'TUMBLE';
      readonly timeColumn: string;
      readonly size: number;
      readonly offset: number;
      readonly proctime?: true;
    }
  | {
      readonly kind: 'HOP';
      readonly timeColumn: string;
      readonly slide: number;
      readonly size: number;
      readonly offset: number;
      readonly proctime?: true;
    }
  | {
      readonly kind: 'CUMULATE';
      readonly timeColumn: string;
      readonly step: number;
      readonly size: number;
      readonly offset: number;
      readonly proctime?: true;
    }
  | {
      readonly kind: 'SESSION';
      readonly timeColumn: string;
      readonly gap: number;
      /** `TABLE t PARTITION BY k`: sessions are per partition key. */
      readonly partitionKeys: readonly string[];
    }
) & { readonly pos?: SourcePos; readonly localTime?: true };

/** The names of the three window columns a windowing table function adds. */
export const WINDOW_START = 'window_start';
/** See {@link WINDOW_START}. */
export const WINDOW_END = 'window_end';
/**
 * See {@link WINDOW_START}; window_end - 1 ms, a rowtime attribute (or, over processing time, a
 * proctime attribute).
 */
export const WINDOW_TIME = 'window_time';

/**
 * `TUMBLE(…)`, `HOP(…)`, `CUMULATE(…)` or `SESSION(…)` over its input: the input's columns
 * followed by `window_start`, `window_end` and `window_time`. Under a window aggregate, Top-N,
 * deduplication or join it is absorbed into that operator; on its own it assigns each row to
 * its windows (a HOP row appears once per window).
 */
export interface LogicalWindowTableFunction {
  readonly kind: 'windowTableFunction';
  readonly input: LogicalNode;
  readonly window: WindowSpec;
  readonly columns: readonly PlanColumn[];
}

/**
 * Which output columns of a window operator hold the window's bounds, under the names the
 * query gave them (`window_end AS endtime`); absent when the query does not select them.
 * Operators above (window Top-N, window join) use this to recognise windowed input.
 */
export interface WindowColumns {
  readonly start?: string;
  readonly end?: string;
  readonly time?: string;
}

/**
 * A GROUP BY over a windowing table function that groups by `window_start, window_end`: one
 * result row per window and group key, emitted once when the window closes; insert-only.
 * `input` is the table function's input (the TVF is absorbed).
 */
export interface LogicalWindowAggregate {
  readonly kind: 'windowAggregate';
  readonly input: LogicalNode;
  readonly window: WindowSpec;
  /** Grouping columns of the input besides the window bounds. */
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
  readonly windowColumns: WindowColumns;
  /**
   * Set when the input is windowed already (a window aggregate's rows, grouped again by their
   * window): each row belongs to the one window its bound columns name, instead of the windows
   * of its time. `window` is then the input's window, for EXPLAIN.
   */
  readonly inputWindow?: InputWindow;
  /** Group keys, then aggregate results, then the window columns the query selects. */
  readonly columns: readonly PlanColumn[];
}

/** The input columns holding each row's window bounds, for a window aggregate over windowed rows. */
export interface InputWindow {
  readonly start: string;
  readonly end: string;
}

/** Logical nodes of this feature. */
export type WindowLogicalNode = LogicalWindowTableFunction | LogicalWindowAggregate;

/** Physical form of a windowing table function on its own. */
export interface PhysicalWindowTableFunction extends PhysicalBase {
  readonly kind: 'windowTableFunction';
  readonly input: PhysicalNode;
  readonly window: WindowSpec;
}

/** What a window aggregate and its local phase both carry. */
interface WindowAggregateParts {
  readonly input: PhysicalNode;
  readonly window: WindowSpec;
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
  readonly windowColumns: WindowColumns;
}

/** Physical window aggregate. */
export interface PhysicalWindowAggregate extends PhysicalBase, WindowAggregateParts {
  readonly kind: 'windowAggregate';
  readonly inputWindow?: InputWindow;
}

/**
 * The local phase of a two-phase window aggregate, below its global phase (a
 * {@link PhysicalWindowAggregate} with this node as input): the same aggregate, pre-aggregated
 * per group and slice before the shuffle (see `runtime/window/local-window-aggregate.ts`). Its
 * columns are its input's; what it sends are partial accumulators, which only the global phase
 * reads.
 */
export interface PhysicalLocalWindowAggregate extends PhysicalBase, WindowAggregateParts {
  readonly kind: 'localWindowAggregate';
}

/** Physical nodes of this feature. */
export type WindowPhysicalNode =
  | PhysicalWindowTableFunction
  | PhysicalWindowAggregate
  | PhysicalLocalWindowAggregate;

/** Makes a frozen windowing table function node. */
export function windowTableFunction(
  input: LogicalNode,
  window: WindowSpec,
  columns: readonly PlanColumn[],
): LogicalWindowTableFunction {
  const time = input.columns.find((c) => c.name === window.timeColumn);
  const local =
    time?.type.root === 'TIMESTAMP_LTZ' && window.localTime !== true
      ? Object.freeze({ ...window, localTime: true as const })
      : window;
  return Object.freeze({
    kind: 'windowTableFunction',
    input,
    window: local,
    columns: Object.freeze([...columns]),
  });
}

/** Makes a frozen window aggregate node. */
export function windowAggregate(fields: Omit<LogicalWindowAggregate, 'kind'>): LogicalWindowAggregate {
  return Object.freeze({ kind: 'windowAggregate', ...fields });
}

/**
 * A duration as Flink's EXPLAIN prints it, in its largest whole unit: `10 s`, `5 min`, `1 h`,
 * `1 d`, `1500 ms`.
 */
export function formatDuration(ms: number): string {
  const units: readonly [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms !== 0 && ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

/**
 * `HOP(time_col=[ts], size=[10 s], slide=[2 s])`: a window as EXPLAIN prints it; over windowed
 * input, `HOP(win_start=[ws], win_end=[we], …)` names the columns that carry the windows.
 */
export function formatWindow(window: WindowSpec, inputWindow?: InputWindow): string {
  const parts =
    inputWindow === undefined
      ? [`time_col=[${window.timeColumn}]`]
      : [`win_start=[${inputWindow.start}]`, `win_end=[${inputWindow.end}]`];
  switch (window.kind) {
    case 'TUMBLE':
      parts.push(`size=[${formatDuration(window.size)}]`);
      break;
    case 'HOP':
      parts.push(`size=[${formatDuration(window.size)}]`, `slide=[${formatDuration(window.slide)}]`);
      break;
    case 'CUMULATE':
      parts.push(`max_size=[${formatDuration(window.size)}]`, `step=[${formatDuration(window.step)}]`);
      break;
    case 'SESSION':
      if (window.partitionKeys.length > 0) parts.push(`partition keys=[${window.partitionKeys.join(', ')}]`);
      parts.push(`gap=[${formatDuration(window.gap)}]`);
      break;
  }
  if (window.kind !== 'SESSION' && window.offset !== 0)
    parts.push(`offset=[${formatDuration(window.offset)}]`);
  return `${window.kind}(${parts.join(', ')})`;
}

/** True for windows over a `PROCTIME()` column (see {@link WindowSpec}). */
export function isProcessingTimeWindow(window: WindowSpec): boolean {
  return (window as { readonly proctime?: true }).proctime === true;
}

/**
 * The processing-time window whose rows `node` produces (a windowing table function or window
 * aggregate, under filters and projections), or undefined. Operators that Flink runs on event
 * time only (window Top-N, deduplication and join) use it to refuse processing-time input.
 */
export function processingTimeWindowOf(node: LogicalNode): WindowSpec | undefined {
  switch (node.kind) {
    case 'windowTableFunction':
    case 'windowAggregate':
      return isProcessingTimeWindow(node.window) ? node.window : undefined;
    case 'filter':
    case 'project':
      return processingTimeWindowOf(node.input);
    default:
      return undefined;
  }
}
