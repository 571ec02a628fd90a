/**
 * A regular join whose bids are cleaned by the watermark (q7's shape) keeps the bids in memory
 * and a checkpoint takes them as union operator state (`expiring-buffer-state.ts`). Stopped with
 * a savepoint mid-stream and restored at another parallelism, every new subtask gets every
 * bid in memory and keeps those of its key groups: the filesystem sink then holds exactly the
 * rows of a run that was never stopped, none lost and none doubled.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { declareTables, JOIN_CLEANUP_QUERY } from '../chaos/fixtures/sql-join-cleanup-chaos-job.js';
import { waitFor } from '../support/recording-sink.js';
import { committedLines } from '../support/committed-lines.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-join-expiring-rescale-');

const EVENTS = 6000;

function session(parallelism: number, root: string): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
  tEnv.executeSql(`SET 'state.checkpoints.dir' = '${join(root, 'checkpoints')}'`);
  tEnv.executeSql(`SET 'state.savepoints.dir' = '${join(root, 'savepoints')}'`);
  tEnv.executeSql(`SET 'execution.checkpointing.interval' = '100 ms'`);
  return tEnv;
}

describe('a cleaned join stopped with a savepoint', () => {
  it.each([
    [1, 2],
    [2, 1],
  ] as const)(
    'restores at parallelism %i -> %i to the rows of an uninterrupted run',
    { timeout: 180_000 },
    async (before, after) => {
      const expectedDir = join(tempDir(), 'out');
      const reference = session(1, tempDir());
      declareTables(reference, String(EVENTS), 'Infinity', expectedDir);
      await reference.executeSql(`INSERT INTO top_bids ${JOIN_CLEANUP_QUERY}`).await();
      const expected = committedLines(expectedDir);
      expect(expected.length).toBeGreaterThan(20);

      const root = tempDir();
      const out = join(root, 'out');
      const first = session(before, root);
      // 3 s of input: the stop lands mid-stream, with bids in memory (a window's bids live 1 s).
      declareTables(first, String(EVENTS), '2000', out);
      const job = first.executeSql(`INSERT INTO top_bids ${JOIN_CLEANUP_QUERY}`).getJobClient()!;
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

      const second = session(after, root);
      second.executeSql(`SET 'execution.savepoint.path' = '${savepoint}'`);
      declareTables(second, String(EVENTS), 'Infinity', out);
      const result = second.executeSql(`INSERT INTO top_bids ${JOIN_CLEANUP_QUERY}`);
      await result.await();
      expect(result.getJobClient()!.checkpoints().restored?.path).toBe(savepoint);
      expect(committedLines(out)).toEqual(expected);
    },
  );
});
