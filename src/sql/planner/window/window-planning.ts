/**
 * Windowing table functions and window aggregation: physical planning, DataStream translation
 * and EXPLAIN lines. Both take insert-only input only (a window cannot take back a row it has
 * emitted) and produce insert-only output. A window aggregate is keyed by its group keys and
 * runs on the DataStream window operators (see `runtime/window/window-aggregate.ts`), behind a
 * local phase before the shuffle when its calls merge (see {@link twoPhase}); a TVF on
 * its own assigns windows row by row, or, for SESSION, holds rows until their session closes.
 * Processing-time windows feed only a window aggregate, as in Flink, whose window TVF, Top-N,
 * deduplication and join run on event time only; the others are refused by name. Those window
 * operators read each record's timestamp: rows that may be stamped by another time than the
 * window's column (an interval join's output) are restamped by it first (`record-time.ts`).
 */
import type { DataStream } from '../../../api/data-stream.js';
import { EventTimeSessionWindows } from '../../../windowing/sessions.js';
import { formatAggregateCall } from '../../aggregates/aggregate-function.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import {
  createGlobalWindowAggregateOperator,
  createWindowAggregateOperator,
  rowKeySelector,
  SqlWindowAggregateFunction,
  windowAggregateKeySelector,
} from '../../runtime/window/window-aggregate.js';
import {
  LocalWindowAggregateOperator,
  type PartialWindowAggregate,
  slicesOf,
} from '../../runtime/window/local-window-aggregate.js';
import type { AggregatePlanOptions } from '../aggregate/aggregate-planning.js';
import { AlignedWindowAssignment, sessionRows } from '../../runtime/window/window-assign.js';
import {
  createLocalWindowAggregateOperator,
  LocalAlignedWindowAssignment,
  localSessionRows,
} from '../../runtime/window/local-time-windows.js';
import { sessionTimeZone, type TimeZone, UTC_ZONE } from '../../expressions/time-zone.js';
import type { LogicalNode } from '../logical.js';
import { columnSubsetInput } from './column-subset-input.js';
import { withLocalPhase } from '../local-phase.js';
import { RestampByColumn, stampedByColumn } from './record-time.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import {
  formatWindow,
  type InputWindow,
  isProcessingTimeWindow,
  type LogicalWindowAggregate,
  type PhysicalLocalWindowAggregate,
  type PhysicalWindowAggregate,
  processingTimeWindowOf,
  type WindowLogicalNode,
  type WindowPhysicalNode,
  type WindowSpec,
} from './window-nodes.js';

/**
 * Throws the one-line error for an event-time-only window operator (`operator`: 'window Top-N',
 * 'window deduplication', 'window join') whose input is windowed on processing time. Call it
 * before planning the input, whose own error would name the wrong construct.
 */
export function refuseProcessingTimeWindows(input: LogicalNode, operator: string): void {
  const window = processingTimeWindowOf(input);
  if (window === undefined) return;
  throw unsupported(
    window.pos,
    `${operator} over processing-time ${window.kind} windows (DESCRIPTOR(${window.timeColumn}) is a PROCTIME() column)`,
    `Flink runs ${operator} on event time only; declare a WATERMARK and window on the event-time column`,
  );
}

