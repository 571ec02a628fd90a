/**
 * Idle state retention for SQL operators' keyed state (group aggregates, joins, Top-N,
 * deduplication, OVER aggregation), as Flink applies `table.exec.state.ttl`: each piece of state expires that long
 * after its last write (OnCreateAndWrite, NeverReturnExpired), so a key idle for longer starts
 * again from nothing. Results after expiry can differ from those without it; that is the trade
 * the option makes for bounded state.
 */
import { type StateDescriptor, StateTtlConfig } from '../../types/state.js';

/** The time-to-live configuration for a retention of `ttlMs`; undefined when it is not positive. */
export function idleStateTtl(ttlMs: number | undefined): StateTtlConfig | undefined {
  return ttlMs !== undefined && ttlMs > 0 ? StateTtlConfig.newBuilder(ttlMs).build() : undefined;
}

/** `descriptor` with a time to live of `ttlMs` when it is positive; unchanged otherwise. */
export function retainedFor<D extends StateDescriptor<any, any>>(
  descriptor: D,
  ttlMs: number | undefined,
): D {
  const ttl = idleStateTtl(ttlMs);
  if (ttl !== undefined) descriptor.enableTimeToLive(ttl);
  return descriptor;
}
