/**
 * The file source's enumerator: lists the input paths once, or every interval when monitoring
 * continuously, cuts each new file into splits (see file-split.ts) and hands them out one at a
 * time, on request. Readers ask again whenever they finish a split, so a fast reader takes more
 * of the input than a slow one, instead of each getting a fixed share up front.
 *
 * In monitoring mode it remembers every path it has seen (in its checkpointed state), so a file
 * is split and read once even though it is listed again and again; readers that ask while
 * nothing is pending wait for the next file.
 */
import type { SplitEnumerator, SplitEnumeratorContext } from '../../types/source.js';
import { listFiles, listFilesSync, type SizedFile, withSizes, withSizesSync } from './file-listing.js';
import { type FileEnumeratorState, type FileSplit, splitFile } from './file-split.js';

/** How a {@link FileEnumerator} finds and cuts its input. */
export interface FileEnumeratorOptions {
  /** Listing period when monitoring; undefined for a bounded source that lists once. */
  readonly monitorIntervalMs: number | undefined;
  /** Bytes per split; undefined when the format cannot be split, so each file is one split. */
  readonly splitSize: number | undefined;
}

/** Enumerates the files of a {@link FileSource}; see the module comment. */
export class FileEnumerator implements SplitEnumerator<FileSplit, FileEnumeratorState> {
  private readonly pending: FileSplit[];
  private readonly seen: Set<string>;
  /** Readers that asked while nothing was pending (monitoring mode only). */
  private readonly waiting: number[] = [];
  private readonly monitorIntervalMs: number | undefined;
  private readonly splitSize: number | undefined;

  constructor(
    private readonly context: SplitEnumeratorContext<FileSplit>,
    private readonly paths: readonly string[],
    options: FileEnumeratorOptions,
    restored?: FileEnumeratorState,
  ) {
    this.monitorIntervalMs = options.monitorIntervalMs;
    this.splitSize = options.splitSize;
    this.pending = restored ? restored.pending.map((s) => structuredClone(s)) : [];
    this.seen = new Set(restored?.seen ?? []);
    if (restored === undefined) {
      const files = listFilesSync(paths);
      this.addFiles(this.splitSize === undefined ? unsized(files) : withSizesSync(files));
    }
  }

  start(): void {
    if (this.monitorIntervalMs === undefined) return;
    this.context.callAsync(
      () => this.discover(),
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

  /** Lists the paths and sizes the files not seen yet; runs off the coordinator's loop. */
  private async discover(): Promise<SizedFile[]> {
    // `seen` may grow before the result is handled; addFiles checks it again.
    const fresh = (await listFiles(this.paths)).filter((path) => !this.seen.has(path));
    return this.splitSize === undefined ? unsized(fresh) : withSizes(fresh);
  }

  private addFiles(files: readonly SizedFile[]): void {
    for (const { path, size } of files) {
      if (this.seen.has(path)) continue;
      this.seen.add(path);
      for (const split of splitFile(path, size, this.splitSize)) this.pending.push(split);
    }
    this.serveWaiting();
  }

  private serveWaiting(): void {
    while (this.waiting.length > 0 && this.pending.length > 0) {
      this.context.assignSplit(this.pending.shift()!, this.waiting.shift()!);
    }
  }
}

/** Files of a format that is not split: their size does not matter, so it is not looked up. */
function unsized(files: readonly string[]): SizedFile[] {
  return files.map((path) => ({ path, size: 0 }));
}
