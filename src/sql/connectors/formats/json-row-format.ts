/**
 * The `json` format of the filesystem connector: one JSON object per line, its fields named
 * after the table's columns, as Flink's json format reads and writes them. Numbers and DECIMALs
 * are JSON numbers (numeric strings are read too), temporal values are text (see
 * text-values.ts), BYTES are base64, ARRAY/MAP/ROW are JSON arrays and objects. Fields the
 * table does not have are ignored; a missing field is NULL unless `json.fail-on-missing-field`.
 * With `json.ignore-parse-errors`, a line that is not a JSON object is skipped and a value that
 * does not convert is NULL, as in Flink.
 * Conversions are built once per column, not looked up per row.
 */
import { BaseFormat, type LineDecoder, SKIP } from '../../../connectors/file/index.js';
import type { CatalogColumn } from '../../catalog/catalog.js';
import { formatType, isInteger, type SqlType } from '../../catalog/types.js';
import type { Row } from '../../expressions/compiler.js';
import { javaDoubleText, javaFloatText } from '../../functions/java-number-text.js';
import { badRow } from './bad-row.js';
import { exactJsonText, parseExactJson } from './exact-json.js';
import { type Long, MAX_LONG, MIN_LONG, parseLong, wrapLong } from '../../expressions/long.js';
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
  quoted,
  roundToScale,
  type TimestampStandard,
  timestampText,
  timeText,
} from './text-values.js';

/** The json format options of a table. */
export interface JsonRowOptions {
  readonly ignoreParseErrors: boolean;
  readonly failOnMissingField: boolean;
  readonly timestampStandard: TimestampStandard;
}

type FromJson = (value: unknown) => unknown;
type ToJson = (value: unknown) => string;

/** The types the json format reads and writes; others are refused when the table is created. */
export function jsonSupports(type: SqlType): boolean {
  switch (type.root) {
    case 'ARRAY':
      return jsonSupports(type.element!);
    case 'MAP':
      return jsonSupports(type.key!) && jsonSupports(type.value!) && isScalar(type.key!);
    case 'ROW':
      return type.fields!.every((f) => jsonSupports(f.type));
    case 'NULL':
    case 'RAW':
    case 'INTERVAL_DAY_TIME':
    case 'INTERVAL_YEAR_MONTH':
      return false;
    default:
      return true;
  }
}

function isScalar(type: SqlType): boolean {
  return type.root !== 'ARRAY' && type.root !== 'MAP' && type.root !== 'ROW';
}

/** Reads rows from JSON lines; each file is one split, so errors carry their line number. */
export class JsonRowFormat extends BaseFormat<Row> {
  readonly name = 'JSON';
  /** Whole files per reader: line numbers stay known for error messages. */
  readonly splittable = false;
  private readonly fields: readonly { name: string; convert: FromJson }[];

  constructor(
    columns: readonly CatalogColumn[],
    private readonly options: JsonRowOptions,
  ) {
    super('JsonRowFormat', { onMalformed: options.ignoreParseErrors ? 'skip' : 'fail' });
    this.fields = columns.map((c) => ({
      name: c.name,
      convert: fromJson(c.type, options.ignoreParseErrors),
    }));
  }

  createDecoder(path: string): LineDecoder<Row> {
    const { fields, options } = this;
    const fail = (line: number, column: string | undefined, reason: string) =>
      badRow('json', options.ignoreParseErrors, path, line, column, reason);
    return {
      decode(line, _terminator, lineNumber) {
        if (line.trim().length === 0) return SKIP;
        let parsed: unknown;
        try {
          parsed = parseExactJson(line);
        } catch (e) {
          throw fail(lineNumber, undefined, `invalid JSON (${(e as Error).message})`);
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          throw fail(lineNumber, undefined, 'expected a JSON object with one field per column');
        const object = parsed as Record<string, unknown>;
        const row: Row = {};
        for (const { name, convert } of fields) {
          const value = object[name];
          if (value === undefined && options.failOnMissingField)
            throw fail(lineNumber, name, "the field is missing and 'json.fail-on-missing-field' is true");
          try {
            row[name] = convert(value);
          } catch (e) {
            if (!(e instanceof FieldError)) throw e;
            throw fail(lineNumber, name, e.message);
          }
        }
        return row;
      },
      finish() {},
      reset() {},
      snapshot: () => undefined,
    };
  }
}

/** Encodes rows as JSON lines, with the columns in table order. */
export function jsonRowEncoder(
  columns: readonly CatalogColumn[],
  standard: TimestampStandard,
): (row: Row) => string {
  const fields = columns.map((c) => ({
    key: JSON.stringify(c.name),
    name: c.name,
    write: toJson(c.type, standard),
  }));
  return (row) => {
    let out = '{';
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      out += `${i === 0 ? '' : ','}${f.key}:${f.write(row[f.name])}`;
    }
    return `${out}}\n`;
  };
}

