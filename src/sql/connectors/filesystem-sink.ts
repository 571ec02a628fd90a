/**
 * The `filesystem` table sink: the exactly-once FileSink writer (rows go to hidden part files
 * that become visible when the checkpoint covering them completes), with Flink's rolling policy
 * for row formats and its partition commit.
 *
 * Rolling: a part is not finished at every checkpoint. This file system can keep a part open
 * across checkpoints and stay exactly-once, because each checkpoint records the part's fsynced
 * length and a restore cuts the part back to it (connectors/file/part-recovery.ts). So, as in
 * Flink's row formats, a part rolls when it reaches `sink.rolling-policy.file-size` (checked at
 * each row and each checkpoint), and when it is older than `sink.rolling-policy.rollover-interval`
 * or idle for `sink.rolling-policy.inactivity-interval`, which are checked every
 * `sink.rolling-policy.check-interval` of processing time. There is no timer: the check due at
 * each multiple of the check interval is made at the next row or checkpoint, which changes
 * nothing visible, because only a checkpoint (or the end of input) commits. A rolled part is
 * committed with the next completed checkpoint; a part still open stays hidden.
 *
 * Partition commit (with `sink.partition-commit.policy.kind` = 'success-file' on a partitioned
 * table): the writer remembers each partition it writes, with its creation (processing) time and
 * its time from the partition time extractor. At a checkpoint barrier, a partition is due when
 * the trigger says so: `partition-time`, the watermark has passed its time + delay;
 * `process-time`, the clock has passed its creation + delay; at the end of input, every
 * partition. A due partition's open part rolls at that checkpoint and the partition becomes a
 * committable after its files, so the committer renames the files first and then writes the
 * success file (if it is not there yet: it is written once). Remembered partitions are writer
 * state and due ones committables, so both survive a restore. A partition written again after
 * its commit (late rows) is remembered again, and its files committed at its next commit.
 *
 * Every row of a partition must go to one writer, whose watermark covers all input, or one
 * writer could write a partition's success file while another still holds rows of it: the
 * table sink shuffles by partition when it commits partitions with more than one writer.
 */
import { closeSync, existsSync, fsyncSync, openSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type BucketAssigner,
  FileCommitter,
  FileSink,
  type FileSinkCommittable,
  FileSinkWriter,
  type FileSinkWriterState,
  type PartFileInfo,
  type RollingPolicy,
} from '../../connectors/file/index.js';
import type {
  Committer,
  CommittingSinkWriter,
  SinkInitContext,
  SinkWriterContext,
  TwoPhaseCommittingSink,
} from '../../types/sink.js';

/** The rolling options of a filesystem table, in bytes and milliseconds. */
export interface FilesystemRolling {
  readonly fileSize: number;
  readonly rolloverIntervalMs: number;
  readonly inactivityIntervalMs: number;
  readonly checkIntervalMs: number;
}

/** The partition commit options of a filesystem table; see the module comment. */
export interface PartitionCommit {
  readonly trigger: 'process-time' | 'partition-time';
  readonly delayMs: number;
  readonly successFileName: string;
  /** The time of a partition (bucket id `k1=v1/k2=v2`) in epoch ms, for `partition-time`. */
  readonly partitionTime: (partition: string) => number;
}

/**
 * Flink's rolling policy of the filesystem table sink for row formats, one per writer: rolls
 * by size at rows and checkpoints, by age and inactivity at check-interval ticks, and at a
 * checkpoint also the parts of partitions that the writer commits then.
 */
export class FilesystemRollingPolicy implements RollingPolicy {
  /** Buckets whose open part must roll at this checkpoint, set by the writer around prepareCommit. */
  readonly rollNow = new Set<string>();

  constructor(private readonly options: FilesystemRolling) {}

  shouldRollOnCheckpoint(part: PartFileInfo): boolean {
    return part.size >= this.options.fileSize || this.rollNow.has(part.bucketId);
  }

  shouldRollOnEvent(part: PartFileInfo): boolean {
    return part.size >= this.options.fileSize;
  }

