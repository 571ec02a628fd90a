/**
 * The SQL watermark assigner, what a table's `WATERMARK FOR` becomes: stamps each row with its
 * rowtime and emits the largest watermark expression value seen so far, as Flink's SQL
 * `WatermarkAssignerOperator` does (for `rowtime - INTERVAL …` and `rowtime` alone that is the
 * largest rowtime less the constant, kept without evaluating the expression per row). The
 * interval is the job's `pipeline.auto-watermark-interval`: above 0 the watermark goes out on
 * that processing-time period; at 0 it goes out right after
 * each row that advanced it. That is the SQL meaning of 0 (the DataStream assigner emits no
 * periodic watermarks at 0) and it makes a bounded query's late rows independent of timing.
 * `table.exec.source.idle-timeout` marks the output idle after that long without rows. Upstream
 * watermarks are swallowed, except the final maximum one, which bounded jobs need to fire
 * every window. {@link FusedSourceChain} is the same assigner with the Calcs below and above it
 * run inside it (see `planner/fused-source-chain.ts`); {@link SharedSourceChain} is that for a
 * chain several consumers read.
 */
import { MAX_WATERMARK, MIN_WATERMARK } from '../../types/elements.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../runtime/operator.js';
import type { OutputTag } from '../../types/functions.js';
import type { Row } from '../expressions/compiler.js';

/** How the assigner reads a stream element. */
export interface WatermarkAssignerSpec {
  /** The element's event time: its rowtime column. */
  readonly rowtimeOf: (element: Row) => number;
  /** The watermark expression's value for the element; not a number leaves it unchanged. */
  readonly watermarkOf: (element: Row) => unknown;
  /** `table.exec.source.idle-timeout` in ms; 0 never marks the output idle. */
  readonly idleTimeoutMs: number;
  /**
   * Set when the watermark expression is the rowtime less this constant (see
   * `planner/watermark-lag.ts`): the assigner then keeps the largest rowtime and subtracts once
   * when it emits, and calls neither `watermarkOf` nor `watermarkOfRowtime`.
   */
  readonly rowtimeLag?: number;
}

