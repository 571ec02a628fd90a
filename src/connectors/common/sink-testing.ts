/**
 * Drives a two-phase-commit sink by hand the way the runtime does, for connector tests: one
 * writer and committer per subtask, checkpoints that flush, prepare the commit and snapshot the
 * writers, commits when a checkpoint completes, and crashes after which a new attempt restores
 * the last completed checkpoint and replays the input from its position. Not part of the public
 * API.
 *
 * A crash abandons the writers without closing them, as `kill -9` would: what they buffered is
 * lost, what they wrote to their files stays. Checkpoint data goes through the state codec, so
 * state that would not survive a real checkpoint fails here too.
 */
import { decode, encode } from '../../types/codec.js';
import type {
  Committer,
  CommittingSinkWriter,
  SinkInitContext,
  SinkWriterContext,
  TwoPhaseCommittingSink,
} from '../../types/sink.js';

/** One completed or pending checkpoint of a sink, as the runtime would store it. */
export interface SinkCheckpoint<C> {
  readonly id: number;
  /** How many input records came before the barrier: where the source resumes. */
  readonly position: number;
  /** Per subtask of the attempt that took it. */
  readonly writerState: readonly (readonly unknown[])[];
  readonly committables: readonly (readonly C[])[];
}

/** Settings of one attempt. */
export interface AttemptOptions {
  readonly parallelism: number;
  readonly attemptId: string;
  readonly jobId?: string;
}

interface Subtask<T, C> {
  readonly writer: CommittingSinkWriter<T, C>;
  readonly committer: Committer<C>;
}

const RECORD_CONTEXT: SinkWriterContext = { timestamp: () => undefined, currentWatermark: () => 0 };

/**
 * One attempt of a job that sends `input` to `sink`; record `i` goes to subtask
 * `i % parallelism`. Create it with {@link SinkAttempt.start} or {@link SinkAttempt.restore}.
 */
export class SinkAttempt<T, C> {
  /** Processing time that writers see; tests move it by hand. */
  now = 0;
  private readonly subtasks: Subtask<T, C>[] = [];
  private readonly taken: SinkCheckpoint<C>[] = [];
  /** Per subtask: committables by the checkpoint that prepared them, until committed. */
  private readonly uncommitted: { id: number; committables: C[] }[][] = [];
  private crashed = false;

  private constructor(
    private readonly sink: TwoPhaseCommittingSink<T, C>,
    private readonly input: readonly T[],
    readonly options: AttemptOptions,
    /** Index of the next input record to write. */
    public position: number,
    /** The latest checkpoint known to be complete, the restore point of the next attempt. */
    public lastCompleted: SinkCheckpoint<C> | undefined,
  ) {}

  /** A first attempt, from the start of the input. */
  static start<T, C>(
    sink: TwoPhaseCommittingSink<T, C>,
    input: readonly T[],
    options: AttemptOptions,
  ): SinkAttempt<T, C> {
    const attempt = new SinkAttempt(sink, input, options, 0, undefined);
    for (let i = 0; i < options.parallelism; i++) attempt.open(i, []);
    return attempt;
  }

  /**
   * A new attempt from `checkpoint` (or from nothing, after a crash before any checkpoint
   * completed), following the runtime's restore order: create the writers with their share of
   * the writer state, commit each subtask's share of the committables (twice, to prove it is
   * idempotent), and let subtask 0 clean up once. With the same parallelism each subtask gets
   * its own entries back; otherwise the entries are dealt out round robin.
   */
  static async restore<T, C>(
    sink: TwoPhaseCommittingSink<T, C>,
    input: readonly T[],
    checkpoint: SinkCheckpoint<C> | undefined,
    options: AttemptOptions,
    now = 0,
  ): Promise<SinkAttempt<T, C>> {
    const attempt = new SinkAttempt(sink, input, options, checkpoint?.position ?? 0, checkpoint);
    attempt.now = now;
    const p = options.parallelism;
    const states = deal(checkpoint?.writerState ?? [], p);
    const committables = deal(checkpoint?.committables ?? [], p);
    // A restore is a restart of the job, never its first attempt, as in the runtime.
    for (let i = 0; i < p; i++) attempt.open(i, states[i]!, checkpoint?.id, 1);
    for (let i = 0; i < p; i++) {
      await attempt.subtasks[i]!.committer.commit([...committables[i]!]);
      await attempt.subtasks[i]!.committer.commit([...committables[i]!]);
    }
    await sink.cleanupAfterRestore?.(
      (checkpoint?.writerState ?? []).flat(),
      (checkpoint?.committables ?? []).flat(),
      options.attemptId,
    );
    return attempt;
  }

  /** Whether all input has been written. */
  get done(): boolean {
    return this.position >= this.input.length;
  }

