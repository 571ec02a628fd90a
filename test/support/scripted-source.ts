/**
 * A source driven by the test, for watermark and idleness tests. The job runs on the test's
 * thread (local executor), so the test pushes records into named splits while the job runs,
 * and the reader emits them through per-split outputs (so watermarks are generated per split).
 * Split `i` goes to subtask `i % parallelism`. The source ends once `finish()` was called and
 * every pushed record is out.
 */
import type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  Source,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../../src/index.js';

interface ScriptSplit extends SourceSplit {
  readonly id: string;
}

/** The test's handle on a {@link ScriptedSource}. */
export class SourceScript<T> {
  readonly queues = new Map<string, T[]>();
  finished = false;
  private waiters: (() => void)[] = [];

  constructor(readonly splitIds: readonly string[]) {
    for (const id of splitIds) this.queues.set(id, []);
  }

  /** Queues records on a split; the reader emits them on its next poll. */
  push(splitId: string, ...values: T[]): void {
    const queue = this.queues.get(splitId);
    if (queue === undefined) throw new Error(`unknown split ${splitId}`);
    queue.push(...values);
    this.wake();
  }

  /** Ends the source once all queued records are emitted. */
  finish(): void {
    this.finished = true;
    this.wake();
  }

  /** @internal */
  whenChanged(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

class ScriptedReader<T> implements SourceReader<T, ScriptSplit> {
  private readonly splits: ScriptSplit[] = [];
  private noMoreSplits = false;

  constructor(private readonly script: SourceScript<T>) {}

  start(): void {}

  pollNext(output: ReaderOutput<T>): InputStatus {
    let emitted = false;
    for (const split of this.splits) {
      // Every assigned split gets its output (and watermark generator) at once, as in Flink, so
      // a split that has not produced anything yet holds the watermark back.
      const splitOutput = output.createOutputForSplit(split.id);
      const queue = this.script.queues.get(split.id)!;
      if (queue.length === 0) continue;
      for (const value of queue.splice(0, queue.length)) splitOutput.collect(value);
      emitted = true;
    }
    if (emitted) return 'more-available';
    if (this.script.finished && this.noMoreSplits) return 'end-of-input';
    return 'nothing-available';
  }

  isAvailable(): Promise<void> {
    for (const split of this.splits)
      if (this.script.queues.get(split.id)!.length > 0) return Promise.resolve();
    if (this.script.finished && this.noMoreSplits) return Promise.resolve();
    return this.script.whenChanged();
  }

  addSplits(splits: ScriptSplit[]): void {
    this.splits.push(...splits);
  }

  notifyNoMoreSplits(): void {
    this.noMoreSplits = true;
  }

  snapshotState(): ScriptSplit[] {
    return [...this.splits];
  }

  close(): void {}
}

class ScriptedEnumerator implements SplitEnumerator<ScriptSplit, null> {
  constructor(
    private readonly context: SplitEnumeratorContext<ScriptSplit>,
    private readonly splitIds: readonly string[],
  ) {}

  start(): void {}

  handleSplitRequest(): void {}

  addSplitsBack(): void {}

  addReader(subtask: number): void {
    const p = this.context.currentParallelism();
    this.splitIds.forEach((id, i) => {
      if (i % p === subtask) this.context.assignSplit({ id }, subtask);
    });
    this.context.signalNoMoreSplits(subtask);
  }

  snapshotState(): null {
    return null;
  }

  close(): void {}
}

/** A source whose records the test pushes while the job runs; see {@link SourceScript}. */
export class ScriptedSource<T> implements Source<T, ScriptSplit, null> {
  declare readonly __type?: T;

  constructor(
    readonly script: SourceScript<T>,
    private readonly boundedness: Boundedness = 'unbounded',
  ) {}

  getBoundedness(): Boundedness {
    return this.boundedness;
  }

  createEnumerator(context: SplitEnumeratorContext<ScriptSplit>): ScriptedEnumerator {
    return new ScriptedEnumerator(context, this.script.splitIds);
  }

  restoreEnumerator(context: SplitEnumeratorContext<ScriptSplit>): ScriptedEnumerator {
    return new ScriptedEnumerator(context, this.script.splitIds);
  }

  createReader(_context: SourceReaderContext): ScriptedReader<T> {
    return new ScriptedReader(this.script);
  }
}
