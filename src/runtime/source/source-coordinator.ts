/**
 * Runs a source's split enumerator for the job and relays between it and the readers. Calls
 * into the enumerator are deferred to a microtask, as if they crossed a process boundary, so a
 * reader asking for a split while it starts never re-enters itself. The enumerator's state
 * (the splits not yet assigned) is part of every checkpoint; a restored coordinator starts
 * from it.
 */
import { encode } from '../../types/codec.js';
import type { Source, SourceSplit, SplitEnumerator, SplitEnumeratorContext } from '../../types/source.js';
import type { SplitRequestGateway } from './source-operator.js';

/** Where the coordinator delivers splits: the reader tasks, by subtask index. */
export interface SplitReceiver {
  assignSplits(splits: SourceSplit[]): void;
  signalNoMoreSplits(): void;
}

/** The enumerator side of one source. */
export class SourceCoordinator implements SplitRequestGateway {
  private enumerator: SplitEnumerator<SourceSplit, unknown> | undefined;
  private readonly registered: number[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private receivers: readonly SplitReceiver[] = [];
  private closed = false;

  constructor(
    private readonly source: Source<unknown, SourceSplit, unknown>,
    private readonly parallelism: number,
    private readonly onError: (error: unknown) => void,
    /** The enumerator's checkpointed state, decoded, when restoring. */
    private readonly restored: { readonly state: unknown } | undefined = undefined,
  ) {}

  /** Creates and starts the enumerator; readers are given later with {@link connect}. */
  start(): void {
    const context: SplitEnumeratorContext<SourceSplit> = {
      currentParallelism: () => this.parallelism,
      registeredReaders: () => this.registered,
      assignSplit: (split, subtask) => this.receivers[subtask]?.assignSplits([split]),
      signalNoMoreSplits: (subtask) => this.receivers[subtask]?.signalNoMoreSplits(),
      callAsync: (discover, handle, periodMs) => this.callAsync(discover, handle, periodMs),
    };
    this.enumerator =
      this.restored === undefined
        ? this.source.createEnumerator(context)
        : this.source.restoreEnumerator(context, this.restored.state);
    this.enumerator.start();
  }

  /** The enumerator's state for checkpoint `checkpointId`, encoded. */
  snapshotState(checkpointId: number): Uint8Array {
    if (this.enumerator === undefined) throw new Error('the split enumerator has not started');
    return encode(this.enumerator.snapshotState(checkpointId));
  }

  /** The reader tasks, indexed by subtask. */
  connect(receivers: readonly SplitReceiver[]): void {
    this.receivers = receivers;
  }

  requestSplit(subtask: number): void {
    this.defer(() => this.enumerator?.handleSplitRequest(subtask));
  }

  registerReader(subtask: number): void {
    this.defer(() => {
      if (!this.registered.includes(subtask)) this.registered.push(subtask);
      this.enumerator?.addReader(subtask);
    });
  }

  private defer(action: () => void): void {
    queueMicrotask(() => {
      if (this.closed) return;
      try {
        action();
      } catch (error) {
        this.onError(error);
      }
    });
  }

  private callAsync<R>(discover: () => Promise<R>, handle: (result: R) => void, periodMs: number): void {
    const run = (): void => {
      if (this.closed) return;
      discover().then(
        (result) => {
          if (this.closed) return;
          try {
            handle(result);
          } catch (error) {
            this.onError(error);
            return;
          }
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            run();
          }, periodMs);
          this.timers.add(timer);
        },
        (error: unknown) => this.onError(error),
      );
    };
    run();
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.enumerator?.close();
  }
}