  /** Writes the next `count` input records (fewer at the end of the input). */
  write(count: number): void {
    this.check();
    const end = Math.min(this.input.length, this.position + count);
    const p = this.options.parallelism;
    for (; this.position < end; this.position++) {
      this.subtasks[this.position % p]!.writer.write(this.input[this.position]!, RECORD_CONTEXT);
    }
  }

  /**
   * Takes checkpoint `id` on every subtask: flush, prepareCommit, snapshotState. The checkpoint
   * holds, besides the new committables, every earlier one not yet committed: a checkpoint that
   * never completed is subsumed by the next one, whose completion must commit its parts too.
   */
  async checkpoint(id: number): Promise<SinkCheckpoint<C>> {
    this.check();
    const writerState: unknown[][] = [];
    const committables: C[][] = [];
    for (let i = 0; i < this.subtasks.length; i++) {
      const { writer } = this.subtasks[i]!;
      await writer.flush(false);
      this.uncommitted[i]!.push({ id, committables: await writer.prepareCommit() });
      writerState.push(writer.snapshotState?.(id) ?? []);
      committables.push(this.uncommitted[i]!.flatMap((u) => u.committables));
    }
    const checkpoint: SinkCheckpoint<C> = decode(
      encode({ id, position: this.position, writerState, committables }),
    );
    this.taken.push(checkpoint);
    return checkpoint;
  }

  /**
   * Marks checkpoint `id` complete and commits the committables of every checkpoint up to it.
   * With `limit`, only the first `limit` committables of all subtasks together are committed and
   * the attempt crashes right after, as a kill between two renames would leave it.
   */
  async complete(id: number, limit = Number.POSITIVE_INFINITY): Promise<void> {
    this.check();
    this.lastCompleted = this.taken.filter((c) => c.id <= id).pop() ?? this.lastCompleted;
    let budget = limit;
    for (let i = 0; i < this.subtasks.length; i++) {
      const all = this.uncommitted[i]!.filter((u) => u.id <= id).flatMap((u) => u.committables);
      const now = all.slice(0, budget);
      budget -= now.length;
      await this.subtasks[i]!.committer.commit(now);
    }
    if (limit !== Number.POSITIVE_INFINITY) {
      this.crash();
      return;
    }
    for (const list of this.uncommitted) {
      for (let k = list.length - 1; k >= 0; k--) if (list[k]!.id <= id) list.splice(k, 1);
    }
  }

  /**
   * The end of input: the last flush and prepareCommit, then the final checkpoint completes and
   * commits these committables along with every earlier one not yet committed.
   */
  async finish(): Promise<void> {
    this.check();
    for (let i = 0; i < this.subtasks.length; i++) {
      const { writer, committer } = this.subtasks[i]!;
      await writer.flush(true);
      const committables = await writer.prepareCommit();
      await committer.commit([...this.uncommitted[i]!.flatMap((u) => u.committables), ...committables]);
      await writer.close();
      await committer.close();
    }
    this.crashed = true;
  }

  /** Abandons the writers without a flush or close: the process is gone. */
  crash(): void {
    this.crashed = true;
  }

  /**
   * Releases what a crashed attempt still holds open (file descriptors, connections) once a test
   * is done with it, as the end of a killed process does; `close` of a writer or committer must
   * not write, or this would change what the crash left.
   */
  async release(): Promise<void> {
    for (const { writer, committer } of this.subtasks) {
      await writer.close();
      await committer.close();
    }
  }

  private open(
    index: number,
    state: readonly unknown[],
    restoredCheckpointId?: number,
    attemptNumber = 0,
  ): void {
    const context: SinkInitContext = {
      subtaskIndex: index,
      parallelism: this.options.parallelism,
      attemptNumber,
      jobId: this.options.jobId ?? 'job',
      attemptId: this.options.attemptId,
      restoredCheckpointId,
      currentProcessingTime: () => this.now,
    };
    this.subtasks.push({
      writer: this.sink.createWriter(context, [...state]),
      committer: this.sink.createCommitter(),
    });
    this.uncommitted.push([]);
  }

  private check(): void {
    if (this.crashed) throw new Error(`attempt ${this.options.attemptId} has crashed or finished`);
  }
}

/** Entries per old subtask dealt to `p` new subtasks: unchanged at the same count, else round robin. */
function deal<E>(perSubtask: readonly (readonly E[])[], p: number): E[][] {
  if (perSubtask.length === p) return perSubtask.map((entries) => [...entries]);
  const out: E[][] = Array.from({ length: p }, () => []);
  const all = perSubtask.flat();
  for (let i = 0; i < all.length; i++) out[i % p]!.push(all[i]!);
  return out;
}