  shouldRollOnProcessingTime(part: PartFileInfo, now: number): boolean {
    const { rolloverIntervalMs, inactivityIntervalMs, checkIntervalMs } = this.options;
    const due = Math.min(part.creationTime + rolloverIntervalMs, part.lastUpdateTime + inactivityIntervalMs);
    // The first check-interval tick at or after the part became due is when Flink's timer rolls it.
    return now >= Math.ceil(due / checkIntervalMs) * checkIntervalMs;
  }
}

/** A partition to commit: write its success file once its files are committed. */
export interface PartitionCommittable {
  readonly kind: 'partition';
  readonly partition: string;
  readonly successFile: string;
}

/** What the table sink's committer commits: part files, then partitions. */
export type FilesystemCommittable = FileSinkCommittable | PartitionCommittable;

/** A partition the writer wrote and has not committed; writer state. */
interface PartitionState {
  readonly kind: 'partition';
  readonly partition: string;
  /** Processing time of its first row at this writer (the process-time trigger's start). */
  readonly creationTime: number;
}

/** Everything a table sink writer is configured with. */
export interface FilesystemSinkOptions {
  readonly dir: string;
  readonly encode: (row: Record<string, unknown>) => string;
  /** The partition directory of a row; undefined for an unpartitioned table. */
  readonly partitionOf: ((row: Record<string, unknown>) => string) | undefined;
  readonly rolling: FilesystemRolling;
  /** Undefined when partitions are not committed (no policy, or no partitions). */
  readonly commit: PartitionCommit | undefined;
}

type TableRow = Record<string, unknown>;

/** Writes rows with the FileSink writer and tracks partitions to commit; see the module comment. */
export class FilesystemSinkWriter implements CommittingSinkWriter<TableRow, FilesystemCommittable> {
  private readonly files: FileSinkWriter<TableRow>;
  private readonly policy: FilesystemRollingPolicy;
  private readonly partitions = new Map<string, { creationTime: number; time: number }>();
  private lastBucket = '';
  /** The last bucket known to be in `partitions` (or not committed at all); undefined after a commit. */
  private lastRemembered: string | undefined;
  private watermark = Number.NEGATIVE_INFINITY;
  private endOfInput = false;

  constructor(
    private readonly options: FilesystemSinkOptions,
    private readonly context: SinkInitContext,
    restoredState: readonly unknown[] = [],
  ) {
    this.policy = new FilesystemRollingPolicy(options.rolling);
    const partitionOf = options.partitionOf;
    const bucketAssigner: BucketAssigner<TableRow> | undefined =
      partitionOf === undefined
        ? undefined
        : (row) => {
            this.lastBucket = partitionOf(row);
            return this.lastBucket;
          };
    const fileState: unknown[] = [];
    for (const entry of restoredState as (FileSinkWriterState | PartitionState)[]) {
      if (entry?.kind === 'partition') this.remember(entry.partition, entry.creationTime);
      else fileState.push(entry);
    }
    this.files = new FileSinkWriter(
      {
        dir: options.dir,
        encode: options.encode,
        bucketAssigner,
        rollingPolicy: this.policy,
        outputFileConfig: { partPrefix: 'part', partSuffix: '' },
      },
      context,
      fileState,
    );
  }

  write(row: TableRow, context: SinkWriterContext): void {
    this.files.write(row, context);
    // The path is the same string while rows stay in one partition: one comparison per row.
    if (this.lastBucket === this.lastRemembered) return;
    if (this.options.commit !== undefined && !this.partitions.has(this.lastBucket))
      this.remember(this.lastBucket, this.context.currentProcessingTime());
    this.lastRemembered = this.lastBucket;
  }

  writeWatermark(watermark: number): void {
    this.watermark = watermark;
  }

  flush(endOfInput: boolean): void {
    if (endOfInput) this.endOfInput = true;
    this.files.flush(endOfInput);
  }

