/**
 * State cleanup of a regular join from watermark-complete columns. A column X of a relation is
 * *watermark-complete* when every row the relation emits after its watermark has reached W has
 * X > W: an event-time window aggregate's `window_end` and `window_time` are (it emits a window
 * only when the watermark passes the window's last millisecond, before forwarding that
 * watermark, and drops rows that arrive after it), and projections and filters keep the property
 * of the columns they pass on. A source's rowtime is not: a source may emit rows behind its
 * watermark, and a regular join still joins them.
 *
 * When one side's column X is complete and the join condition holds a conjunct
 * `X + a <= T + b` (or `<`, either way round, BETWEEN included) over a TIMESTAMP column T of the
 * other side, a row of the other side can match no future row once the join's watermark has
 * reached `T + b - a`: every later row has X greater than that. Such a row can leave state then
 * (and a row that arrives that late need not be stored at all), which gives exactly the output
 * the join gives when it keeps everything: rows that arrive late still join what is in state,
 * since the complete side itself is kept.
 *
 * Only inner joins of insert-only inputs are cleaned: a retraction would have to find the row
 * it retracts, and an outer side's padded rows depend on match counts.
 */
import { isTimestamp } from '../../catalog/types.js';
import type { Rex } from '../../expressions/rex.js';
import { sessionTimeZone } from '../../expressions/time-zone.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import { isProcessingTimeWindow } from '../window/window-nodes.js';
import { conjunctsOf } from './join-conditions.js';

/**
 * When a stored row of one side may leave state: once the join's watermark reaches its
 * `column` plus `offsetMs`, because the other side's `completeColumn` is watermark-complete.
 */
export interface StateCleanup {
  readonly column: string;
  readonly offsetMs: number;
  readonly completeColumn: string;
}

/** The watermark-complete columns of a node's rows (see the module comment); often none. */
export function watermarkCompleteColumns(node: LogicalNode): ReadonlySet<string> {
  switch (node.kind) {
    case 'windowAggregate': {
      const w = node.window;
      // Windows regrouped from windowed input and session windows are left out: only the
      // plain event-time assigners are known to fire once per window and drop late rows.
      if (node.inputWindow !== undefined || isProcessingTimeWindow(w) || w.kind === 'SESSION') return EMPTY;
      const out = new Set<string>();
      if (node.windowColumns.end !== undefined) out.add(node.windowColumns.end);
      if (node.windowColumns.time !== undefined) out.add(node.windowColumns.time);
      return out;
    }
    case 'filter':
      return watermarkCompleteColumns(node.input);
    case 'project': {
      const input = watermarkCompleteColumns(node.input);
      if (input.size === 0) return EMPTY;
      const out = new Set<string>();
      for (const p of node.projections) if (p.rex.kind === 'field' && input.has(p.rex.name)) out.add(p.name);
      return out;
    }
    default:
      return EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** A TIMESTAMP column plus a constant (`col`, `col + INTERVAL …`, `col - INTERVAL …`). */
interface Shifted {
  readonly column: string;
  readonly offsetMs: number;
}

function intervalMs(rex: Rex): number | undefined {
  if (rex.kind !== 'literal' || rex.type.root !== 'INTERVAL_DAY_TIME') return undefined;
  return typeof rex.value === 'number' && Number.isFinite(rex.value) ? rex.value : undefined;
}

function shifted(rex: Rex): Shifted | undefined {
  if (rex.kind === 'field') return isTimestamp(rex.type) ? { column: rex.name, offsetMs: 0 } : undefined;
  // A TIMESTAMP compared with a TIMESTAMP_LTZ is cast to it (the typer's comparedOperands). In a
  // session at UTC the cast keeps the number, so the bound is the column's. Elsewhere the wall
  // clock and the watermark's instants differ by the zone's offset, which daylight saving
  // varies, so no bound is taken and the rows stay.
  if (rex.kind === 'call' && rex.op === 'CAST' && rex.type.root === 'TIMESTAMP_LTZ')
    return rex.args[0]!.type.root === 'TIMESTAMP' && sessionTimeZone().fixedOffset === 0
      ? shifted(rex.args[0]!)
      : undefined;
  if (rex.kind !== 'call' || rex.args.length !== 2 || (rex.op !== '+' && rex.op !== '-')) return undefined;
  const [a, b] = rex.args as [Rex, Rex];
  const bMs = intervalMs(b);
  if (bMs !== undefined) {
    const inner = shifted(a);
    return inner && { column: inner.column, offsetMs: inner.offsetMs + (rex.op === '+' ? bMs : -bMs) };
  }
  const aMs = intervalMs(a);
  if (aMs !== undefined && rex.op === '+') {
    const inner = shifted(b);
    return inner && { column: inner.column, offsetMs: inner.offsetMs + aMs };
  }
  return undefined;
}

/**
 * The cleanup of each side's rows that the condition allows (see the module comment), from the
 * watermark-complete columns of each input; undefined for a side that keeps its rows.
 */
export function stateCleanups(
  condition: Rex,
  leftColumns: readonly PlanColumn[],
  rightColumns: readonly PlanColumn[],
  leftComplete: ReadonlySet<string>,
  rightComplete: ReadonlySet<string>,
): { readonly left?: StateCleanup; readonly right?: StateCleanup } {
  const left = new Set(leftColumns.map((c) => c.name));
  const right = new Set(rightColumns.map((c) => c.name));
  let leftCleanup: StateCleanup | undefined;
  let rightCleanup: StateCleanup | undefined;
  for (const c of conjunctsOf(condition)) {
    if (c.kind !== 'call' || c.args.length !== 2) continue;
    // As `small <= large` (or `<`): a complete `small` bounds the other side's `large`.
    let small: Rex;
    let large: Rex;
    if (c.op === '<=' || c.op === '<') [small, large] = c.args as [Rex, Rex];
    else if (c.op === '>=' || c.op === '>') [large, small] = c.args as [Rex, Rex];
    else continue;
    const x = shifted(small);
    const t = shifted(large);
    if (x === undefined || t === undefined) continue;
    // X + a <= T + b: once the watermark reaches T + b - a, every later X is above it.
    const cleanup = { column: t.column, offsetMs: t.offsetMs - x.offsetMs, completeColumn: x.column };
    if (rightComplete.has(x.column) && left.has(t.column)) leftCleanup ??= cleanup;
    else if (leftComplete.has(x.column) && right.has(t.column)) rightCleanup ??= cleanup;
  }
  return {
    ...(leftCleanup === undefined ? {} : { left: leftCleanup }),
    ...(rightCleanup === undefined ? {} : { right: rightCleanup }),
  };
}

/** The EXPLAIN text of a cleanup: `watermark >= dateTime + 10000ms, dateTime0 watermark-complete`. */
export function formatStateCleanup(cleanup: StateCleanup): string {
  const { column, offsetMs, completeColumn } = cleanup;
  const offset = offsetMs === 0 ? '' : offsetMs > 0 ? ` + ${offsetMs}ms` : ` - ${-offsetMs}ms`;
  return `watermark >= ${column}${offset}, ${completeColumn} watermark-complete`;
}
