/**
 * Exactly-once for a SQL lookup join against a `jdbc` table: Nexmark bids looked up in a
 * PostgreSQL dimension table through the async lookup (with a partial cache) and written into a
 * PostgreSQL table by the two-phase-commit sink, run by `weir run` with checkpoints, killed with
 * SIGKILL at seeded random moments and resumed with `--restore latest` each time until it
 * finishes. The bids waiting on a lookup at a checkpoint are in the async operator's state and
 * are looked up again after a restore; the cache is not checkpointed. The output table must
 * then hold exactly what a failure-free run writes, and what it holds while killed runs go on
 * only grows. Set CHAOS_SEED to replay a failing sequence of kills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { RunTracker } from './chaos-run.js';
import { expectJdbcExactUnderKills } from './jdbc-kill-loop.js';

const tracker = new RunTracker('weir-sql-jdbc-lookup-chaos-');
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
  // Keys 0..39 of MOD(bidder, 50): bids with keys 40..49 find no row.
  pg.psql(
    "CREATE TABLE bidders (id BIGINT, name TEXT); INSERT INTO bidders SELECT g, 'bidder ' || g FROM generate_series(0, 39) g",
  );
});
afterAll(async () => {
  await tracker.cleanup();
  pg?.stop();
});

describe('SQL lookup join against jdbc under kill -9', () => {
  it('writes exactly the rows of a failure-free run', async () => {
    const ddl = '(auction BIGINT, bidder BIGINT, price BIGINT, "dateTime" TIMESTAMP(3), name TEXT)';
    pg.psql(`CREATE TABLE reference ${ddl}; CREATE TABLE killed ${ddl}`);
    const expected = await expectJdbcExactUnderKills(pg, tracker, {
      file: 'test/chaos/fixtures/sql-jdbc-lookup-chaos-job.ts',
      events: 3000,
      // Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream.
      rate: 1000,
      kills: 3,
      tableArgs: (table) => ['bidders', table],
      referenceTable: 'reference',
      killedTable: 'killed',
      minRows: 1000,
      appendOnly: true,
    });
    // Both looked-up and padded rows are there.
    expect(expected.some((l) => l.endsWith('|'))).toBe(true);
    expect(expected.some((l) => l.includes('|bidder '))).toBe(true);
  }, 300_000);
});