  prepareCommit(): FilesystemCommittable[] {
    const due = this.duePartitions();
    for (const partition of due) this.policy.rollNow.add(partition);
    let files: FileSinkCommittable[];
    try {
      files = this.files.prepareCommit();
    } finally {
      this.policy.rollNow.clear();
    }
    const commit = this.options.commit;
    if (commit === undefined) return files;
    for (const partition of due) this.partitions.delete(partition);
    // A row of a partition just committed must remember it again.
    this.lastRemembered = undefined;
    return [
      ...files,
      ...due.map(
        (partition): PartitionCommittable => ({
          kind: 'partition',
          partition,
          successFile: join(this.options.dir, partition, commit.successFileName),
        }),
      ),
    ];
  }

  snapshotState(checkpointId: number): unknown[] {
    const state: unknown[] = this.files.snapshotState(checkpointId);
    for (const [partition, { creationTime }] of this.partitions)
      state.push({ kind: 'partition', partition, creationTime } satisfies PartitionState);
    return state;
  }

  close(): void {
    this.files.close();
  }

  private remember(partition: string, creationTime: number): void {
    const commit = this.options.commit;
    if (commit === undefined) return;
    // Extracted once per partition; a bad partition time fails at its first row, as in Flink.
    const time = commit.trigger === 'partition-time' ? commit.partitionTime(partition) : 0;
    this.partitions.set(partition, { creationTime, time });
  }

  private duePartitions(): string[] {
    const commit = this.options.commit;
    if (commit === undefined) return [];
    const now = this.context.currentProcessingTime();
    const due: string[] = [];
    for (const [partition, { creationTime, time }] of this.partitions) {
      const ready =
        this.endOfInput ||
        (commit.trigger === 'partition-time'
          ? this.watermark > time + commit.delayMs
          : now > creationTime + commit.delayMs);
      if (ready) due.push(partition);
    }
    return due;
  }
}

/** Commits part files by renaming them, then partitions by writing their success files. */
export class FilesystemCommitter implements Committer<FilesystemCommittable> {
  private readonly files = new FileCommitter();

  commit(committables: FilesystemCommittable[]): void {
    const files: FileSinkCommittable[] = [];
    const partitions: PartitionCommittable[] = [];
    for (const c of committables) {
      if ((c as PartitionCommittable).kind === 'partition') partitions.push(c as PartitionCommittable);
      else files.push(c as FileSinkCommittable);
    }
    this.files.commit(files);
    for (const p of partitions) writeSuccessFile(p.successFile);
  }

  close(): void {
    this.files.close();
  }
}

/** Creates an empty success file unless it exists, durably (a restore may commit it again). */
function writeSuccessFile(path: string): void {
  if (existsSync(path)) return;
  try {
    writeFileSync(path, '', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const dir = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** The filesystem table sink: {@link FilesystemSinkWriter}s and a {@link FilesystemCommitter}. */
export class FilesystemTableSink implements TwoPhaseCommittingSink<TableRow, FilesystemCommittable> {
  /** Only for its clean-up after a restore, which is the FileSink's. */
  private readonly fileSink: FileSink<TableRow>;

  private readonly options: FilesystemSinkOptions;

  constructor(options: FilesystemSinkOptions) {
    this.options = { ...options, dir: resolve(options.dir) };
    this.fileSink = FileSink.forRowFormat<TableRow>(this.options.dir, options.encode).build();
  }

  createWriter(context: SinkInitContext, restoredState?: unknown[]): FilesystemSinkWriter {
    return new FilesystemSinkWriter(this.options, context, restoredState);
  }

  createCommitter(): FilesystemCommitter {
    return new FilesystemCommitter();
  }

  cleanupAfterRestore(
    writerState: readonly unknown[],
    committables: readonly FilesystemCommittable[],
    currentAttemptId: string,
  ): void {
    this.fileSink.cleanupAfterRestore(
      writerState.filter((s) => (s as { kind?: string })?.kind !== 'partition'),
      committables.filter((c) => (c as PartitionCommittable).kind !== 'partition') as FileSinkCommittable[],
      currentAttemptId,
    );
  }
}
