/**
 * A source reading records from files: text lines, NDJSON or CSV. Bounded by default; with
 * `monitorContinuously` it keeps watching the paths and reads each new file once. Files of a
 * splittable format (text lines, NDJSON) that are larger than the split size are cut into byte
 * ranges, so several readers share one big file; the enumerator hands the splits out one at a
 * time as readers finish theirs.
 */
import { resolve } from 'node:path';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { Boundedness, Source, SourceReaderContext, SplitEnumeratorContext } from '../../types/source.js';
import { FileEnumerator, type FileEnumeratorOptions } from './file-enumerator.js';
import { DEFAULT_SPLIT_SIZE, type FileEnumeratorState, type FileSplit } from './file-split.js';
import { FileSourceReader } from './file-source-reader.js';
import { DEFAULT_CHUNK_SIZE } from './line-reader.js';
import type { RecordFormat } from './record-format.js';

const invalid = (message: string) => userError(ErrorCodes.INVALID_ARGUMENT, `FileSource: ${message}`);

/**
 * Reads the files at the given paths (files, or directories whose regular files are read, not
 * recursively, leaving out names that start with '.' or '_').
 *
 * @example
 * const source = FileSource.forRecordFormat(new NdjsonFormat<Bid>(), '/data/bids').build();
 * env.fromSource(source, WatermarkStrategy.forMonotonousTimestamps(), 'bids');
 *
 * Gotchas: a path that does not exist fails the job at start with a message naming it. With
 * monitoring, a file must be complete when it appears under a visible name (write it hidden,
 * then rename, as FileSink does), because it is read once; files that change later are not re-read.
 * A file cut into splits is read by several readers at once, so its records reach the job in
 * file order only per split; records of a file read whole keep their order. A file is split
 * by its size when listed: lines appended later all go to its last split.
 */
export class FileSource<T> implements Source<T, FileSplit, FileEnumeratorState> {
  declare readonly __type?: T;

  /** Use {@link FileSource.forRecordFormat}. */
  constructor(
    private readonly format: RecordFormat<T>,
    private readonly paths: readonly string[],
    private readonly monitorIntervalMs: number | undefined,
    private readonly chunkSize: number,
    private readonly splitSize: number = DEFAULT_SPLIT_SIZE,
  ) {}

  /** Starts building a source that reads `paths` with `format`. */
  static forRecordFormat<T>(format: RecordFormat<T>, ...paths: string[]): FileSourceBuilder<T> {
    if (format === null || typeof format !== 'object' || typeof format.createDecoder !== 'function') {
      throw invalid('the first argument must be a format, e.g. new NdjsonFormat() or new CsvFormat()');
    }
    if (paths.length === 0) throw invalid('give at least one file or directory path after the format');
    for (const path of paths) {
      if (typeof path !== 'string' || path.length === 0) {
        throw invalid(`paths must be non-empty strings, got ${JSON.stringify(path)}`);
      }
    }
    return new FileSourceBuilder(format, paths);
  }

  getBoundedness(): Boundedness {
    return this.monitorIntervalMs === undefined ? 'bounded' : 'unbounded';
  }

  createEnumerator(context: SplitEnumeratorContext<FileSplit>): FileEnumerator {
    return new FileEnumerator(context, this.paths, this.enumeratorOptions());
  }

  restoreEnumerator(
    context: SplitEnumeratorContext<FileSplit>,
    checkpoint: FileEnumeratorState,
  ): FileEnumerator {
    return new FileEnumerator(context, this.paths, this.enumeratorOptions(), checkpoint);
  }

  createReader(context: SourceReaderContext): FileSourceReader<T> {
    return new FileSourceReader(context, this.format, this.chunkSize);
  }

  private enumeratorOptions(): FileEnumeratorOptions {
    return {
      monitorIntervalMs: this.monitorIntervalMs,
      splitSize: this.format.splittable === true ? this.splitSize : undefined,
    };
  }
}

/** Configures a {@link FileSource}; from {@link FileSource.forRecordFormat}. */
export class FileSourceBuilder<T> {
  private monitorIntervalMs: number | undefined;
  private chunkSize = DEFAULT_CHUNK_SIZE;
  private splitSize = DEFAULT_SPLIT_SIZE;

  constructor(
    private readonly format: RecordFormat<T>,
    private readonly paths: readonly string[],
  ) {}

  /** Keeps listing the paths every `intervalMs` and reads new files; the source becomes unbounded. */
  monitorContinuously(intervalMs: number): this {
    if (!(typeof intervalMs === 'number' && intervalMs > 0 && Number.isFinite(intervalMs))) {
      throw invalid(`monitorContinuously needs an interval in milliseconds > 0, got ${String(intervalMs)}`);
    }
    this.monitorIntervalMs = intervalMs;
    return this;
  }

  /** Bytes per read (default 64 KiB). Larger chunks mean fewer reads and more memory per reader. */
  withChunkSize(bytes: number): this {
    if (!(Number.isSafeInteger(bytes) && bytes > 0)) {
      throw invalid(`withChunkSize needs a whole number of bytes > 0, got ${String(bytes)}`);
    }
    this.chunkSize = bytes;
    return this;
  }

  /**
   * Bytes per split of a large file (default 1 MiB), for formats that are splittable (text
   * lines, NDJSON; not CSV). A file no larger than 1.1 times this is read whole by one reader;
   * a larger one is cut into ranges of this size, read in parallel. Smaller splits spread a file
   * over more readers and balance better, at the cost of a file open and a partial line per split.
   *
   * @example
   * FileSource.forRecordFormat(new NdjsonFormat<Bid>(), '/data/bids.ndjson').withSplitSize(4 * 1024 * 1024).build();
   */
  withSplitSize(bytes: number): this {
    if (!(Number.isSafeInteger(bytes) && bytes > 0)) {
      throw invalid(`withSplitSize needs a whole number of bytes > 0, got ${String(bytes)}`);
    }
    this.splitSize = bytes;
    return this;
  }

  build(): FileSource<T> {
    return new FileSource(
      this.format,
      this.paths.map((p) => resolve(p)),
      this.monitorIntervalMs,
      this.chunkSize,
      this.splitSize,
    );
  }
}
