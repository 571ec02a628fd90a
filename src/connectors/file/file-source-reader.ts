/**
 * Reads file splits: lines come from a {@link LineReader}, records from the format's decoder.
 * The split's offset moves only at record boundaries, so a snapshot taken while a multi-line
 * CSV record is half read points at that record's first line.
 *
 * Malformed records either fail the job with one line naming file, line and fix, or, with
 * `onMalformed: 'skip'`, are counted (`skippedCount` here and on the format) and reported in one
 * warning line per file when the file is done.
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
  /** Malformed records this reader skipped, over all its files. */
  skippedCount = 0;
  private lines: LineReader | undefined;
  private decoder: LineDecoder<T> | undefined;
  private skippedInFile = 0;
  /** Number of the line that `lines` returns next. */
  private lineNumber = 1;

  constructor(
    context: SourceReaderContext,
    private readonly format: RecordFormat<T>,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
  ) {
    super(context);
  }

  protected override splitStarted(split: FileSplit): void {
    this.lines = new LineReader(split.path, split.offset, this.chunkSize);
    this.decoder = this.format.createDecoder(split.path, split.formatState);
    this.lineNumber = split.lineNumber;
    this.skippedInFile = 0;
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
      const status = lines.next();
      if (status === 'wait') return 'waiting';
      if (status === 'eof') {
        decoder.finish();
        return 'finished';
      }
      let line = lines.line;
      // A byte-order mark is encoding metadata, not text of the first line.
      if (this.lineNumber === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      const result = decoder.decode(line, lines.terminator, this.lineNumber++);
      if (result === PENDING) continue;
      split.offset = lines.nextOffset;
      split.lineNumber = this.lineNumber;
      if (result !== SKIP) output.collect(result);
    }
    return 'more';
  }

  private malformed(split: FileSplit, error: MalformedLineError): void {
    const reason = error.reason.replace(/\s*[\r\n]+\s*/g, ' ');
    if (this.format.onMalformed !== 'skip') {
      throw userError(
        ErrorCodes.MALFORMED_RECORD,
        `${split.path}:${error.lineNumber}: malformed ${this.format.name} record: ${reason}; ` +
          `fix the input or set onMalformed: 'skip' on the format to skip and count such lines`,
        error,
      );
    }
    this.decoder!.reset();
    split.offset = this.lines!.nextOffset;
    split.lineNumber = this.lineNumber;
    this.skippedInFile++;
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
    if (this.skippedInFile > 0) {
      this.format.warn(
        `weir: skipped ${this.skippedInFile} malformed ${this.format.name} record(s) in ${split.path}`,
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
