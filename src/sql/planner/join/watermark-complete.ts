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
 *
 * In a session zone other than UTC two things move the numbers. A window over a TIMESTAMP_LTZ
 * time holds its window_end as the zone's wall clock, so it is complete with a lag: every row
 * emitted after the watermark reached W has X > W + offset (the zone's offset from UTC). And a
 * TIMESTAMP compared with a TIMESTAMP_LTZ is cast to it (the typer's comparedOperands), which
 * subtracts the offset. In a zone of one fixed offset (`GMT-08:00`) both are exact, so the
 * bound is too. A zone with daylight saving has offsets that vary with the instant, so neither
 * is a constant; its joins keep their rows (bounding them would take the cast per stored row and
 * the zone's offsets around each cleanup time, which the cleanup's constant offset cannot hold).
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

/**
 * The watermark-complete columns of a node's rows (see the module comment), each with its lag:
 * every row emitted after the watermark reached W has the column above W + lag. Often none.
 */
export function watermarkCompleteColumns(node: LogicalNode): ReadonlyMap<string, number> {
  switch (node.kind) {
    case 'windowAggregate': {
      const w = node.window;
      // Windows regrouped from windowed input and session windows are left out: only the
      // plain event-time assigners are known to fire once per window and drop late rows.
      if (node.inputWindow !== undefined || isProcessingTimeWindow(w) || w.kind === 'SESSION') return EMPTY;
      // A window over a TIMESTAMP_LTZ time fires when the watermark passes its end's instant;
      // its window_end is that instant's wall clock in the zone, the offset away. window_time
      // is the TIMESTAMP_LTZ instant itself.
      const endLag = w.localTime === true ? fixedOffset() : 0;
      const out = new Map<string, number>();
      if (node.windowColumns.end !== undefined && endLag !== undefined)
        out.set(node.windowColumns.end, endLag);
      if (node.windowColumns.time !== undefined) out.set(node.windowColumns.time, 0);
      return out;
    }
    case 'filter':
      return watermarkCompleteColumns(node.input);
    case 'project': {
      const input = watermarkCompleteColumns(node.input);
      if (input.size === 0) return EMPTY;
      const out = new Map<string, number>();
      for (const p of node.projections) {
        const lag = p.rex.kind === 'field' ? input.get(p.rex.name) : undefined;
        if (lag !== undefined) out.set(p.name, lag);
      }
      return out;
    }
    default:
      return EMPTY;
  }
}

const EMPTY: ReadonlyMap<string, number> = new Map();

/** The session zone's offset from UTC in ms when it has one fixed offset; undefined for a zone with transitions. */
function fixedOffset(): number | undefined {
  return sessionTimeZone().fixedOffset;
}

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
  // A TIMESTAMP compared with a TIMESTAMP_LTZ is cast to it (the typer's comparedOperands): its
  // wall clock read in the zone, the instant the offset before it. With daylight saving the
  // offset varies, so no bound is taken and the rows stay.
  if (rex.kind === 'call' && rex.op === 'CAST' && rex.type.root === 'TIMESTAMP_LTZ') {
    const offset = fixedOffset();
    const inner = rex.args[0]!.type.root === 'TIMESTAMP' ? shifted(rex.args[0]!) : undefined;
    return inner && offset !== undefined
      ? { column: inner.column, offsetMs: inner.offsetMs - offset }
      : undefined;
  }
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
  leftComplete: ReadonlyMap<string, number>,
  rightComplete: ReadonlyMap<string, number>,
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
    // X + a <= T + b, with every later X above W + lag: once the watermark W reaches
    // T + b - a - lag, no later X + a is at most T + b.
    const bound = (lag: number) => ({
      column: t.column,
      offsetMs: t.offsetMs - x.offsetMs - lag,
      completeColumn: x.column,
    });
    const rightLag = rightComplete.get(x.column);
    const leftLag = leftComplete.get(x.column);
    if (rightLag !== undefined && left.has(t.column)) leftCleanup ??= bound(rightLag);
    else if (leftLag !== undefined && right.has(t.column)) rightCleanup ??= bound(leftLag);
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
