/**
 * The `csv` format of the filesystem connector: one record per row, fields in column order,
 * no header, as Flink's csv format reads and writes them. NULL is written as an empty field, or
 * as `csv.null-literal` when set; an empty field reads as NULL except in a string column (so
 * give string columns a null literal when NULL and '' must differ). ARRAY and ROW values are
 * their elements joined by `csv.array-element-delimiter` (';'); MAP and nested collections have
 * no csv form and are refused when the table is created. An empty ARRAY, and one holding only
 * one NULL, have the text of a NULL array and read back as NULL. With `csv.ignore-parse-errors`
 * a record that cannot be split into the table's fields is skipped and a value that does not
 * convert is NULL, as in Flink.
 */
import {
  BaseFormat,
  CsvRecordParser,
  type LineDecoder,
  MalformedLineError,
  PENDING,
  SKIP,
} from '../../../connectors/file/index.js';
import type { CatalogColumn } from '../../catalog/catalog.js';
import { formatType, isInteger, isString, type SqlType } from '../../catalog/types.js';
import type { Row } from '../../expressions/compiler.js';
import { javaDoubleText, javaFloatText } from '../../functions/java-number-text.js';
import { badRow } from './bad-row.js';
import {
  binaryText,
  dateText,
  decimalText,
  FieldError,
  parseBinaryText,
  parseBooleanText,
  parseDateText,
  parseIntegerText,
  parseLongText,
  parseNumberText,
  parseTimestampText,
  parseTimeText,
  roundToScale,
  timestampText,
  timeText,
} from './text-values.js';

/** The csv format options of a table. */
export interface CsvRowOptions {
  readonly fieldDelimiter: string;
  /** The quote character, or null with `csv.disable-quote-character`. */
  readonly quote: string | null;
  readonly allowComments: boolean;
  readonly ignoreParseErrors: boolean;
  readonly nullLiteral: string | undefined;
  readonly arrayElementDelimiter: string;
}

type FromText = (text: string) => unknown;
type ToText = (value: unknown) => string;

/** The types the csv format reads and writes; others are refused when the table is created. */
export function csvSupports(type: SqlType, nested = false): boolean {
  switch (type.root) {
    case 'ARRAY':
      return !nested && csvSupports(type.element!, true);
    case 'ROW':
      return !nested && type.fields!.every((f) => csvSupports(f.type, true));
    case 'MAP':
    case 'NULL':
    case 'RAW':
    case 'INTERVAL_DAY_TIME':
    case 'INTERVAL_YEAR_MONTH':
      return false;
    default:
      return true;
  }
}

/** Reads rows from CSV records; a file is one split (a quoted field may span lines). */
export class CsvRowFormat extends BaseFormat<Row> {
  readonly name = 'CSV';
  readonly splittable = false;
  private readonly fields: readonly { name: string; convert: FromText }[];

  constructor(
    columns: readonly CatalogColumn[],
    private readonly options: CsvRowOptions,
  ) {
    super('CsvRowFormat', { onMalformed: options.ignoreParseErrors ? 'skip' : 'fail' });
    this.fields = columns.map((c) => ({ name: c.name, convert: fromText(c.type, options) }));
  }

  createDecoder(path: string): LineDecoder<Row> {
    const { fields, options } = this;
    const parser = new CsvRecordParser(options.fieldDelimiter, options.quote);
    const fail = (line: number, column: string | undefined, reason: string) =>
      badRow('csv', options.ignoreParseErrors, path, line, column, reason);
    const parse = (line: string, terminator: string, lineNumber: number) => {
      try {
        return parser.push(line, terminator, lineNumber);
      } catch (e) {
        if (!(e instanceof MalformedLineError)) throw e;
        throw fail(e.lineNumber, undefined, e.reason);
      }
    };
    return {
      decode(line, terminator, lineNumber) {
        if (!parser.open && (line.length === 0 || (options.allowComments && line.startsWith('#'))))
          return SKIP;
        const values = parse(line, terminator, lineNumber);
        if (values === undefined) return PENDING;
        const start = parser.startLine;
        if (values.length !== fields.length)
          throw fail(start, undefined, `expected ${fields.length} fields but found ${values.length}`);
        const row: Row = {};
        for (let i = 0; i < fields.length; i++) {
          const { name, convert } = fields[i]!;
          try {
            row[name] = convert(values[i]!);
          } catch (e) {
            if (!(e instanceof FieldError)) throw e;
            throw fail(start, name, e.message);
          }
        }
        return row;
      },
      finish() {
        try {
          parser.finish();
        } catch (e) {
          if (!(e instanceof MalformedLineError)) throw e;
          throw fail(e.lineNumber, undefined, e.reason);
        }
      },
      reset: () => parser.reset(),
      snapshot: () => undefined,
    };
  }
}

