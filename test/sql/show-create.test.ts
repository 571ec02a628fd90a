/**
 * SHOW CREATE TABLE / VIEW round trips: the printed DDL, run after dropping the object,
 * recreates the same object (the same SHOW CREATE text and the same DESCRIBE rows), for
 * generated tables with awkward names, comments and option values, every column kind, a
 * watermark, a primary key and partitions, and for temporary tables and views.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

const TYPES = [
  'INT',
  'BIGINT NOT NULL',
  'STRING',
  'VARCHAR(10)',
  'CHAR(3)',
  'DECIMAL(10, 2)',
  'DOUBLE',
  'BOOLEAN',
  'DATE',
  'TIME(0)',
  'TIMESTAMP(6)',
  'TIMESTAMP_LTZ(3)',
  'BYTES',
  'ARRAY<INT>',
  'MAP<STRING, BIGINT>',
  'ROW<`a b` INT, c STRING>',
];

const quoteId = (name: string) => `\`${name.replaceAll('`', '``')}\``;
const quoteStr = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function text(tEnv: TableEnvironment, sql: string): Promise<string> {
  const rows = await tEnv.executeSql(sql).collect();
  return rows.map((r) => Object.values(r).join(' | ')).join('\n');
}

/** SHOW CREATE, drop, run the text, SHOW CREATE again: both texts and DESCRIBE must agree. */
async function roundTrip(tEnv: TableEnvironment, kind: 'TABLE' | 'VIEW', name: string): Promise<string> {
  const ddl = await text(tEnv, `SHOW CREATE ${kind} ${quoteId(name)}`);
  const described = await text(tEnv, `DESCRIBE ${quoteId(name)}`);
  const temporary = ddl.startsWith(`CREATE TEMPORARY ${kind}`);
  tEnv.executeSql(`DROP ${temporary ? 'TEMPORARY ' : ''}${kind} ${quoteId(name)}`);
  tEnv.executeSql(ddl);
  expect(await text(tEnv, `SHOW CREATE ${kind} ${quoteId(name)}`)).toBe(ddl);
  expect(await text(tEnv, `DESCRIBE ${quoteId(name)}`)).toBe(described);
  return ddl;
}

const arbName = fc.stringMatching(/^[a-z][a-z0-9_` ]{0,8}$/);
const arbComment = fc.option(fc.stringMatching(/^[a-z' ]{0,8}$/), { nil: undefined });

const arbTable = fc
  .record({
    columns: fc.uniqueArray(
      fc.record({ name: arbName, type: fc.constantFrom(...TYPES), comment: arbComment }),
      {
        minLength: 1,
        maxLength: 6,
        selector: (c) => c.name,
      },
    ),
    computed: fc.boolean(),
    watermark: fc.boolean(),
    key: fc.boolean(),
    partitioned: fc.boolean(),
    temporary: fc.boolean(),
    tableComment: arbComment,
    path: fc.stringMatching(/^\/tmp\/[a-z' ]{1,8}$/),
  })
  .map((t) => ({ ...t, columns: t.columns.filter((c) => !['ts', 'num', 'doubled'].includes(c.name)) }))
  .filter((t) => t.columns.length > 0);

describe('SHOW CREATE round trips', () => {
  test('a generated table, run again after DROP, is the same table', async () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arbTable, async (t) => {
        const name = `t\`${n++} x`;
        const elements = t.columns.map(
          (c) =>
            `${quoteId(c.name)} ${c.type}${c.comment === undefined ? '' : ` COMMENT ${quoteStr(c.comment)}`}`,
        );
        elements.push('ts TIMESTAMP(3)', 'num INT NOT NULL');
        if (t.computed) elements.push("doubled AS num * 2 COMMENT 'twice'");
        if (t.watermark) elements.push("WATERMARK FOR ts AS ts - INTERVAL '5' SECOND");
        if (t.key) elements.push(`PRIMARY KEY (num, ${quoteId(t.columns[0]!.name)}) NOT ENFORCED`);
        const sql = `CREATE ${t.temporary ? 'TEMPORARY ' : ''}TABLE ${quoteId(name)} (${elements.join(', ')})${
          t.tableComment === undefined ? '' : ` COMMENT ${quoteStr(t.tableComment)}`
        }${t.partitioned ? ' PARTITIONED BY (num)' : ''} WITH ('connector' = 'filesystem', 'path' = ${quoteStr(t.path)}, 'format' = 'json')`;
        tEnv.executeSql(sql);
        const ddl = await roundTrip(tEnv, 'TABLE', name);
        expect(ddl.startsWith(`CREATE ${t.temporary ? 'TEMPORARY ' : ''}TABLE`)).toBe(true);
        tEnv.executeSql(`DROP ${t.temporary ? 'TEMPORARY ' : ''}TABLE ${quoteId(name)}`);
      }),
      { numRuns: 60, seed: 23 },
    );
  });

  test('a view keeps its query text, its tables fully qualified, and column names; a temporary view stays temporary', async () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    tEnv.executeSql(
      "CREATE TABLE src (id INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '2')",
    );
    tEnv.executeSql('CREATE VIEW v (a, `b c`) AS SELECT id, UPPER(name) FROM src WHERE id > 0');
    tEnv.executeSql('CREATE TEMPORARY VIEW tv AS SELECT id FROM src');
    expect(await roundTrip(tEnv, 'VIEW', 'v')).toBe(
      'CREATE VIEW `default_catalog`.`default_database`.`v`(`a`, `b c`) as\nSELECT id, UPPER(name) FROM `default_catalog`.`default_database`.`src` WHERE id > 0',
    );
    expect(await roundTrip(tEnv, 'VIEW', 'tv')).toMatch(/^CREATE TEMPORARY VIEW /);
  });
});
