/**
 * How Weir SQL values travel to and from PostgreSQL. Writing, each value goes as a query
 * parameter in the text PostgreSQL parses for the column's type (an epoch-millisecond TIMESTAMP
 * becomes `'2024-01-02T03:04:05.678'`); the session runs in UTC, so TIMESTAMP_LTZ and TIMESTAMP
 * agree with Weir's UTC wall-clock times. Reading, the SELECT itself converts each column to
 * the JavaScript value Weir holds (a TIMESTAMP to epoch milliseconds, a DATE to days since
 * 1970-01-01, any number to float8), so no result needs parsing in JavaScript and no global
 * type parser of node-postgres is changed.
 */
import { parseLong } from '../../expressions/long.js';
import type { SqlType } from '../../catalog/types.js';

/** The PostgreSQL type a Weir type maps to (for `CREATE TABLE` hints), or undefined when none does. */
export function pgTypeOf(type: SqlType): string | undefined {
  switch (type.root) {
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TINYINT':
    case 'SMALLINT':
      return 'SMALLINT';
    case 'INT':
      return 'INTEGER';
    case 'BIGINT':
      return 'BIGINT';
    case 'FLOAT':
      return 'REAL';
    case 'DOUBLE':
      return 'DOUBLE PRECISION';
    case 'DECIMAL':
      return `NUMERIC(${type.precision ?? 10}, ${type.scale ?? 0})`;
    case 'CHAR':
    case 'VARCHAR':
      return 'TEXT';
    case 'BINARY':
    case 'VARBINARY':
      return 'BYTEA';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'TIMESTAMP':
      return `TIMESTAMP(${Math.min(type.precision ?? 6, 6)})`;
    case 'TIMESTAMP_LTZ':
      return `TIMESTAMPTZ(${Math.min(type.precision ?? 6, 6)})`;
    default:
      return undefined;
  }
}

/** `"name"`, with inner quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `table` or `schema.table` from `table-name`, quoted part by part. */
export function quoteTableName(tableName: string): string {
  return tableName.split('.').map(quoteIdent).join('.');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Converts a Weir value of `type` into a query parameter PostgreSQL reads as that column's type. */
export function toParameter(type: SqlType): (value: unknown) => unknown {
  switch (type.root) {
    case 'TIMESTAMP':
      return (v) => (v === null || v === undefined ? null : new Date(v as number).toISOString().slice(0, -1));
    case 'TIMESTAMP_LTZ':
      return (v) => (v === null || v === undefined ? null : new Date(v as number).toISOString());
    case 'DATE':
      return (v) =>
        v === null || v === undefined
          ? null
          : new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
    case 'TIME':
      return (v) => {
        if (v === null || v === undefined) return null;
        const ms = v as number;
        return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
      };
    case 'BINARY':
    case 'VARBINARY':
      // node-postgres sends Buffers as bytea; a plain Uint8Array would be sent as an array.
      return (v) =>
        v === null || v === undefined
          ? null
          : Buffer.from((v as Uint8Array).buffer, (v as Uint8Array).byteOffset, (v as Uint8Array).byteLength);
    default:
      return (v) => (v === undefined ? null : v);
  }
}

/** The SELECT expression that reads `column` as the value Weir holds for `type`. */
export function scanExpression(column: string, type: SqlType): string {
  const c = quoteIdent(column);
  switch (type.root) {
    // int8 as text: a double would lose the digits past 2^53 (see scanConversions).
    case 'BIGINT':
      return `${c}::int8::text`;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      // int8 and numeric would arrive as strings; Weir holds every number as a JS number.
      return `${c}::float8`;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
    case 'TIME':
      return `floor(extract(epoch from ${c}) * 1000)::float8`;
    case 'DATE':
      return `(${c} - DATE '1970-01-01')`;
    case 'CHAR':
    case 'VARCHAR':
      return `${c}::text`;
    default:
      return c;
  }
}

/** Turns a bytea Buffer that node-postgres returns into the plain Uint8Array Weir holds. */
function fromBytea(value: unknown): unknown {
  return value instanceof Buffer ? new Uint8Array(value) : value;
}

/** A BIGINT scanned as text into its exact value (expressions/long.ts). */
function fromInt8Text(value: unknown): unknown {
  return typeof value === 'string' ? parseLong(value) : value;
}

/** A scanned column whose value node-postgres gives in another form than Weir holds. */
export interface ScanConversion {
  readonly name: string;
  readonly convert: (value: unknown) => unknown;
}

/** The conversions the rows of {@link scanExpression}s need: bytea buffers, int8 text. */
export function scanConversions(columns: readonly { name: string; type: SqlType }[]): ScanConversion[] {
  const conversions: ScanConversion[] = [];
  for (const { name, type } of columns) {
    if (type.root === 'BINARY' || type.root === 'VARBINARY') conversions.push({ name, convert: fromBytea });
    else if (type.root === 'BIGINT') conversions.push({ name, convert: fromInt8Text });
  }
  return conversions;
}
