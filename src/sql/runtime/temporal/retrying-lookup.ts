/**
 * A LOOKUP hint's retry (`'retry-predicate' = 'lookup_miss'`, `'retry-strategy' =
 * 'fixed_delay'`), as Flink's retry delegator: a key whose lookup finds no rows is looked up
 * again after the fixed delay, up to `maxAttempts` more times. Flink wraps the connector's own
 * lookup with it and puts the partial cache around the two, so a retry asks the table, never
 * the cache, and only the final answer is cached; a lookup source therefore applies this
 * between its cache and its query (jdbc-lookup.ts), not the join around the whole source.
 */
import type { Row } from '../../expressions/compiler.js';
import type { LookupRetry } from '../../planner/hints/lookup-hint.js';

/**
 * `lookup` with the retry around it. `closed` is asked after each delay, so a retry that waited
 * past the join's close answers what it has (no rows) instead of querying a closed source.
 */
export function retryingLookup(
  lookup: (key: readonly unknown[]) => Promise<readonly Row[]>,
  retry: LookupRetry,
  closed: () => boolean,
): (key: readonly unknown[]) => Promise<readonly Row[]> {
  return async (key) => {
    let rows = await lookup(key);
    for (let attempt = 0; rows.length === 0 && attempt < retry.maxAttempts; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, retry.delayMs));
      if (closed()) break;
      rows = await lookup(key);
    }
    return rows;
  };
}
