/**
 * CSV files (RFC 4180) as objects keyed by column name, or as string arrays. The column names
 * come from the header row (the default) or from `columns`; values can be converted per column.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import { CsvRecordParser } from './csv-parser.js';
import {
  BaseFormat,
  type FormatOptions,
  type LineDecoder,
  MalformedLineError,
  PENDING,
  SKIP,
} from './record-format.js';

/** How to convert a column's text: a built-in conversion or your own function (throw to reject). */
export type CsvColumnType = 'string' | 'number' | 'boolean' | ((text: string) => unknown);

/** Options of {@link CsvFormat}. */
export interface CsvFormatOptions extends FormatOptions {
  /** Whether the first record names the columns. Default: true, or false when `columns` is given. */
  header?: boolean;
  /** Column names, in order. With `header: true` as well, the header row is read and ignored. */
  columns?: readonly string[];
  /** Field separator; default ','. */
  delimiter?: string;
  /** Conversions by column name (or by index, '0', '1', …, for arrays); other columns stay strings. Empty text becomes null for 'number' and 'boolean'. */
  types?: Readonly<Record<string, CsvColumnType>>;
}

/** What a resumed split needs: the names read from the header, or the column count of the first record. */
interface CsvDecoderState {
  names?: string[];
  width?: number;
}

/**
 * Reads CSV records. Each record becomes an object `{ [column]: value }` when column names are
 * known (from the header row or `columns`), otherwise a `string[]`.
 *
 * @example
 * new CsvFormat<{ id: number; name: string }>({ types: { id: 'number' } });
 * new CsvFormat<string[]>({ header: false, delimiter: ';' });
 *
 * Gotchas: every record must have as many fields as there are columns; a record that does not,
 * or a quote that is never closed, fails the job unless `onMalformed: 'skip'` is set. Empty
 * lines are skipped. A byte-order mark at the start of the file is ignored. Each file is read
 * whole by one reader (not splittable): a quoted field may hold a line break, so a reader starting
 * at a line in the middle of a file could not tell whether it starts a record.
 */
export class CsvFormat<T = Record<string, unknown>> extends BaseFormat<T> {
  readonly name = 'CSV';
  /** Not splittable; see the class comment. */
  readonly splittable = false;
  private readonly header: boolean;
  private readonly columns: readonly string[] | undefined;
  private readonly delimiter: string;
  private readonly types: Readonly<Record<string, CsvColumnType>>;

  constructor(options: CsvFormatOptions = {}) {
    super('CsvFormat', options);
    const fail = (message: string) => userError(ErrorCodes.INVALID_ARGUMENT, `CsvFormat: ${message}`);
    this.columns = options.columns;
    if (this.columns !== undefined && (!Array.isArray(this.columns) || this.columns.length === 0)) {
      throw fail(`columns must be a non-empty array of names, e.g. columns: ['id', 'name']`);
    }
    this.header = options.header ?? this.columns === undefined;
    this.delimiter = options.delimiter ?? ',';
    const d = this.delimiter;
    if (typeof d !== 'string' || d.length === 0 || d.includes('"') || d.includes('\n') || d.includes('\r')) {
      throw fail(
        `delimiter must be a non-empty string without quotes or line breaks, got ${JSON.stringify(d)}`,
      );
    }
    this.types = options.types ?? {};
    for (const [column, type] of Object.entries(this.types)) {
      if (typeof type !== 'function' && type !== 'string' && type !== 'number' && type !== 'boolean') {
        throw fail(
          `types.${column} must be 'string', 'number', 'boolean' or a function, got ${JSON.stringify(type)}`,
        );
      }
    }
  }

  createDecoder(_path: string, restored: unknown): LineDecoder<T> {
    const state: CsvDecoderState = { ...((restored as CsvDecoderState | undefined) ?? {}) };
    const parser = new CsvRecordParser(this.delimiter);
    const converters = new Map<string, (text: string, line: number) => unknown>();
    for (const [column, type] of Object.entries(this.types)) converters.set(column, converter(column, type));
    let headerPending = this.header && state.names === undefined && state.width === undefined;
    let names = this.columns ? [...this.columns] : state.names;
    let convert: ((text: string, line: number) => unknown)[] = [];
    const setNames = (list: string[] | undefined, width: number) => {
      names = list;
      convert = Array.from(
        { length: width },
        (_, i) => converters.get(list ? list[i] : String(i)) ?? identity,
      );
    };
    if (names !== undefined) setNames(names, names.length);
    else if (state.width !== undefined) setNames(undefined, state.width);

    return {
      decode(line, terminator, lineNumber) {
        if (line.length === 0 && !parser.open) return SKIP;
        const fields = parser.push(line, terminator, lineNumber);
        if (fields === undefined) return PENDING;
        if (headerPending) {
          headerPending = false;
          if (names === undefined) {
            state.names = fields;
            setNames(fields, fields.length);
          }
          return SKIP;
        }
        if (names === undefined && state.width === undefined) {
          state.width = fields.length;
          setNames(undefined, fields.length);
        }
        const width = convert.length;
        // Errors name the record's first line, which is where a multi-line record starts.
        lineNumber = parser.startLine;
        if (fields.length !== width) {
          throw new MalformedLineError(`expected ${width} columns but found ${fields.length}`, lineNumber);
        }
        if (names === undefined) {
          for (let i = 0; i < width; i++)
            if (convert[i] !== identity) fields[i] = convert[i](fields[i], lineNumber) as string;
          return fields as T;
        }
        const record: Record<string, unknown> = {};
        for (let i = 0; i < width; i++) record[names[i]] = convert[i](fields[i], lineNumber);
        return record as T;
      },
      finish: () => parser.finish(),
      reset: () => parser.reset(),
      snapshot: () => ({ ...state }),
    };
  }
}

const identity = (text: string): unknown => text;

function converter(column: string, type: CsvColumnType): (text: string, line: number) => unknown {
  if (typeof type === 'function') {
    return (text, line) => {
      try {
        return type(text);
      } catch (e) {
        throw new MalformedLineError(`column ${column}: ${(e as Error)?.message ?? String(e)}`, line);
      }
    };
  }
  if (type === 'number') {
    return (text, line) => {
      if (text === '') return null;
      const n = Number(text);
      if (Number.isNaN(n))
        throw new MalformedLineError(`column ${column}: ${JSON.stringify(text)} is not a number`, line);
      return n;
    };
  }
  if (type === 'boolean') {
    return (text, line) => {
      if (text === '') return null;
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new MalformedLineError(`column ${column}: ${JSON.stringify(text)} is not true or false`, line);
    };
  }
  return identity;
}
