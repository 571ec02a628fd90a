/**
 * `TableDescriptor`: a table defined in code, as Flink's class of this name — the parts of a
 * `CREATE TABLE (schema) COMMENT … PARTITIONED BY (…) WITH (…)` statement, without the name.
 * `TableEnvironment.createTable(path, descriptor)` registers it.
 *
 * The table goes through CREATE TABLE itself: `createTable` runs `CREATE TABLE path` followed
 * by the descriptor's text, so every check and every error of the DDL applies alike. An error's
 * line and column count in that statement, whose second line on is `toString()`.
 *
 * @example
 * tEnv.createTemporaryTable('orders', TableDescriptor.forConnector('datagen')
 *   .schema(Schema.newBuilder().column('id', 'BIGINT').column('price', 'DOUBLE').build())
 *   .option('number-of-rows', 100)
 *   .build());
 */
import { quoteIdentifier, quoteString } from '../catalog/ddl-text.js';
import { validationError } from '../errors.js';
import { FormatDescriptor } from './format-descriptor.js';
import type { Schema } from './schema.js';

/** The parts of a CREATE TABLE statement after the table's name. */
export class TableDescriptor {
  private constructor(
    /** The columns; a descriptor without one cannot create a table. */
    readonly schema: Schema | undefined,
    /** The `WITH` options in the order first set, 'connector' first. */
    readonly options: ReadonlyMap<string, string>,
    readonly partitionKeys: readonly string[],
    readonly comment: string | undefined,
  ) {}

  /** A builder for a table of the connector `connector` (`'datagen'`, `'filesystem'`, `'print'`…). */
  static forConnector(connector: string): TableDescriptorBuilder {
    if (typeof connector !== 'string' || connector === '')
      throw validationError(
        undefined,
        "a table descriptor needs a connector identifier, e.g. forConnector('datagen')",
      );
    return new TableDescriptorBuilder(undefined, new Map([['connector', connector]]), [], undefined);
  }

  /** @internal used by the builder only */
  static of(
    schema: Schema | undefined,
    options: ReadonlyMap<string, string>,
    partitionKeys: readonly string[],
    comment: string | undefined,
  ): TableDescriptor {
    return new TableDescriptor(schema, new Map(options), Object.freeze([...partitionKeys]), comment);
  }

  /** A builder that starts from this descriptor. */
  toBuilder(): TableDescriptorBuilder {
    return new TableDescriptorBuilder(
      this.schema,
      new Map(this.options),
      [...this.partitionKeys],
      this.comment,
    );
  }

  /**
   * The descriptor in Flink's layout: the schema, then `COMMENT '…'` (empty when there is
   * none), the PARTITIONED BY line (empty when there are no keys) and the `WITH (…)` options.
   */
  toString(): string {
    return this.lines(`COMMENT ${quoteString(this.comment ?? '')}`).join('\n');
  }

  /**
   * @internal The text after `CREATE TABLE name`: `toString()` with its COMMENT line left blank
   * when there is no comment (an empty comment would be a comment), so lines match.
   */
  ddlText(): string {
    return this.lines(this.comment === undefined ? '' : `COMMENT ${quoteString(this.comment)}`).join('\n');
  }

  private lines(comment: string): string[] {
    const partitions =
      this.partitionKeys.length === 0
        ? ''
        : `PARTITIONED BY (${this.partitionKeys.map(quoteIdentifier).join(', ')})`;
    const options = [...this.options].map(([k, v]) => `  ${quoteString(k)} = ${quoteString(v)}`);
    return [this.schema?.toString() ?? '', comment, partitions, 'WITH (', options.join(',\n'), ')'];
  }
}

/** Builds a {@link TableDescriptor}. */
export class TableDescriptorBuilder {
  /** @internal use {@link TableDescriptor.forConnector} or {@link TableDescriptor.toBuilder} */
  constructor(
    private schemaValue: Schema | undefined,
    private readonly options: Map<string, string>,
    private readonly partitionKeys: string[],
    private commentValue: string | undefined,
  ) {}

  /** The table's columns. */
  schema(schema: Schema): this {
    this.schemaValue = schema;
    return this;
  }

  /** Sets a `WITH` option, e.g. `option('number-of-rows', 10)`; the key is written in full. */
  option(key: string, value: string | number | boolean): this {
    if (typeof key !== 'string' || key === '')
      throw validationError(undefined, 'an option key is empty; name the option');
    this.options.set(key, String(value));
    return this;
  }

  /**
   * The format, by name (`format('json')`) or with options (`format(FormatDescriptor…)`), whose
   * options are prefixed: csv's `field-delimiter` becomes `csv.field-delimiter`. With a leading
   * option key (`format('key.format', descriptor)`) the format sets that option instead, and its
   * options are prefixed with `key.csv.`.
   */
  format(format: string | FormatDescriptor): this;
  format(formatOption: string, format: FormatDescriptor): this;
  format(first: string | FormatDescriptor, second?: FormatDescriptor): this {
    const formatOption = second === undefined ? 'format' : (first as string);
    const descriptor =
      second ?? (first instanceof FormatDescriptor ? first : FormatDescriptor.forFormat(first).build());
    const prefix = formatPrefix(formatOption, descriptor.format);
    this.option(formatOption, descriptor.format);
    for (const [key, value] of descriptor.options) {
      if (key.startsWith(prefix))
        throw validationError(
          undefined,
          `format option '${key}' already holds the prefix '${prefix}', which format(FormatDescriptor) adds; write '${key.slice(prefix.length)}'`,
        );
      this.option(prefix + key, value);
    }
    return this;
  }

  /** The columns whose values name the directory each row is written to (filesystem tables). */
  partitionedBy(...keys: string[]): this {
    this.partitionKeys.push(...keys);
    return this;
  }

  /** The table's comment, as DESCRIBE and SHOW CREATE TABLE show it. */
  comment(comment: string): this {
    this.commentValue = comment;
    return this;
  }

  /** The descriptor as configured so far. */
  build(): TableDescriptor {
    return TableDescriptor.of(this.schemaValue, this.options, this.partitionKeys, this.commentValue);
  }
}

/** Where a format's options go: `csv.` for 'format', `key.csv.` for 'key.format', as in Flink. */
function formatPrefix(formatOption: string, format: string): string {
  if (formatOption === 'format') return `${format}.`;
  if (formatOption.endsWith('.format')) return `${formatOption.slice(0, -'.format'.length)}.${format}.`;
  throw validationError(
    undefined,
    `the format option key '${formatOption}' is neither 'format' nor ends with '.format'; pass e.g. 'key.format'`,
  );
}
