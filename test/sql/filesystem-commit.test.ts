/**
 * The filesystem table sink's rolling policy and partition commit (filesystem-sink.ts): parts
 * roll by size and by age at check-interval ticks, not at every checkpoint; a partition's
 * success file appears once its files are committed and the trigger fires (the watermark past
 * the partition time + delay, with out-of-order rows; or the clock past creation + delay), and
 * not before; the state of partitions not yet committed survives a restore; and a bounded SQL
 * INSERT commits every partition. The writer is driven directly with a clock the test sets,
 * as the sink operator drives it: flush, prepareCommit, snapshotState, then commit.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import {
  compileTimestampFormatter,
  partitionTimeExtractor,
} from '../../src/sql/connectors/filesystem-partition-time.js';
import { escapePartitionValue } from '../../src/sql/connectors/filesystem-partitions.js';
import {
  type FilesystemCommittable,
  type FilesystemSinkOptions,
  type FilesystemSinkWriter,
  FilesystemTableSink,
} from '../../src/sql/connectors/filesystem-sink.js';
import type { SinkInitContext, SinkWriterContext } from '../../src/types/sink.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-fs-commit-');

type Row = { v: number; dt: string; hm: string };

const MINUTE = 60_000;
const partitionOf = (row: Record<string, unknown>) =>
  `dt=${escapePartitionValue(row.dt as string)}/hm=${escapePartitionValue(row.hm as string)}`;

/** A sink, one writer at a time on a clock the test sets, and a committer. */
class Harness {
  now = 0;
  watermark = Number.NEGATIVE_INFINITY;
  private checkpointId = 0;
  writer: FilesystemSinkWriter;
  readonly sink: FilesystemTableSink;
  private readonly committer;
  private readonly writerContext: SinkWriterContext = {
    timestamp: () => undefined,
    currentWatermark: () => this.watermark,
  };

  constructor(
    readonly dir: string,
    overrides: Partial<FilesystemSinkOptions> = {},
    restored?: { state: unknown[]; committables: FilesystemCommittable[] },
  ) {
    this.sink = new FilesystemTableSink({
      dir,
      encode: (row) => `${row.v as number}\n`,
      partitionOf,
      rolling: {
        fileSize: 1 << 20,
        rolloverIntervalMs: 10 * MINUTE,
        inactivityIntervalMs: 10 * MINUTE,
        checkIntervalMs: MINUTE,
      },
      commit: {
        trigger: 'partition-time',
        delayMs: MINUTE,
        successFileName: '_SUCCESS',
        partitionTime: partitionTimeExtractor(['dt', 'hm'], '$dt $hm:00', undefined),
      },
      ...overrides,
    });
    this.committer = this.sink.createCommitter();
    if (restored !== undefined) {
      this.committer.commit(restored.committables);
      this.sink.cleanupAfterRestore(restored.state, restored.committables, 'attempt-2');
    }
    this.writer = this.sink.createWriter(
      this.context(restored === undefined ? 'attempt-1' : 'attempt-2'),
      restored?.state,
    );
  }

  private context(attemptId: string): SinkInitContext {
    return {
      subtaskIndex: 0,
      parallelism: 1,
      attemptNumber: 0,
      attemptId,
      jobId: 'job',
      restoredCheckpointId: undefined,
      currentProcessingTime: () => this.now,
    };
  }

  write(...rows: Row[]): void {
    for (const row of rows) this.writer.write(row, this.writerContext);
  }

  advanceWatermark(watermark: number): void {
    this.watermark = watermark;
    this.writer.writeWatermark(watermark);
  }

  /** A checkpoint that is taken but whose completion has not been notified. */
  takeCheckpoint(): { state: unknown[]; committables: FilesystemCommittable[] } {
    this.writer.flush(false);
    const committables = this.writer.prepareCommit();
    const state = this.writer.snapshotState(++this.checkpointId);
    return { state, committables };
  }

  /** A checkpoint, completed: its committables committed. */
  checkpoint(): FilesystemCommittable[] {
    const { committables } = this.takeCheckpoint();
    this.committer.commit(committables);
    return committables;
  }

  endOfInput(): void {
    this.writer.flush(true);
    this.committer.commit(this.writer.prepareCommit());
    this.writer.close();
  }
}

/** Committed (visible) part files under `dir`, recursively, relative paths. */
function committedParts(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => {
      const name = p.split('/').pop()!;
      return name.startsWith('part-') && !name.startsWith('.');
    })
    .sort();
}

const row = (v: number, dt: string, hm: string): Row => ({ v, dt, hm });
const at = (dt: string, hm: string) => Date.parse(`${dt}T${hm}:00Z`);
const success = (dir: string, dt: string, hm: string) =>
  existsSync(join(dir, `dt=${dt}`, `hm=${escapePartitionValue(hm)}`, '_SUCCESS'));

