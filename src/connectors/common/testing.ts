/**
 * Hand-driven fakes of the source contexts, for connector tests: a reader output that records
 * what was emitted per split, contexts with a settable processing time, `readAll`, which wires
 * an enumerator to readers in one thread and drains them, and `replayAcrossSnapshot`, which
 * checks that a source resumes exactly from a checkpoint. Not part of the public API.
 */
import { isDeepStrictEqual } from 'node:util';
import { decode, encode } from '../../types/codec.js';
import type {
  ReaderOutput,
  Source,
  SourceOutput,
  SourceReader,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
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

/** What a source checkpoint holds: the enumerator's state and every reader's unfinished splits. */
export interface SourceSnapshot<S, C> {
  readonly enumerator: C;
  readonly splits: readonly (readonly S[])[];
}

/**
 * A bounded source running in this thread, one poll at a time: one enumerator, one reader per
 * subtask, split requests answered on a microtask (as the coordinator would answer
 * asynchronously). It can be snapshotted between polls and restored into a new run.
 */
export class SourceRun<T, S extends SourceSplit, C> {
  readonly outputs: FakeReaderOutput<T>[] = [];
  private readonly readers: SourceReader<T, S>[] = [];
  private readonly finished: boolean[] = [];
  private readonly enumerator: SplitEnumerator<S, C>;

  private constructor(
    source: Source<T, S, C>,
    parallelism: number,
    restored: { enumerator: C; splits: readonly (readonly S[])[] } | undefined,
  ) {
    const enumContext = new FakeEnumeratorContext<S>(parallelism);
    this.enumerator =
      restored === undefined
        ? source.createEnumerator(enumContext)
        : source.restoreEnumerator(enumContext, restored.enumerator);
    for (let i = 0; i < parallelism; i++) {
      const context = new FakeReaderContext(i, parallelism, () =>
        queueMicrotask(() => this.enumerator.handleSplitRequest(i)),
      );
      const reader = source.createReader(context);
      // As the runtime does: restored splits first, then start.
      const splits = restored?.splits[i] ?? [];
      if (splits.length > 0) reader.addSplits([...splits]);
      this.readers.push(reader);
      this.outputs.push(new FakeReaderOutput<T>());
      this.finished.push(false);
      enumContext.readers.set(i, reader as SourceReader<unknown, S>);
    }
    this.enumerator.start();
    for (let i = 0; i < parallelism; i++) this.enumerator.addReader(i);
    for (const reader of this.readers) reader.start();
  }

  /** A fresh run of `source`. */
  static start<T, S extends SourceSplit, C>(
    source: Source<T, S, C>,
    parallelism: number,
  ): SourceRun<T, S, C> {
    return new SourceRun(source, parallelism, undefined);
  }

  /** A run of `source` restored from a snapshot; `splits[i]` go to reader `i`. */
  static restore<T, S extends SourceSplit, C>(
    source: Source<T, S, C>,
    parallelism: number,
    enumerator: C,
    splits: readonly (readonly S[])[],
  ): SourceRun<T, S, C> {
    return new SourceRun(source, parallelism, { enumerator, splits });
  }

  /** Whether every reader reported the end of input. */
  get done(): boolean {
    return this.finished.every(Boolean);
  }

  /** Polls reader `i` once, waiting for it if it has nothing available; a finished reader is skipped. */
  async poll(i: number): Promise<void> {
    if (this.finished[i]) return;
    const reader = this.readers[i]!;
    const status = reader.pollNext(this.outputs[i]!);
    if (status === 'end-of-input') this.finished[i] = true;
    else if (status === 'nothing-available') await reader.isAvailable();
  }

  /** Polls all readers in turn until they finish; fails after `maxRounds` to keep tests finite. */
  async drain(maxRounds = 1_000_000): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      if (this.done) return;
      for (let i = 0; i < this.readers.length; i++) await this.poll(i);
    }
    throw new Error(`source did not finish within ${maxRounds} rounds`);
  }

  /** The enumerator's and the readers' snapshots, as returned (not copied). */
  snapshot(checkpointId: number): SourceSnapshot<S, C> {
    return {
      enumerator: this.enumerator.snapshotState(checkpointId),
      splits: this.readers.map((r) => r.snapshotState(checkpointId)),
    };
  }

  /** Records emitted so far per split id, over all readers. */
  bySplit(): Map<string, T[]> {
    const all = new Map<string, T[]>();
    for (const output of this.outputs) {
      for (const [id, records] of output.bySplit) all.set(id, [...(all.get(id) ?? []), ...records]);
    }
    return all;
  }

  async close(): Promise<void> {
    this.enumerator.close();
    for (const reader of this.readers) await reader.close();
  }
}

