/**
 * The outer interval join (LEFT, RIGHT and FULL; the inner one runs on the DataStream interval
 * join). A left row at time tl joins the right rows at rt with rt − tl in [lower, upper], both
 * times read from the rows' rowtime columns. Each side's rows wait in keyed map state, by time,
 * for as long as a row of the other side could still match them: a left row until the watermark
 * reaches tl + upper, a right row until it reaches rt − lower. An event-time timer at that time
 * drops them, and a row of an outer side that never matched is emitted then, padded with NULLs,
 * so the output stays insert-only. A row that arrives when no future match is possible (late)
 * still joins what is buffered and, if it found nothing, is padded at once, as Flink's SQL
 * interval join does.
 */
import {
  type Collector,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import { type MapState, MapStateDescriptor } from '../../../types/state.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import type { JoinType } from './join-nodes.js';

/** A buffered row and whether it has joined any row of the other side yet. */
type Buffered = readonly [row: Row, matched: boolean];

/** What the function needs, compiled once when the job is built. */
export interface IntervalJoinSpec {
  readonly joinType: JoinType;
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  readonly leftTime: string;
  readonly rightTime: string;
  /** Right time − left time lies in [lower, upper] (milliseconds, inclusive). */
  readonly lower: number;
  readonly upper: number;
  readonly leftHasNullKey: (row: Row) => boolean;
  readonly rightHasNullKey: (row: Row) => boolean;
  /** The rest of the condition on the merged row; undefined when there is none. */
  readonly remaining?: RowFunction;
}

/** The outer interval join of two keyed, insert-only inputs. */
export class OuterIntervalJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private leftBuffer!: MapState<number, Buffered[]>;
  private rightBuffer!: MapState<number, Buffered[]>;
  private readonly leftOuter: boolean;
  private readonly rightOuter: boolean;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;

  constructor(private readonly spec: IntervalJoinSpec) {
    super();
    this.leftOuter = spec.joinType === 'left' || spec.joinType === 'full';
    this.rightOuter = spec.joinType === 'right' || spec.joinType === 'full';
    this.leftNulls = Object.fromEntries(spec.leftColumns.map((c) => [c, null]));
    this.rightNulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
  }

  override open(ctx: RuntimeContext): void {
    this.leftBuffer = ctx.getMapState(new MapStateDescriptor<number, Buffered[]>('interval-join-left'));
    this.rightBuffer = ctx.getMapState(new MapStateDescriptor<number, Buffered[]>('interval-join-right'));
  }

  processElement1(row: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    this.process(row, true, ctx, out);
  }

  processElement2(row: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    this.process(row, false, ctx, out);
  }

  private process(
    row: Row,
    isLeft: boolean,
    ctx: KeyedProcessContext<unknown, Row>,
    out: Collector<Row>,
  ): void {
    const spec = this.spec;
    const outer = isLeft ? this.leftOuter : this.rightOuter;
    const time = row[isLeft ? spec.leftTime : spec.rightTime];
    const nullKey = (isLeft ? spec.leftHasNullKey : spec.rightHasNullKey)(row);
    if (typeof time !== 'number' || nullKey) {
      // No time or a NULL key: the row can match nothing.
      if (outer) out.collect(this.pad(row, isLeft));
      return;
    }
    // The other side's times this row matches: [from, to].
    const from = isLeft ? time + spec.lower : time - spec.upper;
    const to = isLeft ? time + spec.upper : time - spec.lower;
    const other = isLeft ? this.rightBuffer : this.leftBuffer;
    const otherOuter = isLeft ? this.rightOuter : this.leftOuter;
    let matched = false;
    for (const [otherTime, rows] of other.entries()) {
      if (otherTime < from || otherTime > to) continue;
      let changed = false;
      const next = rows.map((entry): Buffered => {
        const merged = isLeft ? { ...row, ...entry[0] } : { ...entry[0], ...row };
        if (spec.remaining !== undefined && spec.remaining(merged) !== true) return entry;
        out.collect(merged);
        matched = true;
        if (entry[1]) return entry;
        changed = true;
        return [entry[0], true];
      });
      if (changed && otherOuter) other.put(otherTime, next);
    }
    const watermark = ctx.timerService().currentWatermark();
    if (to > watermark) {
      // Rows of the other side up to `to` may still come: keep this row until the watermark passes it.
      const own = isLeft ? this.leftBuffer : this.rightBuffer;
      own.put(time, [...(own.get(time) ?? []), [row, matched]]);
      ctx.timerService().registerEventTimeTimer(to);
    } else if (!matched && outer) out.collect(this.pad(row, isLeft));
  }

  override onTimer(timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    this.expire(this.leftBuffer, (t) => t + this.spec.upper <= timestamp, this.leftOuter, true, out);
    this.expire(this.rightBuffer, (t) => t - this.spec.lower <= timestamp, this.rightOuter, false, out);
  }

  private expire(
    buffer: MapState<number, Buffered[]>,
    expired: (time: number) => boolean,
    outer: boolean,
    isLeft: boolean,
    out: Collector<Row>,
  ): void {
    const done: number[] = [];
    for (const [time, rows] of buffer.entries()) {
      if (!expired(time)) continue;
      done.push(time);
      if (outer) for (const [row, matched] of rows) if (!matched) out.collect(this.pad(row, isLeft));
    }
    for (const time of done) buffer.remove(time);
  }

  private pad(row: Row, isLeft: boolean): Row {
    return isLeft ? { ...row, ...this.rightNulls } : { ...this.leftNulls, ...row };
  }
}
