/** The simplest record format: each line of the file is one string record. */
import { type LineDecoder, BaseFormat } from './record-format.js';

const decoder: LineDecoder<string> = {
  decode: (line) => line,
  finish() {},
  reset() {},
  snapshot: () => undefined,
};

/**
 * One string per line, without its line break (`\n` or `\r\n`). Empty lines are records too;
 * a final line break does not start an empty last line. Splittable: a large file is read in
 * parallel, in byte ranges.
 *
 * @example
 * FileSource.forRecordFormat(new TextLineFormat(), '/data/logs').build();
 */
export class TextLineFormat extends BaseFormat<string> {
  readonly name = 'text';
  /** A line never depends on another, so a reader can start at any line. */
  readonly splittable = true;

  constructor() {
    super('TextLineFormat');
  }

  createDecoder(): LineDecoder<string> {
    return decoder;
  }
}
