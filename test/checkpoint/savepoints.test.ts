/**
 * Savepoints end to end, in process: a job stopped with a savepoint mid-stream and restored
 * (at another parallelism, after a compatible or incompatible change, from another directory)
 * commits, together with what it committed before the stop, exactly what a failure-free run
 * commits. Restores go through `setEnvironmentDefaults`, the way `weir run --restore` does.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import { type JobClient, StreamExecutionEnvironment, WeirError } from '../../src/index.js';
import { buildSavepointJob, SEQ_SINK, type Variant, WINDOWS_SINK } from '../cli/fixtures/savepoint-job.js';
import { type Counted, checkSequences, readCommitted } from '../support/exactly-once.js';
import { waitFor } from '../support/recording-sink.js';

const KEYS = 5;
const EVENTS = 6000;
const RATE = 6000;

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-savepoints-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  setEnvironmentDefaults(undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Output {
  readonly seq: Counted[];
  /** Window results as sorted JSON lines: a multiset. */
  readonly windows: string[];
}

function output(out: string): Output {
  const read = (sub: string) => (existsSync(join(out, sub)) ? readCommitted(join(out, sub)) : []);
  return {
    seq: read('seq').map((line) => JSON.parse(line) as Counted),
    windows: read('windows').sort(),
  };
}

interface RunSettings {
  readonly out: string;
  readonly parallelism: number;
  readonly checkpointDir: string;
  readonly variant?: Variant;
  readonly files?: readonly string[];
  readonly restorePath?: string;
  readonly allowNonRestoredState?: boolean;
  readonly events?: number;
  readonly stateBackend?: 'heap' | 'disk';
}

/** Starts the savepoint job as `weir run` would, with the restore settings as CLI defaults. */
function start(settings: RunSettings): JobClient {
  setEnvironmentDefaults({
    parallelism: settings.parallelism,
    checkpointDir: settings.checkpointDir,
    restorePath: settings.restorePath,
    allowNonRestoredState: settings.allowNonRestoredState,
    stateBackend: settings.stateBackend,
  });
  try {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    buildSavepointJob(env, {
      out: settings.out,
      events: settings.events ?? EVENTS,
      keys: KEYS,
      rate: RATE,
      variant: settings.variant,
      files: settings.files,
    });
    return env.executeAsync('savepoint-job');
  } finally {
    setEnvironmentDefaults(undefined);
  }
}

/** Records the job's sources have read so far, over their subtasks. */
function sourceRecords(client: JobClient): number {
  return client
    .tasks()
    .filter((t) => t.isSource)
    .reduce((sum, t) => sum + t.recordsOut, 0);
}

/** Waits until the sources have read a quarter of the input, so a savepoint lands mid-stream. */
async function waitForProgress(client: JobClient, out: string): Promise<void> {
  await waitFor(
    () => sourceRecords(client) >= EVENTS / 4,
    `the job writing into ${out} to read ${EVENTS / 4} records`,
    undefined,
    () => `it read ${sourceRecords(client)} and is ${client.status()}`,
  );
}

/**
 * Records the job's sink `name` has written so far, over its subtasks. A sink ends its vertex's
 * chain, so it is the last name in the vertex's name (`KeyedProcess -> seq sink` at parallelism 1).
 */
function written(client: JobClient, name: string): number {
  return client
    .tasks()
    .filter((t) => t.vertexName.split(' -> ').at(-1) === name)
    .reduce((sum, t) => sum + t.sinkRecordsIn, 0);
}

/** Runs to a mid-stream stop-with-savepoint and returns the savepoint path. */
async function stopMidStream(settings: RunSettings, savepointDir: string): Promise<string> {
  const client = start(settings);
  await waitForProgress(client, settings.out);
  const path = await client.stopWithSavepoint(savepointDir);
  await client.result;
  expect(client.status()).toBe('finished');
  return path;
}

/** A failure-free run's committed output. */
async function reference(parallelism: number, variant?: Variant, files?: readonly string[]): Promise<Output> {
  const out = tempDir();
  const client = start({ out, parallelism, checkpointDir: tempDir(), variant, files });
  await client.result;
  return output(out);
}

