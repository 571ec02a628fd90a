/**
 * Incremental checkpoints: with the disk state backend a checkpoint writes only the key groups
 * whose state changed since the last completed one, shares the rest with earlier checkpoints,
 * garbage-collects blobs no retained checkpoint refers to, and restores exactly.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import { jobDirectoryName } from '../../src/checkpoint/file-storage.js';
import {
  type Collector,
  DataGeneratorSource,
  FileSink,
  type JobClient,
  KeyedProcessFunction,
  type KeyedProcessContext,
  StreamExecutionEnvironment,
  type ValueState,
  ValueStateDescriptor,
  WatermarkStrategy,
} from '../../src/index.js';
import type { Event } from '../support/counting-job.js';
import { type Counted, readCommitted } from '../support/exactly-once.js';

/** Numbers each key's events, keeping a note of about 60 bytes per key, so state outweighs its references. */
class NumberedNotes extends KeyedProcessFunction<number, Event, Counted> {
  private last!: ValueState<{ seq: number; note: string }>;

  override open(): void {
    this.last = this.getRuntimeContext().getState(new ValueStateDescriptor('last'));
  }

  processElement(event: Event, _ctx: KeyedProcessContext<number, Counted>, out: Collector<Counted>): void {
    const seq = (this.last.value()?.seq ?? 0) + 1;
    this.last.update({ seq, note: `event ${event.i} of key ${event.key}`.padEnd(60, '.') });
    out.collect({ key: event.key, seq });
  }
}

/** Phase one touches this many distinct keys, spread over every key group. */
const WIDE = 20_000;
/**
 * Phase two touches only key 0, so only its key group changes. It lasts 5 s at the source's
 * rate, so that its newest checkpoints come after one holding phase one's blobs was confirmed
 * even on a loaded machine (until then unchanged blobs still travel with their bytes); at 2 s a
 * loaded machine completed only four checkpoints in all.
 */
const NARROW = 100_000;
const JOB = 'incremental-job';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-incremental-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  setEnvironmentDefaults(undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(checkpointDir: string, out: string, restorePath?: string): JobClient {
  setEnvironmentDefaults({ checkpointDir, restorePath, stateBackend: 'disk' });
  try {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(100);
    env.getCheckpointConfig().setMaxRetainedCheckpoints(2);
    env
      .fromSource(
        new DataGeneratorSource((i) => ({ key: i < WIDE ? i : 0, i }), WIDE + NARROW, 20_000),
        WatermarkStrategy.noWatermarks(),
        'events',
      )
      .uid('events')
      .keyBy((e) => e.key)
      .process(new NumberedNotes())
      .uid('sequence-numbers')
      .sinkTo(FileSink.forRowFormat(out).build())
      .uid('sink');
    return env.executeAsync(JOB);
  } finally {
    setEnvironmentDefaults(undefined);
  }
}

describe('incremental checkpoints on the disk backend', () => {
  it('write only what changed, share the rest, collect what no checkpoint needs, and restore exactly', async () => {
    const checkpointDir = tempDir();
    const out = tempDir();
    const client = start(checkpointDir, out);
    // The job keeps only its 10 newest checkpoints in its history, so sizes are collected as
    // the job runs: phase one's must be among them.
    const sizes = new Map<number, number>();
    const collect = () => {
      for (const c of client.checkpoints().history)
        if (c.status === 'completed') sizes.set(c.id, c.sizeBytes);
    };
    const poller = setInterval(collect, 20);
    await client.result.finally(() => clearInterval(poller));
    collect();
    expect(sizes.size).toBeGreaterThanOrEqual(5);
    const largest = Math.max(...sizes.values());
    // The newest checkpoints come from phase two: one key group of 128 changed.
    const newest = [...sizes.keys()]
      .sort((a, b) => b - a)
      .slice(0, 3)
      .map((id) => sizes.get(id)!);
    for (const size of newest) expect(size).toBeLessThan(largest / 10);

    const records = readCommitted(out).map((line) => JSON.parse(line) as Counted);
    expect(records).toHaveLength(WIDE + NARROW);
    expect(Math.max(...records.filter((r) => r.key === 0).map((r) => r.seq))).toBe(NARROW + 1);

    // Two checkpoints retained, and no blob that neither of them refers to.
    const jobDir = join(checkpointDir, jobDirectoryName(JOB));
    // Pruning runs beside the job, so it may finish just after the job does (long after, on a
    // loaded machine: the deadline is a bound for pruning that never happens).
    const pruneDeadline = Date.now() + 30_000;
    const checkpointsLeft = () => readdirSync(jobDir).filter((name) => name.startsWith('chk-')).length;
    while (checkpointsLeft() > 2 && Date.now() < pruneDeadline) await new Promise((r) => setTimeout(r, 20));
    expect(checkpointsLeft()).toBe(2);
    // At most: every key group once, plus key 0's group in each retained checkpoint.
    const blobs = () => readdirSync(join(jobDir, 'shared')).length;
    while (blobs() > 130 && Date.now() < pruneDeadline) await new Promise((r) => setTimeout(r, 20));
    expect(blobs()).toBeLessThanOrEqual(128 + 2);

    // Restoring the last (incremental) checkpoint into a new run resumes with the same state.
    // By its path: the job finished, so 'latest' would refuse to resume it.
    const rerunOut = tempDir();
    const rerun = start(checkpointDir, rerunOut, join(jobDir, `chk-${Math.max(...sizes.keys())}`));
    await rerun.result;
    expect(rerun.checkpoints().restored?.id).toBe(Math.max(...sizes.keys()));
    // Everything was read before the restored checkpoint, so nothing new is counted.
    expect(readCommitted(rerunOut)).toEqual([]);
  });
});
