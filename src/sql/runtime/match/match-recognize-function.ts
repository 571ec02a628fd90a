/**
 * The `MATCH_RECOGNIZE` operator, keyed by the partition columns (by nothing without PARTITION
 * BY, so parallelism 1 in effect, as in Flink). It emits one row per match: the partition
 * columns, then the measures. Output is insert-only.
 *
 * On event time rows wait by timestamp until the watermark passes them, with one event-time
 * timer per timestamp, and go to the matcher in time order (then by the further order keys,
 * ties in arrival order), so out-of-order input matches as sorted input would; a row at or
 * below the watermark when it arrives is late and dropped, as Flink drops it. On processing
 * time rows go to the matcher as they arrive.
 *
 * The waiting rows and the matcher's state (the rows since the current start and the live
 * alternatives, see `pattern-matcher.ts`) are keyed state, so checkpoints hold them and a
 * restore, also at another parallelism through key groups, continues every partial match. A
 * partition's matcher state is cleared when no row is left in it. With `WITHIN` a timer at the
 * start row's time plus the interval drops the partial matches that can no longer complete.
 *
 * A bounded input ends with the largest watermark, which fires every timer: the waiting rows are
 * matched and, with `WITHIN`, every partial match times out, releasing the completed matches
 * that waited behind them. Without `WITHIN` nothing decides the partial matches left, so they
 * and the completed matches behind them are not emitted: Flink's CEP operator has no
 * end-of-input step either, and its final watermark only times out partial matches.
 */
import type { Row } from '../../expressions/compiler.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type OnTimerContext,
  type RuntimeContext,
  type TimerService,
} from '../../../types/functions.js';
import { MapStateDescriptor, type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { rowComparator } from '../over/sort-order.js';
import { RowsUntilWatermark } from '../rows-until-watermark.js';
import { StateLayout } from '../state-layout.js';
import {
  CompiledMatchExpression,
  CompleteMatch,
  RunningAggregates,
  RunningMatch,
} from './match-expressions.js';
import type { MatchSpec } from './match-spec.js';
import { type MatcherState, PatternMatcher } from './pattern-matcher.js';

/**
 * The layout of the MATCH_RECOGNIZE states (the waiting rows and the matcher's state, see
 * `pattern-matcher.ts`): raise it with any change to what they hold. Layout 2: branches carry
 * the accumulators of the DEFINE aggregates. Layout 3: branches point into a shared buffer of
 * their rows' variables (`match-paths.ts`) instead of holding a list of them each. Layout 4:
 * branches are Flink's NFA states, followed on each row (a layout 3 state lists SQL's
 * alternatives already expanded, which would keep the fallbacks Flink drops).
 */
export const MATCH_RECOGNIZE_LAYOUT = new StateLayout('MATCH_RECOGNIZE', 4);

/** The MATCH_RECOGNIZE states' names without their layout version. */
const MATCH_STATES = ['match-pending', 'match-state'];

/** Runs a {@link MatchSpec} over each partition's rows. */
export class MatchRecognizeFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private pending!: RowsUntilWatermark;
  private matching!: ValueState<MatcherState>;
  private matcher!: PatternMatcher;
  private measures!: readonly CompiledMatchExpression[];
  private compare: ((a: Row, b: Row) => number) | undefined;
  /** Where the matches found by the current call go. */
  private out: Collector<Row> | undefined;
  /** Made in `open`, once per operator instance (the function object is copied per subtask). */
  private emitMatch!: (rows: readonly Row[], vars: readonly number[]) => void;

  constructor(private readonly spec: MatchSpec) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    const spec = this.spec;
    MATCH_RECOGNIZE_LAYOUT.refuseOthers(ctx, MATCH_STATES);
    const named = (name: string) => MATCH_RECOGNIZE_LAYOUT.stateName(name);
    this.pending = new RowsUntilWatermark(
      ctx.getMapState(new MapStateDescriptor<number, Row[]>(named('match-pending'))),
    );
    this.matching = ctx.getState(new ValueStateDescriptor<MatcherState>(named('match-state')));
    this.compare = spec.otherOrder.length === 0 ? undefined : rowComparator(spec.otherOrder);
    this.measures = spec.measures.map((m) => new CompiledMatchExpression(m.expr));
    this.emitMatch = (rows, vars) => this.emit(rows, vars);
    const aggregates = new RunningAggregates();
    const defines = spec.defines.map((d) =>
      d === undefined ? undefined : new CompiledMatchExpression(d, aggregates),
    );
    const running = new RunningMatch();
    const time = spec.timeColumn;
    this.matcher = new PatternMatcher(spec.steps, {
      skip: spec.skip,
      variables: spec.variables,
      navigates: spec.defines.some((d) =>
        d?.navigations.some((n) => (n.kind === 'first' || n.kind === 'last') && n.variable !== undefined),
      ),
      withinMs: spec.withinMs,
      timeOf: (row) => row[time] as number,
      ...(aggregates.isEmpty ? {} : { running: aggregates }),
      condition: (state, branch, row, variable, accumulators) => {
        const define = defines[variable];
        if (define === undefined) return true;
        running.state = state;
        running.branch = branch;
        running.candidate = row;
        running.candidateVariable = variable;
        return define.evaluate(running, accumulators) === true;
      },
    });
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    const timers = ctx.timerService();
    const ts = row[this.spec.timeColumn];
    if (this.spec.proctime) {
      this.match([row], timers, out);
      return;
    }
    this.pending.hold(row, ts, timers); // dropped when late, or without a time
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const rows = this.spec.proctime ? undefined : this.pending.take(timestamp);
    // Array sort is stable: rows equal on every key keep their arrival order.
    const ordered = rows === undefined || this.compare === undefined ? rows : [...rows].sort(this.compare);
    this.match(ordered ?? [], ctx.timerService(), out, timestamp);
  }

  /** Feeds `rows` to the partition's matcher, then times out what `now` has passed. */
  private match(rows: readonly Row[], timers: TimerService, out: Collector<Row>, now?: number): void {
    const state = this.matching.value() ?? this.matcher.empty();
    this.out = out;
    for (const row of rows) this.matcher.push(state, row, this.emitMatch);
    if (now !== undefined) this.matcher.expire(state, now, this.emitMatch);
    if (state.rows.length === 0) {
      this.matching.clear();
      return;
    }
    this.matching.update(state);
    const deadline = this.matcher.deadline(state);
    if (deadline === undefined) return;
    if (this.spec.proctime) timers.registerProcessingTimeTimer(deadline);
    else timers.registerEventTimeTimer(deadline);
  }

  private emit(rows: readonly Row[], vars: readonly number[]): void {
    const result: Row = {};
    const first = rows[0]!;
    for (const key of this.spec.partitionKeys) result[key] = first[key];
    const view = new CompleteMatch(rows, vars);
    this.spec.measures.forEach((m, i) => {
      result[m.name] = this.measures[i]!.evaluate(view);
    });
    this.out!.collect(result);
  }
}
