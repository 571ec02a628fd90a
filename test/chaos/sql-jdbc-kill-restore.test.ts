/**
 * Exactly-once for SQL into PostgreSQL: an INSERT INTO a `jdbc` table (two-phase commit: each
 * writer's rows of a checkpoint are one transaction, prepared at the barrier and committed when
 * the checkpoint completes) over the `nexmark` connector, run by `weir run` with checkpoints,
 * killed with SIGKILL (the whole process group) a seeded while after the run committed rows and
 * resumed with `--restore latest` each time until it finishes. The table must then hold exactly
 * what a failure-free run writes, with no prepared transaction left behind.
 *
 * Two jobs: a tumbling-window aggregate appended to a table without a key (a window written
 * twice or lost would show), and a running GROUP BY upserted into a table with a primary key by
 * two writers (an updating query; a kill may leave prepared transactions holding row locks that
 * the restore must commit or roll back before the writers can go on). While killed runs go on,
 * what the append table holds only grows: a committed row never goes away. Windows close every
 * 100 events, so the append job commits from its first checkpoints on and a run that started
 * afresh would append rows twice. The upserted table would end the same after a fresh start,
 * so there the sum of the committed counts is watched: each run is killed only once it is past
 * where the run before was killed, and the sum must never fall, as a fresh start's first counts
 * would make it. Set CHAOS_SEED to replay a failing sequence of kills; the seed is in every
 * assertion message.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { RunTracker } from './chaos-run.js';
import { expectJdbcExactUnderKills } from './jdbc-kill-loop.js';

const tracker = new RunTracker('weir-sql-jdbc-chaos-');
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await tracker.cleanup();
  pg?.stop();
});

/**
 * `upsert` at parallelism 2, or with `rescaled` at 1, 2, 1, 2 from run to run: each run
 * restores the checkpoint of a run at the other parallelism, so the sink must keep its uid and
 * its pending transactions whether or not it shuffles by key.
 */
async function expectExactUnderKills(mode: 'append' | 'upsert', rescaled = false): Promise<void> {
  const ddl =
    mode === 'append'
      ? '(auction BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), bids BIGINT, top_price BIGINT)'
      : '(auction BIGINT PRIMARY KEY, bids BIGINT, top_price BIGINT)';
  const name = rescaled ? `${mode}_rescaled` : mode;
  pg.psql(`CREATE TABLE ${name}_reference ${ddl}; CREATE TABLE ${name}_killed ${ddl}`);
  await expectJdbcExactUnderKills(pg, tracker, {
    file: 'test/chaos/fixtures/sql-jdbc-chaos-job.ts',
    events: 8000,
    // Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream.
    rate: 2000,
    kills: 3,
    parallelism: mode === 'upsert' ? 2 : undefined,
    parallelismOfRun: rescaled ? (run) => 1 + (run % 2) : undefined,
    tableArgs: (table) => [table, mode],
    referenceTable: `${name}_reference`,
    killedTable: `${name}_killed`,
    minRows: 100,
    appendOnly: mode === 'append',
    // About 7,400 of the 8,000 events are bids: runs are killed past 1,500, 3,000 and 4,500 of
    // them, each at most 300 ms (600 bids) later, so every kill lands mid-stream.
    ...(mode === 'upsert'
      ? {
          progress: { query: (table: string) => `SELECT COALESCE(SUM(bids), 0) FROM ${table}`, step: 1500 },
          killWithinMs: [0, 300] as const,
        }
      : {}),
  });
}

// Test timeouts only catch a hung run: each `weir run` costs seconds of CPU to start, and on a
// loaded two-core machine many times that in wall time.
describe('SQL INSERT INTO a jdbc (PostgreSQL) table under kill -9', () => {
  it('a window aggregate appended without a key holds exactly the rows of a failure-free run', async () => {
    await expectExactUnderKills('append');
  }, 300_000);

  it('a GROUP BY upserted by two writers ends as the table of a failure-free run', async () => {
    await expectExactUnderKills('upsert');
  }, 300_000);

  it('a GROUP BY upserted at parallelism 1, 2, 1, 2 from restore to restore ends as the table of a failure-free run', async () => {
    await expectExactUnderKills('upsert', true);
  }, 300_000);
});
