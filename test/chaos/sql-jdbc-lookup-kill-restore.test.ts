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
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { chaosSeed, RunTracker, refusedAsFinished, SeededRandom, sleep } from './chaos-run.js';

const EVENTS = 3000;
/** Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream. */
const RATE = 1000;
const KILLS = 3;

const { scratch, start, cleanup } = new RunTracker('weir-sql-jdbc-lookup-chaos-');
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
  // Keys 0..39 of MOD(bidder, 50): bids with keys 40..49 find no row.
  pg.psql(
    "CREATE TABLE bidders (id BIGINT, name TEXT); INSERT INTO bidders SELECT g, 'bidder ' || g FROM generate_series(0, 39) g",
  );
});
afterAll(async () => {
  await cleanup();
  pg?.stop();
});

function rowsOf(table: string): string[] {
  return pg
    .psql(`SELECT * FROM ${table}`)
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

const count = (table: string) => Number(pg.psql(`SELECT count(*) FROM ${table}`).trim());

describe('SQL lookup join against jdbc under kill -9', () => {
  it('writes exactly the rows of a failure-free run', async () => {
    const seed = chaosSeed();
    const random = new SeededRandom(seed);
    const why = `CHAOS_SEED=${seed}`;
    const ddl = '(auction BIGINT, bidder BIGINT, price BIGINT, "dateTime" TIMESTAMP(3), name TEXT)';
    pg.psql(`CREATE TABLE reference ${ddl}; CREATE TABLE killed ${ddl}`);
    const file = 'test/chaos/fixtures/sql-jdbc-lookup-chaos-job.ts';
    const jobArgs = (rate: string, table: string) => ['--', String(EVENTS), rate, pg.url, 'bidders', table];
    const referenceRun = start([file, '--port', '0', '-q', ...jobArgs('Infinity', 'reference')]);

    const args = [
      file,
      '--checkpoint-dir',
      join(scratch(), 'checkpoints'),
      '--checkpoint-interval',
      '100',
      '--restore',
      'latest',
      '--port',
      '0',
      '-q',
      ...jobArgs(String(RATE), 'killed'),
    ];
    const snapshots: string[][] = [];
    let landed = 0;
    for (let k = 0; k < KILLS; k++) {
      const run = start(args);
      await run.started;
      // Kill once this run has committed rows of its own; a bound for a stuck run, not a speed
      // expectation. A run that ends first counts as not landed.
      const before = count('killed');
      const deadline = Date.now() + 60_000;
      while (!run.exited && Date.now() < deadline && count('killed') === before) await sleep(50);
      await sleep(random.int(0, 1000));
      if (run.kill()) landed++;
      const end = await run.ended;
      expect(
        end.code === 0 || end.signal === 'SIGKILL' || refusedAsFinished(end),
        `${why}: ${end.stderr}`,
      ).toBe(true);
      snapshots.push(rowsOf('killed'));
    }
    const end = await start(args).ended;
    expect(end.code === 0 || refusedAsFinished(end), `${why}: ${end.stderr}`).toBe(true);

    const referenceEnd = await referenceRun.ended;
    expect(referenceEnd.code, referenceEnd.stderr).toBe(0);
    const expected = rowsOf('reference');
    expect(expected.length).toBeGreaterThan(1000);
    // Both looked-up and padded rows are there.
    expect(expected.some((l) => l.endsWith('|'))).toBe(true);
    expect(expected.some((l) => l.includes('|bidder '))).toBe(true);
    expect(landed, why).toBeGreaterThan(0);
    const final = rowsOf('killed');
    expect(final, why).toEqual(expected);
    const all = new Set(final);
    for (const snapshot of snapshots)
      expect(
        snapshot.filter((row) => !all.has(row)),
        why,
      ).toEqual([]);
    expect(pg.psql('SELECT count(*) FROM pg_prepared_xacts'), why).toBe('0\n');
  }, 300_000);
});
