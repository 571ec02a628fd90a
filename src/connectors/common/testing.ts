/**
 * Hand-driven fakes of the source contexts, for connector tests: a reader output that records
 * what was emitted per split, contexts with a settable processing time, and `readAll`, which
 * wires an enumerator to readers in one thread and drains them. Not part of the public API.
 */
import type {
  ReaderOutput,
  Source,
  SourceOutput,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumeratorContext,
} from '../../types/source.js';

/** Records every emitted value, in order, and which split outputs are open. */
export class FakeReaderOutput<T> implements ReaderOutput<T> {
  readonly records: T[] = [];
  readonly timestamps: (number | undefined)[] = [];
  readonly bySplit = new Map<string, T[]>();
  readonly open = new Set<string>();
  readonly released: string[] = [];

  collect(value: T, timestamp?: number): void {
    this.records.push(value);
    this.timestamps.push(timestamp);
  }

  createOutputForSplit(splitId: string): SourceOutput<T> {
    this.open.add(splitId);
    const list = this.bySplit.get(splitId) ?? [];
    this.bySplit.set(splitId, list);
    return {
      collect: (value, timestamp) => {
        list.push(value);
        this.collect(value, timestamp);
      },
    };
  }

  releaseOutputForSplit(splitId: string): void {
    this.open.delete(splitId);
    this.released.push(splitId);
  }
}

/** A reader context with a settable clock; `onRequest` sees every split request. */
export class FakeReaderContext implements SourceReaderContext {
  requests = 0;
  now = 0;

  constructor(
    readonly subtaskIndex = 0,
    readonly parallelism = 1,
    private readonly onRequest?: () => void,
  ) {}

  sendSplitRequest(): void {
    this.requests++;
    this.onRequest?.();
  }

  currentProcessingTime(): number {
    return this.now;
  }
}

/** A periodic discovery registered through `callAsync`; tests run it with `runAsyncCalls`. */
interface AsyncCall {
  discover: () => Promise<unknown>;
  handle: (result: unknown) => void;
  periodMs: number;
}

/** An enumerator context that records assignments and optionally forwards them to readers. */
export class FakeEnumeratorContext<S extends SourceSplit> implements SplitEnumeratorContext<S> {
  readonly assignments: { split: S; subtask: number }[] = [];
  readonly noMoreSplits = new Set<number>();
  readonly asyncCalls: AsyncCall[] = [];
  readonly readers = new Map<number, SourceReader<unknown, S>>();

  constructor(private readonly parallelism = 1) {}

  currentParallelism(): number {
    return this.parallelism;
  }

  registeredReaders(): readonly number[] {
    return [...this.readers.keys()];
  }

  assignSplit(split: S, subtask: number): void {
    this.assignments.push({ split, subtask });
    this.readers.get(subtask)?.addSplits([split]);
  }

  signalNoMoreSplits(subtask: number): void {
    this.noMoreSplits.add(subtask);
    this.readers.get(subtask)?.notifyNoMoreSplits();
  }

  callAsync<R>(discover: () => Promise<R>, handle: (result: R) => void, periodMs: number): void {
    this.asyncCalls.push({ discover, handle: handle as (result: unknown) => void, periodMs });
  }

  /** Runs every registered discovery once and hands the results over, as one period would. */
  async runAsyncCalls(): Promise<void> {
    for (const call of this.asyncCalls) call.handle(await call.discover());
  }
}

/** Polls `reader` until it reports end of input; fails after `maxPolls` to keep tests finite. */
export async function drain<T, S extends SourceSplit>(
  reader: SourceReader<T, S>,
  output: FakeReaderOutput<T> = new FakeReaderOutput<T>(),
  maxPolls = 1_000_000,
): Promise<FakeReaderOutput<T>> {
  for (let i = 0; i < maxPolls; i++) {
    const status = reader.pollNext(output);
    if (status === 'end-of-input') return output;
    if (status === 'nothing-available') await reader.isAvailable();
  }
  throw new Error(`reader did not finish within ${maxPolls} polls`);
}

/**
 * Runs a bounded source at `parallelism` in this thread: one enumerator, one reader per subtask,
 * split requests answered on a microtask (as the coordinator would answer asynchronously).
 * Returns what each reader emitted.
 */
export async function readAll<T, S extends SourceSplit>(
  source: Source<T, S>,
  parallelism = 1,
): Promise<{ records: T[]; perReader: T[][] }> {
  const enumContext = new FakeEnumeratorContext<S>(parallelism);
  const enumerator = source.createEnumerator(enumContext);
  const readers: SourceReader<T, S>[] = [];
  for (let i = 0; i < parallelism; i++) {
    const context = new FakeReaderContext(i, parallelism, () =>
      queueMicrotask(() => enumerator.handleSplitRequest(i)),
    );
    const reader = source.createReader(context);
    readers.push(reader);
    enumContext.readers.set(i, reader as SourceReader<unknown, S>);
  }
  enumerator.start();
  for (let i = 0; i < parallelism; i++) enumerator.addReader(i);
  for (const reader of readers) reader.start();
  const perReader: T[][] = [];
  for (const reader of readers) perReader.push((await drain(reader)).records);
  enumerator.close();
  for (const reader of readers) await reader.close();
  return { records: perReader.flat(), perReader };
}
