/**
 * `Schema`: the column list of a table built in code rather than written as CREATE TABLE text,
 * as Flink's class of this name. It holds the same parts as the parenthesised part of the DDL
 * (physical, computed and metadata columns, one watermark, a NOT ENFORCED primary key), kept
 * unresolved: types and expressions are SQL text, checked when a table is created from it,
 * by the very checks CREATE TABLE runs.
 *
 * @example
 * const schema = Schema.newBuilder()
 *   .column('id', 'BIGINT')
 *   .column('ts', 'TIMESTAMP(3)')
 *   .columnByExpression('day', 'CAST(ts AS DATE)')
 *   .watermark('ts', "ts - INTERVAL '5' SECOND")
 *   .primaryKey('id')
 *   .build();
 */
import { quoteIdentifier, quoteString } from '../catalog/ddl-text.js';
import { validationError } from '../errors.js';
import { parseDataType, parseExpression } from '../parser/parse.js';
import { ErrorCodes, userError, WeirError } from '../../types/errors.js';
import { DataType, type DataTypeLike } from './data-types.js';

/**
 * A column type: SQL type text (`'BIGINT'`, `'TIMESTAMP(3) NOT NULL'`, `'ROW<a INT>'`) or a
 * {@link DataType} (`DataTypes.TIMESTAMP(3).notNull()`).
 */
export type SchemaType = DataTypeLike;

/** One column of a {@link Schema}, as declared. */
export type UnresolvedColumn =
  | { readonly kind: 'physical'; readonly name: string; readonly type: string; readonly comment?: string }
  | {
      readonly kind: 'computed';
      readonly name: string;
      readonly expression: string;
      readonly comment?: string;
    }
  | {
      readonly kind: 'metadata';
      readonly name: string;
      readonly type: string;
      /** The connector's key; the column's name when undefined. */
      readonly key?: string;
      readonly virtual: boolean;
      readonly comment?: string;
    };

/** `WATERMARK FOR column AS expression`, as declared. */
export interface UnresolvedWatermark {
  readonly column: string;
  readonly expression: string;
}

/** `CONSTRAINT name PRIMARY KEY (columns) NOT ENFORCED`, as declared. */
export interface UnresolvedPrimaryKey {
  readonly name: string;
  readonly columns: readonly string[];
}

/** An unresolved table schema; build one with {@link Schema.newBuilder}. */
export class Schema {
  private constructor(
    /** The columns in declaration order. */
    readonly columns: readonly UnresolvedColumn[],
    /** Flink's Schema holds a list; CREATE TABLE takes one, so a second fails there. */
    readonly watermarks: readonly UnresolvedWatermark[],
    readonly primaryKey: UnresolvedPrimaryKey | undefined,
  ) {}

  /** A builder for a new schema. */
  static newBuilder(): SchemaBuilder {
    return new SchemaBuilder();
  }

  /** @internal used by the builder only */
  static of(
    columns: readonly UnresolvedColumn[],
    watermarks: readonly UnresolvedWatermark[],
    primaryKey: UnresolvedPrimaryKey | undefined,
  ): Schema {
    return new Schema(Object.freeze([...columns]), Object.freeze([...watermarks]), primaryKey);
  }

  /**
   * The schema in Flink's summary layout: one element per line in parentheses, identifiers in
   * backquotes, `WATERMARK FOR …` and `CONSTRAINT … PRIMARY KEY (…) NOT ENFORCED` last.
   */
  toString(): string {
    const elements = this.columns.map(columnText);
    for (const w of this.watermarks)
      elements.push(`WATERMARK FOR ${quoteIdentifier(w.column)} AS ${w.expression}`);
    const key = this.primaryKey;
    if (key !== undefined)
      elements.push(
        `CONSTRAINT ${quoteIdentifier(key.name)} PRIMARY KEY (${key.columns.map(quoteIdentifier).join(', ')}) NOT ENFORCED`,
      );
    return `(\n${elements.map((e) => `  ${e}`).join(',\n')}\n)`;
  }
}

function columnText(c: UnresolvedColumn): string {
  const comment = c.comment === undefined ? '' : ` COMMENT ${quoteString(c.comment)}`;
  const name = quoteIdentifier(c.name);
  switch (c.kind) {
    case 'physical':
      return `${name} ${c.type}${comment}`;
    case 'computed':
      return `${name} AS ${c.expression}${comment}`;
    case 'metadata': {
      const from = c.key === undefined ? '' : ` FROM ${quoteString(c.key)}`;
      return `${name} ${c.type} METADATA${from}${c.virtual ? ' VIRTUAL' : ''}${comment}`;
    }
  }
}

/**
 * Builds a {@link Schema}. Each type and expression is parsed when it is added, so a typo is
 * reported at the call that made it, and text cannot reach past its own element of the schema.
 */
export class SchemaBuilder {
  private readonly columns: UnresolvedColumn[] = [];
  private readonly watermarks: UnresolvedWatermark[] = [];
  private key: UnresolvedPrimaryKey | undefined;

