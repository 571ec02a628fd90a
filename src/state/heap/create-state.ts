/**
 * Builds the heap state object for a descriptor: the plain variant, or the TTL variant with its
 * incremental cleanup when the descriptor has a TTL config.
 */
import type {
  AggregatingStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
} from '../../types/state.js';
import { HeapAggregatingState, TtlAggregatingState } from './aggregating-state.js';
import type { KeyContext } from './key-context.js';
import { HeapListState, listCleaner, TtlListState } from './list-state.js';
import { HeapMapState, mapCleaner, TtlMapState } from './map-state.js';
import { HeapReducingState, TtlReducingState } from './reducing-state.js';
import type { HeapState } from './state-base.js';
import { IncrementalCleanup, singleValueCleaner, type TtlCleaner, TtlPolicy } from './ttl.js';
import { HeapValueState, TtlValueState } from './value-state.js';

/** A created state, and the cleanup to run on every record if the config asks for it. */
export interface CreatedState {
  readonly state: HeapState<any>;
  readonly perRecordCleanup: IncrementalCleanup<any> | undefined;
}

/** Creates the state for `descriptor`. */
export function createHeapState(descriptor: StateDescriptor<any, any>, ctx: KeyContext): CreatedState {
  const name = descriptor.name;
  const config = descriptor.ttlConfig;
  if (config === undefined) {
    switch (descriptor.kind) {
      case 'value':
        return plain(new HeapValueState(name, ctx, descriptor.defaultValue));
      case 'list':
        return plain(new HeapListState(name, ctx));
      case 'map':
        return plain(new HeapMapState(name, ctx));
      case 'reducing':
        return plain(
          new HeapReducingState(name, ctx, (descriptor as ReducingStateDescriptor<any>).reduceFunction),
        );
      case 'aggregating':
        return plain(
          new HeapAggregatingState(
            name,
            ctx,
            (descriptor as AggregatingStateDescriptor<any, any, any>).aggregateFunction,
          ),
        );
    }
  }
  const policy = new TtlPolicy(config, ctx.now);
  let state: HeapState<any> & { cleanup: IncrementalCleanup<any> | undefined };
  let cleaner: TtlCleaner<any>;
  switch (descriptor.kind) {
    case 'value':
      state = new TtlValueState(name, ctx, policy, descriptor.defaultValue);
      cleaner = singleValueCleaner(policy);
      break;
    case 'list':
      state = new TtlListState(name, ctx, policy);
      cleaner = listCleaner(policy);
      break;
    case 'map':
      state = new TtlMapState(name, ctx, policy);
      cleaner = mapCleaner(policy);
      break;
    case 'reducing':
      state = new TtlReducingState(
        name,
        ctx,
        policy,
        (descriptor as ReducingStateDescriptor<any>).reduceFunction,
      );
      cleaner = singleValueCleaner(policy);
      break;
    case 'aggregating':
      state = new TtlAggregatingState(
        name,
        ctx,
        policy,
        (descriptor as AggregatingStateDescriptor<any, any, any>).aggregateFunction,
      );
      cleaner = singleValueCleaner(policy);
      break;
  }
  const incremental = config.cleanupIncrementally;
  if (incremental === undefined) return plain(state);
  const cleanup = new IncrementalCleanup(state.table, incremental.cleanupSize, cleaner, ctx.now);
  state.cleanup = cleanup;
  return { state, perRecordCleanup: incremental.runForEveryRecord ? cleanup : undefined };
}

function plain(state: HeapState<any>): CreatedState {
  return { state, perRecordCleanup: undefined };
}
