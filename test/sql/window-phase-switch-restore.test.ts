/**
 * A savepoint of a window aggregate's one-phase plan restored by its two-phase plan, and the
 * reverse, with another stateful operator after it (a regular join of two window aggregates'
 * rows): the two plans give the aggregate and everything after it the same uids, and the
 * global phase's state is the one-phase aggregate's, so the sink ends up with exactly the rows
 * of a run that was never stopped, at the same or another parallelism.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { createBidsByEventTime, FAST_WINDOWS_PACE } from '../chaos/fixtures/nexmark-source.js';
import { waitFor } from '../support/recording-sink.js';
import { committedLines } from '../support/committed-lines.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-window-phase-switch-restore-');

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
  tEnv.executeSql(`CREATE VIEW per_auction AS
    SELECT auction, COUNT(*) AS n, MAX(price) AS top, window_start AS ws
    FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '1' SECOND))
    GROUP BY auction, window_start, window_end`);
  tEnv.executeSql(`CREATE VIEW auction_total AS
    SELECT auction, SUM(price) AS total, window_start AS ws
    FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(\`dateTime\`), INTERVAL '1' SECOND))
    GROUP BY auction, window_start, window_end`);
  tEnv.executeSql(`CREATE TABLE windows (
      a BIGINT, b BIGINT, c BIGINT, ws TIMESTAMP(3)
    ) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json',
      'sink.rolling-policy.file-size' = '1kb')`);
  return tEnv;
}

/** A regular join of two window aggregates: per 1 s window and auction, bids, top price, total. */
const SQL = `INSERT INTO windows
  SELECT a.n, a.top, t.total, a.ws
  FROM per_auction a JOIN auction_total t ON a.auction = t.auction AND a.ws = t.ws`;

describe('a window aggregate restored under the other phase strategy', () => {
  it.each([
    ['ONE_PHASE', 'AUTO', 2, 2],
    ['TWO_PHASE', 'ONE_PHASE', 2, 1],
    ['ONE_PHASE', 'TWO_PHASE', 1, 2],
    ['AUTO', 'ONE_PHASE', 2, 2],
  ] as const)(
    'a savepoint under %s restores under %s at parallelism %i -> %i to the rows of an uninterrupted run',
    { timeout: 180_000 },
    async (before, after, p1, p2) => {
      const expectedDir = join(tempDir(), 'out');
      const reference = session(1, tempDir(), 'ONE_PHASE', String(EVENTS), 'Infinity', expectedDir);
      await reference.executeSql(SQL).await();
      const expected = committedLines(expectedDir);
      expect(expected.length).toBeGreaterThan(5);

      const root = tempDir();
      const out = join(root, 'out');
      const first = session(p1, root, before, String(EVENTS), '1000', out);
      expect(first.explainSql(SQL).includes('LocalWindowAggregate')).toBe(before !== 'ONE_PHASE');
      const job = first.executeSql(SQL).getJobClient()!;
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

      const second = session(p2, root, after, String(EVENTS), 'Infinity', out);
      expect(second.explainSql(SQL).includes('LocalWindowAggregate')).toBe(after !== 'ONE_PHASE');
      second.executeSql(`SET 'execution.savepoint.path' = '${savepoint}'`);
      const result = second.executeSql(SQL);
      await result.await();
      expect(result.getJobClient()!.checkpoints().restored?.path).toBe(savepoint);
      expect(committedLines(out)).toEqual(expected);
    },
  );
});
