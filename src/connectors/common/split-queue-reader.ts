/**
 * The common shape of Weir's built-in source readers, after Flink's
 * SingleThreadMultiplexSourceReaderBase without the fetcher thread: splits queue up, one is read
 * at a time through its own split output (so watermarks can be generated per split), and the
 * reader asks the enumerator for another split whenever it runs out.
 *
 * Subclasses implement only how to read a bounded amount from the current split
 * (`pollSplit`). An endless split would starve the splits queued behind it (a reader holds
 * several after scaling in), so such a split answers `yield` and takes turns with them. Every
 * split the reader holds gets its split output as soon as it is seen, so that a queued split
 * holds the watermark back until it is read: otherwise its records would arrive late.
 *
 * The base keeps the current split as a private mutable copy whose position fields the subclass
 * advances, so `snapshotState` is just a copy of it and the queue. The
 * copies are deep (splits are plain data), so neither a caller's split nor a snapshot shares
 * anything, such as a format's state object, that later reading could change.
 */
import type {
  InputStatus,
  ReaderOutput,
  SourceOutput,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
} from '../../types/source.js';
import { AVAILABLE, AvailabilitySignal } from './availability.js';

/**
 * What one `pollSplit` call achieved: read something and can go on, must wait, or finished the
 * split; `yield` is `more` but lets the other splits of the reader have a turn first.
 */
export type SplitStatus = 'more' | 'yield' | 'waiting' | 'finished';

/** Base class for readers that read their splits one after the other; see the module comment. */
export abstract class SplitQueueReader<T, S extends SourceSplit> implements SourceReader<T, S> {
  private readonly queue: S[] = [];
  private current: S | undefined;
  private currentOutput: SourceOutput<T> | undefined;
  /** Ids of the held splits whose split output was created. */
  private readonly withOutput = new Set<string>();
  /** Ids of the held splits whose `splitStarted` ran (once, however often they take turns). */
  private readonly started = new Set<string>();
  private noMoreSplits = false;
  private requestPending = false;
  private readonly splitsChanged = new AvailabilitySignal();

  constructor(protected readonly context: SourceReaderContext) {}

  start(): void {
    if (this.queue.length === 0) this.requestSplit();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    if (this.current === undefined) {
      const next = this.queue.shift();
      if (next === undefined) {
        if (this.noMoreSplits) return 'end-of-input';
        this.requestSplit();
        return 'nothing-available';
      }
      this.current = next;
      this.currentOutput = output.createOutputForSplit(next.id);
      if (!this.started.has(next.id)) {
        this.started.add(next.id);
        this.splitStarted(next);
      }
    }
    for (const split of this.queue) {
      if (this.withOutput.has(split.id)) continue;
      this.withOutput.add(split.id);
      output.createOutputForSplit(split.id);
    }
    const status = this.pollSplit(this.current, this.currentOutput!);
    if (status === 'more') return 'more-available';
    if (status === 'yield') {
      if (this.queue.length > 0) {
        this.queue.push(this.current);
        this.current = undefined;
        this.currentOutput = undefined;
      }
      return 'more-available';
    }
    if (status === 'waiting') return 'nothing-available';
    const finished = this.current;
    this.current = undefined;
    this.currentOutput = undefined;
    this.withOutput.delete(finished.id);
    this.started.delete(finished.id);
    output.releaseOutputForSplit(finished.id);
    this.splitFinished(finished);
    if (this.queue.length === 0 && !this.noMoreSplits) this.requestSplit();
    // The next call moves on to the next split or reports the end; each call stays bounded.
    return this.queue.length === 0 && this.noMoreSplits ? 'end-of-input' : 'more-available';
  }

  isAvailable(): Promise<void> {
    if (this.current !== undefined) return this.splitAvailable(this.current);
    if (this.queue.length > 0 || this.noMoreSplits) return AVAILABLE;
    return this.splitsChanged.wait();
  }

  addSplits(splits: S[]): void {
    // Copies, because the reader advances positions in place and the caller's objects are checkpoint data.
    for (const split of splits) this.queue.push(structuredClone(split));
    this.requestPending = false;
    this.splitsChanged.signal();
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
    this.requestPending = false;
    this.splitsChanged.signal();
  }

  /** The current split at its position (the next record to emit), then the queued ones. */
  snapshotState(_checkpointId: number): S[] {
    if (this.current !== undefined) this.beforeSnapshot(this.current);
    const splits = this.current === undefined ? [] : [structuredClone(this.current)];
    for (const split of this.queue) splits.push(structuredClone(split));
    return splits;
  }

  close(): void | Promise<void> {
    this.splitsChanged.signal();
  }

  /** Reads a bounded amount from `split`, advancing its position fields in place. */
  protected abstract pollSplit(split: S, output: SourceOutput<T>): SplitStatus;

  /** Resolves when `pollSplit` may make progress again after it returned `waiting`. */
  protected splitAvailable(_split: S): Promise<void> {
    return AVAILABLE;
  }

  /** Lets a subclass store more of the current split's position (kept out of the per-record path). */
  protected beforeSnapshot(_split: S): void {}

  /** Called before the first `pollSplit` of a split. */
  protected splitStarted(_split: S): void {}

  /** Called once a split is read to its end. */
  protected splitFinished(_split: S): void {}

  private requestSplit(): void {
    if (this.requestPending) return;
    this.requestPending = true;
    this.context.sendSplitRequest();
  }
}
