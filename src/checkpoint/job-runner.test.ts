/**
 * The job runner's status around the end of a bounded job: once its attempt ran to the end the
 * job is finished, even while the finish mark is still being written to storage, and a
 * savepoint asked for then says the job finished instead of that it does not run yet (which
 * made `STOP JOB … WITH SAVEPOINT` on a job that just ended blame the session's settings).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../api/environment.js';
import { buildJobGraph } from '../graph/job-graph-builder.js';
import { DEFAULT_JOB_CONFIG } from '../runtime/job-graph.js';
import type { Sink } from '../types/sink.js';
import { runJob } from './job-runner.js';
import { MemoryCheckpointStorage } from './memory-storage.js';

/** Memory storage whose finish mark is written only once the test lets it. */
class HeldFinishStorage extends MemoryCheckpointStorage {
  entered!: () => void;
  readonly writingFinish = new Promise<void>((resolve) => {
    this.entered = resolve;
  });
  release!: () => void;
  private readonly released = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  override async setFinished(jobName: string, finished: boolean): Promise<void> {
    if (finished) {
      this.entered();
      await this.released;
    }
    await super.setFinished(jobName, finished);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'weir-job-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a bounded job at its end', () => {
  it('is finished while its finish mark is written, and a savepoint asked for then says it finished', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const written: number[] = [];
    const sink: Sink<number> = {
      createWriter: () => ({ write: (n) => written.push(n), flush() {}, close() {} }),
    };
    env.fromElements(1, 2, 3).sinkTo(sink);
    const graph = buildJobGraph((env as unknown as { sinks: never[] }).sinks, {
      jobId: 'j1',
      jobName: 'bounded',
      defaultParallelism: 1,
      defaultMaxParallelism: undefined,
      chainingEnabled: true,
      config: DEFAULT_JOB_CONFIG,
    });
    const storage = new HeldFinishStorage();
    const client = runJob(graph, {
      restartStrategy: { kind: 'none' },
      log: () => {},
      checkpointing: {
        storage,
        interval: 0,
        mode: 'exactly-once',
        minPause: 0,
        timeout: 60_000,
        tolerableFailures: 0,
        maxConcurrent: 1,
        maxRetained: 1,
        savepointDir: join(dir, 'savepoints'),
      },
    });
    await storage.writingFinish;
    expect(written).toEqual([1, 2, 3]);
    expect(client.status()).toBe('finished');
    const ended =
      /^job bounded \(j1\) has finished, so no savepoint can be taken; savepoints are of running jobs$/;
    await expect(client.triggerSavepoint(undefined)).rejects.toThrow(ended);
    await expect(client.stopWithSavepoint(undefined)).rejects.toThrow(ended);
    storage.release();
    await client.result;
    expect(client.status()).toBe('finished');
    expect(await storage.isFinished('bounded')).toBe(true);
  });
});
