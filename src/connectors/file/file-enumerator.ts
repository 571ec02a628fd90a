/**
 * The file source's enumerator: lists the input paths once, or every interval when monitoring
 * continuously, and hands out one split per file on request. In monitoring mode it remembers
 * every path it has seen (in its checkpointed state), so a file is read once even though it is
 * listed again and again; readers that ask while nothing is pending wait for the next file.
 */
import type { SplitEnumerator, SplitEnumeratorContext } from '../../types/source.js';
import { listFiles, listFilesSync } from './file-listing.js';
import { type FileEnumeratorState, type FileSplit, newFileSplit } from './file-split.js';

/** Enumerates the files of a {@link FileSource}; see the module comment. */
export class FileEnumerator implements SplitEnumerator<FileSplit, FileEnumeratorState> {
  private readonly pending: FileSplit[];
  private readonly seen: Set<string>;
  /** Readers that asked while nothing was pending (monitoring mode only). */
  private readonly waiting: number[] = [];

  constructor(
    private readonly context: SplitEnumeratorContext<FileSplit>,
    private readonly paths: readonly string[],
    private readonly monitorIntervalMs: number | undefined,
    restored?: FileEnumeratorState,
  ) {
    this.pending = restored ? restored.pending.map((s) => structuredClone(s)) : [];
    this.seen = new Set(restored?.seen ?? []);
    if (restored === undefined) this.addFiles(listFilesSync(paths));
  }

  start(): void {
    if (this.monitorIntervalMs === undefined) return;
    this.context.callAsync(
      () => listFiles(this.paths),
      (files) => this.addFiles(files),
      this.monitorIntervalMs,
    );
  }

  handleSplitRequest(subtask: number): void {
    const split = this.pending.shift();
    if (split !== undefined) this.context.assignSplit(split, subtask);
    else if (this.monitorIntervalMs === undefined) this.context.signalNoMoreSplits(subtask);
    else if (!this.waiting.includes(subtask)) this.waiting.push(subtask);
  }

  addSplitsBack(splits: FileSplit[]): void {
    this.pending.unshift(...splits.map((s) => structuredClone(s)));
    this.serveWaiting();
  }

  addReader(): void {}

  snapshotState(_checkpointId: number): FileEnumeratorState {
    return { pending: this.pending.map((s) => structuredClone(s)), seen: [...this.seen] };
  }

  close(): void {}

  private addFiles(files: readonly string[]): void {
    for (const path of files) {
      if (this.seen.has(path)) continue;
      this.seen.add(path);
      this.pending.push(newFileSplit(path));
    }
    this.serveWaiting();
  }

  private serveWaiting(): void {
    while (this.waiting.length > 0 && this.pending.length > 0) {
      this.context.assignSplit(this.pending.shift()!, this.waiting.shift()!);
    }
  }
}