/** The physical plan of a windowing table function node. */
export function toPhysicalWindow(
  node: WindowLogicalNode,
  recurse: PhysicalPlanner,
  phase: AggregatePlanOptions['phase'] = 'auto',
): PhysicalNode {
  if (node.kind === 'windowTableFunction' && isProcessingTimeWindow(node.window))
    throw unsupported(
      node.window.pos,
      `a processing-time ${node.window.kind} window table function whose rows are not aggregated (DESCRIPTOR(${node.window.timeColumn}) is a PROCTIME() column)`,
      'GROUP BY window_start, window_end over it, or declare a WATERMARK and use event time',
    );
  if (
    node.kind === 'windowAggregate' &&
    node.inputWindow !== undefined &&
    isProcessingTimeWindow(node.window)
  )
    throw unsupported(
      node.window.pos,
      `a window aggregate over the rows of a processing-time ${node.window.kind} window aggregate`,
      'aggregate the processing-time windows once, or declare a WATERMARK and use event time',
    );
  const input = recurse(node.input);
  if (input.changelogMode !== 'insert-only')
    throw unsupported(
      node.window.pos,
      `a ${node.window.kind} window over an updating input (${input.changelogMode} changes)`,
      'window the insert-only rows before they are aggregated or joined',
    );
  if (node.kind === 'windowTableFunction')
    return Object.freeze({
      kind: 'windowTableFunction',
      input,
      window: node.window,
      columns: node.columns,
      changelogMode: 'insert-only',
    });
  // Over windowed rows every row has its final window: nothing merges there.
  if (node.window.kind === 'SESSION' && node.inputWindow === undefined)
    for (const call of node.calls) {
      const fn = call.definition.create(call.argTypes);
      if (fn.merge === undefined && !call.distinct)
        throw unsupported(
          call.pos,
          `${call.fn} in a SESSION window aggregate (sessions merge, and ${call.fn} cannot merge)`,
          'use TUMBLE or HOP windows, or an aggregate function with merge',
        );
    }
  const local = twoPhase(node, phase)
    ? Object.freeze({
        kind: 'localWindowAggregate' as const,
        input,
        window: node.window,
        groupKeys: node.groupKeys,
        calls: node.calls,
        windowColumns: node.windowColumns,
        columns: input.columns,
        changelogMode: 'insert-only' as const,
      })
    : undefined;
  return Object.freeze({
    kind: 'windowAggregate',
    input: local ?? input,
    window: node.window,
    groupKeys: node.groupKeys,
    calls: node.calls,
    windowColumns: node.windowColumns,
    ...(node.inputWindow === undefined ? {} : { inputWindow: node.inputWindow }),
    columns: node.columns,
    changelogMode: 'insert-only',
  });
}

/**
 * Whether a window aggregate runs in a local and a global phase, as Flink's two-stage window
 * aggregate rule decides: `agg-phase-strategy` not ONE_PHASE, an event-time TUMBLE, HOP or
 * CUMULATE window over rows of the window TVF (not windowed rows, and in UTC: a local-time
 * zone's windows keep one phase), and every call mergeable and not DISTINCT. Unlike the regular
 * aggregate it needs no mini-batch: the watermark closes its bundles.
 */
function twoPhase(node: LogicalWindowAggregate, phase: AggregatePlanOptions['phase']): boolean {
  const { window } = node;
  if (phase === 'one_phase' || node.inputWindow !== undefined) return false;
  if (window.kind === 'SESSION' || isProcessingTimeWindow(window) || window.localTime === true) return false;
  return node.calls.every((c) => !c.distinct && c.definition.create(c.argTypes).merge !== undefined);
}

/** The DataStream operators of a physical windowing table function node. */
export function translateWindow(
  node: WindowPhysicalNode,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  // Windows over a TIMESTAMP_LTZ time follow the session zone's wall clock (UTC needs nothing).
  const zone = node.window.localTime === true ? sessionTimeZone() : UTC_ZONE;
  // A window aggregate reads its input by column name only: a Calc that merely drops columns
  // below it need not run.
  if (node.kind === 'windowAggregate' && node.input.kind === 'localWindowAggregate')
    return translateTwoPhase(node, node.input, recurse(columnSubsetInput(node.input.input)));
  if (node.kind === 'windowAggregate')
    return translateWindowAggregate(node, recurse(columnSubsetInput(node.input)), zone);
  if (node.kind === 'localWindowAggregate')
    throw new Error('a local window aggregate is translated with its global phase'); // unreachable
  const input = recurse(node.input);
  const window = node.window;
  const name = `WindowTableFunction(${formatWindow(window)})`;
  if (window.kind !== 'SESSION')
    return input.transform<Row>(name, () =>
      zone.isUtc ? new AlignedWindowAssignment(window) : new LocalAlignedWindowAssignment(window, zone),
    );
  const timeColumn = window.timeColumn;
  // A row without a time belongs to no session.
  const timed = restamped(
    node.input,
    window,
    input.filter((row: Row) => typeof row[timeColumn] === 'number'),
  );
  return timed
    .keyBy(rowKeySelector(window.partitionKeys))
    .window(EventTimeSessionWindows.withGap<Row>(window.gap))
    .process<Row>(zone.isUtc ? sessionRows : localSessionRows(zone))
    .name(name);
}

function translateWindowAggregate(
  node: PhysicalWindowAggregate,
  input: DataStream<Row>,
  zone: TimeZone,
): DataStream<Row> {
  const { window, groupKeys, calls, windowColumns, inputWindow } = node;
  const stamped = inputWindow === undefined ? restamped(node.input, window, input) : input;
  return stamped
    .keyBy(windowAggregateKeySelector(groupKeys))
    .transform<Row>(`WindowAggregate(${formatWindow(window, inputWindow)})`, () =>
      zone.isUtc
        ? createWindowAggregateOperator(window, calls, { groupKeys, windowColumns }, inputWindow)
        : createLocalWindowAggregateOperator(window, calls, { groupKeys, windowColumns }, zone, inputWindow),
    );
}

