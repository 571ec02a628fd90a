/**
 * Keyed state as user functions see it, and the descriptors that declare it. State is scoped
 * to the current key (set by the runtime before each record or timer) and, inside window
 * functions, to a namespace such as the window. The backends in `src/state/` implement these.
 */
import type { AggregateFunction, ReduceFunction } from './functions.js';

/** Common to every kind of keyed state. */
export interface State {
  /** Removes the value for the current key (and namespace). */
  clear(): void;
}

/** A single value per key. */
export interface ValueState<T> extends State {
  /** The value, or the descriptor's default (`undefined` if none) when nothing is stored. */
  value(): T | undefined;
  update(value: T | undefined): void;
}

/** A list per key. */
export interface ListState<T> extends State {
  /** The elements in insertion order; an empty iterable when nothing is stored. */
  get(): Iterable<T>;
  add(value: T): void;
  addAll(values: Iterable<T>): void;
  /** Replaces the whole list. */
  update(values: Iterable<T>): void;
}

/** A map per key. Map keys compare by value, like keyBy keys. */
export interface MapState<UK, UV> extends State {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  putAll(entries: Iterable<readonly [UK, UV]> | Map<UK, UV>): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  entries(): Iterable<[UK, UV]>;
  keys(): Iterable<UK>;
  values(): Iterable<UV>;
  isEmpty(): boolean;
}

/** Folds added values with a reduce function into one value per key. */
export interface ReducingState<T> extends State {
  get(): T | undefined;
  add(value: T): void;
}

/** Folds added values into an accumulator per key; `get` returns the aggregate's result. */
export interface AggregatingState<IN, OUT> extends State {
  get(): OUT | undefined;
  add(value: IN): void;
}

/** When the last-access timestamp of a TTL'd entry is refreshed. */
export type TtlUpdateType = 'OnCreateAndWrite' | 'OnReadAndWrite';

/** Whether an expired entry that has not been cleaned up yet may still be returned. */
export type TtlStateVisibility = 'NeverReturnExpired' | 'ReturnExpiredIfNotCleanedUp';

/**
 * Time-to-live for keyed state, measured in processing time as in Flink.
 *
 * @example
 * const ttl = StateTtlConfig.newBuilder(60_000).setUpdateType('OnReadAndWrite').build();
 * new ValueStateDescriptor<number>('count').enableTimeToLive(ttl);
 */
export class StateTtlConfig {
  private constructor(
    readonly ttlMs: number,
    readonly updateType: TtlUpdateType,
    readonly stateVisibility: TtlStateVisibility,
    readonly cleanupFullSnapshot: boolean,
    readonly cleanupIncrementally: { cleanupSize: number; runForEveryRecord: boolean } | undefined,
  ) {}

  /** Starts a TTL configuration with the given time to live in milliseconds. */
  static newBuilder(ttlMs: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttlMs);
  }

  /** @internal used by the builder */
  static create(
    ttlMs: number,
    updateType: TtlUpdateType,
    visibility: TtlStateVisibility,
    cleanupFullSnapshot: boolean,
    cleanupIncrementally: { cleanupSize: number; runForEveryRecord: boolean } | undefined,
  ): StateTtlConfig {
    return new StateTtlConfig(ttlMs, updateType, visibility, cleanupFullSnapshot, cleanupIncrementally);
  }
}

/** Builder for {@link StateTtlConfig}; defaults match Flink (OnCreateAndWrite, NeverReturnExpired). */
export class StateTtlConfigBuilder {
  private updateType: TtlUpdateType = 'OnCreateAndWrite';
  private visibility: TtlStateVisibility = 'NeverReturnExpired';
  private fullSnapshot = false;
  private incremental: { cleanupSize: number; runForEveryRecord: boolean } | undefined;

  constructor(private ttlMs: number) {
    if (!(ttlMs > 0))
      throw new RangeError(`state TTL must be a positive number of milliseconds, got ${ttlMs}`);
  }

  setUpdateType(type: TtlUpdateType): this {
    this.updateType = type;
    return this;
  }
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType('OnCreateAndWrite');
  }
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType('OnReadAndWrite');
  }
  setStateVisibility(visibility: TtlStateVisibility): this {
    this.visibility = visibility;
    return this;
  }
  neverReturnExpired(): this {
    return this.setStateVisibility('NeverReturnExpired');
  }
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility('ReturnExpiredIfNotCleanedUp');
  }
  setTtl(ttlMs: number): this {
    this.ttlMs = ttlMs;
    return this;
  }
  /** Leaves expired entries out of full snapshots. */
  cleanupFullSnapshot(): this {
    this.fullSnapshot = true;
    return this;
  }
  /** Checks `cleanupSize` entries for expiry on each state access (and each record if asked). */
  cleanupIncrementally(cleanupSize: number, runForEveryRecord = false): this {
    this.incremental = { cleanupSize, runForEveryRecord };
    return this;
  }
  build(): StateTtlConfig {
    return StateTtlConfig.create(
      this.ttlMs,
      this.updateType,
      this.visibility,
      this.fullSnapshot,
      this.incremental,
    );
  }
}

/** The kinds of keyed state. */
export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/** Declares a piece of keyed state by name. Names are unique per operator. */
export abstract class StateDescriptor<S extends State, T = unknown> {
  abstract readonly kind: StateKind;
  ttlConfig: StateTtlConfig | undefined;

  constructor(
    readonly name: string,
    readonly defaultValue?: T,
  ) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError('a state descriptor needs a non-empty name: new ValueStateDescriptor("count")');
    }
  }

  /** Expires entries `ttl.ttlMs` after their last update (or read, per the config). */
  enableTimeToLive(ttl: StateTtlConfig): this {
    this.ttlConfig = ttl;
    return this;
  }

  /** Phantom member so that descriptors of different state kinds do not mix. */
  declare readonly __state?: S;
}

/** Declares a {@link ValueState}. */
export class ValueStateDescriptor<T> extends StateDescriptor<ValueState<T>, T> {
  readonly kind = 'value' as const;
}

/** Declares a {@link ListState}. */
export class ListStateDescriptor<T> extends StateDescriptor<ListState<T>, T> {
  readonly kind = 'list' as const;
}

/** Declares a {@link MapState}. */
export class MapStateDescriptor<UK, UV> extends StateDescriptor<MapState<UK, UV>, UV> {
  readonly kind = 'map' as const;
  declare readonly __mapKey?: UK;
}

/** Declares a {@link ReducingState} with its reduce function. */
export class ReducingStateDescriptor<T> extends StateDescriptor<ReducingState<T>, T> {
  readonly kind = 'reducing' as const;
  readonly reduceFunction: ReduceFunction<T>;

  constructor(name: string, reduceFunction: ReduceFunction<T>) {
    super(name);
    this.reduceFunction = reduceFunction;
  }
}

/** Declares an {@link AggregatingState} with its aggregate function. */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<
  AggregatingState<IN, OUT>,
  ACC
> {
  readonly kind = 'aggregating' as const;
  readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>;

  constructor(name: string, aggregateFunction: AggregateFunction<IN, ACC, OUT>) {
    super(name);
    this.aggregateFunction = aggregateFunction;
  }
}

/** Gives access to keyed state; implemented by the runtime context of keyed operators. */
export interface KeyedStateStore {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<UK, UV>(descriptor: MapStateDescriptor<UK, UV>): MapState<UK, UV>;
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  getAggregatingState<IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT>;
}
