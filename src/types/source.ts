/**
 * The source contract, after Flink's FLIP-27: a split enumerator (one per source, run by the
 * coordinator) discovers splits of the input and assigns them to readers (one per parallel
 * subtask), which read records from their splits. Splits and enumerator state are plain data,
 * because they are stored in checkpoints and may be sent to another thread or process.
 */

/** A piece of the input, such as a file range or an index range. Plain data with a stable id. */
export interface SourceSplit {
  readonly id: string;
}

/** Whether a source ends by itself. */
export type Boundedness = 'bounded' | 'unbounded';

/** What a reader's `pollNext` reports. */
export type InputStatus = 'more-available' | 'nothing-available' | 'end-of-input';

/** Where the enumerator sends splits. Called only from the coordinator, never concurrently. */
export interface SplitEnumeratorContext<S extends SourceSplit> {
  currentParallelism(): number;
  /** Subtask indexes of the readers that are running. */
  registeredReaders(): readonly number[];
  assignSplit(split: S, subtask: number): void;
  /** Tells a reader that it will get no more splits; a bounded reader then ends after its splits. */
  signalNoMoreSplits(subtask: number): void;
  /**
   * Runs `discover` every `periodMs` off the coordinator's loop and hands its result to `handle`
   * on it, for continuous discovery such as monitoring a directory. Stops when the job ends.
   */
  callAsync<R>(discover: () => Promise<R>, handle: (result: R) => void, periodMs: number): void;
}

/** Discovers splits and assigns them to readers. */
export interface SplitEnumerator<S extends SourceSplit, C> {
  start(): void;
  /** A reader with no split asks for one. */
  handleSplitRequest(subtask: number): void;
  /** Splits that a failed reader had not finished come back. */
  addSplitsBack(splits: S[], subtask: number): void;
  /** A reader started. */
  addReader(subtask: number): void;
  /** The enumerator's state for a checkpoint: the splits not yet assigned, and what was discovered. */
  snapshotState(checkpointId: number): C;
  close(): void;
}

/** What a reader knows about where it runs. */
export interface SourceReaderContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** Asks the enumerator for a split; the answer arrives through `addSplits` or `notifyNoMoreSplits`. */
  sendSplitRequest(): void;
  currentProcessingTime(): number;
}

/** Emits records for one split, so that watermarks can be generated per split. */
export interface SourceOutput<T> {
  /** Emits a record; `timestamp` is the source's own time for it, if any. */
  collect(value: T, timestamp?: number): void;
}

/** The output a reader writes to; per-split outputs give per-split watermarks. */
export interface ReaderOutput<T> extends SourceOutput<T> {
  createOutputForSplit(splitId: string): SourceOutput<T>;
  releaseOutputForSplit(splitId: string): void;
}

/**
 * Reads records from assigned splits. `pollNext` is called from the task's loop and must not
 * block: it emits what is ready (a bounded amount) and returns `nothing-available` when it has
 * to wait, after which the task awaits `isAvailable()`.
 */
export interface SourceReader<T, S extends SourceSplit> {
  start(): void;
  pollNext(output: ReaderOutput<T>): InputStatus;
  isAvailable(): Promise<void>;
  addSplits(splits: S[]): void;
  notifyNoMoreSplits(): void;
  /** The reader's unfinished splits with their current positions, for a checkpoint. */
  snapshotState(checkpointId: number): S[];
  notifyCheckpointComplete?(checkpointId: number): void;
  close(): void | Promise<void>;
}

/** A source of records; `fromSource` takes one of these. */
export interface Source<T, S extends SourceSplit = SourceSplit, C = unknown> {
  getBoundedness(): Boundedness;
  createEnumerator(context: SplitEnumeratorContext<S>): SplitEnumerator<S, C>;
  restoreEnumerator(context: SplitEnumeratorContext<S>, checkpoint: C): SplitEnumerator<S, C>;
  createReader(context: SourceReaderContext): SourceReader<T, S>;
  /** Largest parallelism that makes sense (e.g. 1 for an in-memory collection). */
  readonly maxParallelism?: number;
  /** @internal phantom for the element type */
  readonly __type?: T;
}