describe('rolling policy', () => {
  test('a part stays open across checkpoints until it reaches the file size', () => {
    const h = new Harness(tempDir(), { partitionOf: undefined, commit: undefined });
    h.write(...Array.from({ length: 10 }, (_, i) => row(i, 'd', 'h')));
    // Two checkpoints: the part is far from 1 MiB and 10 minutes, so it stays open and hidden.
    expect(h.checkpoint()).toEqual([]);
    expect(h.checkpoint()).toEqual([]);
    expect(committedParts(h.dir)).toEqual([]);
    h.endOfInput();
    expect(committedParts(h.dir)).toHaveLength(1);
  });

  test("'file-size' rolls a part at the row that finds it full, and at a checkpoint", () => {
    const h = new Harness(tempDir(), {
      partitionOf: undefined,
      commit: undefined,
      rolling: {
        fileSize: 20,
        rolloverIntervalMs: 10 * MINUTE,
        inactivityIntervalMs: 10 * MINUTE,
        checkIntervalMs: MINUTE,
      },
    });
    // Rows of "1000\n", 5 bytes: a part takes 4 rows (20 bytes), the 5th row starts the next.
    h.write(...Array.from({ length: 18 }, (_, i) => row(1000 + i, 'd', 'h')));
    h.checkpoint();
    // 4 full parts rolled at rows; the 5th holds 2 rows (10 bytes) and stays open.
    expect(committedParts(h.dir)).toHaveLength(4);
    h.write(row(2000, 'd', 'h'), row(2001, 'd', 'h'));
    // Now 20 bytes: full, so the checkpoint rolls it.
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(5);
    h.endOfInput();
    const text = committedParts(h.dir).map((p) => readFileSync(join(h.dir, p), 'utf8'));
    expect(
      text
        .join('')
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(20);
    expect(text.every((t) => t.length === 20)).toBe(true);
  });

  test("'rollover-interval' rolls at the first 'check-interval' tick after a part is due", () => {
    const h = new Harness(tempDir(), {
      partitionOf: undefined,
      commit: undefined,
      rolling: {
        fileSize: 1 << 20,
        rolloverIntervalMs: 90_000,
        inactivityIntervalMs: 100 * MINUTE,
        checkIntervalMs: MINUTE,
      },
    });
    h.now = 10_000;
    h.write(row(1, 'd', 'h'));
    // Due at 100 s; the tick that rolls it is 120 s.
    h.now = 100_000;
    h.write(row(2, 'd', 'h'));
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(0);
    h.now = 119_999;
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(0);
    h.now = 120_000;
    h.write(row(3, 'd', 'h')); // rolls the first part, then starts a second with this row
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(1);
    // The second part (created at 120 s) is due at 210 s and rolls at the 240 s tick, here at a checkpoint.
    h.now = 239_000;
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(1);
    h.now = 240_000;
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(2);
    const texts = committedParts(h.dir).map((p) => readFileSync(join(h.dir, p), 'utf8'));
    expect(texts.sort()).toEqual(['1\n2\n', '3\n']);
  });

  test("'inactivity-interval' rolls a part that got no row for that long", () => {
    const h = new Harness(tempDir(), {
      partitionOf: undefined,
      commit: undefined,
      rolling: {
        fileSize: 1 << 20,
        rolloverIntervalMs: 100 * MINUTE,
        inactivityIntervalMs: 30_000,
        checkIntervalMs: 10_000,
      },
    });
    h.write(row(1, 'd', 'h'));
    h.now = 25_000;
    h.write(row(2, 'd', 'h'));
    h.now = 50_000;
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(0);
    h.now = 60_000;
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(1);
  });
});

describe('partition commit', () => {
  test('partition-time: a success file only once the watermark passes partition time + delay, after the files', () => {
    const h = new Harness(tempDir());
    // Out of order: 10:02, 10:00, 10:01, 10:00 again.
    h.write(row(1, '2024-01-02', '10:02'), row(2, '2024-01-02', '10:00'), row(3, '2024-01-02', '10:01'));
    h.write(row(4, '2024-01-02', '10:00'));
    h.advanceWatermark(at('2024-01-02', '10:01'));
    h.checkpoint();
    expect(success(h.dir, '2024-01-02', '10:00')).toBe(false);
    // Partition 10:00 is due when the watermark is past 10:00 + 1 min: 10:01 is not past it.
    h.advanceWatermark(at('2024-01-02', '10:01') + 1);
    const committables = h.checkpoint();
    expect(committables.filter((c) => (c as { kind?: string }).kind === 'partition')).toHaveLength(1);
    expect(success(h.dir, '2024-01-02', '10:00')).toBe(true);
    expect(success(h.dir, '2024-01-02', '10:01')).toBe(false);
    expect(success(h.dir, '2024-01-02', '10:02')).toBe(false);
    // The partition's open part rolled with its commit: its rows are visible beside the success file.
    const dir1000 = join(h.dir, 'dt=2024-01-02', `hm=${escapePartitionValue('10:00')}`);
    const visible = readdirSync(dir1000).filter((n) => n.startsWith('part-'));
    expect(visible.map((n) => readFileSync(join(dir1000, n), 'utf8')).join('')).toBe('2\n4\n');
    expect(readdirSync(dir1000).filter((n) => n.startsWith('.'))).toEqual([]);
    // 10:01's rows stay in an open part until the watermark commits it.
    expect(committedParts(h.dir).some((p) => p.includes('10%3A01'))).toBe(false);
    h.advanceWatermark(at('2024-01-02', '10:03') + 1);
    h.checkpoint();
    expect(success(h.dir, '2024-01-02', '10:01')).toBe(true);
    expect(success(h.dir, '2024-01-02', '10:02')).toBe(true);
    expect(committedParts(h.dir)).toHaveLength(3);
  });

  test('late rows of a committed partition are committed again; the success file is written once', () => {
    const h = new Harness(tempDir());
    h.write(row(1, '2024-01-02', '10:00'));
    h.advanceWatermark(at('2024-01-02', '10:05'));
    h.checkpoint();
    const file = join(h.dir, 'dt=2024-01-02', `hm=${escapePartitionValue('10:00')}`, '_SUCCESS');
    expect(existsSync(file)).toBe(true);
    const entries = readdirSync(join(file, '..')).length;
    h.write(row(2, '2024-01-02', '10:00'));
    h.checkpoint();
    expect(committedParts(h.dir)).toHaveLength(2);
    expect(readdirSync(join(file, '..')).length).toBe(entries + 1);
  });

  test('process-time: due once the clock passes the partition creation + delay', () => {
    const h = new Harness(tempDir(), {
      commit: {
        trigger: 'process-time',
        delayMs: 30_000,
        successFileName: '_DONE',
        partitionTime: () => {
          throw new Error('not used by process-time');
        },
      },
    });
    h.now = 1000;
    h.write(row(1, '2024-01-02', '10:00'));
    h.now = 20_000;
    h.write(row(2, '2024-01-02', '11:00'));
    h.now = 31_000;
    h.checkpoint();
    expect(existsSync(join(h.dir, 'dt=2024-01-02', 'hm=10%3A00', '_DONE'))).toBe(false);
    h.now = 31_001;
    h.checkpoint();
    expect(existsSync(join(h.dir, 'dt=2024-01-02', 'hm=10%3A00', '_DONE'))).toBe(true);
    expect(existsSync(join(h.dir, 'dt=2024-01-02', 'hm=11%3A00', '_DONE'))).toBe(false);
    h.endOfInput();
    expect(existsSync(join(h.dir, 'dt=2024-01-02', 'hm=11%3A00', '_DONE'))).toBe(true);
  });

  test('end of input commits every partition, whatever the watermark', () => {
    const h = new Harness(tempDir());
    h.write(row(1, '2024-01-02', '10:00'), row(2, '2024-01-03', '23:59'));
    h.endOfInput();
    expect(success(h.dir, '2024-01-02', '10:00')).toBe(true);
    expect(success(h.dir, '2024-01-03', '23:59')).toBe(true);
  });

  test('partitions not yet committed, and open parts, survive a restore from a checkpoint', () => {
    const dir = tempDir();
    const first = new Harness(dir);
    first.write(row(1, '2024-01-02', '10:00'), row(2, '2024-01-02', '10:30'));
    first.advanceWatermark(at('2024-01-02', '10:01') + 1);
    // Checkpoint 1 completes: 10:00 is committed.
    first.checkpoint();
    expect(success(dir, '2024-01-02', '10:00')).toBe(true);
    first.write(row(3, '2024-01-02', '10:30'));
    first.advanceWatermark(at('2024-01-02', '10:40'));
    // Checkpoint 2 is taken (10:30 due) but the job dies before it completes and commits.
    const taken = first.takeCheckpoint();
    expect(success(dir, '2024-01-02', '10:30')).toBe(false);
    // Rows after the checkpoint, lost with the crash: the source replays them.
    first.write(row(99, '2024-01-02', '10:30'));
    first.writer.close();

    const second = new Harness(dir, {}, taken);
    // The restore commits checkpoint 2's committables: 10:30's files, then its success file.
    expect(success(dir, '2024-01-02', '10:30')).toBe(true);
    const rows30 = committedParts(dir)
      .filter((p) => p.includes('10%3A30'))
      .map((p) => readFileSync(join(dir, p), 'utf8'))
      .join('');
    expect(
      rows30
        .split('\n')
        .filter((l) => l !== '')
        .sort(),
    ).toEqual(['2', '3']);
    second.endOfInput();
    expect(readdirSync(join(dir, 'dt=2024-01-02', 'hm=10%3A30')).filter((n) => n.startsWith('.'))).toEqual(
      [],
    );
  });

  test('a remembered partition in writer state is committed by the restored writer when the watermark passes', () => {
    const dir = tempDir();
    const first = new Harness(dir);
    first.write(row(1, '2024-01-02', '12:00'));
    first.advanceWatermark(at('2024-01-02', '11:00'));
    const taken = first.takeCheckpoint();
    expect(taken.committables).toEqual([]);
    first.writer.close();
    const second = new Harness(dir, {}, taken);
    second.checkpoint();
    expect(success(dir, '2024-01-02', '12:00')).toBe(false);
    // No new row for the partition: only the restored state knows it.
    second.advanceWatermark(at('2024-01-02', '12:01') + 1);
    second.checkpoint();
    expect(success(dir, '2024-01-02', '12:00')).toBe(true);
    expect(committedParts(dir).map((p) => readFileSync(join(dir, p), 'utf8'))).toEqual(['1\n']);
  });
});

describe('partition time', () => {
  test('the pattern fills in partition values; the default formatter also takes a bare date', () => {
    expect(partitionTimeExtractor(['dt', 'hm'], '$dt $hm:00', undefined)('dt=2024-01-02/hm=10%3A15')).toBe(
      Date.UTC(2024, 0, 2, 10, 15),
    );
    expect(partitionTimeExtractor(['dt'], undefined, undefined)('dt=2024-01-02')).toBe(Date.UTC(2024, 0, 2));
    expect(partitionTimeExtractor(['day', 'hour'], '$day $hour', 'yyyyMMdd HH')('day=20240102/hour=07')).toBe(
      Date.UTC(2024, 0, 2, 7),
    );
    expect(() => partitionTimeExtractor(['dt'], undefined, undefined)('dt=__DEFAULT_PARTITION__')).toThrow(
      "the time of partition 'dt=__DEFAULT_PARTITION__' is '__DEFAULT_PARTITION__', which does not match",
    );
  });

  test('formatters parse what they format, and refuse impossible dates', () => {
    const parse = compileTimestampFormatter("yyyy-MM-dd'T'HH:mm:ss.SSS") as (t: string) => number | undefined;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        expect(parse(new Date(ms).toISOString().slice(0, 23))).toBe(ms);
      }),
    );
    expect(parse('2023-02-29T00:00:00.000')).toBeUndefined();
    expect(parse('2024-02-29T00:00:00.000')).toBe(Date.UTC(2024, 1, 29));
  });
});

