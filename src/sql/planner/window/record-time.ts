/**
 * Which column a stream's record timestamps follow. Weir's window operators assign a row to its
 * windows by the record's timestamp, not by reading a column (the DataStream window operators
 * are shared with DataStream jobs). Most rowtime columns are what the records are stamped by: a
 * watermark assigner stamps each row with its rowtime, a window aggregate or table function
 * stamps its rows with `window_time`, and filters and projections keep the stamps. Some rowtime
 * columns are not: an interval join's output keeps both sides' rowtimes as rowtime attributes
 * (as in Flink), yet each row is stamped with the time of the row that completed the pair, and a
 * union, whose column is a rowtime attribute when it is one in every input (as in Flink), may
 * merge rows stamped by different columns. A window over such a column restamps its
 * rows by the column first ({@link RestampByColumn}); elsewhere nothing is added, so the common
 * plans (a window right over a source's rowtime) pay nothing.
 *
 * The other time-based SQL operators (OVER, temporal sort, interval and window joins, window
 * Top-N and deduplication, the windowing table functions' window assignment) read the time
 * column of each row, so they need no restamping.
 */
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import type { Row } from '../../expressions/compiler.js';
import type { Rex } from '../../expressions/rex.js';
import type { LogicalNode } from '../logical.js';
import type { PhysicalNode } from '../physical.js';
import { WINDOW_TIME } from './window-nodes.js';

/**
 * True when every record `node` emits is stamped with the value of its column `column`; false
 * when it may be stamped otherwise (or when that cannot be told: false only costs a restamp).
 * Follows the column through projections that pass it on as a plain field, filters, unions and
 * lateral table functions.
 */
export function stampedByColumn(node: LogicalNode | PhysicalNode, column: string): boolean {
  switch (node.kind) {
    case 'watermarkAssigner':
      return node.rowtime === column;
    case 'filter':
      return stampedByColumn(node.input, column);
    case 'project':
    case 'calc': {
      const rex: Rex | undefined = node.projections.find((p) => p.name === column)?.rex;
      return rex?.kind === 'field' && stampedByColumn(node.input, rex.name);
    }
    case 'union':
      return node.inputs.every((input) => stampedByColumn(input, column));
    case 'windowAggregate':
      // Processing-time windows stamp their rows by the operator's clock.
      return node.windowColumns.time === column && (node.window as { proctime?: true }).proctime !== true;
    case 'correlate':
      // The table function's rows leave with their input row's stamp.
      return !node.outputs.some((c) => c.name === column) && stampedByColumn(node.input, column);
    case 'windowTableFunction':
      // Each copy leaves stamped with its window's last millisecond, `window_time`.
      return column === WINDOW_TIME;
    default:
      return false;
  }
}

/**
 * The name `column` of `node` has in the input of the first projection at the top of `node`
 * (through filters), when that projection passes it on as a plain field; `column` otherwise.
 * A rule that puts a narrower projection over `node`, which then merges with that first one,
 * names the column below both with it.
 */
export function nameBelowProjection(node: LogicalNode, column: string): string {
  let current = node;
  while (current.kind === 'filter') current = current.input;
  if (current.kind !== 'project') return column;
  const rex = current.projections.find((p) => p.name === column)?.rex;
  return rex?.kind === 'field' ? rex.name : column;
}

/**
 * Stamps each row with the value of its column `column` (an epoch-millisecond rowtime), for a
 * window operator whose input rows may be stamped by another time. Rows whose column is NULL
 * keep their stamp: the planner filters them out before windows, which drop such rows anyway.
 * Stateless: nothing to checkpoint.
 */
export class RestampByColumn extends AbstractStreamOperator<Row> implements OneInputStreamOperator<Row, Row> {
  constructor(private readonly column: string) {
    super();
  }

  processElement(row: Row, timestamp: number): void {
    const time = row[this.column];
    this.output.collect(row, typeof time === 'number' ? time : timestamp);
  }
}
