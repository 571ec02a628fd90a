/**
 * Exactly-once for SQL into PostgreSQL: an INSERT INTO a `jdbc` table (two-phase commit: each
 * writer's rows of a checkpoint are one transaction, prepared at the barrier and committed when
 * the checkpoint completes) over the `nexmark` connector, run by `weir run` with checkpoints,
 * killed with SIGKILL (the whole process group) at seeded random moments and resumed with
 * `--restore latest` each time until it finishes. The table must then hold exactly what a
 * failure-free run writes, with no prepared transaction left behind.
 *
 * Two jobs: a tumbling-window aggregate appended to a table without a key (a window written
 * twice or lost would show), and a running GROUP BY upserted into a table with a primary key by
 * two writers (an updating query; a kill may leave prepared transactions holding row locks that
 * the restore must commit or roll back before the writers can go on). While killed runs go on,
 * what the append table holds only grows: a committed row never goes away. Set CHAOS_SEED to
 * replay a failing sequence of kills; the seed is in every assertion message.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { chaosSeed, RunTracker, refusedAsFinished, SeededRandom, sleep } from './chaos-run.js';

const EVENTS = 8000;
/** Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream. */
const RATE = 2000;
const KILLS = 3;

const { scratch, start, cleanup } = new RunTracker('weir-sql-jdbc-chaos-');
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await cleanup();
  pg?.stop();
});

/** The table's rows as sorted lines. */
function rowsOf(table: string): string[] {
  return pg
    .psql(`SELECT * FROM ${table}`)
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** How many rows the table holds. */
function count(table: string): number {
  return Number(pg.psql(`SELECT count(*) FROM ${table}`).trim());
}

async function expectExactUnderKills(mode: 'append' | 'upsert'): Promise<void> {
  const seed = chaosSeed();
  const random = new SeededRandom(seed);
  const why = `CHAOS_SEED=${seed}`;
  const ddl =
    mode === 'append'
      ? '(auction BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), bids BIGINT, top_price BIGINT)'
      : '(auction BIGINT PRIMARY KEY, bids BIGINT, top_price BIGINT)';
  const reference = `${mode}_reference`;
  const killed = `${mode}_killed`;
  pg.psql(`CREATE TABLE ${reference} ${ddl}; CREATE TABLE ${killed} ${ddl}`);
  const file = 'test/chaos/fixtures/sql-jdbc-chaos-job.ts';
  const parallelism = mode === 'upsert' ? ['--parallelism', '2'] : [];
  const jobArgs = (rate: string, table: string) => ['--', String(EVENTS), rate, pg.url, table, mode];

  // The failure-free run goes alongside the killed ones: they share nothing but the server.
  const referenceRun = start([file, ...parallelism, '--port', '0', '-q', ...jobArgs('Infinity', reference)]);

  const checkpointDir = join(scratch(), 'checkpoints');
  const args = [
    file,
    ...parallelism,
    '--checkpoint-dir',
    checkpointDir,
    '--checkpoint-interval',
    '100',
    '--restore',
    'latest',
    '--port',
    '0',
    '-q',
    ...jobArgs(String(RATE), killed),
  ];
  const snapshots: string[][] = [];
  let landed = 0;
  for (let k = 0; k < KILLS; k++) {
    const run = start(args);
    await run.started;
    // Kill only once this run has committed rows of its own, so the kill lands mid-output: a
    // run takes seconds to start and its windows fire seconds of event time later. A bound for
    // a stuck run, not a speed expectation; a run that ends first counts as not landed.
    const before = count(killed);
    const deadline = Date.now() + 60_000;
    while (!run.exited && Date.now() < deadline && count(killed) === before) await sleep(50);
    await sleep(random.int(0, 1000));
    if (run.kill()) landed++;
    const end = await run.ended;
    expect(
      end.code === 0 || end.signal === 'SIGKILL' || refusedAsFinished(end),
      `${why}: ${end.stderr}`,
    ).toBe(true);
    snapshots.push(rowsOf(killed));
  }
  const end = await start(args).ended;
  expect(end.code === 0 || refusedAsFinished(end), `${why}: ${end.stderr}`).toBe(true);

  const referenceEnd = await referenceRun.ended;
  expect(referenceEnd.code, referenceEnd.stderr).toBe(0);
  const expected = rowsOf(reference);
  expect(expected.length).toBeGreaterThan(100);
  expect(landed, why).toBeGreaterThan(0);
  const final = rowsOf(killed);
  expect(final, why).toEqual(expected);
  if (mode === 'append') {
    const all = new Set(final);
    for (const snapshot of snapshots)
      expect(
        snapshot.filter((row) => !all.has(row)),
        why,
      ).toEqual([]);
  }
  expect(pg.psql('SELECT count(*) FROM pg_prepared_xacts'), why).toBe('0\n');
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
});
