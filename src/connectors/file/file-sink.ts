/**
 * A sink writing rows to part files in a directory, with exactly-once commits: records go to
 * hidden in-progress files, which become pending when they roll and visible (renamed) when
 * the checkpoint that covers them completes, or at the end of input. After a crash, the job
 * restores the last completed checkpoint: its pending parts are committed (again), its
 * in-progress parts are cut back to their checkpointed length, and every other hidden part is
 * deleted, because it holds only records that the source replays.
 */
import { resolve } from 'node:path';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { SinkInitContext, TwoPhaseCommittingSink } from '../../types/sink.js';
import type { FileSinkCommittable } from './file-committable.js';
import { FileCommitter } from './file-committer.js';
import { type BucketAssigner, FileSinkWriter, type FileSinkWriterState } from './file-sink-writer.js';
import { type OutputFileConfig, validateOutputFileConfig } from './output-file-config.js';
import { deleteUnreferencedParts } from './part-recovery.js';
import { OnCheckpointRollingPolicy, type RollingPolicy } from './rolling-policy.js';

/** Turns a record into its row text (a newline is added unless it ends with one). */
export type RowEncoder<T> = ((value: T) => string) | { encode(value: T): string };

const invalid = (message: string) => userError(ErrorCodes.INVALID_ARGUMENT, `FileSink: ${message}`);

function jsonLine(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw userError(
      ErrorCodes.USER_FUNCTION,
      `FileSink's default JSON encoder cannot encode ${typeof value}; map it to a JSON value or pass an encoder`,
    );
  }
  return text + '\n';
}

/**
 * Writes one row per record into part files under `dir`.
 *
 * @example
 * stream.sinkTo(FileSink.forRowFormat('/out/bids').build());                  // NDJSON
 * stream.sinkTo(
 *   FileSink.forRowFormat<Bid>('/out/bids', (b) => `${b.auction},${b.price}`)
 *     .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1 << 20).build())
 *     .withOutputFileConfig({ partSuffix: '.csv' })
 *     .withBucketAssigner((b) => `auction=${b.auction % 10}`)
 *     .build(),
 * );
 *
 * Gotchas: files whose names start with '.' are in progress or pending; every other file is
 * committed and never changes. With checkpointing off, output becomes visible only at the
 * end of input. A restore deletes hidden part files (with this sink's prefix and suffix) that
 * the restored checkpoint does not reference, so give each job its own directory or prefix.
 * A part that was in progress when a checkpoint was taken is committed, cut back to that
 * checkpoint, at the first checkpoint after a restore, so restores add small parts.
 */
export class FileSink<T> implements TwoPhaseCommittingSink<T, FileSinkCommittable> {
  /** Use {@link FileSink.forRowFormat}. */
  constructor(
    private readonly dir: string,
    private readonly encode: (value: T) => string,
    private readonly rollingPolicy: RollingPolicy,
    private readonly outputFileConfig: Required<OutputFileConfig>,
    private readonly bucketAssigner: BucketAssigner<T> | undefined,
  ) {}

  /** Starts building a sink that writes rows to `dir`; the default encoder writes JSON lines. */
  static forRowFormat<T>(dir: string, encoder?: RowEncoder<T>): FileSinkBuilder<T> {
    if (typeof dir !== 'string' || dir.length === 0)
      throw invalid('give the output directory, e.g. forRowFormat("/out")');
    let encode: (value: T) => string;
    if (encoder === undefined) encode = jsonLine;
    else if (typeof encoder === 'function') encode = encoder;
    else if (encoder !== null && typeof encoder.encode === 'function') encode = (v) => encoder.encode(v);
    else throw invalid('the encoder must be a function (value) => string or an object with encode(value)');
    return new FileSinkBuilder(resolve(dir), encode);
  }

  createWriter(context: SinkInitContext, restoredState?: unknown[]): FileSinkWriter<T> {
    const options = {
      dir: this.dir,
      encode: this.encode,
      bucketAssigner: this.bucketAssigner,
      rollingPolicy: this.rollingPolicy,
      outputFileConfig: this.outputFileConfig,
    };
    return new FileSinkWriter(options, context, restoredState);
  }

  createCommitter(): FileCommitter {
    return new FileCommitter();
  }

  /**
   * Deletes the hidden part files under the sink directory that no restored writer state or
   * committable references and that the running attempt did not write: parts of crashed
   * attempts after the checkpoint, and parts of checkpoints that never completed.
   */
  cleanupAfterRestore(
    writerState: readonly unknown[],
    committables: readonly FileSinkCommittable[],
    currentAttemptId: string,
  ): void {
    const referenced = new Set<string>();
    for (const c of committables) referenced.add(resolve(c.pendingPath));
    for (const entry of writerState as FileSinkWriterState[]) {
      if (entry?.kind === 'in-progress') referenced.add(resolve(entry.inProgressPath));
      else if (entry?.kind === 'pending') referenced.add(resolve(entry.committable.pendingPath));
    }
    deleteUnreferencedParts(this.dir, this.outputFileConfig, referenced, currentAttemptId);
  }
}

/** Configures a {@link FileSink}; from {@link FileSink.forRowFormat}. */
export class FileSinkBuilder<T> {
  private rollingPolicy: RollingPolicy = new OnCheckpointRollingPolicy();
  private outputFileConfig = validateOutputFileConfig({});
  private bucketAssigner: BucketAssigner<T> | undefined;

  constructor(
    private readonly dir: string,
    private readonly encode: (value: T) => string,
  ) {}

  /** When to start a new part file; default {@link OnCheckpointRollingPolicy}. */
  withRollingPolicy(policy: RollingPolicy): this {
    if (policy === null || typeof policy !== 'object' || typeof policy.shouldRollOnEvent !== 'function') {
      throw invalid('withRollingPolicy needs a policy, e.g. DefaultRollingPolicy.builder().build()');
    }
    this.rollingPolicy = policy;
    return this;
  }

  /** Part file name prefix and suffix. */
  withOutputFileConfig(config: OutputFileConfig): this {
    this.outputFileConfig = validateOutputFileConfig(config ?? {});
    return this;
  }

  /** Writes each record under the sub-directory the assigner returns ('' for `dir` itself). */
  withBucketAssigner(assigner: BucketAssigner<T>): this {
    if (typeof assigner !== 'function')
      throw invalid('withBucketAssigner needs a function (value, context) => string');
    this.bucketAssigner = assigner;
    return this;
  }

  build(): FileSink<T> {
    return new FileSink(
      this.dir,
      this.encode,
      this.rollingPolicy,
      this.outputFileConfig,
      this.bucketAssigner,
    );
  }
}
