/**
 * The window operator, with Flink's WindowOperator semantics. Per key, each element is assigned
 * to windows; a window's contents live in keyed state under the window as namespace (list state
 * for process functions, reducing or aggregating state for pre-aggregation). The trigger decides
 * when a window fires and purges. Event-time windows are cleaned up (contents, trigger state,
 * ProcessWindowFunction.clear) by a timer at `maxTimestamp + allowedLateness`; processing-time
 * windows at `maxTimestamp`; the global window never.
 *
 * Lateness, exactly as Flink: an element is dropped for a window whose cleanup time is at or
 * before the watermark (`isWindowLate`). Only if it was dropped for every window and its own
 * `timestamp + allowedLateness <= watermark` (`isElementLate`) does it count as late: it goes to
 * the late side output if one is set, or is counted in `numLateRecordsDropped`. Elements that
 * reach a window whose end passed but whose cleanup time did not re-fire it (late firing).
 *
 * Session windows merge through a {@link MergingWindowSet} kept in keyed state: on a merge the
 * trigger's onMerge runs for the result, the merged windows' triggers are cleared and their
 * cleanup timers deleted, and their contents are merged into one state namespace.
 */
import { MAX_WATERMARK } from '../../types/elements.js';
import type { InternalKvState, InternalMergingState, KeyedStateBackend } from '../../state/backend.js';
import { VOID_NAMESPACE } from '../../state/backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../state/timers.js';
import type { OutputTag, Window } from '../../types/functions.js';
import { type ListState, ListStateDescriptor, type State, type StateDescriptor } from '../../types/state.js';
import {
  isMergingAssigner,
  type WindowAssigner,
  type WindowAssignerContext,
} from '../../windowing/assigner.js';
import { MergingWindowSet } from '../../windowing/merging-window-set.js';
import { isFire, isPurge, type Trigger } from '../../windowing/trigger.js';
import { TimeWindow } from '../../windowing/windows.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../operator.js';
import { createRuntimeContext } from './runtime-context.js';
import type { InternalWindowFunction } from './window-functions.js';
import { TimestampedCollector, WindowProcessContext, WindowTriggerContext } from './window-contexts.js';

/** Window contents state: list, reducing or aggregating, switched per window. */
export type WindowContentsState = State & InternalKvState & { get(): unknown; add(value: unknown): void };

/** Everything a window operator is built from. */
export interface WindowOperatorConfig<IN, ACC, OUT, K, W extends Window> {
  readonly assigner: WindowAssigner<IN, W>;
  readonly trigger: Trigger<IN, W>;
  /** The contents state; list state yields an iterable, the others a single value. */
  readonly stateDescriptor: StateDescriptor<any, any>;
  readonly windowFunction: InternalWindowFunction<ACC, OUT, K, W>;
  /** Milliseconds after a window's end during which late elements still update it (event time). */
  readonly allowedLateness: number;
  /** Where elements dropped as late go; when absent they are only counted. */
  readonly lateDataOutputTag?: OutputTag<IN> | undefined;
}

/** Rebuilds windows that came back from serialized state as plain objects. */
function reviveWindow<W extends Window>(raw: W): W {
  return typeof (raw as Window).maxTimestamp === 'function'
    ? raw
    : (TimeWindow.revive(raw as unknown as TimeWindow) as unknown as W);
}

/**
 * A keyed one-input window operator. Build it through `WindowedStream` or the builders in
 * `window-operator-builder.ts`; construct it directly only in tests.
 *
 * Gotchas: it must run on a keyed input (it throws on `open` otherwise); `numLateRecordsDropped`
 * counts only elements dropped without a late side output.
 */
