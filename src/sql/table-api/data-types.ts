/**
 * `DataTypes`: SQL types named in TypeScript, as Flink's class of that name, for the Table
 * API's `cast` and `lit(value, type)`. A type is its SQL text (`DECIMAL(10, 2)`), the form
 * Weir's schemas take everywhere else (`fromDataStream`, user functions' `resultType`), so a
 * string such as `'BIGINT'` works wherever a {@link DataType} does.
 */
import { resolveType } from '../catalog/types.js';
import { parseDataType } from '../parser/parse.js';
import { withTableApiErrors } from './errors.js';
import { quoteIdentifier } from './sql-text.js';

/** A SQL type, as {@link DataTypes} makes it; `toString()` gives its SQL text. */
export class DataType {
  /** @internal */
  constructor(private readonly sql: string) {}

  /** The same type without NULL values (`INT NOT NULL`). */
  notNull(): DataType {
    return new DataType(`${this.sql} NOT NULL`);
  }

  /** The type's SQL text, e.g. `ROW<\`id\` BIGINT, \`name\` STRING>`. */
  toString(): string {
    return this.sql;
  }
}

/** A named field of {@link DataTypes.ROW}. */
export interface DataTypeField {
  readonly name: string;
  readonly type: DataType;
}

/** A type as the Table API takes it: a {@link DataType}, or SQL text such as `'DECIMAL(10, 2)'`. */
export type DataTypeLike = DataType | string;

/** The SQL text of a type; text is checked as a column type is, so a typo fails here. */
export function dataTypeSql(type: DataTypeLike): string {
  if (type instanceof DataType) return type.toString();
  withTableApiErrors('cast', () => resolveType(parseDataType(type)));
  return type;
}

const precision = (name: string, p: number | undefined) =>
  new DataType(p === undefined ? name : `${name}(${p})`);

/** Constructors of SQL types, with Flink's names. */
export const DataTypes = Object.freeze({
  BOOLEAN: () => new DataType('BOOLEAN'),
  TINYINT: () => new DataType('TINYINT'),
  SMALLINT: () => new DataType('SMALLINT'),
  INT: () => new DataType('INT'),
  BIGINT: () => new DataType('BIGINT'),
  FLOAT: () => new DataType('FLOAT'),
  DOUBLE: () => new DataType('DOUBLE'),
  /** `DECIMAL(precision, scale)`. */
  DECIMAL: (p: number, s: number) => new DataType(`DECIMAL(${p}, ${s})`),
  STRING: () => new DataType('STRING'),
  VARCHAR: (n: number) => new DataType(`VARCHAR(${n})`),
  CHAR: (n: number) => new DataType(`CHAR(${n})`),
  BYTES: () => new DataType('BYTES'),
  DATE: () => new DataType('DATE'),
  TIME: (p?: number) => precision('TIME', p),
  /** `TIMESTAMP(p)`, a date and time without a zone; precision 6 when not given. */
  TIMESTAMP: (p?: number) => precision('TIMESTAMP', p),
  /** `TIMESTAMP_LTZ(p)`, an instant shown in the session's time zone. */
  TIMESTAMP_LTZ: (p?: number) => precision('TIMESTAMP_LTZ', p),
  ARRAY: (element: DataType) => new DataType(`ARRAY<${element}>`),
  MAP: (key: DataType, value: DataType) => new DataType(`MAP<${key}, ${value}>`),
  /** `ROW<name type, …>` of {@link DataTypes.FIELD}s. */
  ROW: (...fields: DataTypeField[]) =>
    new DataType(`ROW<${fields.map((f) => `${quoteIdentifier(f.name)} ${f.type}`).join(', ')}>`),
  FIELD: (name: string, type: DataType): DataTypeField => ({ name, type }),
});