/**
 * Encodes rows as CSV records, in column order. The encoder is generated once per schema: one
 * string concatenation per row with each column's writer inlined, and the quoting test (the
 * delimiter, the quote or a line break in the text) only on columns whose text can hold one of
 * them, so a row of numbers and timestamps is never scanned. It writes what
 * `formatCsvRecord` writes for the same field texts.
 */
export function csvRowEncoder(
  columns: readonly CatalogColumn[],
  options: CsvRowOptions,
): (row: Row) => string {
  const { fieldDelimiter: delimiter, quote } = options;
  const nullText = options.nullLiteral ?? '';
  const writers = columns.map((c) => nonNullToText(c.type, options));
  const mayNeedQuotes = columns.map(
    (c) =>
      quote !== null &&
      (textMayHold(c.type, delimiter, quote) || textNeedsQuotes(nullText, delimiter, quote)),
  );
  const d = JSON.stringify(delimiter);
  const q = JSON.stringify(quote);
  // The quoting test inline, with the characters as literals: the common case is no quotes.
  const needsQuotes = (t: string) =>
    `${t}.includes(${d}) || ${t}.includes(${q}) || ${t}.includes('\\n') || ${t}.includes('\\r')`;
  const parts: string[] = [];
  columns.forEach((c, i) => {
    const value = `v${i}`;
    const text = `t${i}`;
    // Integers and strings need no writer call; everything else goes through its column's writer.
    const write = isInteger(c.type)
      ? `'' + ${value}`
      : isString(c.type)
        ? `(typeof ${value} === 'string' ? ${value} : w[${i}](${value}))`
        : `w[${i}](${value})`;
    parts.push(
      `const ${value} = row[${JSON.stringify(c.name)}];`,
      `let ${text} = ${value} === null || ${value} === undefined ? nullText : ${write};`,
    );
    if (quote !== null && (columns.length === 1 || mayNeedQuotes[i])) {
      // A lone empty field is quoted, or the record would be an empty line.
      const empty = columns.length === 1 ? ` || ${text} === ''` : '';
      parts.push(`if (${needsQuotes(text)}${empty}) ${text} = quoteText(${text});`);
    }
    parts.push(`out += ${i > 0 ? `${d} + ` : ''}${text};`);
  });
  const quoteText = (text: string): string => quote + text.replaceAll(quote!, quote! + quote!) + quote;
  // Built once per table sink when the job is built; the only free variables are the arguments.
  const factory = new Function(
    'w',
    'nullText',
    'quoteText',
    `"use strict"; return function encode(row) { let out = '';\n${parts.join('\n')}\nreturn out + '\\n'; };`,
  ) as (w: readonly ToText[], nullText: string, quoteText: (text: string) => string) => (row: Row) => string;
  return factory(writers, nullText, quoteText);
}

/** Whether a csv field's text must be quoted: it holds the delimiter, the quote or a line break. */
function textNeedsQuotes(text: string, delimiter: string, quote: string): boolean {
  return text.includes(delimiter) || text.includes(quote) || text.includes('\n') || text.includes('\r');
}

/** The characters the text of a value of these types is made of; others can hold anything. */
const NUMBER_CHARS = '0123456789-';
// 'NaN' is what a Date out of range prints.
const TEMPORAL_CHARS = '0123456789-:. TZNa';

/** Whether the text of a value of `type` could hold the delimiter, the quote or a line break. */
function textMayHold(type: SqlType, delimiter: string, quote: string): boolean {
  let alphabet: string | undefined;
  if (isInteger(type)) alphabet = NUMBER_CHARS;
  else if (type.root === 'BOOLEAN') alphabet = 'truefals';
  else if (['DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_LTZ'].includes(type.root)) alphabet = TEMPORAL_CHARS;
  if (alphabet === undefined) return true;
  const chars = alphabet;
  const inAlphabet = (text: string) => [...text].some((ch) => chars.includes(ch));
  return inAlphabet(delimiter) || inAlphabet(quote) || delimiter.length === 0 || quote.length === 0;
}

const PLAIN: CsvRowOptions = {
  fieldDelimiter: ',',
  quote: '"',
  allowComments: false,
  ignoreParseErrors: false,
  nullLiteral: undefined,
  arrayElementDelimiter: ';',
};

/** The value of a non-null text in the csv form, e.g. a partition directory's value. */
export function csvFieldReader(type: SqlType): (text: string) => unknown {
  return nonNullFromText(type, PLAIN);
}

/** The csv text of a non-null value, e.g. for a partition directory's name. */
export function csvFieldWriter(type: SqlType): (value: unknown) => string {
  return nonNullToText(type, PLAIN);
}

/** How a field's text becomes a column value of `type`; throws {@link FieldError}. */
function fromText(type: SqlType, options: CsvRowOptions): FromText {
  const convert = nonNullFromText(type, options);
  const { nullLiteral } = options;
  const emptyIsNull = !isString(type);
  if (!options.ignoreParseErrors)
    return (text) => (text === nullLiteral || (emptyIsNull && text === '') ? null : convert(text));
  // With csv.ignore-parse-errors a value that does not convert is NULL, as in Flink.
  return (text) => {
    if (text === nullLiteral || (emptyIsNull && text === '')) return null;
    try {
      return convert(text);
    } catch (e) {
      if (e instanceof FieldError) return null;
      throw e;
    }
  };
}