export class WindowOperator<IN, ACC, OUT, K, W extends Window>
  extends AbstractStreamOperator<OUT>
  implements OneInputStreamOperator<IN, OUT>, Triggerable<W>, WindowAssignerContext
{
  /** Elements dropped as late because no late side output was set. */
  numLateRecordsDropped = 0;

  protected readonly assigner: WindowAssigner<IN, W>;
  protected readonly trigger: Trigger<IN, W>;
  protected readonly windowFunction: InternalWindowFunction<ACC, OUT, K, W>;
  protected readonly allowedLateness: number;
  protected readonly lateDataOutputTag: OutputTag<IN> | undefined;
  protected readonly isEventTime: boolean;
  private readonly merging: boolean;
  private readonly listContents: boolean;

  protected backend!: KeyedStateBackend;
  protected timerService!: InternalTimerService<W>;
  protected windowState!: WindowContentsState;
  protected triggerContext!: WindowTriggerContext<W>;
  protected processContext!: WindowProcessContext<W>;
  protected collector!: TimestampedCollector<OUT>;
  private mergingSetsState: (ListState<[W, W]> & InternalKvState) | undefined;
  /** The key of the element being processed, read by the merge callback. */
  private mergeKey: unknown;

  constructor(private readonly config: WindowOperatorConfig<IN, ACC, OUT, K, W>) {
    super();
    if (!(config.allowedLateness >= 0)) {
      throw new RangeError(`allowed lateness must be >= 0 ms, got ${config.allowedLateness}`);
    }
    this.assigner = config.assigner;
    this.trigger = config.trigger;
    this.windowFunction = config.windowFunction;
    this.allowedLateness = config.allowedLateness;
    this.lateDataOutputTag = config.lateDataOutputTag;
    this.isEventTime = config.assigner.isEventTime();
    this.merging = isMergingAssigner(config.assigner);
    this.listContents = config.stateDescriptor.kind === 'list';
  }

  override open(): void {
    super.open();
    this.backend = this.keyedBackend;
    this.timerService = this.getTimerService<W>('window-timers', this);
    this.windowState = this.backend.getOrCreateState(this.config.stateDescriptor) as WindowContentsState;
    if (this.merging) {
      if (typeof (this.windowState as Partial<InternalMergingState>).mergeNamespaces !== 'function') {
        throw new Error(
          'a merging window assigner needs mergeable window state (list, reducing or aggregating)',
        );
      }
      this.mergingSetsState = this.backend.getOrCreateState(
        new ListStateDescriptor<[W, W]>('merging-window-set'),
      );
      this.mergingSetsState.setCurrentNamespace(VOID_NAMESPACE);
    }
    this.triggerContext = new WindowTriggerContext<W>(this.backend, this.timerService);
    this.processContext = new WindowProcessContext<W>(
      this.backend,
      this.timerService,
      this.output,
      this.merging,
    );
    this.collector = new TimestampedCollector<OUT>(this.output);
    this.windowFunction.open(createRuntimeContext(this.setupInfo as never));
  }

  override close(): void | Promise<void> {
    this.windowFunction.close();
    return super.close();
  }

  /** WindowAssignerContext: processing-time assigners read the clock through this. */
  getCurrentProcessingTime(): number {
    return this.timerService.currentProcessingTime();
  }

  processElement(value: IN, timestamp: number): void {
    const windows = this.assigner.assignWindows(value, timestamp, this);
    let skipped = true;
    const key = this.backend.getCurrentKey();
    const ctx = this.triggerContext;

    if (this.merging) {
      const set = this.getMergingWindowSet();
      this.mergeKey = key;
      for (const window of windows) {
        // Adding may merge: `actual` is then the merge result, which we work with from here.
        const actual = set.addWindow(window, this.mergeWindows);
        if (this.isWindowLate(actual)) {
          set.retireWindow(actual);
          continue;
        }
        skipped = false;
        const stateWindow = set.getStateWindow(actual);
        if (stateWindow === undefined)
          throw new Error(`window ${String(window)} is not in the in-flight window set`);
        this.windowState.setCurrentNamespace(stateWindow);
        this.addToState(value, timestamp);
        ctx.key = key;
        ctx.window = actual;
        const result = this.trigger.onElement(value, timestamp, actual, ctx);
        if (isFire(result)) {
          const contents = this.readContents();
          if (contents === undefined) continue;
          this.emitWindowContents(actual, contents);
        }
        if (isPurge(result)) this.windowState.clear();
        this.registerCleanupTimer(actual);
      }
      set.persist();
    } else {
      for (const window of windows) {
        if (this.isWindowLate(window)) continue;
        skipped = false;
        this.windowState.setCurrentNamespace(window);
        this.addToState(value, timestamp);
        ctx.key = key;
        ctx.window = window;
        const result = this.trigger.onElement(value, timestamp, window, ctx);
        if (isFire(result)) {
          const contents = this.readContents();
          if (contents === undefined) continue;
          this.emitWindowContents(window, contents);
        }
        if (isPurge(result)) this.windowState.clear();
        this.registerCleanupTimer(window);
      }
    }

    if (skipped && this.isElementLate(timestamp)) {
      if (this.lateDataOutputTag !== undefined) {
        this.output.collectSide(this.lateDataOutputTag as OutputTag<unknown>, value, timestamp);
      } else {
        this.numLateRecordsDropped++;
      }
    }
  }

  onEventTime(timer: InternalTimer<W>): void {
    this.onTimer(timer, true);
  }

  onProcessingTime(timer: InternalTimer<W>): void {
    this.onTimer(timer, false);
  }

  private onTimer(timer: InternalTimer<W>, eventTime: boolean): void {
    const ctx = this.triggerContext;
    const window = reviveWindow(timer.namespace);
    ctx.key = timer.key;
    ctx.window = window;
    let set: MergingWindowSet<W> | undefined;
    if (this.merging) {
      set = this.getMergingWindowSet();
      const stateWindow = set.getStateWindow(window);
      // A timer of a window that was already merged away or cleaned up: nothing left to do.
      if (stateWindow === undefined) return;
      this.windowState.setCurrentNamespace(stateWindow);
    } else {
      this.windowState.setCurrentNamespace(window);
    }

    const result = eventTime
      ? this.trigger.onEventTime(timer.timestamp, window, ctx)
      : this.trigger.onProcessingTime(timer.timestamp, window, ctx);
    if (isFire(result)) {
      const contents = this.readContents();
      if (contents !== undefined) this.emitWindowContents(window, contents);
    }
    if (isPurge(result)) this.windowState.clear();
    if (eventTime === this.isEventTime && this.isCleanupTime(window, timer.timestamp)) {
      this.clearAllState(window, set);
    }
    set?.persist();
  }

  /** The merge callback of MergingWindowSet.addWindow; a bound field so no closure per record. */
  private readonly mergeWindows = (
    mergeResult: W,
    mergedWindows: readonly W[],
    stateWindowResult: W,
    mergedStateWindows: readonly W[],
  ): void => {
    if (
      this.isEventTime &&
      mergeResult.maxTimestamp() + this.allowedLateness <= this.timerService.currentWatermark()
    ) {
      throw new Error(
        `the end of an event-time window cannot move before the current watermark by merging (watermark ${this.timerService.currentWatermark()}, window ${String(mergeResult)})`,
      );
    }
    if (!this.isEventTime && mergeResult.maxTimestamp() <= this.timerService.currentProcessingTime()) {
      throw new Error(
        `the end of a processing-time window cannot move before the current processing time by merging (time ${this.timerService.currentProcessingTime()}, window ${String(mergeResult)})`,
      );
    }
    const ctx = this.triggerContext;
    ctx.key = this.mergeKey;
    ctx.window = mergeResult;
    ctx.mergedWindows = mergedWindows;
    this.trigger.onMerge(mergeResult, ctx);
    ctx.mergedWindows = undefined;
    for (const m of mergedWindows) {
      ctx.window = m;
      this.trigger.clear(m, ctx);
      this.deleteCleanupTimer(m);
    }
    if (mergedStateWindows.length > 0) {
      (this.windowState as unknown as InternalMergingState).mergeNamespaces(
        stateWindowResult,
        mergedStateWindows,
      );
    }
  };

  /** Adds an element to the window state (namespace already set). The evicting operator keeps timestamps. */
  protected addToState(value: IN, _timestamp: number): void {
    this.windowState.add(value);
  }

  /** The window's contents, or undefined if it has none (an empty list counts as none). */
  protected readContents(): ACC | undefined {
    const contents = this.windowState.get();
    if (contents === undefined) return undefined;
    if (this.listContents) {
      if (Array.isArray(contents)) return contents.length === 0 ? undefined : (contents as ACC);
      if ((contents as Iterable<unknown>)[Symbol.iterator]().next().done) return undefined;
    }
    return contents as ACC;
  }

  /** Calls the window function; output records carry the window's max timestamp. */
  protected emitWindowContents(window: W, contents: ACC): void {
    this.collector.timestamp = window.maxTimestamp();
    this.processContext.currentWindow = window;
    this.windowFunction.process(
      this.triggerContext.key as K,
      window,
      this.processContext,
      contents,
      this.collector,
    );
  }

  /** Drops everything of a window: contents, trigger state and timers, per-window user state. */
  private clearAllState(window: W, set: MergingWindowSet<W> | undefined): void {
    this.windowState.clear();
    this.triggerContext.window = window;
    this.trigger.clear(window, this.triggerContext);
    this.processContext.currentWindow = window;
    this.windowFunction.clear(window, this.processContext);
    if (set !== undefined) {
      set.retireWindow(window);
      set.persist();
    }
  }

  private getMergingWindowSet(): MergingWindowSet<W> {
    return new MergingWindowSet<W>(this.assigner as never, this.mergingSetsState!, reviveWindow);
  }

  /** True if the watermark passed the window's cleanup time: it takes no more elements. */
  protected isWindowLate(window: W): boolean {
    return this.isEventTime && this.cleanupTime(window) <= this.timerService.currentWatermark();
  }

  /** True if the element itself is behind the watermark by more than the allowed lateness. */
  protected isElementLate(timestamp: number): boolean {
    return this.isEventTime && timestamp + this.allowedLateness <= this.timerService.currentWatermark();
  }

  /** maxTimestamp + allowedLateness for event time, maxTimestamp for processing time. */
  protected cleanupTime(window: W): number {
    if (!this.isEventTime) return window.maxTimestamp();
    const t = window.maxTimestamp() + this.allowedLateness;
    return t >= window.maxTimestamp() ? t : MAX_WATERMARK;
  }

  private isCleanupTime(window: W, time: number): boolean {
    return time === this.cleanupTime(window);
  }

  private registerCleanupTimer(window: W): void {
    const t = this.cleanupTime(window);
    // No cleanup timer at the end of time (the global window): it would never be useful.
    if (t === MAX_WATERMARK) return;
    if (this.isEventTime) this.timerService.registerEventTimeTimer(window, t);
    else this.timerService.registerProcessingTimeTimer(window, t);
  }

  private deleteCleanupTimer(window: W): void {
    const t = this.cleanupTime(window);
    if (t === MAX_WATERMARK) return;
    if (this.isEventTime) this.timerService.deleteEventTimeTimer(window, t);
    else this.timerService.deleteProcessingTimeTimer(window, t);
  }
}
