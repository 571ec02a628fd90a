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
 * is a constant: there each stored row's bound is worked out from the zone (zoned-cleanup.ts),
 * never earlier than the exact one.
 */
import { isTimestamp } from '../../catalog/types.js';
import type { Rex } from '../../expressions/rex.js';
import { sessionTimeZone } from '../../expressions/time-zone.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import { isProcessingTimeWindow } from '../window/window-nodes.js';
import { conjunctsOf, orderedOperands } from './join-conditions.js';
import { formatZonedBound, type ZonedBound, type ZoneStep } from './zoned-cleanup.js';

/**
 * When a stored row of one side may leave state, because the other side's `completeColumn` is
 * watermark-complete: once the join's watermark reaches its `column` plus `offsetMs`, or, in a
 * zone with daylight saving, the bound `zoned` works out from the row's `column`.
 */
export type StateCleanup =
  | { readonly column: string; readonly offsetMs: number; readonly completeColumn: string }
  | { readonly column: string; readonly zoned: ZonedBound; readonly completeColumn: string };

/**
 * How a watermark-complete column is complete: a number is its lag (every row emitted after
 * the watermark reached W has the column above W + lag); `'localEnd'` marks the window_end of
 * a window over a TIMESTAMP_LTZ time in a zone with daylight saving, which lies past the
 * watermark through the instant its window fires at.
 */
export type Completeness = number | 'localEnd';

/**
 * The watermark-complete columns of a node's rows (see the module comment), each with how it
 * is complete. Often none.
 */