/**
 * NULL stays NULL; with `lenient` (`json.ignore-parse-errors`) a value that does not convert
 * becomes NULL too, at the innermost level that fails, as in Flink.
 */
function orNull(convert: FromJson, lenient: boolean): FromJson {
  if (!lenient) return (value) => (value === null || value === undefined ? null : convert(value));
  return (value) => {
    if (value === null || value === undefined) return null;
    try {
      return convert(value);
    } catch (e) {
      if (e instanceof FieldError) return null;
      throw e;
    }
  };
}

function text(value: unknown, type: SqlType): string {
  if (typeof value === 'string') return value;
  throw new FieldError(`${quoted(exactJsonText(value))} is not ${formatType(type)} text`);
}

/**
 * A JSON number as a BIGINT (`expressions/long.ts`): an integer within the long range, as
 * Jackson's canConvertToLong takes it; 1e18 written with an exponent reads too.
 */
function jsonLong(v: number | bigint, name: string): Long {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v + 0;
  const exact = typeof v === 'bigint' ? v : Number.isInteger(v) ? BigInt(v) : undefined;
  if (exact === undefined || exact < MIN_LONG || exact > MAX_LONG)
    throw new FieldError(`${quoted(String(v))} is not ${name}: outside -2^63 to 2^63-1`);
  return wrapLong(exact);
}

/** How a JSON value becomes a column value of `type`; throws {@link FieldError} unless `lenient`. */
function fromJson(type: SqlType, lenient: boolean): FromJson {
  const name = formatType(type);
  const nullable = (convert: FromJson) => orNull(convert, lenient);
  if (type.root === 'BIGINT')
    return nullable((v) => {
      if (typeof v === 'number' || typeof v === 'bigint') return jsonLong(v, name);
      if (typeof v === 'string') return parseLongText(v, name);
      throw new FieldError(`${quoted(exactJsonText(v))} is not ${name}`);
    });
  if (isInteger(type))
    return nullable((v) => {
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string') return parseIntegerText(v, name);
      throw new FieldError(`${quoted(exactJsonText(v))} is not ${name}`);
    });
  switch (type.root) {
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL': {
      const scale = type.root === 'DECIMAL' ? (type.scale ?? 0) : undefined;
      return nullable((v) => {
        if (typeof v === 'number') return roundToScale(v, scale);
        if (typeof v === 'bigint') return roundToScale(Number(v), scale);
        if (typeof v === 'string') return roundToScale(parseNumberText(v, name), scale);
        throw new FieldError(`${quoted(exactJsonText(v))} is not ${name}`);
      });
    }
    case 'BOOLEAN':
      return nullable((v) => (typeof v === 'boolean' ? v : parseBooleanText(text(v, type))));
    case 'CHAR':
    case 'VARCHAR':
      // Flink reads a non-text JSON value into a string column as its JSON text.
      return nullable((v) => (typeof v === 'string' ? v : exactJsonText(v)));
    case 'BINARY':
    case 'VARBINARY':
      return nullable((v) => parseBinaryText(text(v, type)));
    case 'DATE':
      return nullable((v) => parseDateText(text(v, type)));
    case 'TIME':
      return nullable((v) => parseTimeText(text(v, type)));
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return nullable((v) => parseTimestampText(text(v, type), name));
    case 'ARRAY': {
      const element = fromJson(type.element!, lenient);
      return nullable((v) => {
        if (!Array.isArray(v)) throw new FieldError(`${quoted(exactJsonText(v))} is not a JSON array`);
        return v.map(element);
      });
    }
    case 'MAP': {
      const key = fromJson(type.key!, lenient);
      const value = fromJson(type.value!, lenient);
      const keyFromText = keyReader(type.key!);
      return nullable((v) => {
        if (typeof v !== 'object' || Array.isArray(v))
          throw new FieldError(`${quoted(exactJsonText(v))} is not a JSON object`);
        const map = new Map<unknown, unknown>();
        for (const [k, x] of Object.entries(v as Record<string, unknown>))
          map.set(key(keyFromText(k)), value(x));
        return map;
      });
    }
    case 'ROW': {
      const fields = type.fields!.map((f) => ({ name: f.name, convert: fromJson(f.type, lenient) }));
      return nullable((v) => {
        if (typeof v !== 'object' || Array.isArray(v))
          throw new FieldError(`${quoted(exactJsonText(v))} is not a JSON object`);
        const object = v as Record<string, unknown>;
        const row: Record<string, unknown> = {};
        for (const f of fields) row[f.name] = f.convert(object[f.name]);
        return row;
      });
    }
    default:
      throw new FieldError(`the json format cannot read ${name}`);
  }
}

