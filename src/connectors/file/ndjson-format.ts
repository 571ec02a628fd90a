/** Newline-delimited JSON: one JSON document per line, as FileSink writes by default. */
import {
  BaseFormat,
  type FormatOptions,
  type LineDecoder,
  MalformedLineError,
  SKIP,
} from './record-format.js';

/**
 * One `JSON.parse`d value per line. Lines that are empty or only whitespace are skipped.
 * Splittable: a large file is read in parallel, in byte ranges (see `FileSourceBuilder.withSplitSize`).
 *
 * @example
 * FileSource.forRecordFormat(new NdjsonFormat<Bid>({ onMalformed: 'skip' }), '/data/bids').build();
 *
 * Gotchas: the value is not validated against `T`; validate in a map if the input is untrusted.
 * A line that is not valid JSON fails the job unless `onMalformed: 'skip'` is set; the message
 * names the line number, or the byte offset for a line in a split that starts mid-file, whose
 * line number is not known.
 */
export class NdjsonFormat<T = unknown> extends BaseFormat<T> {
  readonly name = 'NDJSON';
  /** A JSON document holds no raw line break, so every line starts a record. */
  readonly splittable = true;

  constructor(options: FormatOptions = {}) {
    super('NdjsonFormat', options);
  }

  createDecoder(): LineDecoder<T> {
    return {
      decode(line, _terminator, lineNumber) {
        if (isBlank(line)) return SKIP;
        try {
          return JSON.parse(line) as T;
        } catch (e) {
          throw new MalformedLineError(`invalid JSON (${(e as Error).message})`, lineNumber);
        }
      },
      finish() {},
      reset() {},
      snapshot: () => undefined,
    };
  }
}

function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const first = line.charCodeAt(0);
  // Only a line that starts with whitespace can be blank; test the rest only then.
  return (first === 32 || first === 9 || first === 13) && line.trim().length === 0;
}
