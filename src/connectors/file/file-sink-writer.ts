/**
 * The FileSink writer: one in-progress part file per bucket, rolled by the rolling policy.
 *
 * On a checkpoint barrier the runtime calls `flush`, then `prepareCommit`, which closes the
 * parts that roll at this checkpoint (all of them at the end of input) and returns them as
 * committables, then `snapshotState`, which lists the parts still open with their durable
 * (fsynced) length. A part is fsynced before it becomes a committable, and the directory
 * entries of the hidden files a checkpoint references are fsynced before it is taken.
 *
 * A restored writer cuts the in-progress parts of its state back to their checkpointed length
 * and commits them with its first checkpoint (see part-recovery.ts); it never appends to them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { ErrorCodes, userError, WeirError } from '../../types/errors.js';
import type { CommittingSinkWriter, SinkInitContext, SinkWriterContext } from '../../types/sink.js';
import { syncDirectory } from './durable-fs.js';
import type { FileSinkCommittable } from './file-committable.js';
import { type OutputFileConfig, partPaths } from './output-file-config.js';
import { PartFile } from './part-file.js';
import { recoverInProgressPart } from './part-recovery.js';
import type { RollingPolicy } from './rolling-policy.js';

/** Picks a record's bucket: a sub-directory of the sink's directory, '' for the directory itself. */
export type BucketAssigner<T> = (value: T, context: SinkWriterContext) => string;

/**
 * One entry of a FileSink writer's checkpointed state (a tagged union, so it can grow). Entries
 * are independent of each other and of the subtask that wrote them, so after a rescale any new
 * subtask can restore any of them.
 */
export type FileSinkWriterState =
  /** The writer's next part counter; a restored writer continues after the largest it gets. */
  | { readonly kind: 'counter'; readonly subtask: number; readonly nextCounter: number }
  /** A part still open at the checkpoint. */
  | {
      readonly kind: 'in-progress';
      readonly bucketId: string;
      readonly inProgressPath: string;
      readonly finalPath: string;
      /** Durable length at the snapshot. */
      readonly size: number;
    }
  /** A closed part not yet handed out by `prepareCommit` (only if the snapshot came first). */
  | { readonly kind: 'pending'; readonly committable: FileSinkCommittable };

/** Everything a writer is configured with, from the FileSink builder. */
export interface FileSinkWriterOptions<T> {
  readonly dir: string;
  readonly encode: (value: T) => string;
  readonly bucketAssigner: BucketAssigner<T> | undefined;
  readonly rollingPolicy: RollingPolicy;
  readonly outputFileConfig: Required<OutputFileConfig>;
}

/** Writes records to part files; see the module comment. Called from the task loop only. */
export class FileSinkWriter<T> implements CommittingSinkWriter<T, FileSinkCommittable> {
  private readonly parts = new Map<string, PartFile>();
  private readonly bucketDirs = new Map<string, string>();
  /** Directories whose new entries are not yet known to be durable. */
  private readonly unsyncedDirs = new Set<string>();
  private pending: FileSinkCommittable[] = [];
  private counter = 0;
  private endOfInput = false;
  private readonly attemptId: string;

  constructor(
    private readonly options: FileSinkWriterOptions<T>,
    private readonly context: SinkInitContext,
    restoredState: readonly unknown[] = [],
  ) {
    // A runtime that gives no attempt id still gets names unique to this writer.
    this.attemptId =
      typeof context.attemptId === 'string' && context.attemptId.length > 0
        ? context.attemptId
        : randomUUID();
    for (const entry of restoredState as FileSinkWriterState[]) this.restore(entry);
  }

  write(value: T, context: SinkWriterContext): void {
    const bucketId =
      this.options.bucketAssigner === undefined ? '' : this.options.bucketAssigner(value, context);
    const now = this.context.currentProcessingTime();
    const policy = this.options.rollingPolicy;
    let part = this.parts.get(bucketId);
    if (
      part !== undefined &&
      (policy.shouldRollOnEvent(part) || policy.shouldRollOnProcessingTime(part, now))
    ) {
      this.roll(part);
      part = undefined;
    }
    part ??= this.openPart(bucketId, now);
    let text = this.options.encode(value);
    if (typeof text !== 'string') {
      throw userError(
        ErrorCodes.USER_FUNCTION,
        `FileSink encoder returned ${typeof text} instead of a string; return the row text, e.g. (v) => JSON.stringify(v)`,
      );
    }
    if (text.charCodeAt(text.length - 1) !== 10) text += '\n';
    part.write(text, now);
  }