/** Restores `savepoint` into a copy of `stoppedOut` and runs the job to its end. */
async function restoreInto(
  stoppedOut: string,
  savepoint: string,
  settings: Omit<RunSettings, 'out' | 'checkpointDir' | 'restorePath'>,
): Promise<{ output: Output; client: JobClient }> {
  const out = tempDir();
  cpSync(stoppedOut, out, { recursive: true });
  const client = start({ ...settings, out, checkpointDir: tempDir(), restorePath: savepoint });
  await client.result;
  return { output: output(out), client };
}

function expectExact(result: Output, expected: Output, events = EVENTS): void {
  expect(checkSequences(result.seq, KEYS, events / KEYS)).toEqual({
    total: events,
    lost: 0,
    duplicates: 0,
    reordered: 0,
  });
  expect(result.windows).toEqual(expected.windows);
}

describe('rescaling a savepoint', () => {
  it('a savepoint taken mid-stream at parallelism 2 restores at 1 and at 3 with identical, exact results', async () => {
    const expected = await reference(2);
    expect(expected.windows.length).toBe((EVENTS / 100) * KEYS);
    const out = tempDir();
    const savepoint = await stopMidStream({ out, parallelism: 2, checkpointDir: tempDir() }, tempDir());
    const before = output(out);
    // The stop landed mid-stream: some but not all output is committed.
    expect(before.seq.length).toBeGreaterThan(0);
    expect(before.seq.length).toBeLessThan(EVENTS);
    for (const parallelism of [1, 3]) {
      const { output: result } = await restoreInto(out, savepoint, { parallelism });
      expectExact(result, expected);
    }
  });

  it('sliding windows, whose state is kept per slice, restore at 1 and at 3 with exact results', async () => {
    const expected = await reference(2, 'sliding');
    // Each event is in two or three windows of 100 ms every 40 ms.
    expect(expected.windows.length).toBeGreaterThan((EVENTS / 40) * KEYS - KEYS * 3);
    const out = tempDir();
    const savepoint = await stopMidStream(
      { out, parallelism: 2, checkpointDir: tempDir(), variant: 'sliding' },
      tempDir(),
    );
    expect(output(out).windows.length).toBeLessThan(expected.windows.length);
    for (const parallelism of [1, 3]) {
      const { output: result } = await restoreInto(out, savepoint, { parallelism, variant: 'sliding' });
      expectExact(result, expected);
    }
  });

  it('a savepoint taken on the heap backend restores on the disk backend, and one taken on disk restores on heap', async () => {
    const expected = await reference(2);
    for (const [from, to] of [
      ['heap', 'disk'],
      ['disk', 'heap'],
    ] as const) {
      const out = tempDir();
      const savepoint = await stopMidStream(
        { out, parallelism: 2, checkpointDir: tempDir(), stateBackend: from },
        tempDir(),
      );
      expect(output(out).seq.length).toBeLessThan(EVENTS);
      const { output: result } = await restoreInto(out, savepoint, { parallelism: 3, stateBackend: to });
      expectExact(result, expected);
    }
  });

  it('redistributes FileSource splits of several files when rescaling 2 -> 1 and 2 -> 3', async () => {
    const inputs = tempDir();
    const files: string[] = [];
    const perFile = EVENTS / 6;
    for (let f = 0; f < 6; f++) {
      const path = join(inputs, `events-${f}.ndjson`);
      const lines: string[] = [];
      for (let i = f * perFile; i < (f + 1) * perFile; i++) lines.push(JSON.stringify({ key: i % KEYS, i }));
      writeFileSync(path, `${lines.join('\n')}\n`);
      files.push(path);
    }
    const out = tempDir();
    const savepoint = await stopMidStream(
      { out, parallelism: 2, checkpointDir: tempDir(), variant: 'files', files },
      tempDir(),
    );
    const stopped = output(out).seq.length;
    expect(stopped).toBeGreaterThan(0);
    expect(stopped).toBeLessThan(EVENTS);
    for (const parallelism of [1, 3]) {
      const { output: result } = await restoreInto(out, savepoint, { parallelism, variant: 'files', files });
      expect(checkSequences(result.seq, KEYS, EVENTS / KEYS)).toEqual({
        total: EVENTS,
        lost: 0,
        duplicates: 0,
        reordered: 0,
      });
    }
  });
});

