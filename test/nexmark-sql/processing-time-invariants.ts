/**
 * What a processing-time window query's result must satisfy whatever the wall clock did, for
 * Nexmark q12 (bids per bidder per 10 s tumbling window of processing time): each bidder's
 * counts over all windows sum to DuckDB's count of that bidder's bids (every bid counted once,
 * the last windows included, which fire at end of input), every window is 10 s long and
 * aligned to 10 s, and no bidder has two rows for one window.
 */
import type { NexmarkEvent } from '../../src/index.js';
import { duckdbTables } from '../nexmark/harness.js';

/** q12's window size, ms. */
const WINDOW = 10_000;

/** One q12 result row, parsed from its canonical form. */
interface Q12Row {
  readonly bidder: number;
  readonly bid_count: number;
  readonly starttime: number;
  readonly endtime: number;
}

/** The invariants' violations (empty when the rows satisfy them), one line each. */
export async function q12Violations(
  rows: readonly string[],
  events: readonly NexmarkEvent[],
): Promise<string[]> {
  const problems: string[] = [];
  const sums = new Map<number, number>();
  const seen = new Set<string>();
  for (const text of rows) {
    const row = JSON.parse(text) as Q12Row;
    if (row.endtime - row.starttime !== WINDOW) problems.push(`window not ${WINDOW} ms long: ${text}`);
    if (row.starttime % WINDOW !== 0) problems.push(`window not aligned to ${WINDOW} ms: ${text}`);
    if (!(row.bid_count > 0)) problems.push(`empty window: ${text}`);
    const slot = `${row.bidder}@${row.starttime}`;
    if (seen.has(slot)) problems.push(`two rows for one bidder and window: ${text}`);
    seen.add(slot);
    sums.set(row.bidder, (sums.get(row.bidder) ?? 0) + row.bid_count);
  }
  const connection = await duckdbTables(events);
  const reader = await connection.runAndReadAll('SELECT bidder, COUNT(*) AS n FROM bid GROUP BY bidder');
  const expected = new Map<number, number>();
  for (const { bidder, n } of reader.getRowObjectsJS() as { bidder: bigint | number; n: bigint | number }[])
    expected.set(Number(bidder), Number(n));
  for (const [bidder, n] of expected)
    if (sums.get(bidder) !== n)
      problems.push(`bidder ${bidder}: windows count ${sums.get(bidder) ?? 0} bids, DuckDB ${n}`);
  for (const bidder of sums.keys())
    if (!expected.has(bidder)) problems.push(`bidder ${bidder} has windows but no bids in DuckDB`);
  return problems;
}
