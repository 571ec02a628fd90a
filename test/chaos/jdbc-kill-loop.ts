/**
 * The kill -9 test of a SQL job writing a PostgreSQL table through the `jdbc` connector's
 * two-phase commit: the job runs under kill -9 into one table while a failure-free run writes
 * another, and the two tables must end equal, with no prepared transaction left behind. Every
 * run is killed after it committed rows of its own, so a run that started afresh instead of
 * restoring would append those rows twice or, in an upserted table, first commit less than the
 * run before it had.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestPostgres } from '../support/postgres.js';
import { chaosSeed, type RunTracker, SeededRandom, sleep } from './chaos-run.js';
import { killThenFinish, referenceOutput, weirRunArgs } from './kill-loop.js';

/** A table's rows as sorted psql lines (`a|b|c`). */
export function tableRows(pg: TestPostgres, table: string): string[] {
  return pg
    .psql(`SELECT * FROM ${table}`)
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** How many rows a table holds. */
export function tableCount(pg: TestPostgres, table: string): number {
  return Number(pg.psql(`SELECT count(*) FROM ${table}`).trim());
}

/** A SQL chaos job that writes a jdbc table; see {@link expectJdbcExactUnderKills}. */
export interface JdbcChaosJob {
  readonly file: string;
  readonly events: number;
  /** Rows per second while killed: slow enough that kills land mid-output. */
  readonly rate: number;
  readonly kills: number;
  readonly parallelism?: number;
  /**
   * The parallelism of the killed job's run `run` (from 0), where it is to change from run to
   * run (each restores the checkpoint of the run before); `parallelism` otherwise.
   */
  readonly parallelismOfRun?: (run: number) => number;
  /** The job's arguments after `<events> <rate> <jdbc url>`, for the table it writes. */
  readonly tableArgs: (table: string) => string[];
  /** The tables the failure-free and the killed runs write; the caller creates both. */
  readonly referenceTable: string;
  readonly killedTable: string;
  /** The failure-free table must hold more rows than this. */
  readonly minRows: number;
  /** Whether no row the killed table held after a kill may be gone at the end (no key, no updates). */
  readonly appendOnly: boolean;
  /** The range of the seeded wait, in ms, from the run's commit to the kill; 0–1000 unless given. */
  readonly killWithinMs?: readonly [number, number];
  /** For an upserted table, which a run started afresh would end the same: see {@link CommittedProgress}. */
  readonly progress?: CommittedProgress;
}

/**
 * A number the committed rows of an upserted table only ever raise (a sum of running counts).
 * It is sampled while the runs go and must never fall, and run k (from 1) is killed only once
 * it reached `k * step`, past where the run before it was killed: a run that started afresh
 * instead of restoring would commit its first, lower, counts over the higher ones, and the
 * number would fall.
 */
export interface CommittedProgress {
  /** A query of `table` returning that one number. */
  readonly query: (table: string) => string;
  readonly step: number;
}

/**
 * Runs `job` under kill -9 with checkpoints every 100 ms, each run killed a seeded while (0–1000
 * ms unless the job says) after it committed rows of its own (and reached its progress step),
 * alongside a failure-free run; checks that at least one kill landed after its run committed
 * rows, that the killed table ends equal to the failure-free one (and, append-only, never lost
 * a row it held; with a progress, that the progress never fell), and that no prepared
 * transaction is left. Returns the failure-free rows, for checks of the job's own.
 */
export async function expectJdbcExactUnderKills(
  pg: TestPostgres,
  tracker: RunTracker,
  job: JdbcChaosJob,
): Promise<string[]> {
  const seed = chaosSeed();
  const why = `CHAOS_SEED=${seed}`;
  const jobArgs = (rate: number, table: string) => [
    String(job.events),
    String(rate),
    pg.url,
    ...job.tableArgs(table),
  ];

  // The failure-free run goes alongside the killed ones: they share nothing but the server.
  const reference = tracker.start(
    weirRunArgs({
      job: job.file,
      parallelism: job.parallelism,
      jobArgs: jobArgs(Infinity, job.referenceTable),
    }),
  );
  const checkpointDir = join(tracker.scratch(), 'checkpoints');
  let launches = 0;
  const args = () =>
    weirRunArgs({
      job: job.file,
      parallelism: job.parallelismOfRun?.(launches++) ?? job.parallelism,
      checkpointDir,
      jobArgs: jobArgs(job.rate, job.killedTable),
    });
  const snapshots: string[][] = [];
  const { progress } = job;
  let highest = 0;
  const falls: string[] = [];
  /** The progress now, recording a fall below the highest seen so far. */
  const sample = (): number => {
    if (progress === undefined) return 0;
    const now = Number(pg.psql(progress.query(job.killedTable)).trim());
    if (now < highest) falls.push(`${highest} then ${now}`);
    highest = Math.max(highest, now);
    return now;
  };
  let runs = 0;
  let committedInRun = false;
  let killsAfterCommits = 0;
  await killThenFinish({
    kills: job.kills,
    launch: () => tracker.start(args()),
    random: new SeededRandom(seed),
    // Kill only once this run has committed rows of its own, so the kill lands mid-output. A
    // bound for a stuck run, not a speed expectation; a kill after the run ended does not count.
    ready: async (run) => {
      runs++;
      const rowsBefore = tableCount(pg, job.killedTable);
      const progressBefore = sample();
      const target = progress === undefined ? 0 : runs * progress.step;
      const committed = () => {
        const now = sample();
        return progress === undefined
          ? tableCount(pg, job.killedTable) !== rowsBefore
          : now > progressBefore && now >= target;
      };
      committedInRun = false;
      const deadline = Date.now() + 60_000;
      while (!run.exited && Date.now() < deadline && !committedInRun) {
        committedInRun = committed();
        if (!committedInRun) await sleep(50);
      }
    },
    killWithinMs: job.killWithinMs ?? [0, 1000],
    snapshot: (killed) => {
      if (killed && committedInRun) killsAfterCommits++;
      sample();
      snapshots.push(tableRows(pg, job.killedTable));
    },
    why,
  });

  const expected = await referenceOutput(reference, () => tableRows(pg, job.referenceTable));
  expect(expected.length).toBeGreaterThan(job.minRows);
  expect(killsAfterCommits, `${why}: no kill landed after the run committed rows`).toBeGreaterThan(0);
  expect(falls, `${why}: the committed progress fell`).toEqual([]);
  const final = tableRows(pg, job.killedTable);
  expect(final, why).toEqual(expected);
  if (job.appendOnly) {
    const all = new Set(final);
    for (const snapshot of snapshots)
      expect(
        snapshot.filter((row) => !all.has(row)),
        why,
      ).toEqual([]);
  }
  expect(pg.psql('SELECT count(*) FROM pg_prepared_xacts'), why).toBe('0\n');
  return expected;
}