describe('savepoint compatibility', () => {
  it('restores after a stateless operator with a new uid is added', async () => {
    const expected = await reference(2);
    const out = tempDir();
    const savepoint = await stopMidStream({ out, parallelism: 2, checkpointDir: tempDir() }, tempDir());
    const { output: result } = await restoreInto(out, savepoint, { parallelism: 2, variant: 'extra-map' });
    expectExact(result, expected);
  });

  it('fails loudly, in one line naming the uid, when a stateful operator lost its uid; allowNonRestoredState drops it', async () => {
    const out = tempDir();
    const savepoint = await stopMidStream({ out, parallelism: 2, checkpointDir: tempDir() }, tempDir());
    const before = output(out).seq;
    expect(before.length).toBeGreaterThan(0);

    const failed = start({
      out: tempDir(),
      parallelism: 2,
      checkpointDir: tempDir(),
      restorePath: savepoint,
      variant: 'renamed-counts',
    });
    const error = await failed.result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WeirError);
    const message = (error as WeirError).message;
    expect(message).toContain("uid 'sequence-numbers'");
    expect(message).toContain('--allow-non-restored-state');
    expect(message).not.toContain('\n');
    expect(failed.status()).toBe('failed');
    expect(failed.restarts()).toBe(0);

    const { output: allowed } = await restoreInto(out, savepoint, {
      parallelism: 2,
      variant: 'renamed-counts',
      allowNonRestoredState: true,
    });
    // The counts start over: a key with b records counted before the stop numbers its
    // remaining T - b records 1..T-b again, so its numbers are 1..b plus 1..T-b.
    const total = EVENTS / KEYS;
    for (let key = 0; key < KEYS; key++) {
      const b = before.filter((c) => c.key === key).length;
      const seqs = allowed.seq.filter((c) => c.key === key).map((c) => c.seq);
      const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
      expect(seqs.sort((x, y) => x - y)).toEqual([...range(b), ...range(total - b)].sort((x, y) => x - y));
    }
    // ...while the windows, whose uid stayed, carry on exactly.
    expect(allowed.windows).toEqual((await reference(2)).windows);
  });
});

describe('savepoints are self-contained', () => {
  it('restores from a copy in another directory after the original is deleted', async () => {
    const expected = await reference(2);
    const out = tempDir();
    const checkpointDir = tempDir();
    const savepoint = await stopMidStream({ out, parallelism: 2, checkpointDir }, tempDir());
    const moved = join(tempDir(), 'elsewhere', 'my-savepoint');
    mkdirSync(join(moved, '..'), { recursive: true });
    cpSync(savepoint, moved, { recursive: true });
    rmSync(savepoint, { recursive: true });
    rmSync(checkpointDir, { recursive: true });
    expect(readdirSync(moved)).toContain('_metadata');
    const { output: result, client } = await restoreInto(out, moved, { parallelism: 3 });
    expectExact(result, expected);
    expect(client.checkpoints().restored?.path).toBe(moved);
  });
});

describe('checkpoint statistics', () => {
  // Two waits of up to 30 s each: the limit leaves room for both to fail with their message.
  it('count completed checkpoints with sizes and paths, and name the savepoint restored from', {
    timeout: 120_000,
  }, async () => {
    const out = tempDir();
    const savepointDir = tempDir();
    setEnvironmentDefaults({ parallelism: 2 });
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    setEnvironmentDefaults(undefined);
    const checkpointDir = tempDir();
    env.enableCheckpointing(50);
    env.getCheckpointConfig().setCheckpointStorage(checkpointDir);
    buildSavepointJob(env, { out, events: EVENTS, keys: KEYS, rate: RATE });
    const client = env.executeAsync('stats');
    expect(client.checkpoints().restored).toBeUndefined();
    await waitForProgress(client, out);
    // A periodic checkpoint completes before the savepoint, however loaded the machine.
    await waitFor(
      () => client.checkpoints().completed >= 1,
      'a periodic checkpoint to complete',
      undefined,
      () => `${client.checkpoints().failed} failed, job ${client.status()}`,
    );
    const savepoint = await client.stopWithSavepoint(savepointDir);
    await client.result;

    const stats = client.checkpoints();
    expect(stats.completed).toBeGreaterThanOrEqual(2);
    expect(stats.history.length).toBe(Math.min(stats.completed + stats.failed, 10));
    const completed = stats.history.filter((c) => c.status === 'completed');
    expect(completed.length).toBe(Math.min(stats.completed, stats.history.length));
    for (const c of completed) {
      expect(c.sizeBytes).toBeGreaterThan(0);
      expect(c.path).toBeDefined();
    }
    // Newest first; the savepoint is the newest and lies where it was asked to.
    expect(stats.history[0]).toMatchObject({ savepoint: true, status: 'completed', path: savepoint });
    expect(stats.latestCompleted?.id).toBe(stats.history[0]!.id);
    const ids = stats.history.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const periodic = completed.find((c) => !c.savepoint)!;
    expect(periodic.path!.startsWith(checkpointDir)).toBe(true);
    expect(existsSync(join(savepoint, '_metadata'))).toBe(true);

    const { client: restored } = await restoreInto(out, savepoint, { parallelism: 1 });
    expect(restored.checkpoints().restored).toEqual({ id: stats.history[0]!.id, path: savepoint });
    // The end of a job with a checkpoint directory is a checkpoint, numbered after the savepoint.
    expect(restored.checkpoints().completed).toBeGreaterThanOrEqual(1);
    expect(restored.checkpoints().latestCompleted!.id).toBeGreaterThan(stats.history[0]!.id);
  });
});