/** Where a run is interrupted and how it is restored; see {@link replayAcrossSnapshot}. */
export interface ReplayPlan {
  readonly parallelism: number;
  /** Readers to poll (modulo the parallelism), in order, before the snapshot. */
  readonly before: readonly number[];
  /** Readers to poll after the snapshot, work lost in the crash; it must not change the snapshot. */
  readonly after: readonly number[];
  readonly restoredParallelism: number;
  /** Reader of the restored run for the k-th restored split (modulo the restored parallelism). */
  readonly deal: readonly number[];
}

/** Per split id: what a run without failures emitted, and what the interrupted and restored runs emitted together. */
export interface ReplayResult<T> {
  readonly expected: Map<string, T[]>;
  readonly actual: Map<string, T[]>;
  /** Whether reading on after the snapshot changed the snapshot's objects. */
  readonly snapshotChanged: boolean;
  /** Records emitted outside any split output (there should be none). */
  readonly unattributed: number;
}

/**
 * Reads a source as a crash would interrupt it: polls per `plan.before`, snapshots enumerator and
 * readers, polls on per `plan.after` (lost), then restores the snapshot, after a round trip
 * through the state codec, into new readers at `plan.restoredParallelism` with the splits dealt
 * out per `plan.deal`, and reads to the end. `makeSource` is called once per run, as a new
 * process would build the job again.
 */
export async function replayAcrossSnapshot<T, S extends SourceSplit, C>(
  makeSource: () => Source<T, S, C>,
  plan: ReplayPlan,
): Promise<ReplayResult<T>> {
  const reference = SourceRun.start(makeSource(), plan.parallelism);
  await reference.drain();
  await reference.close();

  const first = SourceRun.start(makeSource(), plan.parallelism);
  for (const i of plan.before) await first.poll(i % plan.parallelism);
  const snapshot = first.snapshot(1);
  const frozen = structuredClone(snapshot);
  const emitted = first.bySplit();
  for (const i of plan.after) await first.poll(i % plan.parallelism);
  const snapshotChanged = !isDeepStrictEqual(snapshot, frozen);
  await first.close();

  const stored = decode<SourceSnapshot<S, C>>(encode(frozen));
  const q = plan.restoredParallelism;
  const dealt: S[][] = Array.from({ length: q }, () => []);
  const restoredSplits = stored.splits.flat();
  for (let k = 0; k < restoredSplits.length; k++) dealt[(plan.deal[k] ?? k) % q]!.push(restoredSplits[k]!);
  const second = SourceRun.restore(makeSource(), q, stored.enumerator, dealt);
  await second.drain();
  await second.close();

  const actual = new Map(emitted);
  for (const [id, records] of second.bySplit()) actual.set(id, [...(actual.get(id) ?? []), ...records]);
  let unattributed = 0;
  for (const run of [first, second]) {
    for (const output of run.outputs) {
      let attributed = 0;
      for (const records of output.bySplit.values()) attributed += records.length;
      unattributed += output.records.length - attributed;
    }
  }
  return { expected: reference.bySplit(), actual, snapshotChanged, unattributed };
}
