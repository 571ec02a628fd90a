/**
 * A windowing table function on its own (`SELECT * FROM TABLE(HOP(…))`): each row comes out
 * once per window that contains it, with `window_start`, `window_end` and `window_time` added.
 * TUMBLE, HOP and CUMULATE windows depend on the row's time alone, so rows are assigned as they
 * pass, without state; each copy leaves stamped with its `window_time` (the window's last
 * millisecond), the output's rowtime attribute, so that a window aggregate, interval join or OVER
 * downstream, which read the record's timestamp, see the time the column holds. A window's last
 * millisecond is never before the row's time, so the copies are never behind the watermark. SESSION windows are known only when a session closes, so rows are held
 * per partition key in a session window and emitted when the watermark passes its end (as
 * Flink's unaligned window table function does); rows behind the watermark are dropped there.
 * Rows whose time is NULL belong to no window and are dropped, as in Flink.
 */
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import type { Collector } from '../../../types/functions.js';
import type { WindowAssigner } from '../../../windowing/assigner.js';
import type { TimeWindow } from '../../../windowing/windows.js';
import type { Row } from '../../expressions/compiler.js';
import { WINDOW_END, WINDOW_START, WINDOW_TIME, type WindowSpec } from '../../planner/window/window-nodes.js';
import { windowAssigner } from './window-aggregate.js';

const NO_CONTEXT = { getCurrentProcessingTime: () => Date.now() };

/** A copy of `row` with the window's three columns. */
function withWindow(row: Row, window: TimeWindow): Row {
  const out: Row = { ...row };
  out[WINDOW_START] = window.start;
  out[WINDOW_END] = window.end;
  out[WINDOW_TIME] = window.end - 1;
  return out;
}

/**
 * Assigns TUMBLE, HOP and CUMULATE windows row by row, stamping each copy with its window's
 * last millisecond. Stateless: nothing to checkpoint.
 */
export class AlignedWindowAssignment
  extends AbstractStreamOperator<Row>
  implements OneInputStreamOperator<Row, Row>
{
  private readonly assigner: WindowAssigner<unknown, TimeWindow>;
  private readonly column: string;

  constructor(window: Exclude<WindowSpec, { kind: 'SESSION' }>) {
    super();
    this.assigner = windowAssigner(window);
    this.column = window.timeColumn;
  }

  processElement(row: Row, _timestamp: number): void {
    const time = row[this.column];
    if (typeof time !== 'number') return;
    const windows = this.assigner.assignWindows(row, time, NO_CONTEXT);
    for (let i = 0; i < windows.length; i++) {
      const window = windows[i]!;
      this.output.collect(withWindow(row, window), window.end - 1);
    }
  }
}

/** The window function of a SESSION table function: every row of the session, in arrival order. */
export function sessionRows(
  _key: unknown,
  window: TimeWindow,
  rows: Iterable<Row>,
  out: Collector<Row>,
): void {
  for (const row of rows) out.collect(withWindow(row, window));
}
