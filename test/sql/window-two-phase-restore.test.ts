/**
 * A two-phase window aggregate (local phase before the shuffle, global phase after it) stopped
 * with a savepoint mid-stream and restored, at the same or another parallelism: the local phase
 * flushes its partials before the barrier, so the filesystem sink ends up with exactly the rows
 * of a one-phase run that was never stopped, none lost and none counted twice. TUMBLE, HOP and
 * CUMULATE windows over Nexmark bids, grouped by auction (MAX, COUNT, SUM).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { createBidsByEventTime, FAST_WINDOWS_PACE } from '../chaos/fixtures/nexmark-source.js';
import { waitFor } from '../support/recording-sink.js';
import { committedLines } from '../support/committed-lines.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-window-two-phase-restore-');

const EVENTS = 6000;

function session(
  parallelism: number,
  root: string,
  phase: string,
  events: string,
  rate: string,
  out: string,
) {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
  tEnv.executeSql(`SET 'state.checkpoints.dir' = '${join(root, 'checkpoints')}'`);
  tEnv.executeSql(`SET 'state.savepoints.dir' = '${join(root, 'savepoints')}'`);
  tEnv.executeSql(`SET 'execution.checkpointing.interval' = '100 ms'`);
  tEnv.executeSql(`SET 'table.optimizer.agg-phase-strategy' = '${phase}'`);
  tEnv.executeSql(createBidsByEventTime(events, rate, FAST_WINDOWS_PACE));
  tEnv.executeSql(
    'CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price, `dateTime` FROM nexmark WHERE event_type = 2',
  );
  tEnv.executeSql(`CREATE TABLE windows (
      auction BIGINT, mx BIGINT, n BIGINT, total BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3)
    ) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json',
      'sink.rolling-policy.file-size' = '1kb')`);
  return tEnv;
}

const QUERIES = {
  TUMBLE: "TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '1' SECOND)",
  HOP: "HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '1' SECOND, INTERVAL '3' SECOND)",
  CUMULATE: "CUMULATE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '1' SECOND, INTERVAL '4' SECOND)",
};

const insert = (tvf: string) => `INSERT INTO windows
  SELECT auction, MAX(price), COUNT(*), SUM(price), window_start, window_end
  FROM TABLE(${tvf}) GROUP BY auction, window_start, window_end`;

describe('a two-phase window aggregate stopped with a savepoint', () => {
  it.each([
    ['TUMBLE', 2, 2],
    ['HOP', 2, 1],
    ['CUMULATE', 1, 2],
  ] as const)(
    '%s restores at parallelism %i -> %i to the rows of an uninterrupted one-phase run',
    {
      timeout: 180_000,
    },
    async (kind, before, after) => {
      const sql = insert(QUERIES[kind]);
      const expectedDir = join(tempDir(), 'out');
      const reference = session(1, tempDir(), 'ONE_PHASE', String(EVENTS), 'Infinity', expectedDir);
      expect(reference.explainSql(sql)).not.toContain('LocalWindowAggregate');
      await reference.executeSql(sql).await();
      const expected = committedLines(expectedDir);
      expect(expected.length).toBeGreaterThan(20);

      const root = tempDir();
      const out = join(root, 'out');
      const first = session(before, root, 'AUTO', String(EVENTS), '1000', out);
      expect(first.explainSql(sql)).toContain('LocalWindowAggregate');
      const job = first.executeSql(sql).getJobClient()!;
      await waitFor(
        () =>
          (job.checkpoints().completed >= 3 && committedLines(out).length > 0) || job.status() !== 'running',
        'three completed checkpoints and a committed part',
        undefined,
        () => `${job.checkpoints().completed} checkpoints, ${committedLines(out).length} rows committed`,
      );
      expect(job.status(), 'the job ended before the stop').toBe('running');
      const stopped = await first.executeSql(`STOP JOB '${job.jobId}' WITH SAVEPOINT`).collect();
      const savepoint = stopped[0]!['savepoint path'] as string;
      expect(committedLines(out).length).toBeLessThan(expected.length);

      const second = session(after, root, 'AUTO', String(EVENTS), 'Infinity', out);
      second.executeSql(`SET 'execution.savepoint.path' = '${savepoint}'`);
      const result = second.executeSql(sql);
      await result.await();
      expect(result.getJobClient()!.checkpoints().restored?.path).toBe(savepoint);
      expect(committedLines(out)).toEqual(expected);
    },
  );
});