export function watermarkCompleteColumns(node: LogicalNode): ReadonlyMap<string, Completeness> {
  switch (node.kind) {
    case 'windowAggregate': {
      const w = node.window;
      // Windows regrouped from windowed input and session windows are left out: only the
      // plain event-time assigners are known to fire once per window and drop late rows.
      if (node.inputWindow !== undefined || isProcessingTimeWindow(w) || w.kind === 'SESSION') return EMPTY;
      // A window over a TIMESTAMP_LTZ time fires when the watermark passes its end's instant;
      // its window_end is that instant's wall clock in the zone, the offset away (which varies
      // in a zone with daylight saving). window_time is the TIMESTAMP_LTZ instant itself.
      const endLag = w.localTime === true ? (fixedOffset() ?? 'localEnd') : 0;
      const out = new Map<string, Completeness>();
      if (node.windowColumns.end !== undefined) out.set(node.windowColumns.end, endLag);
      if (node.windowColumns.time !== undefined) out.set(node.windowColumns.time, 0);
      return out;
    }
    case 'filter':
      return watermarkCompleteColumns(node.input);
    case 'project': {
      const input = watermarkCompleteColumns(node.input);
      if (input.size === 0) return EMPTY;
      const out = new Map<string, Completeness>();
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

const EMPTY: ReadonlyMap<string, Completeness> = new Map();

/** The session zone's offset from UTC in ms when it has one fixed offset; undefined for a zone with transitions. */
function fixedOffset(): number | undefined {
  return sessionTimeZone().fixedOffset;
}

/**
 * A TIMESTAMP column through shifts by a constant (`col`, `col + INTERVAL …`,
 * `col - INTERVAL …`) and casts to TIMESTAMP_LTZ, the steps in the order they apply. In a zone
 * of one fixed offset a cast is a shift too.
 */
interface Term {
  readonly column: string;
  readonly steps: readonly ZoneStep[];
}

function intervalMs(rex: Rex): number | undefined {
  if (rex.kind !== 'literal' || rex.type.root !== 'INTERVAL_DAY_TIME') return undefined;
  return typeof rex.value === 'number' && Number.isFinite(rex.value) ? rex.value : undefined;
}

/** `term` shifted by `ms`, merged into its last shift. */
function shift(term: Term, ms: number): Term {
  const last = term.steps.at(-1);
  if (last?.kind === 'shift')
    return { column: term.column, steps: [...term.steps.slice(0, -1), { kind: 'shift', ms: last.ms + ms }] };
  return { column: term.column, steps: [...term.steps, { kind: 'shift', ms }] };
}

function term(rex: Rex): Term | undefined {
  if (rex.kind === 'field') return isTimestamp(rex.type) ? { column: rex.name, steps: [] } : undefined;
  // A TIMESTAMP compared with a TIMESTAMP_LTZ is cast to it (the typer's comparedOperands): its
  // wall clock read in the zone, the instant the offset before it.
  if (rex.kind === 'call' && rex.op === 'CAST' && rex.type.root === 'TIMESTAMP_LTZ') {
    const inner = rex.args[0]!.type.root === 'TIMESTAMP' ? term(rex.args[0]!) : undefined;
    if (inner === undefined) return undefined;
    const offset = fixedOffset();
    return offset !== undefined
      ? shift(inner, -offset)
      : { column: inner.column, steps: [...inner.steps, { kind: 'instant' }] };
  }
  if (rex.kind !== 'call' || rex.args.length !== 2 || (rex.op !== '+' && rex.op !== '-')) return undefined;
  const [a, b] = rex.args as [Rex, Rex];
  const bMs = intervalMs(b);
  if (bMs !== undefined) {
    const inner = term(a);
    return inner && shift(inner, rex.op === '+' ? bMs : -bMs);
  }
  const aMs = intervalMs(a);
  if (aMs !== undefined && rex.op === '+') {
    const inner = term(b);
    return inner && shift(inner, aMs);
  }
  return undefined;
}

/** A term's constant shift when it is one (no cast in a zone with daylight saving). */
function constantShift(t: Term): number | undefined {
  let ms = 0;
  for (const step of t.steps) {
    if (step.kind !== 'shift') return undefined;
    ms += step.ms;
  }
  return ms;
}

/**
 * The cleanup of stored `t` by complete `x` under `x <= t` (or `<`): with every later X past
 * the watermark W (above W + lag), once W reaches T + b - a - lag no later X + a is at most
 * T + b; in a zone with daylight saving that bound is no constant, and zoned-cleanup.ts finds
 * it per row.
 */
function cleanupOf(x: Term, t: Term, completeness: Completeness): StateCleanup {
  const a = constantShift(x);
  const b = constantShift(t);
  if (a !== undefined && b !== undefined && completeness !== 'localEnd')
    return { column: t.column, offsetMs: b - a - completeness, completeColumn: x.column };
  const zoned: ZonedBound = {
    zoneId: sessionTimeZone().id,
    large: t.steps,
    small: x.steps,
    ...(completeness === 'localEnd' ? {} : { lagMs: completeness }),
  };
  return { column: t.column, zoned, completeColumn: x.column };
}

/**
 * The cleanup of each side's rows that the condition allows (see the module comment), from the
 * watermark-complete columns of each input; undefined for a side that keeps its rows.
 */
export function stateCleanups(
  condition: Rex,
  leftColumns: readonly PlanColumn[],
  rightColumns: readonly PlanColumn[],
  leftComplete: ReadonlyMap<string, Completeness>,
  rightComplete: ReadonlyMap<string, Completeness>,
): { readonly left?: StateCleanup; readonly right?: StateCleanup } {
  const left = new Set(leftColumns.map((c) => c.name));
  const right = new Set(rightColumns.map((c) => c.name));
  let leftCleanup: StateCleanup | undefined;
  let rightCleanup: StateCleanup | undefined;
  for (const c of conjunctsOf(condition)) {
    // A complete `small` bounds the other side's `large`.
    const ordered = orderedOperands(c);
    if (ordered === undefined) continue;
    const x = term(ordered[0]);
    const t = term(ordered[1]);
    if (x === undefined || t === undefined) continue;
    const rightLag = rightComplete.get(x.column);
    const leftLag = leftComplete.get(x.column);
    if (rightLag !== undefined && left.has(t.column)) leftCleanup ??= cleanupOf(x, t, rightLag);
    else if (leftLag !== undefined && right.has(t.column)) rightCleanup ??= cleanupOf(x, t, leftLag);
  }
  return {
    ...(leftCleanup === undefined ? {} : { left: leftCleanup }),
    ...(rightCleanup === undefined ? {} : { right: rightCleanup }),
  };
}

/**
 * The EXPLAIN text of a cleanup: `watermark >= dateTime + 10000ms, dateTime0 watermark-complete`,
 * or with a zoned bound `watermark >= fire(local(ts) + 10000ms) in America/Los_Angeles, …`.
 */
export function formatStateCleanup(cleanup: StateCleanup): string {
  const { column, completeColumn } = cleanup;
  if ('zoned' in cleanup)
    return `watermark >= ${formatZonedBound(column, cleanup.zoned)}, ${completeColumn} watermark-complete`;
  const { offsetMs } = cleanup;
  const offset = offsetMs === 0 ? '' : offsetMs > 0 ? ` + ${offsetMs}ms` : ` - ${-offsetMs}ms`;
  return `watermark >= ${column}${offset}, ${completeColumn} watermark-complete`;
}
