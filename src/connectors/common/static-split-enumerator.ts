/**
 * An enumerator for sources whose splits are all known up front (collections, generated
 * sequences). It hands out one split per request, in order, and tells a reader there is no more
 * work once the list is empty. Splits that come back from a failed reader go to the front, so
 * they are read again first.
 */
import type { SourceSplit, SplitEnumerator, SplitEnumeratorContext } from '../../types/source.js';

/** Checkpointed state of a {@link StaticSplitEnumerator}: the splits not yet assigned. */
export interface StaticEnumeratorState<S extends SourceSplit> {
  readonly pending: S[];
}

/** Assigns a fixed list of splits on request; see the module comment. */
export class StaticSplitEnumerator<S extends SourceSplit>
  implements SplitEnumerator<S, StaticEnumeratorState<S>>
{
  private readonly pending: S[];

  constructor(
    private readonly context: SplitEnumeratorContext<S>,
    splits: readonly S[],
  ) {
    this.pending = splits.map((s) => structuredClone(s));
  }

  start(): void {}

  handleSplitRequest(subtask: number): void {
    const split = this.pending.shift();
    if (split === undefined) this.context.signalNoMoreSplits(subtask);
    else this.context.assignSplit(split, subtask);
  }

  addSplitsBack(splits: S[]): void {
    this.pending.unshift(...splits.map((s) => structuredClone(s)));
  }

  addReader(): void {}

  snapshotState(_checkpointId: number): StaticEnumeratorState<S> {
    return { pending: this.pending.map((s) => structuredClone(s)) };
  }

  close(): void {}
}
