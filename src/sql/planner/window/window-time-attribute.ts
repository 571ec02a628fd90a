/**
 * `window_time` of a window aggregate is a rowtime attribute, as in Flink: the aggregate emits
 * each window's rows once, when the watermark passes the window's end, stamped with the window's
 * last millisecond (the value of `window_time`), so its rows are in event-time order as far as
 * the watermark tells and the watermark stays valid for them. A query may then window, join or
 * order them again on that column (Flink's "cascading window aggregation"). Any other grouped
 * time attribute loses its marker, since a group aggregate's rows leave in no time order.
 *
 * The builder types the select list before the rules run, so it asks here, while it builds the
 * aggregate, whether the WindowAggregateRule will make a window aggregate of it.
 */
import type { LogicalAggregate } from '../aggregate/aggregate-nodes.js';
import type { LogicalNode } from '../logical.js';
import { optimize } from '../rules.js';
import { WindowAggregateRule } from './window-aggregate-rule.js';

/**
 * The output column of `node` that will be its window aggregate's `window_time` and whose input
 * is a rowtime attribute, or undefined when `node` is no window aggregate or does not group by
 * `window_time`. Processing-time windows' `window_time` is not kept: their rows are stamped by
 * the operator's clock, and Weir refuses to window them again.
 */
export function windowTimeKey(node: LogicalAggregate): string | undefined {
  const rowtimeKeys = node.groupKeys.filter(
    (k) => node.input.columns.find((c) => c.name === k)?.type.rowtime === true,
  );
  if (rowtimeKeys.length === 0) return undefined;
  let rewritten = windowAggregateOf(node);
  // Grouped again by a window aggregate's bounds (and window_time): the input is a window
  // aggregate only once the rules have rewritten it, so they run on a copy of it here.
  if (rewritten === undefined) rewritten = windowAggregateOf(node, true);
  if (rewritten?.kind !== 'project' || rewritten.input.kind !== 'windowAggregate') return undefined;
  const time = rewritten.input.windowColumns.time;
  if (time === undefined) return undefined;
  const type = node.input.columns.find((c) => c.name === time)?.type;
  return type?.rowtime === true ? time : undefined;
}

/** The WindowAggregateRule's rewrite of `node`, over its optimized input when `optimizeInput`. */
function windowAggregateOf(node: LogicalAggregate, optimizeInput = false): LogicalNode | undefined {
  try {
    return WindowAggregateRule.apply(optimizeInput ? { ...node, input: optimize(node.input).plan } : node);
  } catch {
    // The rules' own errors (a SESSION aggregate without its partition key) are raised when the
    // rules run on the whole plan, with the rest of its errors.
    return undefined;
  }
}

/**
 * `node` with its `window_time` key (see {@link windowTimeKey}) typed as the input's rowtime
 * attribute instead of a plain timestamp; `node` itself when it has none.
 */
export function withWindowTimeAttribute(node: LogicalAggregate): LogicalAggregate {
  const time = windowTimeKey(node);
  if (time === undefined) return node;
  const type = node.input.columns.find((c) => c.name === time)!.type;
  return Object.freeze({
    ...node,
    columns: Object.freeze(node.columns.map((c) => (c.name === time ? { name: c.name, type } : c))),
  });
}
