/**
 * The time column of a window aggregate over a windowing table function, kept right through the
 * rewrite rules. The WindowAggregateRule projects the window's input to what the aggregate reads,
 * and that projection then merges with the ones below it; the window's `time_col` must still name
 * a column of the plan after that:
 *
 * - when the rows are stamped by another time than the column (an interval join's output
 *   windowed by the earlier side's rowtime, see `record-time.ts`), the column stays in the
 *   projection, and translation restamps the rows by it before the window;
 * - otherwise the rows' stamps are the column's values and the column is left behind, as
 *   before; when a projection renamed it (`window_time AS rowtime` in a cascading window
 *   aggregation), the window names it as that projection's input does (`window_time`).
 */
import { field } from '../../expressions/rex.js';
import { type LogicalNode, project } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import { nameBelowProjection, stampedByColumn } from './record-time.js';
import { WindowAggregateRule } from './window-aggregate-rule.js';
import { isProcessingTimeWindow, type LogicalWindowTableFunction, windowAggregate } from './window-nodes.js';

/**
 * The WindowAggregateRule (under its name), with the window's time column settled as the module
 * comment says; the one {@link DEFAULT_RULES} runs.
 */
export const TimeKeepingWindowAggregateRule: RewriteRule = {
  name: WindowAggregateRule.name,
  apply(node) {
    const rewritten = WindowAggregateRule.apply(node);
    if (rewritten === undefined || node.kind !== 'aggregate') return rewritten;
    const tvf = tableFunctionBelow(node.input);
    if (tvf === undefined) return rewritten;
    return withTimeColumn(rewritten, tvf) ?? rewritten;
  },
};

/** The windowing table function the aggregate reads through a projection and a filter. */
function tableFunctionBelow(node: LogicalNode): LogicalWindowTableFunction | undefined {
  let below = node;
  if (below.kind === 'project') below = below.input;
  if (below.kind === 'filter') below = below.input;
  return below.kind === 'windowTableFunction' ? below : undefined;
}

/**
 * The rule's result `Project → WindowAggregate → Project → …` with the time column of `tvf`'s
 * window kept or renamed; undefined when it has another shape or nothing changes.
 */
function withTimeColumn(rewritten: LogicalNode, tvf: LogicalWindowTableFunction): LogicalNode | undefined {
  if (rewritten.kind !== 'project' || rewritten.input.kind !== 'windowAggregate') return undefined;
  const aggregate = rewritten.input;
  const window = aggregate.window;
  if (aggregate.inputWindow !== undefined || isProcessingTimeWindow(window)) return undefined;
  const narrowed = aggregate.input;
  if (narrowed.kind !== 'project') return undefined;
  const time = window.timeColumn;
  const { kind: _kind, ...fields } = aggregate;
  if (stampedByColumn(tvf.input, time)) {
    const below = nameBelowProjection(tvf.input, time);
    if (below === time) return undefined;
    return project(
      windowAggregate({ ...fields, window: Object.freeze({ ...window, timeColumn: below }) }),
      rewritten.projections,
    );
  }
  const column = narrowed.input.columns.find((c) => c.name === time);
  if (column === undefined) return undefined;
  // The projection may pass the column on already, or use its name for another value (then the
  // column goes along under a name of its own).
  const same = narrowed.projections.find((p) => p.name === time);
  if (same?.rex.kind === 'field' && same.rex.name === time) return undefined;
  const taken = new Set(narrowed.projections.map((p) => p.name));
  let name = time;
  for (let i = 0; taken.has(name); i++) name = `${time}$${i}`;
  const input = project(narrowed.input, [...narrowed.projections, { name, rex: field(time, column.type) }]);
  const renamed = name === time ? window : Object.freeze({ ...window, timeColumn: name });
  return project(windowAggregate({ ...fields, input, window: renamed }), rewritten.projections);
}
