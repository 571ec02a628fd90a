/**
 * Idle state retention for the OVER family's keyed state (Top-N, deduplication, OVER
 * aggregation), as Flink applies `table.exec.state.ttl`: each piece of state expires that long
 * after its last write (OnCreateAndWrite, NeverReturnExpired), so a key idle for longer starts
 * again from nothing. Results after expiry can differ from those without it; that is the trade
 * the option makes for bounded state.
 */
import { type StateDescriptor, StateTtlConfig } from '../../../types/state.js';

/** `descriptor` with a time to live of `ttlMs` when it is positive; unchanged otherwise. */
export function retainedFor<D extends StateDescriptor<any, any>>(
  descriptor: D,
  ttlMs: number | undefined,
): D {
  if (ttlMs !== undefined && ttlMs > 0) descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttlMs).build());
  return descriptor;
}
