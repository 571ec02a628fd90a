/**
 * The FileSink writer: one in-progress part file per bucket, rolled by the rolling policy.
 * `prepareCommit` closes the parts that roll at this checkpoint (all of them at end of input)
 * and returns them as committables. `snapshotState` lists the parts still in progress with
 * their durable length, which is what recovery will need to truncate and resume them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { CommittingSinkWriter, SinkInitContext, SinkWriterContext } from '../../types/sink.js';
import type { FileSinkCommittable } from './file-committable.js';
import { type OutputFileConfig, partPaths } from './output-file-config.js';
import { PartFile } from './part-file.js';
import type { RollingPolicy } from './rolling-policy.js';

/** Picks a record's bucket: a sub-directory of the sink's directory, '' for the directory itself. */
export type BucketAssigner<T> = (value: T, context: SinkWriterContext) => string;

/** One entry of a FileSink writer's checkpointed state (a tagged union, so it can grow). */
export type FileSinkWriterState =
  | { readonly kind: 'counter'; readonly subtask: number; readonly nextCounter: number }
  | {
      readonly kind: 'in-progress';
      readonly bucketId: string;
      readonly inProgressPath: string;
      readonly finalPath: string;
      /** Durable length at the snapshot. */
      readonly size: number;
    };

/** Everything a writer is configured with, from the FileSink builder. */
export interface FileSinkWriterOptions<T> {
  readonly dir: string;
  readonly encode: (value: T) => string;
  readonly bucketAssigner: BucketAssigner<T> | undefined;
  readonly rollingPolicy: RollingPolicy;
  readonly outputFileConfig: Required<OutputFileConfig>;
}

/** Writes records to part files; see the module comment. */
export class FileSinkWriter<T> implements CommittingSinkWriter<T, FileSinkCommittable> {
  private readonly parts = new Map<string, PartFile>();
  private readonly bucketDirs = new Map<string, string>();
  private pending: FileSinkCommittable[] = [];
  private counter = 0;
  private endOfInput = false;

  constructor(
    private readonly options: FileSinkWriterOptions<T>,
    private readonly context: SinkInitContext,
    restoredState: readonly unknown[] = [],
  ) {
    for (const entry of restoredState as FileSinkWriterState[]) {
      if (entry?.kind === 'counter') this.counter = Math.max(this.counter, entry.nextCounter);
    }
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
    const committables = this.pending;
    this.pending = [];
    return committables;
  }

  snapshotState(_checkpointId: number): FileSinkWriterState[] {
    const state: FileSinkWriterState[] = [
      { kind: 'counter', subtask: this.context.subtaskIndex, nextCounter: this.counter },
    ];
    for (const part of this.parts.values()) {
      part.sync();
      state.push({ kind: 'in-progress', bucketId: part.bucketId, ...part.paths, size: part.size });
    }
    return state;
  }

  close(): void {
    for (const part of this.parts.values()) part.close();
    this.parts.clear();
  }

  private roll(part: PartFile): void {
    this.parts.delete(part.bucketId);
    this.pending.push(part.closeForCommit());
  }

  private openPart(bucketId: string, now: number): PartFile {
    const dir = this.bucketDir(bucketId);
    const { jobId, subtaskIndex } = this.context;
    // Skip names already taken (e.g. by an earlier attempt), so a committed file is never touched.
    for (;;) {
      const paths = partPaths(dir, this.options.outputFileConfig, jobId, subtaskIndex, this.counter++);
      if (existsSync(paths.finalPath) || existsSync(paths.inProgressPath)) continue;
      const part = new PartFile(bucketId, paths, now);
      this.parts.set(bucketId, part);
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
    mkdirSync(dir, { recursive: true });
    this.bucketDirs.set(bucketId, dir);
    return dir;
  }
}
