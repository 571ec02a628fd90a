/**
 * The reusable context objects of the window operator. Each is created once per operator and
 * re-pointed at a key and window before use (`key`, `window` fields), so that the per-record
 * path allocates no contexts and no closures, as Flink's WindowOperator does.
 */
import type { InternalMergingState, KeyedStateBackend } from '../../state/backend.js';
import { VOID_NAMESPACE } from '../../state/backend.js';
import type { InternalTimerService } from '../../state/timers.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { Collector, OutputTag, ProcessWindowContext, Window } from '../../types/functions.js';
import type { KeyedStateStore, State, StateDescriptor } from '../../types/state.js';
import type { OnMergeContext } from '../../windowing/trigger.js';
import type { Output } from '../operator.js';

/** Trigger context bound to the operator's timer service; `key`/`window` set by the operator. */
export class WindowTriggerContext<W extends Window> implements OnMergeContext {
  key: unknown;
  window!: W;
  /** The windows merged into `window`, during onMerge only. */
  mergedWindows: readonly W[] | undefined;

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly timers: InternalTimerService<W>,
  ) {}

  getCurrentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  getCurrentWatermark(): number {
    return this.timers.currentWatermark();
  }
  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(this.window, time);
  }
  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(this.window, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(this.window, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(this.window, time);
  }

  getPartitionedState<S extends State>(descriptor: StateDescriptor<S, any>): S {
    const state = this.backend.getOrCreateState(descriptor);
    state.setCurrentNamespace(this.window);
    return state;
  }

  mergePartitionedState<S extends State>(descriptor: StateDescriptor<S, any>): void {
    const merged = this.mergedWindows;
    if (merged === undefined || merged.length === 0) return;
    const state = this.backend.getOrCreateState(descriptor) as unknown as Partial<InternalMergingState>;
    if (typeof state.mergeNamespaces !== 'function') {
      throw userError(
        ErrorCodes.STATE_ACCESS,
        `trigger state '${descriptor.name}' is ${descriptor.kind} state, which cannot be merged; use list, reducing or aggregating state in triggers of session windows`,
      );
    }
    state.mergeNamespaces(this.window, merged);
  }
}

/** A KeyedStateStore whose every state is scoped to a fixed or current namespace. */
class NamespacedStateStore implements KeyedStateStore {
  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly namespaceOf: { readonly currentNamespace: Window | string },
  ) {}

  private get<S extends State>(descriptor: StateDescriptor<S, any>): S {
    const state = this.backend.getOrCreateState(descriptor);
    state.setCurrentNamespace(this.namespaceOf.currentNamespace);
    return state;
  }

  getState = this.get.bind(this) as KeyedStateStore['getState'];
  getListState = this.get.bind(this) as KeyedStateStore['getListState'];
  getMapState = this.get.bind(this) as KeyedStateStore['getMapState'];
  getReducingState = this.get.bind(this) as KeyedStateStore['getReducingState'];
  getAggregatingState = this.get.bind(this) as KeyedStateStore['getAggregatingState'];
}

function mergingWindowStateError(): Error {
  return userError(
    ErrorCodes.STATE_ACCESS,
    'per-window state (context.windowState()) is not available with merging (session) windows; use context.globalState() or a non-merging window assigner',
  );
}

const noWindowState: KeyedStateStore = {
  getState: () => {
    throw mergingWindowStateError();
  },
  getListState: () => {
    throw mergingWindowStateError();
  },
  getMapState: () => {
    throw mergingWindowStateError();
  },
  getReducingState: () => {
    throw mergingWindowStateError();
  },
  getAggregatingState: () => {
    throw mergingWindowStateError();
  },
};

/** The ProcessWindowFunction context; `currentWindow` is set by the operator before each call. */
export class WindowProcessContext<W extends Window> implements ProcessWindowContext<W> {
  currentWindow!: W;
  private readonly perWindow: KeyedStateStore;
  private readonly global: KeyedStateStore;

  constructor(
    backend: KeyedStateBackend,
    private readonly timers: InternalTimerService<W>,
    private readonly sideOutput: Output<unknown>,
    merging: boolean,
  ) {
    this.perWindow = merging
      ? noWindowState
      : new NamespacedStateStore(backend, this as unknown as { currentNamespace: Window });
    this.global = new NamespacedStateStore(backend, { currentNamespace: VOID_NAMESPACE });
  }

  /** Alias read by the per-window state store. */
  get currentNamespace(): W {
    return this.currentWindow;
  }

  window(): W {
    return this.currentWindow;
  }
  currentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  currentWatermark(): number {
    return this.timers.currentWatermark();
  }
  windowState(): KeyedStateStore {
    return this.perWindow;
  }
  globalState(): KeyedStateStore {
    return this.global;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.sideOutput.collectSide(tag as OutputTag<unknown>, value, this.currentWindow.maxTimestamp());
  }
}

/** Emits with the timestamp of the window being fired. */
export class TimestampedCollector<T> implements Collector<T> {
  timestamp = 0;
  constructor(private readonly output: Output<T>) {}
  collect(value: T): void {
    this.output.collect(value, this.timestamp);
  }
}