  flush(endOfInput: boolean): void {
    if (endOfInput) this.endOfInput = true;
    for (const part of this.parts.values()) part.flush();
  }

  /**
   * Closes the parts that roll now and returns every part closed since the last call. Their
   * data and names are durable when this returns, so a checkpoint may reference them.
   */
  prepareCommit(): FileSinkCommittable[] {
    const now = this.context.currentProcessingTime();
    const policy = this.options.rollingPolicy;
    for (const part of [...this.parts.values()]) {
      if (
        this.endOfInput ||
        policy.shouldRollOnCheckpoint(part) ||
        policy.shouldRollOnProcessingTime(part, now)
      ) {
        this.roll(part);
      }
    }
    this.syncDirectories();
    const committables = this.pending;
    this.pending = [];
    return committables;
  }

  /**
   * The parts still open, fsynced now so that their recorded length is durable, and the counter.
   * Call it after `prepareCommit` for the same checkpoint, with no write in between: a part
   * that `prepareCommit` closed must be in the checkpoint's committables, not in this state.
   */
  snapshotState(_checkpointId: number): FileSinkWriterState[] {
    const state: FileSinkWriterState[] = [
      { kind: 'counter', subtask: this.context.subtaskIndex, nextCounter: this.counter },
    ];
    for (const part of this.parts.values()) {
      part.sync();
      state.push({ kind: 'in-progress', bucketId: part.bucketId, ...part.paths, size: part.size });
    }
    for (const committable of this.pending) state.push({ kind: 'pending', committable });
    this.syncDirectories();
    return state;
  }

  /** Closes open parts without committing them; their hidden files stay for recovery or clean-up. */
  close(): void {
    for (const part of this.parts.values()) part.close();
    this.parts.clear();
  }

  private restore(entry: FileSinkWriterState): void {
    switch (entry?.kind) {
      case 'counter':
        this.counter = Math.max(this.counter, entry.nextCounter);
        return;
      case 'in-progress': {
        const committable = recoverInProgressPart(entry);
        if (committable !== undefined) this.pending.push(committable);
        return;
      }
      case 'pending':
        // The committer tells a part committed already from one that is lost.
        this.pending.push(entry.committable);
        return;
      default:
        throw new WeirError(
          ErrorCodes.INTERNAL,
          `FileSink cannot restore writer state ${JSON.stringify(entry)}; restore with the Weir version that took the checkpoint`,
          { domain: 'internal' },
        );
    }
  }

  private roll(part: PartFile): void {
    this.parts.delete(part.bucketId);
    this.pending.push(part.closeForCommit());
  }

  private openPart(bucketId: string, now: number): PartFile {
    const dir = this.bucketDir(bucketId);
    const { jobId, subtaskIndex } = this.context;
    // Names are unique per attempt; skipping taken ones only guards against a reused attempt id,
    // so that a committed file is never touched.
    for (;;) {
      const paths = partPaths(
        dir,
        this.options.outputFileConfig,
        jobId,
        this.attemptId,
        subtaskIndex,
        this.counter++,
      );
      if (existsSync(paths.finalPath) || existsSync(paths.inProgressPath)) continue;
      const part = new PartFile(bucketId, paths, now);
      this.parts.set(bucketId, part);
      this.unsyncedDirs.add(dir);
      return part;
    }
  }

  private bucketDir(bucketId: string): string {
    let dir = this.bucketDirs.get(bucketId);
    if (dir !== undefined) return dir;
    const relative = typeof bucketId === 'string' ? normalize(bucketId) : '';
    if (
      typeof bucketId !== 'string' ||
      isAbsolute(bucketId) ||
      relative === '..' ||
      relative.startsWith(`..${sep}`)
    ) {
      throw userError(
        ErrorCodes.USER_FUNCTION,
        `FileSink bucket assigner returned ${JSON.stringify(bucketId)}; return a relative sub-directory such as 'date=2024-01-01'`,
      );
    }
    dir = join(this.options.dir, bucketId);
    const created = mkdirSync(dir, { recursive: true });
    if (created !== undefined) {
      // Every directory created needs its entry in its parent made durable too.
      const top = dirname(created);
      for (let d = dir; d !== top && d !== dirname(d); d = dirname(d)) this.unsyncedDirs.add(dirname(d));
    }
    this.bucketDirs.set(bucketId, dir);
    return dir;
  }

  private syncDirectories(): void {
    for (const dir of this.unsyncedDirs) syncDirectory(dir);
    this.unsyncedDirs.clear();
  }
}
