/**
 * Tables defined with Schema and TableDescriptor (`createTable`, `createTemporaryTable`): the
 * descriptor's text in Flink's layout; tables read (datagen, filesystem) and written
 * (filesystem json and csv, print, blackhole); SHOW CREATE TABLE and DESCRIBE the same as for
 * the CREATE TABLE statement with the same parts; and every mistake reported as the DDL
 * reports it, as one line.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DataTypes,
  FormatDescriptor,
  Schema,
  StreamExecutionEnvironment,
  TableDescriptor,
  TableEnvironment,
} from '../../src/index.js';
import { readCommitted } from '../support/exactly-once.js';
import { oneLineError } from '../support/one-line-error.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-sql-descriptor-');

function tableEnv(printed?: string[]): TableEnvironment {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  return TableEnvironment.create(
    env,
    printed === undefined ? {} : { printTarget: { write: (t: string) => printed.push(t) } },
  );
}

async function rows(tEnv: TableEnvironment, sql: string): Promise<Record<string, unknown>[]> {
  return tEnv.executeSql(sql).collect();
}

const ID = Schema.newBuilder().column('id', 'BIGINT').build();

describe('TableDescriptor text', () => {
  test('prints the schema, comment, partitions and options as Flink lays them out', () => {
    const descriptor = TableDescriptor.forConnector('filesystem')
      .schema(
        Schema.newBuilder()
          .column('id', 'BIGINT NOT NULL')
          .withComment('the key')
          .column('ts', 'TIMESTAMP(3)')
          .column('dt', 'STRING')
          .columnByExpression('id2', 'id * 2')
          .columnByMetadata('file', 'STRING', 'file.path', true)
          .watermark('ts', "ts - INTERVAL '5' SECOND")
          .primaryKey('id')
          .build(),
      )
      .option('path', '/data')
      .format(FormatDescriptor.forFormat('csv').option('field-delimiter', ';').build())
      .partitionedBy('dt')
      .comment("Bob's table")
      .build();
    expect(descriptor.toString()).toBe(
      [
        '(',
        "  `id` BIGINT NOT NULL COMMENT 'the key',",
        '  `ts` TIMESTAMP(3),',
        '  `dt` STRING,',
        '  `id2` AS id * 2,',
        "  `file` STRING METADATA FROM 'file.path' VIRTUAL,",
        "  WATERMARK FOR `ts` AS ts - INTERVAL '5' SECOND,",
        '  CONSTRAINT `PK_id` PRIMARY KEY (`id`) NOT ENFORCED',
        ')',
        "COMMENT 'Bob''s table'",
        'PARTITIONED BY (`dt`)',
        'WITH (',
        "  'connector' = 'filesystem',",
        "  'path' = '/data',",
        "  'format' = 'csv',",
        "  'csv.field-delimiter' = ';'",
        ')',
      ].join('\n'),
    );
  });

  test('without a comment or partitions their lines are empty, as in Flink', () => {
    const descriptor = TableDescriptor.forConnector('datagen').schema(ID).option('number-of-rows', 3).build();
    expect(descriptor.toString()).toBe(
      "(\n  `id` BIGINT\n)\nCOMMENT ''\n\nWITH (\n  'connector' = 'datagen',\n  'number-of-rows' = '3'\n)",
    );
  });

  test('a format for another option prefixes its options with that option', () => {
    const descriptor = TableDescriptor.forConnector('kafka')
      .format('key.format', FormatDescriptor.forFormat('json').option('ignore-parse-errors', true).build())
      .build();
    expect([...descriptor.options]).toEqual([
      ['connector', 'kafka'],
      ['key.format', 'json'],
      ['key.json.ignore-parse-errors', 'true'],
    ]);
  });

  test('toBuilder starts from the descriptor and leaves it as it was', () => {
    const base = TableDescriptor.forConnector('datagen').schema(ID).option('number-of-rows', 3).build();
    const changed = base.toBuilder().option('number-of-rows', 5).comment('c').build();
    expect(base.options.get('number-of-rows')).toBe('3');
    expect(base.comment).toBeUndefined();
    expect(changed.options.get('number-of-rows')).toBe('5');
    expect(changed.comment).toBe('c');
  });
});

describe('tables from descriptors', () => {
  test('types given as DataTypes are the types their SQL text names', async () => {
    const tEnv = tableEnv();
    const schema = Schema.newBuilder()
      .column('id', DataTypes.BIGINT().notNull())
      .column('price', DataTypes.DECIMAL(10, 2))
      .column('ts', DataTypes.TIMESTAMP(3))
      .column('tags', DataTypes.ARRAY(DataTypes.STRING()))
      .column(
        'pos',
        DataTypes.ROW(DataTypes.FIELD('x', DataTypes.INT()), DataTypes.FIELD('y', DataTypes.INT())),
      )
      .columnByMetadata('file', DataTypes.STRING(), 'file.path', true)
      .watermark('ts', 'ts')
      .build();
    tEnv.createTable(
      'typed',
      TableDescriptor.forConnector('filesystem')
        .schema(schema)
        .option('path', '/tmp/none')
        .format('json')
        .build(),
    );
    tEnv.executeSql(`CREATE TABLE by_ddl (id BIGINT NOT NULL, price DECIMAL(10, 2), ts TIMESTAMP(3),
      tags ARRAY<STRING>, pos ROW<x INT, y INT>, file STRING METADATA FROM 'file.path' VIRTUAL, WATERMARK FOR ts AS ts)
      WITH ('connector' = 'filesystem', 'path' = '/tmp/none', 'format' = 'json')`);
    expect(await rows(tEnv, 'DESCRIBE typed')).toEqual(await rows(tEnv, 'DESCRIBE by_ddl'));
    expect(schema.toString()).toContain('`pos` ROW<`x` INT, `y` INT>,');
  });

  test('a datagen table reads its rows, with a computed column', async () => {
    const tEnv = tableEnv();
    tEnv.createTemporaryTable(
      'gen',
      TableDescriptor.forConnector('datagen')
        .schema(Schema.newBuilder().column('id', 'INT').columnByExpression('twice', 'id * 2').build())
        .option('number-of-rows', 5)
        .option('fields.id.kind', 'sequence')
        .option('fields.id.start', 1)
        .option('fields.id.end', 5)
        .build(),
    );
    expect(await rows(tEnv, 'SELECT id, twice FROM gen')).toEqual(
      [1, 2, 3, 4, 5].map((id) => ({ id, twice: id * 2 })),
    );
    expect(tEnv.listTemporaryTables()).toEqual(['gen']);
  });

  test.each([
    ['json', 'json', /^\{"id":\d,"name":"n\d"\}$/],
    ['csv', FormatDescriptor.forFormat('csv').option('field-delimiter', ';').build(), /^\d;n\d$/],
  ] as const)('a filesystem table in %s is written and read back', async (_name, format, line) => {
    const tEnv = tableEnv();
    const dir = tempDir();
    const schema = Schema.newBuilder().column('id', 'INT').column('name', 'STRING').build();
    const files = TableDescriptor.forConnector('filesystem')
      .schema(schema)
      .option('path', dir)
      .format(format)
      .build();
    tEnv.createTable('files', files);
    await tEnv.executeSql("INSERT INTO files VALUES (1, 'n1'), (2, 'n2'), (3, 'n3')").await();
    const written = readCommitted(dir);
    expect(written).toHaveLength(3);
    for (const l of written) expect(l).toMatch(line);
    const read = await rows(tEnv, 'SELECT id, name FROM files');
    expect(read.sort((a, b) => (a.id as number) - (b.id as number))).toEqual([
      { id: 1, name: 'n1' },
      { id: 2, name: 'n2' },
      { id: 3, name: 'n3' },
    ]);
  });

  test('a filesystem table reads a metadata column and a partition column', async () => {
    const tEnv = tableEnv();
    const dir = tempDir();
    tEnv.createTable(
      'parted',
      TableDescriptor.forConnector('filesystem')
        .schema(
          Schema.newBuilder()
            .column('n', 'INT')
            .column('dt', 'STRING')
            .columnByMetadata('file', 'STRING', 'file.path', true)
            .build(),
        )
        .option('path', dir)
        .format('csv')
        .partitionedBy('dt')
        .build(),
    );
    await tEnv.executeSql("INSERT INTO parted VALUES (1, 'a'), (2, 'b'), (3, 'a')").await();
    expect(readdirSync(dir).sort()).toEqual(['dt=a', 'dt=b']);
    const read = (await rows(tEnv, 'SELECT n, dt, file FROM parted')).sort(
      (a, b) => (a.n as number) - (b.n as number),
    );
    expect(read.map((r) => [r.n, r.dt])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'a'],
    ]);
    for (const r of read) expect(r.file as string).toContain(`${join(dir, `dt=${r.dt as string}`)}`);
  });

  test('print and blackhole tables take an INSERT', async () => {
    const printed: string[] = [];
    const tEnv = tableEnv(printed);
    tEnv.createTemporaryTable('out', TableDescriptor.forConnector('print').schema(ID).build());
    tEnv.createTemporaryTable('void', TableDescriptor.forConnector('blackhole').schema(ID).build());
    await tEnv.executeSql('INSERT INTO out VALUES (CAST(7 AS BIGINT)), (CAST(8 AS BIGINT))').await();
    await tEnv.executeSql('INSERT INTO void VALUES (CAST(9 AS BIGINT))').await();
    expect(printed.join('')).toBe('+I[7]\n+I[8]\n');
  });

  test('a temporary table hides a permanent one of the same name until dropped', async () => {
    const tEnv = tableEnv();
    const gen = (n: number) =>
      TableDescriptor.forConnector('datagen').schema(ID).option('number-of-rows', n).build();
    tEnv.createTable('t', gen(2));
    tEnv.createTemporaryTable('t', gen(4));
    expect(await rows(tEnv, 'SELECT COUNT(*) AS c FROM t')).toEqual([{ c: 4 }]);
    expect(tEnv.dropTemporaryTable('t')).toBe(true);
    expect(await rows(tEnv, 'SELECT COUNT(*) AS c FROM t')).toEqual([{ c: 2 }]);
  });

  test('a table in another database of the catalog, by a qualified path', () => {
    const tEnv = tableEnv();
    tEnv.executeSql('CREATE DATABASE db2');
    expect(
      tEnv.createTable(
        'default_catalog.db2.`my.table`',
        TableDescriptor.forConnector('datagen').schema(ID).build(),
      ),
    ).toBe(true);
    expect(tEnv.listTables('default_catalog', 'db2')).toEqual(['my.table']);
  });
});

describe('the same table as the DDL', () => {
  /** SHOW CREATE TABLE and DESCRIBE of `name`. */
  async function shown(tEnv: TableEnvironment, name: string) {
    return {
      create: (await rows(tEnv, `SHOW CREATE TABLE ${name}`))[0]!.result,
      describe: await rows(tEnv, `DESCRIBE ${name}`),
    };
  }

  test('every kind of column, the watermark, key, comment, partitions and format options', async () => {
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE TABLE by_ddl (
        id BIGINT COMMENT 'the key',
        ts TIMESTAMP(3),
        dt STRING,
        id2 AS id * 2,
        file STRING METADATA FROM 'file.path' VIRTUAL,
        size BIGINT METADATA FROM 'file.size' VIRTUAL,
        WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
        CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED
      ) COMMENT 'orders' PARTITIONED BY (dt)
      WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv', 'csv.field-delimiter' = ';')`);
    tEnv.createTable(
      'by_api',
      TableDescriptor.forConnector('filesystem')
        .schema(
          Schema.newBuilder()
            .column('id', 'BIGINT')
            .withComment('the key')
            .column('ts', 'TIMESTAMP(3)')
            .column('dt', 'STRING')
            .columnByExpression('id2', 'id * 2')
            .columnByMetadata('file', 'STRING', 'file.path', true)
            .columnByMetadata('size', 'BIGINT', 'file.size', true)
            .watermark('ts', "ts - INTERVAL '5' SECOND")
            .primaryKeyNamed('pk', 'id')
            .build(),
        )
        .option('path', '/tmp/x')
        .format(FormatDescriptor.forFormat('csv').option('field-delimiter', ';').build())
        .partitionedBy('dt')
        .comment('orders')
        .build(),
    );
    const ddl = await shown(tEnv, 'by_ddl');
    const api = await shown(tEnv, 'by_api');
    expect(api.create).toBe((ddl.create as string).replace('`by_ddl`', '`by_api`'));
    expect(api.describe).toEqual(ddl.describe);
    expect(api.describe.find((r) => r.name === 'ts')!.watermark).toBe("`ts` - INTERVAL '5' SECOND");
  });

  const TYPES = [
    'INT',
    'BIGINT',
    'STRING',
    'DOUBLE',
    'DECIMAL(10, 2)',
    'BOOLEAN',
    'DATE',
    'TIMESTAMP(3)',
    'BYTES',
  ];
  const column = fc.record({
    name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
    type: fc.constantFrom(...TYPES),
    notNull: fc.boolean(),
    comment: fc.option(fc.constantFrom('x', "it's", 'a b'), { nil: undefined }),
  });

  test('random schemas: SHOW CREATE TABLE and DESCRIBE agree with the DDL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(column, { minLength: 1, maxLength: 6, selector: (c) => c.name }),
        fc.boolean(),
        fc.option(fc.constantFrom('t', "o'k"), { nil: undefined }),
        fc.boolean(),
        async (columns, withKey, comment, temporary) => {
          const tEnv = tableEnv();
          const typeOf = (c: (typeof columns)[number]) => `${c.type}${c.notNull ? ' NOT NULL' : ''}`;
          const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
          const elements = columns.map(
            (c) =>
              `\`${c.name}\` ${typeOf(c)}${c.comment === undefined ? '' : ` COMMENT ${quote(c.comment)}`}`,
          );
          if (withKey) elements.push(`PRIMARY KEY (\`${columns[0]!.name}\`) NOT ENFORCED`);
          tEnv.executeSql(
            `CREATE ${temporary ? 'TEMPORARY ' : ''}TABLE d (${elements.join(', ')})${comment === undefined ? '' : ` COMMENT ${quote(comment)}`} WITH ('connector' = 'blackhole')`,
          );
          const schema = Schema.newBuilder();
          for (const c of columns) {
            schema.column(c.name, typeOf(c));
            if (c.comment !== undefined) schema.withComment(c.comment);
          }
          if (withKey) schema.primaryKey(columns[0]!.name);
          const builder = TableDescriptor.forConnector('blackhole').schema(schema.build());
          if (comment !== undefined) builder.comment(comment);
          if (temporary) tEnv.createTemporaryTable('a', builder.build());
          else tEnv.createTable('a', builder.build());
          const ddl = await shown(tEnv, 'd');
          const api = await shown(tEnv, 'a');
          expect(api.create).toBe((ddl.create as string).replace('`d` (', '`a` ('));
          expect(api.describe).toEqual(ddl.describe);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('mistakes', () => {
  /**
   * The error of `createTable` with `descriptor`, checked to be the error of the CREATE TABLE
   * statement with the same text (the descriptor's lines from the second on).
   */
  function asDdl(descriptor: TableDescriptor): string {
    const api = oneLineError(() => tableEnv().createTable('t', descriptor));
    const ddl = oneLineError(() =>
      tableEnv().executeSql(`CREATE TABLE \`t\` ${descriptor.toString().replace("COMMENT ''", '')}`),
    );
    expect(api).toBe(ddl);
    return api;
  }
  const gen = (schema: Schema) => TableDescriptor.forConnector('datagen').schema(schema);

  test('an unknown option, at its line of the descriptor text', () => {
    expect(asDdl(gen(ID).option('number-of-rowz', 3).build())).toBe(
      "SQL error at line 8, column 3: unknown option 'number-of-rowz' for connector 'datagen'; supported options: connector, rows-per-second, number-of-rows, fields.#.kind, fields.#.min, fields.#.max, fields.#.max-past, fields.#.length, fields.#.var-len, fields.#.start, fields.#.end, fields.#.null-rate",
    );
  });

  test('an unknown type', () => {
    expect(asDdl(gen(Schema.newBuilder().column('id', 'BIGNT').build()).build())).toMatch(
      /^SQL parse error at line 2, column 8: unknown type 'BIGNT'; use one of BOOLEAN, INT, BIGINT/,
    );
  });

  test('a bad option value', () => {
    expect(asDdl(gen(ID).option('number-of-rows', 'many').build())).toMatch(
      /^SQL error at line 8, column 3: .*'number-of-rows'/,
    );
  });

  test('an unknown connector', () => {
    expect(asDdl(TableDescriptor.forConnector('kafkaa').schema(ID).build())).toBe(
      "SQL error at line 7, column 3: unknown connector 'kafkaa' for table 't'; available connectors: blackhole, datagen, filesystem, jdbc, nexmark, print",
    );
  });

  test('a watermark on a missing column, and on a column of the wrong type', () => {
    expect(asDdl(gen(Schema.newBuilder().column('id', 'BIGINT').watermark('ts', 'id').build()).build())).toBe(
      "SQL error at line 3, column 3: WATERMARK FOR names column 'ts', which 't' does not have; columns: id",
    );
    expect(asDdl(gen(Schema.newBuilder().column('id', 'BIGINT').watermark('id', 'id').build()).build())).toBe(
      "SQL error at line 3, column 3: the watermark column 'id' must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), not BIGINT",
    );
  });

  test('a computed column over a column the table lacks', () => {
    expect(
      asDdl(
        gen(Schema.newBuilder().column('id', 'BIGINT').columnByExpression('x', 'nope + 1').build()).build(),
      ),
    ).toMatch(/^SQL error at line 3, column 10: column 'nope' not found; available columns: id$/);
  });

  test('a column twice, and a key over a column that is not physical', () => {
    expect(asDdl(gen(Schema.newBuilder().column('id', 'BIGINT').column('id', 'INT').build()).build())).toBe(
      "SQL error at line 3, column 3: column 'id' is defined twice in table 't'",
    );
    expect(
      asDdl(
        gen(
          Schema.newBuilder().column('id', 'BIGINT').columnByExpression('x', 'id').primaryKey('x').build(),
        ).build(),
      ),
    ).toBe("SQL error at line 4, column 21: PRIMARY KEY column 'x' is not a physical column of 't'");
  });

  test('partitions of a connector that does not write them, or of a column the table lacks', () => {
    expect(asDdl(gen(ID).partitionedBy('id').build())).toMatch(
      /^SQL error at line 1, column 1: PARTITIONED BY with connector 'datagen' is not supported; use 'connector' = 'filesystem'$/,
    );
    const files = TableDescriptor.forConnector('filesystem')
      .schema(Schema.newBuilder().column('id', 'BIGINT').column('s', 'STRING').build())
      .option('path', '/tmp/none')
      .format('csv');
    expect(asDdl(files.partitionedBy('dt').build())).toBe(
      "SQL error at line 1, column 1: PARTITIONED BY names 'dt', which is not a physical column of 't'",
    );
  });

  test('a metadata column the connector does not offer', () => {
    expect(
      asDdl(gen(Schema.newBuilder().column('id', 'BIGINT').columnByMetadata('m', 'STRING').build()).build()),
    ).toMatch(/^SQL error at line 3, column 3: .*'m'/);
  });

  test('no schema, no columns, two watermarks', () => {
    const tEnv = tableEnv();
    expect(oneLineError(() => tEnv.createTable('t', TableDescriptor.forConnector('datagen').build()))).toBe(
      'SQL error: the table descriptor for t has no schema; add .schema(Schema.newBuilder().column(name, type)…build())',
    );
    expect(oneLineError(() => tEnv.createTable('t', gen(Schema.newBuilder().build()).build()))).toBe(
      'SQL error: the table descriptor for t has no columns; add .schema(Schema.newBuilder().column(name, type)…build())',
    );
    const twice = Schema.newBuilder()
      .column('ts', 'TIMESTAMP(3)')
      .watermark('ts', 'ts')
      .watermark('ts', 'ts');
    expect(oneLineError(() => tEnv.createTemporaryTable('t', gen(twice.build()).build()))).toBe(
      'SQL error: the schema for t declares 2 watermarks, and a table has one; keep a single watermark(…)',
    );
    expect(tEnv.listTables()).toEqual([]);
  });

  test('a table that exists already, unless ignoreIfExists', () => {
    const tEnv = tableEnv();
    const d = gen(ID).build();
    expect(tEnv.createTable('t', d)).toBe(true);
    expect(oneLineError(() => tEnv.createTable('t', d))).toBe(
      'SQL error at line 1, column 1: table `default_catalog`.`default_database`.`t` already exists; drop it first or use IF NOT EXISTS',
    );
    expect(tEnv.createTable('t', d, true)).toBe(false);
    expect(tEnv.createTemporaryTable('t', d)).toBe(true);
    expect(oneLineError(() => tEnv.createTemporaryTable('t', d))).toBe(
      'SQL error at line 1, column 1: temporary table `default_catalog`.`default_database`.`t` already exists; drop it first or use IF NOT EXISTS',
    );
    expect(oneLineError(() => tEnv.createTable('nodb.t', d))).toMatch(
      /^SQL error at line 1, column 1: .*nodb/,
    );
    expect(oneLineError(() => tEnv.createTable('`t', d))).toBe(
      "SQL error: path '`t' has an unclosed backquote",
    );
  });

  test('builder mistakes are reported at the call that made them', () => {
    expect(oneLineError(() => Schema.newBuilder().column('id', 'DECIMAL(10'))).toMatch(
      /^SQL parse error at line 1, column \d+: .* \(in the type 'DECIMAL\(10' of column 'id'\)$/,
    );
    // Text cannot reach past its own element of the statement.
    expect(oneLineError(() => Schema.newBuilder().column('id', "INT) WITH ('connector' = 'print')"))).toMatch(
      /^SQL parse error at line 1, column 4: .*\(in the type .* of column 'id'\)$/,
    );
    expect(oneLineError(() => Schema.newBuilder().columnByExpression('x', 'a +'))).toMatch(
      /^SQL parse error at line 1, column \d+: .*\(in the expression of column 'x'\)$/,
    );
    expect(oneLineError(() => Schema.newBuilder().watermark('ts', 'ts -- late'))).toBe(
      "SQL error: the expression of the watermark of 'ts' ends in a -- comment, which would hide the rest of the table's definition; remove the comment",
    );
    expect(oneLineError(() => Schema.newBuilder().column('a', 'INT -- x'))).toBe(
      "SQL error: the type 'INT -- x' of column 'a' ends in a -- comment, which would hide the rest of the table's definition; remove the comment",
    );
    // A -- inside a string is no comment.
    expect(Schema.newBuilder().columnByExpression('s', "'--'").build().columns[0]).toEqual({
      kind: 'computed',
      name: 's',
      expression: "'--'",
    });
    expect(oneLineError(() => Schema.newBuilder().column('', 'INT'))).toBe(
      'SQL error: a column name is empty; give every column a name',
    );
    expect(oneLineError(() => Schema.newBuilder().withComment('c'))).toBe(
      'SQL error: withComment comments the column declared before it; declare a column first',
    );
    expect(oneLineError(() => Schema.newBuilder().primaryKey('a').primaryKey('b'))).toBe(
      "SQL error: a schema has one primary key, and 'PK_a' is declared already; declare all key columns in one call",
    );
    expect(oneLineError(() => Schema.newBuilder().primaryKey())).toBe(
      "SQL error: primary key 'PK_' has no columns; name at least one column",
    );
    expect(oneLineError(() => Schema.newBuilder().primaryKeyNamed(' ', 'a'))).toBe(
      'SQL error: the primary key constraint name is empty; name it, or call primaryKey(...columns)',
    );
    expect(oneLineError(() => TableDescriptor.forConnector(''))).toBe(
      "SQL error: a table descriptor needs a connector identifier, e.g. forConnector('datagen')",
    );
    expect(oneLineError(() => TableDescriptor.forConnector('datagen').option('', 'x'))).toBe(
      'SQL error: an option key is empty; name the option',
    );
    expect(
      oneLineError(() =>
        TableDescriptor.forConnector('filesystem').format(
          FormatDescriptor.forFormat('json').option('json.ignore-parse-errors', true).build(),
        ),
      ),
    ).toBe(
      "SQL error: format option 'json.ignore-parse-errors' already holds the prefix 'json.', which format(FormatDescriptor) adds; write 'ignore-parse-errors'",
    );
    expect(
      oneLineError(() =>
        TableDescriptor.forConnector('kafka').format('value', FormatDescriptor.forFormat('json').build()),
      ),
    ).toBe(
      "SQL error: the format option key 'value' is neither 'format' nor ends with '.format'; pass e.g. 'key.format'",
    );
    expect(oneLineError(() => FormatDescriptor.forFormat(''))).toBe(
      "SQL error: a format descriptor needs a format identifier, e.g. forFormat('json')",
    );
  });
});