/** Assigns rowtimes and emits the watermark of a SQL table, per subtask. */
export class SqlWatermarkAssigner
  extends AbstractStreamOperator<Row>
  implements OneInputStreamOperator<Row, Row>
{
  private current = MIN_WATERMARK;
  private emitted = MIN_WATERMARK;
  private interval = 0;
  private enabled = true;
  private idle = false;
  private processed = 0;
  private processedAtLastCheck = -1;
  private activeSince = 0;
  private lastPeriodicEmit = 0;
  private cancelTimer: (() => void) | undefined;
  /** The largest rowtime seen, when {@link WatermarkAssignerSpec.rowtimeLag} is set. */
  private maxRowtime = MIN_WATERMARK;
  private readonly lag: number | undefined;

  constructor(protected readonly spec: WatermarkAssignerSpec) {
    super();
    this.lag = spec.rowtimeLag;
  }

  override open(): void {
    // Batch mode has one watermark, at the end of input.
    this.enabled = this.setupInfo.runtimeMode === 'streaming';
    this.interval = this.setupInfo.autoWatermarkInterval;
    const service = this.setupInfo.processingTime;
    const now = service.now();
    this.activeSince = now;
    this.lastPeriodicEmit = now;
    const timerInterval = this.timerInterval();
    if (!this.enabled || timerInterval === undefined) return;
    const tick = (): void => {
      this.onTimer(service.now());
      this.cancelTimer = service.schedule(service.now() + timerInterval, tick);
    };
    this.cancelTimer = service.schedule(now + timerInterval, tick);
  }

  /**
   * One timer serves both the period and the idleness check: the smaller of the two when one
   * is far smaller, else a fifth of the smaller, so each is checked often enough.
   */
  private timerInterval(): number | undefined {
    const { interval } = this;
    const idle = this.spec.idleTimeoutMs;
    if (interval <= 0 && idle <= 0) return undefined;
    if (interval <= 0) return idle;
    if (idle <= 0) return interval;
    const small = Math.min(interval, idle);
    const large = Math.max(interval, idle);
    return small * 5 < large ? small : Math.max(1, Math.floor(small / 5));
  }

  processElement(row: Row): void {
    const rowtime = this.spec.rowtimeOf(row);
    this.observeRow(row, rowtime, undefined);
    // The row goes first: the watermark it raised must not make it late.
    this.output.collect(row, rowtime);
    this.rowDone();
  }

  /** Counts a row reaching the assigner and raises the watermark to its value. */
  private observe(value: unknown): void {
    this.processed++;
    if (this.idle) this.setIdle(false);
    if (typeof value === 'number' && value > this.current) this.current = value;
  }

  /**
   * Observes the watermark of `row`, whose rowtime is `rowtime`: kept as the largest rowtime when
   * the expression is the rowtime less {@link lag}, else computed from the rowtime alone by
   * `ofRowtime` when given, else by the expression over the row.
   */
  protected observeRow(
    row: Row,
    rowtime: unknown,
    ofRowtime: ((rowtime: unknown) => unknown) | undefined,
  ): void {
    if (this.lag !== undefined) this.observeRowtime(rowtime);
    else this.observe(ofRowtime === undefined ? this.spec.watermarkOf(row) : ofRowtime(rowtime));
  }

  /**
   * {@link observe} for a watermark that is the rowtime less {@link lag}: a NULL rowtime gives a
   * NULL watermark, which leaves it unchanged.
   */
  private observeRowtime(rowtime: unknown): void {
    this.processed++;
    if (this.idle) this.setIdle(false);
    if (typeof rowtime === 'number' && rowtime > this.maxRowtime) this.maxRowtime = rowtime;
  }

  /** After a row's output: at interval 0 the watermark it raised goes out now. */
  protected rowDone(): void {
    if (this.interval === 0) this.advance();
  }

  private onTimer(now: number): void {
    if (this.interval > 0 && this.lastPeriodicEmit + this.interval <= now) {
      this.lastPeriodicEmit = now;
      this.advance();
    }
    if (this.processed !== this.processedAtLastCheck) {
      this.processedAtLastCheck = this.processed;
      this.activeSince = now;
    }
    const idleTimeout = this.spec.idleTimeoutMs;
    if (idleTimeout > 0 && !this.idle && this.activeSince + idleTimeout <= now) this.setIdle(true);
  }

  private advance(): void {
    if (this.lag !== undefined) {
      // The subtraction is monotone, so this is the largest of the rows' watermarks.
      const watermark = this.maxRowtime - this.lag;
      if (watermark > this.current) this.current = watermark;
    }
    if (!this.enabled || this.current <= this.emitted) return;
    this.emitted = this.current;
    this.output.emitWatermark(this.current);
  }

  private setIdle(idle: boolean): void {
    this.idle = idle;
    this.output.emitWatermarkStatus(idle);
  }

  override processWatermark(watermark: number): void {
    if (watermark !== MAX_WATERMARK || this.emitted === MAX_WATERMARK) return;
    if (this.idle) this.setIdle(false);
    this.current = MAX_WATERMARK;
    this.emitted = MAX_WATERMARK;
    this.output.emitWatermark(MAX_WATERMARK);
  }

  override processWatermarkStatus(): void {}

  override close(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}

/**
 * A Calc, the watermark assigner above it and the Calc above that, run as one operator (see
 * `planner/fused-source-chain.ts`): one call and at most one row object per event instead of
 * three calls and collects. The assigner's part is {@link SqlWatermarkAssigner}'s, unchanged.
 */
export interface FusedSourceChainSpec extends WatermarkAssignerSpec {
  /**
   * The row the assigner sees, from the operator's input; undefined drops it before the
   * assigner. Absent: the input row itself. `rowtimeOf` and `watermarkOf` read what it gives.
   */
  readonly prepare?: (element: Row) => Row | undefined;
  /** The output row from the prepared row; undefined filters it out. Absent: the prepared row. */
  readonly finish?: (prepared: Row) => Row | undefined;
  /**
   * The watermark expression's value from the rowtime, when it reads nothing else: then the
   * rowtime is computed once per row and `watermarkOf` is not called.
   */
  readonly watermarkOfRowtime?: (rowtime: unknown) => unknown;
}

/**
 * The fused chain. Rows the upper Calc filters out still raise the watermark, as they reach
 * the assigner in the unfused chain; a row that is emitted keeps its rowtime.
 */
export class FusedSourceChain extends SqlWatermarkAssigner {
  private readonly prepare: ((element: Row) => Row | undefined) | undefined;
  private readonly toOutput: ((prepared: Row) => Row | undefined) | undefined;
  private readonly watermarkOfRowtime: ((rowtime: unknown) => unknown) | undefined;

  constructor(spec: FusedSourceChainSpec) {
    super(spec);
    this.prepare = spec.prepare;
    this.toOutput = spec.finish;
    this.watermarkOfRowtime = spec.watermarkOfRowtime;
  }

  override processElement(element: Row): void {
    const prepared = this.prepare === undefined ? element : this.prepare(element);
    if (prepared === undefined) return;
    const rowtime = this.spec.rowtimeOf(prepared);
    this.observeRow(prepared, rowtime, this.watermarkOfRowtime);
    const row = this.toOutput === undefined ? prepared : this.toOutput(prepared);
    // The row goes first: the watermark it raised must not make it late.
    if (row !== undefined) this.output.collect(row, rowtime);
    this.rowDone();
  }
}

/** One consumer of a {@link SharedSourceChain}: its Calc, and the side output its rows go to. */
export interface SharedChainOutput {
  /** The consumer's row from the prepared row; undefined filters it out. Absent: the prepared row. */
  readonly finish?: (prepared: Row) => Row | undefined;
  /** Absent for the main output (one consumer has it). */
  readonly tag?: OutputTag<Row>;
}

/**
 * A read chain with several consumers (a reused view or scan): the lower Calc, the rowtime and
 * the watermark run once per row, then each consumer's Calc runs on the prepared row and its
 * row goes to that consumer's output, as Flink's chained outputs do. The watermark a row raised
 * goes out after every consumer's row, to every output, so each consumer sees its rows and
 * watermarks in the order the unshared chain gave them.
 */
export class SharedSourceChain extends SqlWatermarkAssigner {
  private readonly prepare: ((element: Row) => Row | undefined) | undefined;
  private readonly watermarkOfRowtime: ((rowtime: unknown) => unknown) | undefined;

  constructor(
    spec: Omit<FusedSourceChainSpec, 'finish'>,
    private readonly outputs: readonly SharedChainOutput[],
  ) {
    super(spec);
    this.prepare = spec.prepare;
    this.watermarkOfRowtime = spec.watermarkOfRowtime;
  }

  override processElement(element: Row): void {
    const prepared = this.prepare === undefined ? element : this.prepare(element);
    if (prepared === undefined) return;
    const rowtime = this.spec.rowtimeOf(prepared);
    this.observeRow(prepared, rowtime, this.watermarkOfRowtime);
    const outputs = this.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const { finish, tag } = outputs[i]!;
      const row = finish === undefined ? prepared : finish(prepared);
      if (row === undefined) continue;
      if (tag === undefined) this.output.collect(row, rowtime);
      else this.output.collectSide(tag, row, rowtime);
    }
    this.rowDone();
  }
}