describe('SQL', () => {
  test('a bounded INSERT writes every partition with its success file, rows in place', async () => {
    const dir = tempDir();
    const env = StreamExecutionEnvironment.createLocalEnvironment(2);
    const tEnv = TableEnvironment.create(env);
    tEnv.executeSql(
      `CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '299')`,
    );
    tEnv.executeSql(
      `CREATE TABLE out (id BIGINT, dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'sink.partition-commit.trigger' = 'partition-time', 'sink.partition-commit.delay' = '1 min', 'sink.partition-commit.policy.kind' = 'success-file', 'partition.time-extractor.timestamp-pattern' = '$dt $hm:00', 'sink.rolling-policy.rollover-interval' = '1min', 'sink.rolling-policy.check-interval' = '1min')`,
    );
    await tEnv
      .executeSql(
        `INSERT INTO out SELECT id, '2024-01-0' || CAST(MOD(id, 3) + 1 AS STRING), '10:0' || CAST(MOD(id, 5) AS STRING) FROM gen`,
      )
      .await();
    const partitions = (readdirSync(dir, { recursive: true }) as string[]).filter((p) =>
      /^dt=[^/]+\/hm=[^/]+$/.test(p),
    );
    expect(partitions).toHaveLength(15);
    let total = 0;
    for (const p of partitions) {
      const names = readdirSync(join(dir, p));
      expect(names).toContain('_SUCCESS');
      expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
      const ids = names
        .filter((n) => n.startsWith('part-'))
        .flatMap((n) =>
          readFileSync(join(dir, p, n), 'utf8')
            .split('\n')
            .filter((l) => l !== ''),
        )
        .map(Number);
      const [, day, minute] = /^dt=2024-01-0(\d)\/hm=10%3A0(\d)$/.exec(p)!.map(Number);
      for (const id of ids) {
        expect(id % 3).toBe(day! - 1);
        expect(id % 5).toBe(minute);
      }
      total += ids.length;
    }
    expect(total).toBe(300);
  });
});