function nonNullFromText(type: SqlType, options: CsvRowOptions): FromText {
  const name = formatType(type);
  if (type.root === 'BIGINT') return (t) => parseLongText(t, name);
  if (isInteger(type)) return (t) => parseIntegerText(t, name);
  switch (type.root) {
    case 'FLOAT':
    case 'DOUBLE':
      return (t) => parseNumberText(t, name);
    case 'DECIMAL':
      return (t) => roundToScale(parseNumberText(t, name), type.scale ?? 0);
    case 'BOOLEAN':
      return parseBooleanText;
    case 'CHAR':
    case 'VARCHAR':
      return (t) => t;
    case 'BINARY':
    case 'VARBINARY':
      return parseBinaryText;
    case 'DATE':
      return parseDateText;
    case 'TIME':
      return parseTimeText;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (t) => parseTimestampText(t, name);
    case 'ARRAY': {
      const element = fromText(type.element!, options);
      const d = options.arrayElementDelimiter;
      return (t) => t.split(d).map(element);
    }
    case 'ROW': {
      const fields = type.fields!.map((f) => ({ name: f.name, convert: fromText(f.type, options) }));
      const d = options.arrayElementDelimiter;
      return (t) => {
        const parts = t.split(d);
        if (parts.length !== fields.length)
          throw new FieldError(
            `expected ${fields.length} values separated by '${d}' but found ${parts.length}`,
          );
        const row: Record<string, unknown> = {};
        for (let i = 0; i < fields.length; i++) row[fields[i]!.name] = fields[i]!.convert(parts[i]!);
        return row;
      };
    }
    default:
      return () => {
        throw new FieldError(`the csv format cannot read ${name}`);
      };
  }
}

/** How a column value of `type` is written as a field's text. */
function toText(type: SqlType, options: CsvRowOptions): ToText {
  const write = nonNullToText(type, options);
  const nullText = options.nullLiteral ?? '';
  return (value) => (value === null || value === undefined ? nullText : write(value));
}

function nonNullToText(type: SqlType, options: CsvRowOptions): ToText {
  if (isInteger(type)) return String;
  switch (type.root) {
    // Java's number text (`100.0`, `1.0E10`), as Flink's Jackson csv writer.
    case 'FLOAT':
      return (v) => javaFloatText(v as number);
    case 'DOUBLE':
      return (v) => javaDoubleText(v as number);
    case 'DECIMAL':
      return (v) => decimalText(v as number, type.scale);
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false');
    case 'BINARY':
    case 'VARBINARY':
      return (v) => binaryText(v as Uint8Array);
    case 'DATE':
      return (v) => dateText(v as number);
    case 'TIME':
      return (v) => timeText(v as number);
    case 'TIMESTAMP':
      return timestampWriter(false);
    case 'TIMESTAMP_LTZ':
      return timestampWriter(true);
    case 'ARRAY': {
      const element = toText(type.element!, options);
      return (v) => (v as unknown[]).map(element).join(options.arrayElementDelimiter);
    }
    case 'ROW': {
      const fields = type.fields!.map((f) => ({ name: f.name, write: toText(f.type, options) }));
      return (v) =>
        fields
          .map((f) => f.write((v as Record<string, unknown>)[f.name]))
          .join(options.arrayElementDelimiter);
    }
    default:
      return String;
  }
}

/**
 * A timestamp column's writer: `timestampText` in the SQL form, with the text of the last
 * second kept, since consecutive rows mostly fall in the same second. Each writer has its own
 * cache, a pure function's, so sharing it between operator instances of a thread is safe.
 */
function timestampWriter(ltz: boolean): ToText {
  let lastSecond = Number.NaN;
  let lastText = '';
  return (v) => {
    const ms = v as number;
    // Fractional or out-of-range millis are rare and have no aligned second: no cache for them.
    if (!Number.isInteger(ms) || ms > 8.64e15 || ms < -8.64e15) return timestampText(ms, 'SQL', ltz);
    const second = Math.floor(ms / 1000);
    const millis = ms - second * 1000;
    if (second !== lastSecond) {
      lastText = timestampText(second * 1000, 'SQL', false);
      lastSecond = second;
    }
    if (millis === 0) return ltz ? `${lastText}Z` : lastText;
    return `${lastText}${MILLIS_FRACTION[millis]}${ltz ? 'Z' : ''}`;
  };
}

/** `.001` … `.999` with trailing zeros dropped, by milliseconds of the second. */
const MILLIS_FRACTION: readonly string[] = Array.from({ length: 1000 }, (_, m) =>
  m === 0 ? '' : `.${String(m).padStart(3, '0').replace(/0+$/, '')}`,
);