describe('rescaling an unbounded job', () => {
  /** Every key's numbers are 1..n without gaps or repeats. */
  function expectSequencePrefix(seq: readonly Counted[]): void {
    for (let key = 0; key < KEYS; key++) {
      const seqs = seq.filter((c) => c.key === key).map((c) => c.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
  }

  it('stops and restores 2 -> 3 -> 1 from savepoints: consistent cuts, and windows complete once each', async () => {
    const out = tempDir();
    let savepoint: string | undefined;
    let committed = 0;
    for (const parallelism of [2, 3, 1]) {
      const client = start({
        out,
        parallelism,
        checkpointDir: tempDir(),
        restorePath: savepoint,
        events: Number.POSITIVE_INFINITY,
      });
      // Stop once this run has written counts and fired windows, which the stop then commits.
      await waitFor(
        () => written(client, SEQ_SINK) > 0 && written(client, WINDOWS_SINK) > 0,
        `records in both sinks at parallelism ${parallelism}`,
        undefined,
        () =>
          `${SEQ_SINK} wrote ${written(client, SEQ_SINK)}, ${WINDOWS_SINK} ${written(client, WINDOWS_SINK)}; job ${client.status()}`,
      );
      savepoint = await client.stopWithSavepoint(tempDir());
      await client.result;
      const { seq, windows } = output(out);
      expect(seq.length).toBeGreaterThan(committed);
      committed = seq.length;
      expectSequencePrefix(seq);
      // Windows fire as the watermark passes them, at every parallelism, each exactly once.
      const rows = windows.map((w) => JSON.parse(w) as { key: number; start: number; count: number });
      const starts = [...new Set(rows.map((r) => r.start))].sort((a, b) => a - b);
      expect(starts.length).toBeGreaterThan(0);
      expect(starts).toEqual(starts.map((_, i) => i * 100));
      expect(rows.length).toBe(starts.length * KEYS);
      // A reader that holds several endless splits after scaling in reads them all, in turns.
      const incomplete = rows.filter((r) => r.count !== 100 / KEYS);
      expect({ parallelism, incomplete }).toEqual({ parallelism, incomplete: [] });
    }
    // Three waits of up to 30 s each, one per run, fit the limit with their messages.
  }, 120_000);
});

describe('savepoints right after submission', () => {
  it('a stop right after submission restores without reading any split twice', async () => {
    const expected = await reference(2);
    const out = tempDir();
    const client = start({ out, parallelism: 2, checkpointDir: tempDir() });
    // The barrier is injected while the readers' first split requests are still in flight.
    const savepoint = await client.stopWithSavepoint(tempDir());
    await client.result;
    const { output: result } = await restoreInto(out, savepoint, { parallelism: 3 });
    expectExact(result, expected);
  });

  it('wait for the job to start instead of failing as if checkpointing were off, and restore exactly', async () => {
    const expected = await reference(2);
    const out = tempDir();
    const client = start({ out, parallelism: 2, checkpointDir: tempDir() });
    // No await in between: the job is still reading its storage for the highest checkpoint id,
    // and its sources have yet to ask for their splits (assignments race with the barrier).
    const first = await client.triggerSavepoint(tempDir());
    expect(readdirSync(first)).toContain('_metadata');
    const savepoint = await client.stopWithSavepoint(tempDir());
    await client.result;
    expect(client.status()).toBe('finished');
    const { output: result } = await restoreInto(out, savepoint, { parallelism: 3 });
    expectExact(result, expected);
  });
});
