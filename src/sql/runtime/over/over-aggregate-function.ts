/**
 * OVER aggregation on event time, keyed by the window's partition keys (Flink's
 * RowTimeRowsBoundedPrecedingFunction and its siblings in one function).
 *
 * Rows wait in state, by timestamp, until the watermark passes them; then the timer set at
 * their timestamp processes them in timestamp order, so out-of-order input gives the same
 * result as sorted input. A row at or below the watermark when it arrives is late and dropped.
 * RANGE frames add all rows of one timestamp before emitting, so they share a result; ROWS
 * frames add and emit rows one at a time, in arrival order within a timestamp. Bounded frames
 * keep the rows still in the frame and retract each one as it leaves. Output is insert-only:
 * each input row once, with the aggregate values appended.
 *
 * All state is keyed state (pending rows, accumulators, frame rows), so checkpoints, restore and
 * rescaling are exact.
 */
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { type AccumulatorList, RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import {
  type MapState,
  MapStateDescriptor,
  type ValueState,
  ValueStateDescriptor,
} from '../../../types/state.js';

/** What an OVER aggregate computes. */
export interface OverAggregateSpec {
  /** The rowtime column ordering the rows. */
  readonly timeColumn: string;
  readonly unit: 'ROWS' | 'RANGE';
  /** Rows (ROWS) or milliseconds (RANGE) before the current row; undefined for UNBOUNDED. */
  readonly preceding?: number;
  readonly calls: readonly BoundAggregateCall[];
}

/** Event-time OVER aggregation over one partition key's rows. */
export class RowTimeOverAggregate extends KeyedProcessFunction<unknown, Row, Row> {
  private aggs!: RowAggregates;
  private pending!: MapState<number, Row[]>;
  private accumulators!: ValueState<AccumulatorList>;
  private frame!: ValueState<Row[]>;

  constructor(private readonly spec: OverAggregateSpec) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.aggs = new RowAggregates(this.spec.calls, { retraction: this.spec.preceding !== undefined });
    this.pending = ctx.getMapState(new MapStateDescriptor<number, Row[]>('over-pending'));
    this.accumulators = ctx.getState(new ValueStateDescriptor<AccumulatorList>('over-accumulators'));
    this.frame = ctx.getState(new ValueStateDescriptor<Row[]>('over-frame'));
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    const ts = row[this.spec.timeColumn];
    if (typeof ts !== 'number') return; // a NULL rowtime has no place in the order
    const timers = ctx.timerService();
    if (ts <= timers.currentWatermark()) return; // late
    const waiting = this.pending.get(ts);
    if (waiting === undefined) {
      this.pending.put(ts, [row]);
      timers.registerEventTimeTimer(ts);
    } else {
      waiting.push(row);
      this.pending.put(ts, waiting);
    }
  }

  override onTimer(timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const rows = this.pending.get(timestamp);
    if (rows === undefined) return;
    this.pending.remove(timestamp);
    const { unit, preceding, timeColumn } = this.spec;
    const aggs = this.aggs;
    const accs = this.accumulators.value() ?? aggs.createAccumulators();
    const bounded = preceding !== undefined;
    const frame = bounded ? (this.frame.value() ?? []) : undefined;
    if (unit === 'RANGE') {
      if (frame !== undefined) {
        // Rows older than the frame's start leave it; the frame is in timestamp order.
        const start = timestamp - preceding!;
        let leaving = 0;
        while (leaving < frame.length && (frame[leaving]![timeColumn] as number) < start)
          aggs.retract(accs, frame[leaving++]!);
        frame.splice(0, leaving);
      }
      for (const row of rows) {
        aggs.accumulate(accs, row);
        frame?.push(row);
      }
      for (const row of rows) {
        const result = { ...row };
        aggs.writeValues(accs, result);
        out.collect(result);
      }
    } else {
      for (const row of rows) {
        aggs.accumulate(accs, row);
        if (frame !== undefined) {
          frame.push(row);
          if (frame.length > preceding! + 1) aggs.retract(accs, frame.shift()!);
        }
        const result = { ...row };
        aggs.writeValues(accs, result);
        out.collect(result);
      }
    }
    this.accumulators.update(accs);
    if (frame !== undefined) this.frame.update(frame);
  }
}
