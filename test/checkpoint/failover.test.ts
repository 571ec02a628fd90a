/**
 * Failures inside a running job: the job restarts from its latest completed checkpoint, and
 * what the file sink committed is exactly the failure-free output. Failures are injected in a
 * map, in the middle of a snapshot (the sink's pre-commit), and during recovery itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FileSink,
  type MapFunction,
  RestartStrategies,
  type RuntimeContext,
  StreamExecutionEnvironment,
  type TwoPhaseCommittingSink,
} from '../../src/index.js';
import { buildSequenceJob } from '../support/counting-job.js';
import { type Counted, checkSequences, readCommitted } from '../support/exactly-once.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-failover-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const KEYS = 7;
const EVENTS = 7 * 600;

function environment(): StreamExecutionEnvironment {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  env.enableCheckpointing(40);
  env.setRestartStrategy(RestartStrategies.fixedDelay(5, 10));
  return env;
}

function committed(dir: string): Counted[] {
  return readCommitted(dir).map((line) => JSON.parse(line) as Counted);
}

/** Every key's sequence numbers were committed exactly once and in order. */
function expectExactlyOnce(sinkDir: string): void {
  expect(checkSequences(committed(sinkDir), KEYS, EVENTS / KEYS)).toMatchObject({
    lost: 0,
    duplicates: 0,
    reordered: 0,
  });
}

/** A map that throws once, when the n-th record passes it on the first attempt. */
function failOnce(n: number): MapFunction<unknown, unknown> {
  return {
    seen: 0,
    attempt: 0,
    open(ctx: RuntimeContext) {
      this.attempt = ctx.getAttemptNumber();
    },
    map(value: unknown) {
      if (this.attempt === 0 && ++this.seen === n) throw new Error(`injected failure at record ${n}`);
      return value;
    },
  } as MapFunction<unknown, unknown> & { seen: number; attempt: number };
}

describe('recovery inside a running job', () => {
  it.each([1, 2])(
    'a failure in a map at parallelism %i: no loss, no duplicates, keys in order',
    async (parallelism) => {
      const sinkDir = tempDir();
      const env = environment();
      buildSequenceJob(env, {
        events: EVENTS,
        keys: KEYS,
        rate: 20_000,
        sinkDir,
        parallelism,
        probe: failOnce(Math.floor(EVENTS * 0.6)),
      });
      const client = env.executeAsync('map-failure');
      await client.result;
      expect(client.restarts()).toBe(1);
      expect(client.checkpoints().completed).toBeGreaterThan(1);
      expect(checkSequences(committed(sinkDir), KEYS, EVENTS / KEYS)).toEqual({
        total: EVENTS,
        lost: 0,
        duplicates: 0,
        reordered: 0,
      });
    },
  );

  it('a failure in the middle of a snapshot (the sink pre-commit) fails the attempt, and the restart is exact', async () => {
    const sinkDir = tempDir();
    const fileSink = FileSink.forRowFormat<unknown>(sinkDir).build() as unknown as TwoPhaseCommittingSink<
      unknown,
      unknown
    >;
    let snapshots = 0;
    const sink: TwoPhaseCommittingSink<unknown, unknown> = {
      createWriter(context, state) {
        const writer = fileSink.createWriter(context, state);
        return Object.assign(Object.create(writer), {
          prepareCommit() {
            if (context.attemptNumber === 0 && ++snapshots === 3)
              throw new Error('injected snapshot failure');
            return writer.prepareCommit();
          },
        });
      },
      createCommitter: () => fileSink.createCommitter(),
      cleanupAfterRestore: fileSink.cleanupAfterRestore?.bind(fileSink),
    };
    const env = environment();
    buildSequenceJob(env, { events: EVENTS, keys: KEYS, rate: 20_000, sinkDir, sink });
    const client = env.executeAsync('snapshot-failure');
    await client.result;
    expect(snapshots).toBe(3);
    expect(client.restarts()).toBe(1);
    expectExactlyOnce(sinkDir);
  });

  it('a failure during recovery itself leads to another restart from the same checkpoint', async () => {
    const sinkDir = tempDir();
    const env = environment();
    buildSequenceJob(env, {
      events: EVENTS,
      keys: KEYS,
      rate: 20_000,
      sinkDir,
      probe: {
        seen: 0,
        attempt: 0,
        open(ctx: RuntimeContext) {
          this.attempt = ctx.getAttemptNumber();
          if (this.attempt === 1) throw new Error('injected failure while recovering');
        },
        map(value: unknown) {
          if (this.attempt === 0 && ++this.seen === EVENTS / 2) throw new Error('injected failure');
          return value;
        },
      } as MapFunction<unknown, unknown> & { seen: number; attempt: number },
    });
    const client = env.executeAsync('recovery-failure');
    await client.result;
    expect(client.restarts()).toBe(2);
    expectExactlyOnce(sinkDir);
  });

  it('at-least-once mode loses nothing across a failure', async () => {
    const sinkDir = tempDir();
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    env.enableCheckpointing(40, 'at-least-once');
    env.setRestartStrategy(RestartStrategies.fixedDelay(3, 10));
    buildSequenceJob(env, {
      events: EVENTS,
      keys: KEYS,
      rate: 20_000,
      sinkDir,
      parallelism: 2,
      probe: failOnce(EVENTS / 2),
    });
    await env.executeAsync('at-least-once').result;
    const report = checkSequences(committed(sinkDir), KEYS, EVENTS / KEYS);
    expect(report.lost).toBe(0);
  });

  it('a job that keeps failing ends as failed once the restart strategy gives up', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(40);
    env.setRestartStrategy(RestartStrategies.fixedDelay(2, 1));
    buildSequenceJob(env, {
      events: 100,
      keys: 2,
      rate: Number.POSITIVE_INFINITY,
      sinkDir: tempDir(),
      probe: {
        map: () => {
          throw new Error('always broken');
        },
      },
    });
    const client = env.executeAsync('always-failing');
    await expect(client.result).rejects.toThrow('always broken');
    expect(client.restarts()).toBe(2);
    expect(client.status()).toBe('failed');
  });
});
