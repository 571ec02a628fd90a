/**
 * How a file source turns lines into records. A format makes one decoder per file; the reader
 * feeds it complete lines (without their terminator, which is passed separately so that a
 * CSV field spanning lines keeps its original line break). A decoder returns a record, or
 * `SKIP` for a line that holds none (an empty NDJSON line, a CSV header), or `PENDING` while a
 * record continues on the next line. Bad input throws {@link MalformedLineError}; the reader
 * then fails the job or skips the record, as the format's `onMalformed` says.
 *
 * A format that declares itself `splittable` lets the source cut a large file into byte ranges
 * read in parallel; its decoders then start at any line of a file, without line numbers.
 */
import { ErrorCodes, userError } from '../../types/errors.js';

/** Returned by a decoder for a line that holds no record. */
export const SKIP: unique symbol = Symbol('weir.file.skip');
/** Returned by a decoder while the current record continues on the next line. */
export const PENDING: unique symbol = Symbol('weir.file.pending');

/** What to do with a line that cannot be decoded: fail the job (the default) or skip and count it. */
export type MalformedPolicy = 'fail' | 'skip';

/** Thrown by a decoder for bad input; the reader adds the file name and decides what to do. */
export class MalformedLineError extends Error {
  constructor(
    readonly reason: string,
    /** The line where the bad record starts. */
    readonly lineNumber: number,
  ) {
    super(reason);
    this.name = 'MalformedLineError';
  }
}

/** Decodes the lines of one file, in order. Used by one reader only. */
export interface LineDecoder<T> {
  /**
   * `lineNumber` is 1-based, or 0 when unknown (a split of a splittable format that starts
   * mid-file); `terminator` is '\n', '\r\n' or '' for a last line without one.
   */
  decode(line: string, terminator: string, lineNumber: number): T | typeof SKIP | typeof PENDING;
  /** The file ended: throws if a record is still open (e.g. an unterminated CSV quote). */
  finish(): void;
  /** Drops a partly decoded record after it was found malformed. */
  reset(): void;
  /** State that a resumed split needs (e.g. the CSV header), stored in the split; plain data. */
  snapshot(): unknown;
}

/** A record format for {@link FileSource}: `TextLineFormat`, `NdjsonFormat`, `CsvFormat`, or your own. */
export interface RecordFormat<T> {
  /** Short name for messages, e.g. 'NDJSON'. */
  readonly name: string;
  readonly onMalformed: MalformedPolicy;
  /** Malformed records skipped so far by readers in this process (with `onMalformed: 'skip'`). */
  skippedCount: number;
  /** Where the one warning line per split with skipped records goes (a split is a whole file unless split). */
  warn(message: string): void;
  /**
   * Whether a large file may be cut into byte ranges read in parallel. Only true if a decoder
   * can start at any line: no record spans a line break (a reader starting inside one would
   * decode its tail as a record), and no record depends on earlier lines, such as a CSV header.
   * Absent means false, so formats written before splitting existed keep reading whole files.
   */
  readonly splittable?: boolean;
  /** A decoder for `path`; `restored` is what its `snapshot()` returned, when a split resumes. */
  createDecoder(path: string, restored: unknown): LineDecoder<T>;
}

/** Options every built-in format takes. */
export interface FormatOptions {
  /** 'fail' (default): a malformed record fails the job with a message naming file and line. 'skip': skip and count it. */
  onMalformed?: MalformedPolicy;
  /** Receives the warning about skipped records; defaults to `console.warn`. */
  warn?: (message: string) => void;
}

/** Shared option handling of the built-in formats. */
export abstract class BaseFormat<T> implements RecordFormat<T> {
  abstract readonly name: string;
  readonly onMalformed: MalformedPolicy;
  skippedCount = 0;
  private readonly warnSink: (message: string) => void;

  constructor(formatName: string, options: FormatOptions = {}) {
    const policy = options.onMalformed ?? 'fail';
    if (policy !== 'fail' && policy !== 'skip') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `${formatName}: onMalformed must be 'fail' or 'skip', got ${JSON.stringify(policy)}`,
      );
    }
    this.onMalformed = policy;
    this.warnSink = options.warn ?? ((message) => console.warn(message));
  }

  warn(message: string): void {
    this.warnSink(message);
  }

  abstract createDecoder(path: string, restored: unknown): LineDecoder<T>;
}