  /** Adopts the columns, watermarks and primary key of another schema. */
  fromSchema(schema: Schema): this {
    this.columns.push(...schema.columns);
    this.watermarks.push(...schema.watermarks);
    if (schema.primaryKey !== undefined)
      this.primaryKeyNamed(schema.primaryKey.name, ...schema.primaryKey.columns);
    return this;
  }

  /** A physical column: a field of the rows the connector reads and writes. */
  column(name: string, type: SchemaType): this {
    this.columns.push({ kind: 'physical', name: checkedName(name), type: checkedType(name, type) });
    return this;
  }

  /**
   * A computed column: `sqlExpression` over the other columns, e.g. `'price * quantity'`. Its
   * type is the expression's; it is read, never written.
   */
  columnByExpression(name: string, sqlExpression: string): this {
    this.columns.push({
      kind: 'computed',
      name: checkedName(name),
      expression: checkedExpression(`column '${name}'`, sqlExpression),
    });
    return this;
  }

  /**
   * A metadata column: a value the connector knows about each row (the file it came from, a
   * record's timestamp), under `key` (the column's name when omitted). A `virtual` one is read
   * but never written. `columnByMetadata(name, type, true)` is a virtual column keyed by its name.
   */
  columnByMetadata(name: string, type: SchemaType, keyOrVirtual?: string | boolean, virtual = false): this {
    const key = typeof keyOrVirtual === 'string' ? keyOrVirtual : undefined;
    const isVirtual = typeof keyOrVirtual === 'boolean' ? keyOrVirtual : virtual;
    this.columns.push({
      kind: 'metadata',
      name: checkedName(name),
      type: checkedType(name, type),
      ...(key === undefined ? {} : { key }),
      virtual: isVirtual,
    });
    return this;
  }

  /** A comment on the column declared last. */
  withComment(comment: string): this {
    const last = this.columns.pop();
    if (last === undefined)
      throw validationError(
        undefined,
        'withComment comments the column declared before it; declare a column first',
      );
    this.columns.push({ ...last, comment });
    return this;
  }

  /**
   * Makes `column` (TIMESTAMP(3) or TIMESTAMP_LTZ(3)) the event-time attribute, with watermarks
   * computed by `sqlExpression`, e.g. `"ts - INTERVAL '5' SECOND"`.
   */
  watermark(column: string, sqlExpression: string): this {
    this.watermarks.push({
      column: checkedName(column),
      expression: checkedExpression(`the watermark of '${column}'`, sqlExpression),
    });
    return this;
  }

  /** A NOT ENFORCED primary key named `PK_` and the columns joined by `_`, as Flink names it. */
  primaryKey(...columns: string[]): this {
    return this.primaryKeyNamed(`PK_${columns.join('_')}`, ...columns);
  }

  /** A NOT ENFORCED primary key with a constraint name. */
  primaryKeyNamed(name: string, ...columns: string[]): this {
    if (this.key !== undefined)
      throw validationError(
        undefined,
        `a schema has one primary key, and '${this.key.name}' is declared already; declare all key columns in one call`,
      );
    if (name.trim() === '')
      throw validationError(
        undefined,
        'the primary key constraint name is empty; name it, or call primaryKey(...columns)',
      );
    if (columns.length === 0)
      throw validationError(undefined, `primary key '${name}' has no columns; name at least one column`);
    this.key = { name, columns: Object.freeze(columns.map(checkedName)) };
    return this;
  }

  /** The schema as declared so far. */
  build(): Schema {
    return Schema.of(this.columns, this.watermarks, this.key);
  }
}

function checkedName(name: string): string {
  if (typeof name !== 'string' || name === '')
    throw validationError(undefined, 'a column name is empty; give every column a name');
  return name;
}

/** The type's text, once it parses as one SQL type (and so holds nothing else). */
function checkedType(column: string, type: SchemaType): string {
  const text = type instanceof DataType ? type.toString() : type;
  const what = `the type '${text}' of column '${column}'`;
  inPiece(what, () => parseDataType(text));
  // Nested in a type, the text must still end where it seems to: a trailing `-- comment`
  // would hide the comma and the rest of the table's text after it.
  endsInLineComment(what, () => parseDataType(`ROW<x ${text}>`));
  return text.trim();
}

/** The expression's text, once it parses as one SQL expression (and so holds nothing else). */
function checkedExpression(what: string, text: string): string {
  inPiece(`the expression of ${what}`, () => parseExpression(text));
  endsInLineComment(`the expression of ${what}`, () => parseExpression(`(${text})`));
  return text.trim();
}

function endsInLineComment(what: string, parse: () => unknown): void {
  try {
    parse();
  } catch {
    throw validationError(
      undefined,
      `${what} ends in a -- comment, which would hide the rest of the table's definition; remove the comment`,
    );
  }
}

/** Runs a parse of a piece of SQL text, naming the piece in its error. */
function inPiece(what: string, parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof WeirError)) throw error;
    throw userError(ErrorCodes.SQL_PARSE, `${error.message} (in ${what})`, error);
  }
}