/** Map keys are JSON object keys, always text: numbers and booleans are read back from it. */
function keyReader(type: SqlType): (key: string) => unknown {
  if (type.root === 'BIGINT') return (k) => parseLong(k) ?? k;
  if (type.root === 'BOOLEAN') return (k) => (k === 'true' ? true : k === 'false' ? false : k);
  if (isInteger(type) || type.root === 'FLOAT' || type.root === 'DOUBLE' || type.root === 'DECIMAL')
    return (k) => (k.trim() !== '' && !Number.isNaN(Number(k)) ? Number(k) : k);
  return (k) => k;
}

/** How a column value of `type` is written as JSON text. */
function toJson(type: SqlType, standard: TimestampStandard): ToJson {
  const write = nonNullToJson(type, standard);
  return (value) => (value === null || value === undefined ? 'null' : write(value));
}

function nonNullToJson(type: SqlType, standard: TimestampStandard): ToJson {
  if (isInteger(type)) return (v) => String(v);
  switch (type.root) {
    // Java's number text (`100.0`, `1.0E10`), as Flink's Jackson writer; JSON has no NaN or
    // infinities, so they are written as text, which reads back.
    case 'FLOAT':
      return (v) => (Number.isFinite(v as number) ? javaFloatText(v as number) : `"${String(v)}"`);
    case 'DOUBLE':
      return (v) => (Number.isFinite(v as number) ? javaDoubleText(v as number) : `"${String(v)}"`);
    case 'DECIMAL':
      return (v) => (Number.isFinite(v as number) ? decimalText(v as number, type.scale) : `"${String(v)}"`);
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false');
    case 'BINARY':
    case 'VARBINARY':
      return (v) => `"${binaryText(v as Uint8Array)}"`;
    case 'DATE':
      return (v) => `"${dateText(v as number)}"`;
    case 'TIME':
      return (v) => `"${timeText(v as number)}"`;
    case 'TIMESTAMP':
      return (v) => `"${timestampText(v as number, standard, false)}"`;
    case 'TIMESTAMP_LTZ':
      return (v) => `"${timestampText(v as number, standard, true)}"`;
    case 'ARRAY': {
      const element = toJson(type.element!, standard);
      return (v) => `[${(v as unknown[]).map(element).join(',')}]`;
    }
    case 'MAP': {
      const keyText = toMapKey(type.key!, standard);
      const value = toJson(type.value!, standard);
      return (v) => {
        const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
        return `{${entries.map(([k, x]) => `${JSON.stringify(keyText(k))}:${value(x)}`).join(',')}}`;
      };
    }
    case 'ROW': {
      const fields = type.fields!.map((f) => ({
        key: JSON.stringify(f.name),
        name: f.name,
        write: toJson(f.type, standard),
      }));
      return (v) => {
        const row = v as Record<string, unknown>;
        return `{${fields.map((f) => `${f.key}:${f.write(row[f.name])}`).join(',')}}`;
      };
    }
    default:
      return (v) => JSON.stringify(v) ?? 'null';
  }
}

/** A map key as the text of a JSON object key. */
function toMapKey(type: SqlType, standard: TimestampStandard): (key: unknown) => string {
  const write = nonNullToJson(type, standard);
  return (k) => {
    if (k === null || k === undefined) return 'null';
    if (typeof k === 'string') return k;
    const json = write(k);
    return json.startsWith('"') ? (JSON.parse(json) as string) : json;
  };
}