/**
 * A window aggregate's local phase, the shuffle by group keys, and its global phase; the local
 * phase takes no id from the environment's sequence, so the aggregate and every operator after
 * it keep the one-phase plan's uids (`local-phase.ts`).
 */
function translateTwoPhase(
  node: PhysicalWindowAggregate,
  local: PhysicalLocalWindowAggregate,
  input: DataStream<Row>,
): DataStream<Row> {
  const { window, groupKeys, calls, windowColumns } = node;
  const slices = slicesOf(window)!;
  const key = windowAggregateKeySelector(groupKeys);
  return withLocalPhase(
    restamped(local.input, window, input),
    `LocalWindowAggregate(${formatWindow(window)})`,
    () =>
      new LocalWindowAggregateOperator(slices, groupKeys, new SqlWindowAggregateFunction(calls, groupKeys)),
    (partials: DataStream<PartialWindowAggregate>) =>
      partials
        .keyBy((partial) => key(partial.keys))
        .transform<Row>(`GlobalWindowAggregate(${formatWindow(window)})`, () =>
          createGlobalWindowAggregateOperator(window, calls, { groupKeys, windowColumns }),
        ),
  );
}

/**
 * `stream` (the rows of `input`) stamped by the window's time column: itself when they are
 * stamped by it already or the column is not there (the rules drop it only when they are), else
 * behind an operator that restamps them. Window operators read the record's timestamp.
 */
function restamped(input: PhysicalNode, window: WindowSpec, stream: DataStream<Row>): DataStream<Row> {
  const column = window.timeColumn;
  if (isProcessingTimeWindow(window) || !input.columns.some((c) => c.name === column)) return stream;
  if (stampedByColumn(input, column)) return stream;
  return stream.transform<Row>(`Restamp(${column})`, () => new RestampByColumn(column));
}

/**
 * `select=[auction, COUNT(*) AS num, start('w$) AS window_start, …]` as Flink writes it;
 * `window_time` is `proctime('w$)` over processing time.
 */
function selectList(node: {
  window: WindowSpec;
  groupKeys: readonly string[];
  calls: readonly Parameters<typeof formatAggregateCall>[0][];
  windowColumns: { start?: string; end?: string; time?: string };
}): string {
  const { start, end, time } = node.windowColumns;
  return [
    ...node.groupKeys,
    ...node.calls.map(formatAggregateCall),
    ...(start === undefined ? [] : [`start('w$) AS ${start}`]),
    ...(end === undefined ? [] : [`end('w$) AS ${end}`]),
    ...(time === undefined
      ? []
      : [`${isProcessingTimeWindow(node.window) ? 'proctime' : 'rowtime'}('w$) AS ${time}`]),
  ].join(', ');
}

function windowAggregateFields(node: {
  window: WindowSpec;
  inputWindow?: InputWindow;
  groupKeys: readonly string[];
  calls: readonly Parameters<typeof formatAggregateCall>[0][];
  windowColumns: { start?: string; end?: string; time?: string };
}): string {
  const groupBy = node.groupKeys.length === 0 ? '' : `groupBy=[${node.groupKeys.join(', ')}], `;
  return `${groupBy}window=[${formatWindow(node.window, node.inputWindow)}], select=[${selectList(node)}]`;
}

/** The node's line in EXPLAIN's logical plans. */
export function explainWindowLogical(node: WindowLogicalNode): string {
  if (node.kind === 'windowTableFunction')
    return `LogicalWindowTableFunction(window=[${formatWindow(node.window)}])`;
  return `LogicalWindowAggregate(${windowAggregateFields(node)})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainWindowPhysical(node: WindowPhysicalNode, mode: string): string {
  if (node.kind === 'windowTableFunction')
    return `WindowTableFunction(window=[${formatWindow(node.window)}], ${mode})`;
  if (node.kind === 'localWindowAggregate')
    return `LocalWindowAggregate(${windowAggregateFields(node)}, ${mode})`;
  const phase = node.input.kind === 'localWindowAggregate' ? 'Global' : '';
  return `${phase}WindowAggregate(${windowAggregateFields(node)}, ${mode})`;
}
