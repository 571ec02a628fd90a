/**
 * One big NDJSON file read by real jobs: cut into many splits, it is shared by every reader
 * subtask, each line arrives exactly once at any parallelism, and a savepoint taken while splits
 * are half read restores at another parallelism without losing or repeating a line.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import {
  FileSink,
  FileSource,
  type JobClient,
  type MapFunction,
  NdjsonFormat,
  type RuntimeContext,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';
import { readCommitted } from '../support/exactly-once.js';
import { waitFor } from '../support/recording-sink.js';

const LINES = 20_000;
const SPLIT_SIZE = 16 * 1024;

interface Line {
  readonly i: number;
  readonly text: string;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-file-splits-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => setEnvironmentDefaults(undefined));
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `count` NDJSON lines, some with multi-byte text so split boundaries fall inside characters. */
function bigFile(count: number): string {
  const path = join(tempDir(), 'lines.ndjson');
  const lines: string[] = [];
  for (let i = 0; i < count; i++)
    lines.push(JSON.stringify({ i, text: i % 7 === 0 ? `é😀${i}` : `line ${i}` }));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A map that tags each record with its subtask; chained to the source, that is the reader's. */
function tagSubtask(): MapFunction<Line, { i: number; subtask: number }> {
  return {
    subtask: -1,
    open(ctx: RuntimeContext) {
      this.subtask = ctx.getIndexOfThisSubtask();
    },
    map(line: Line) {
      return { i: line.i, subtask: this.subtask };
    },
  } as MapFunction<Line, { i: number; subtask: number }> & { subtask: number };
}

/** Every index 0..count-1 exactly once: no loss, no duplicates. */
function expectEachOnce(indexes: readonly number[], count: number): void {
  const sorted = [...indexes].sort((a, b) => a - b);
  expect(sorted.length).toBe(count);
  for (let k = 0; k < count; k++) if (sorted[k] !== k) expect(sorted[k]).toBe(k);
}

describe('a big NDJSON file in splits', () => {
  const path = bigFile(LINES);

  async function run(parallelism: number, splitSize: number) {
    const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
    return env
      .fromSource(
        FileSource.forRecordFormat(new NdjsonFormat<Line>(), path).withSplitSize(splitSize).build(),
        WatermarkStrategy.noWatermarks(),
        'big file',
      )
      .map(tagSubtask())
      .executeAndCollect();
  }

  it.each([1, 2, 3, 4])(
    'arrives exactly once at parallelism %i, read by more than one subtask when there are',
    async (p) => {
      const out = await run(p, SPLIT_SIZE);
      expectEachOnce(
        out.map((r) => r.i),
        LINES,
      );
      const readers = new Set(out.map((r) => r.subtask));
      if (p === 1) expect([...readers]).toEqual([0]);
      else expect(readers.size).toBeGreaterThan(1);
    },
  );

  it('is read by one subtask when the file is not larger than the split size', async () => {
    // The control for the test above: the subtask tag shows which reader read a record.
    const out = await run(4, 64 * 1024 * 1024);
    expectEachOnce(
      out.map((r) => r.i),
      LINES,
    );
    expect(new Set(out.map((r) => r.subtask)).size).toBe(1);
  });
});

describe('rescaling a savepoint of half-read splits', () => {
  const EVENTS = 12_000;

  /** Busy-waits about 1 ms every `every` records, so the stop lands mid-stream. */
  function throttle(every: number): (line: Line) => Line {
    let n = 0;
    return (line) => {
      if (++n % every === 0) {
        const until = Date.now() + 1;
        while (Date.now() < until) {
          // spin
        }
      }
      return line;
    };
  }

  function start(path: string, out: string, parallelism: number, restorePath?: string): JobClient {
    setEnvironmentDefaults({ parallelism, checkpointDir: tempDir(), restorePath });
    try {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      env
        .fromSource(
          // Reads of 1 KiB leave a 16 KiB split half read between polls, where the stop can land.
          FileSource.forRecordFormat(new NdjsonFormat<Line>(), path)
            .withSplitSize(16 * 1024)
            .withChunkSize(1024)
            .build(),
          WatermarkStrategy.noWatermarks(),
          'big file',
        )
        .uid('lines')
        .map(throttle(20))
        .uid('throttle')
        .map((line) => ({ i: line.i }))
        .uid('project')
        .sinkTo(FileSink.forRowFormat(out).build())
        .uid('sink')
        .setParallelism(1);
      return env.executeAsync('file-splits');
    } finally {
      setEnvironmentDefaults(undefined);
    }
  }

  /** Records the sources have read so far, over their subtasks. */
  const read = (client: JobClient) =>
    client
      .tasks()
      .filter((t) => t.isSource)
      .reduce((sum, t) => sum + t.recordsOut, 0);

  /** Waits until the sources have read a quarter of the file, so the stop lands mid-stream. */
  const waitForProgress = (client: JobClient) =>
    waitFor(
      () => read(client) >= EVENTS / 4,
      `the job to read ${EVENTS / 4} of the file's ${EVENTS} lines`,
      undefined,
      () => `it read ${read(client)} and is ${client.status()}`,
    );

  const committed = (out: string) => readCommitted(out).map((line) => (JSON.parse(line) as { i: number }).i);

  it('taken at parallelism 2, restores at 1 and at 3 with every line committed exactly once', async () => {
    const path = bigFile(EVENTS);
    const out = tempDir();
    const client = start(path, out, 2);
    await waitForProgress(client);
    const savepoint = await client.stopWithSavepoint(tempDir());
    await client.result;
    const stopped = committed(out).length;
    expect(stopped).toBeGreaterThan(0);
    expect(stopped).toBeLessThan(EVENTS);
    for (const parallelism of [1, 3]) {
      const resumed = tempDir();
      cpSync(out, resumed, { recursive: true });
      await start(path, resumed, parallelism, savepoint).result;
      expectEachOnce(committed(resumed), EVENTS);
    }
  });
});
