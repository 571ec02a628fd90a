/**
 * The runtime of temporal joins, keyed by the right side's primary key.
 *
 * Event time ({@link EventTimeTemporalJoin}), as Flink's rowtime temporal join: the right side
 * is a versioned table, each right row a version of its key valid from its rowtime until the
 * next version (a delete ends it). Left rows wait in state until the watermark passes their
 * time, so every version that could apply has arrived (both inputs' watermarks, since the
 * operator's watermark is their minimum); then each joins the latest version at or before its
 * time. A timer joins only the rows of its own time (timers fire in time order, so earlier rows
 * were joined by theirs); versions older than the one valid at the timer's time can never be
 * chosen again and are dropped, so state stays bounded by the key count plus what is in flight. Output is
 * insert-only: a left row is emitted once, with the version it found.
 *
 * Processing time ({@link ProcessingTimeTemporalJoin}): each left row joins, as it arrives, the
 * latest version seen so far.
 *
 * Both keep all state in keyed state, so checkpoints and rescaling cover it.
 */
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import {
  type Collector,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type OnTimerContext,
} from '../../../types/functions.js';
import {
  type MapState,
  MapStateDescriptor,
  type ValueState,
  ValueStateDescriptor,
} from '../../../types/state.js';
import type { RuntimeContext } from '../../../types/functions.js';

/** What both temporal join functions are configured with. */
export interface TemporalJoinSpec {
  /** `left` pads unmatched left rows with nulls; `inner` drops them. */
  readonly joinType: 'inner' | 'left';
  /** The left row's time column (event time only). */
  readonly leftTime: string;
  /** The right row's rowtime column, where its version starts (event time only). */
  readonly rightTime: string;
  /** The right columns, for the null padding of a left join. */
  readonly rightColumns: readonly string[];
  /** Whether right elements are {@link ChangelogRow} envelopes rather than rows. */
  readonly rightIsChangelog: boolean;
  /** The rest of the join condition on the joined row; TRUE when absent. */
  readonly residual?: (row: Row) => unknown;
}

/** A stored version: the row, or null when the key was deleted from that time on. */
interface Version {
  readonly row: Row | null;
}

/** The right row of an element and whether it ends the key's version (a delete). */
function rightChange(element: Row, changelog: boolean): { row: Row; delete: boolean } | undefined {
  if (!changelog) return { row: element, delete: false };
  const change = element as unknown as ChangelogRow;
  // -U is always followed by its +U, which supersedes it at the same key: nothing to record.
  if (change.kind === '-U') return undefined;
  return { row: change.row, delete: change.kind === '-D' };
}

/** Joins a left row with a version (or none); emits nothing when an inner join finds none. */
function emitJoined(
  spec: TemporalJoinSpec,
  nulls: Row,
  left: Row,
  right: Row | null,
  out: Collector<Row>,
): void {
  if (right !== null) {
    const joined = Object.assign({}, left, right);
    if (spec.residual === undefined || spec.residual(joined) === true) {
      out.collect(joined);
      return;
    }
  }
  if (spec.joinType === 'left') out.collect(Object.assign({}, left, nulls));
}

/** Event-time temporal join; input 1 is the left (probe) side, input 2 the versioned table. */
export class EventTimeTemporalJoin extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private left!: MapState<number, Row[]>;
  private versions!: MapState<number, Version>;
  private readonly nulls: Row;

  constructor(private readonly spec: TemporalJoinSpec) {
    super();
    this.nulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
  }

  override open(ctx: RuntimeContext): void {
    this.left = ctx.getMapState(new MapStateDescriptor<number, Row[]>('temporal-left'));
    this.versions = ctx.getMapState(new MapStateDescriptor<number, Version>('temporal-versions'));
  }

  processElement1(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    const time = row[this.spec.leftTime] as number;
    const waiting = this.left.get(time);
    this.left.put(time, waiting === undefined ? [row] : [...waiting, row]);
    ctx.timerService().registerEventTimeTimer(time);
  }

  processElement2(element: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    const change = rightChange(element, this.spec.rightIsChangelog);
    if (change === undefined) return;
    const time = change.row[this.spec.rightTime] as number;
    this.versions.put(time, { row: change.delete ? null : change.row });
    // A timer at the version's time lets the cleanup below run for keys without left rows.
    ctx.timerService().registerEventTimeTimer(time);
  }

  override onTimer(timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    // Timers fire in time order, so the left rows of earlier times were joined by their own
    // timers: this one joins only the rows at its time, with no pass over the others.
    let valid = Number.NEGATIVE_INFINITY;
    for (const t of this.versions.keys()) if (t <= timestamp && t > valid) valid = t;
    const waiting = this.left.get(timestamp);
    if (waiting !== undefined) {
      const version = valid === Number.NEGATIVE_INFINITY ? null : this.versions.get(valid)!.row;
      for (const row of waiting) emitJoined(this.spec, this.nulls, row, version, out);
      this.left.remove(timestamp);
    }
    // Only the version valid at this time, and later ones, can still be chosen: rows of earlier
    // times are joined already (a late row finds the latest kept version at or before its time,
    // or none when every kept version is later).
    const stale: number[] = [];
    for (const t of this.versions.keys()) if (t < valid) stale.push(t);
    for (const t of stale) this.versions.remove(t);
    if (valid !== Number.NEGATIVE_INFINITY && this.versions.get(valid)!.row === null)
      this.versions.remove(valid);
  }
}

/** Processing-time temporal join: left rows join the latest version at once. */
export class ProcessingTimeTemporalJoin extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private latest!: ValueState<Row>;
  private readonly nulls: Row;

  constructor(private readonly spec: TemporalJoinSpec) {
    super();
    this.nulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
  }

  override open(ctx: RuntimeContext): void {
    this.latest = ctx.getState(new ValueStateDescriptor<Row>('temporal-latest'));
  }

  processElement1(row: Row, _ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    emitJoined(this.spec, this.nulls, row, this.latest.value() ?? null, out);
  }

  processElement2(element: Row): void {
    const change = rightChange(element, this.spec.rightIsChangelog);
    if (change === undefined) return;
    this.latest.update(change.delete ? undefined : change.row);
  }
}
