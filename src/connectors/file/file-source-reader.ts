/**
 * Reads file splits: lines come from a {@link LineReader}, records from the format's decoder.
 * The split's offset moves only at record boundaries, so a snapshot taken while a multi-line
 * CSV record is half read points at that record's first line.
 *
 * A split that is a byte range (see file-split.ts) starts reading one byte early, at `start - 1`,
 * and drops the first line it finds: that is the tail of a line owned by the previous split, or,
 * when the byte before `start` is a newline, just that newline. It stops before the first
 * record that starts at or after `end`. Restarting a snapshot whose offset is still `start`
 * does the same again, so the rule holds however often a split is resumed.
 *
 * Malformed records either fail the job with one line naming file, line (or byte offset, when
 * the split starts mid-file and line numbers are unknown) and fix, or, with
 * `onMalformed: 'skip'`, are counted (`skippedCount` here and on the format) and reported in one
 * warning line per split when the split is done.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { SourceOutput, SourceReaderContext } from '../../types/source.js';
import { SplitQueueReader, type SplitStatus } from '../common/split-queue-reader.js';
import type { FileSplit } from './file-split.js';
import { DEFAULT_CHUNK_SIZE, LineReader } from './line-reader.js';
import { type LineDecoder, MalformedLineError, PENDING, type RecordFormat, SKIP } from './record-format.js';

/** Upper bound of lines per `pollNext`, so the task loop stays responsive. */
const MAX_LINES_PER_POLL = 1024;

/** The reader of a {@link FileSource}. */
export class FileSourceReader<T> extends SplitQueueReader<T, FileSplit> {
  /** Malformed records this reader skipped, over all its splits. */
  skippedCount = 0;
  private lines: LineReader | undefined;
  private decoder: LineDecoder<T> | undefined;
  private skippedInSplit = 0;
  /** Number of the line that `lines` returns next, when `numbered`. */
  private lineNumber = 1;
  /** Whether line numbers are known: the split started at the file's start, or resumed with a number. */
  private numbered = true;
  /** The current split's exclusive end: no record that starts there or later is read. */
  private end = Number.POSITIVE_INFINITY;
  /** Whether the next line is the partial one the range starts in, to be dropped. */
  private skipPartialLine = false;
  /** Whether the decoder is inside a record that continues on the next line. */
  private inRecord = false;

  constructor(
    context: SourceReaderContext,
    private readonly format: RecordFormat<T>,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
  ) {
    super(context);
  }

  protected override splitStarted(split: FileSplit): void {
    const start = split.start ?? 0;
    this.skipPartialLine = start > 0 && split.offset === start;
    this.end = split.end ?? Number.POSITIVE_INFINITY;
    this.lines = new LineReader(split.path, this.skipPartialLine ? start - 1 : split.offset, this.chunkSize);
    this.decoder = this.format.createDecoder(split.path, split.formatState);
    this.numbered = split.lineNumber !== undefined;
    this.lineNumber = split.lineNumber ?? 0;
    this.inRecord = false;
    this.skippedInSplit = 0;
  }

  protected pollSplit(split: FileSplit, output: SourceOutput<T>): SplitStatus {
    // One try per batch, not per record: a malformed record ends the batch early.
    for (;;) {
      try {
        return this.readBatch(split, output);
      } catch (e) {
        if (!(e instanceof MalformedLineError)) throw e;
        this.malformed(split, e);
      }
    }
  }

  private readBatch(split: FileSplit, output: SourceOutput<T>): SplitStatus {
    const lines = this.lines!;
    const decoder = this.decoder!;
    for (let n = 0; n < MAX_LINES_PER_POLL; n++) {
      const lineStart = lines.nextOffset;
      // A record that started before the end is read to its last line, wherever that is.
      if (lineStart >= this.end && !this.inRecord) {
        decoder.finish();
        return 'finished';
      }
      const status = lines.next();
      if (status === 'wait') return 'waiting';
      if (status === 'eof') {
        decoder.finish();
        return 'finished';
      }
      if (this.skipPartialLine) {
        this.skipPartialLine = false;
        split.offset = lines.nextOffset;
        continue;
      }
      let line = lines.line;
      // A byte-order mark is encoding metadata, not text of the first line.
      if (lineStart === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      const result = decoder.decode(line, lines.terminator, this.numbered ? this.lineNumber++ : 0);
      if (result === PENDING) {
        this.inRecord = true;
        continue;
      }
      this.inRecord = false;
      split.offset = lines.nextOffset;
      if (this.numbered) split.lineNumber = this.lineNumber;
      if (result !== SKIP) output.collect(result);
    }
    return 'more';
  }

  private malformed(split: FileSplit, error: MalformedLineError): void {
    const reason = error.reason.replace(/\s*[\r\n]+\s*/g, ' ');
    if (this.format.onMalformed !== 'skip') {
      // The split's offset has not moved past the bad record, so it is where that record starts.
      const where = this.numbered
        ? `${split.path}:${error.lineNumber}`
        : `${split.path} at byte ${split.offset}`;
      throw userError(
        ErrorCodes.MALFORMED_RECORD,
        `${where}: malformed ${this.format.name} record: ${reason}; ` +
          `fix the input or set onMalformed: 'skip' on the format to skip and count such lines`,
        error,
      );
    }
    this.decoder!.reset();
    this.inRecord = false;
    split.offset = this.lines!.nextOffset;
    if (this.numbered) split.lineNumber = this.lineNumber;
    this.skippedInSplit++;
    this.skippedCount++;
    this.format.skippedCount++;
  }

  protected override beforeSnapshot(split: FileSplit): void {
    const state = this.decoder?.snapshot();
    if (state !== undefined) split.formatState = state;
  }

  protected override splitAvailable(): Promise<void> {
    return this.lines?.whenReady() ?? Promise.resolve();
  }

  protected override splitFinished(split: FileSplit): void {
    if (this.skippedInSplit > 0) {
      this.format.warn(
        `weir: skipped ${this.skippedInSplit} malformed ${this.format.name} record(s) in ${split.path}${range(split)}`,
      );
    }
    this.releaseFile();
  }

  override async close(): Promise<void> {
    super.close();
    await this.releaseFile();
  }

  private releaseFile(): Promise<void> {
    const lines = this.lines;
    this.lines = undefined;
    this.decoder = undefined;
    // Closing is asynchronous; a failure to close a file already read changes nothing.
    return lines?.close().catch(() => {}) ?? Promise.resolve();
  }
}

/** Names the byte range of a split that is not a whole file, for the warning about skipped records. */
function range(split: FileSplit): string {
  const start = split.start ?? 0;
  if (start === 0 && split.end === undefined) return '';
  return ` (bytes ${start} to ${split.end ?? 'the end'})`;
}
