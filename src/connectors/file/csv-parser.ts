/**
 * An incremental RFC 4180 record parser. It is fed one line at a time because the file reader
 * splits on line breaks first; a quoted field may contain delimiters, doubled quotes and line
 * breaks, in which case the record continues over several lines and the parser keeps its
 * state between calls.
 *
 * Lenient where it costs nothing: a quote inside an unquoted field is kept as a character, and
 * any delimiter string works. Strict where data would be lost: text after a closing quote, and
 * a quote still open at the end of the file, are errors.
 */

import { MalformedLineError } from './record-format.js';

const QUOTE = '"';

/** Parses CSV records line by line; see the module comment. */
export class CsvRecordParser {
  private fields: string[] = [];
  private field = '';
  private inQuotes = false;
  private afterQuote = false;
  private recordLine = 0;

  /** `quote` is the quote character, or null when quoting is off and every line splits at the delimiter. */
  constructor(
    private readonly delimiter: string,
    private readonly quote: string | null = QUOTE,
  ) {}

  /** The line where the last record pushed (or the open one) starts. */
  get startLine(): number {
    return this.recordLine;
  }

  /** True while a quoted field is open, i.e. the record continues on the next line. */
  get open(): boolean {
    return this.inQuotes;
  }

  /**
   * Feeds one line (without its terminator). Returns the record's fields once it is complete,
   * or undefined when a quoted field continues on the next line. Throws
   * {@link MalformedLineError} (with the record's first line) for malformed input.
   */
  push(line: string, terminator: string, lineNumber: number): string[] | undefined {
    const d = this.delimiter;
    const quote = this.quote;
    if (!this.inQuotes) {
      this.recordLine = lineNumber;
      if (quote === null || line.indexOf(quote) === -1) return line.split(d); // the common case
    }
    let i = 0;
    const n = line.length;
    for (;;) {
      if (this.inQuotes) {
        const q = line.indexOf(quote!, i);
        if (q === -1) {
          this.field += line.slice(i) + terminator;
          return undefined;
        }
        this.field += line.slice(i, q);
        if (line.startsWith(quote!, q + 1)) {
          this.field += quote;
          i = q + 2;
        } else {
          this.inQuotes = false;
          this.afterQuote = true;
          i = q + 1;
        }
        continue;
      }
      if (this.afterQuote) {
        if (i === n) return this.endRecord();
        if (!line.startsWith(d, i)) {
          throw new MalformedLineError(
            `text after the closing quote of column ${this.fields.length + 1}`,
            this.recordLine,
          );
        }
        this.endField();
        i += d.length;
        continue;
      }
      // At the start of a field.
      if (line.startsWith(quote!, i)) {
        this.inQuotes = true;
        i++;
        continue;
      }
      const next = line.indexOf(d, i);
      this.field = line.slice(i, next === -1 ? n : next);
      if (next === -1) return this.endRecord();
      this.endField();
      i = next + d.length;
    }
  }

  /** The file ended: an open quote means the rest of the file was swallowed by one field. */
  finish(): void {
    if (this.inQuotes) {
      throw new MalformedLineError("unterminated quoted field (a '\"' is never closed)", this.recordLine);
    }
  }

  /** Forgets a partly parsed record. */
  reset(): void {
    this.fields = [];
    this.field = '';
    this.inQuotes = false;
    this.afterQuote = false;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.afterQuote = false;
  }

  private endRecord(): string[] {
    this.endField();
    const fields = this.fields;
    this.fields = [];
    return fields;
  }
}

/**
 * Writes one CSV record: quotes fields that need it (delimiter, quote, line break, or a lone
 * empty field) with `quote`; with `quote` null, fields are written as they are.
 */
export function formatCsvRecord(
  fields: readonly string[],
  delimiter = ',',
  quote: string | null = QUOTE,
): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (i > 0) out += delimiter;
    if (quote === null) {
      out += f;
      continue;
    }
    const needsQuotes = f.includes(delimiter) || f.includes(quote) || f.includes('\n') || f.includes('\r');
    out +=
      needsQuotes || (fields.length === 1 && f === '')
        ? quote + f.replaceAll(quote, quote + quote) + quote
        : f;
  }
  return out;
}
