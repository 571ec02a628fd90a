/**
 * The files the filesystem connector writes are plain csv and json lines that another engine
 * reads the same way: generated rows (with NULLs, quotes and delimiters in strings) are written
 * at parallelism 2, then read back by Weir (`SELECT * FROM fs`) and by DuckDB (`read_csv`,
 * `read_ndjson` over the committed part files), and both must give the same rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'weir-sql-fs-duckdb-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ROWS = 1500;
const COLUMNS =
  'id BIGINT, i INT, d DOUBLE, dec DECIMAL(10, 2), s STRING, ok BOOLEAN, dt DATE, ts TIMESTAMP(3)';
const DUCKDB_COLUMNS =
  "{'id': 'BIGINT', 'i': 'INTEGER', 'd': 'DOUBLE', 'dec': 'DECIMAL(10,2)', 's': 'VARCHAR', 'ok': 'BOOLEAN', 'dt': 'DATE', 'ts': 'TIMESTAMP'}";
/** Both engines' rows as the same text: timestamps and dates as epoch numbers. */
const DUCKDB_SELECT =
  'SELECT id, i, d, CAST(dec AS DOUBLE) AS dec, s, ok, CAST(dt - DATE ' +
  "'1970-01-01' AS INTEGER) AS dt, epoch_ms(ts) AS ts FROM ";

function canonical(row: Row): string {
  const value = (v: unknown) =>
    v === null || v === undefined ? 'NULL' : String(typeof v === 'bigint' ? Number(v) : v);
  return ['id', 'i', 'd', 'dec', 's', 'ok', 'dt', 'ts'].map((c) => value(row[c])).join('|');
}

async function writeWithWeir(format: string, options: string): Promise<{ dir: string; weir: string[] }> {
  const dir = join(root, format);
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(2));
  tEnv.executeSql(`CREATE TABLE gen (${COLUMNS}) WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}',
    'fields.i.min' = '-1000', 'fields.i.max' = '1000', 'fields.d.min' = '-5', 'fields.d.max' = '5',
    'fields.dec.min' = '0', 'fields.dec.max' = '100', 'fields.s.length' = '5', 'fields.ts.max-past' = '400 d',
    'fields.i.null-rate' = '0.1', 'fields.d.null-rate' = '0.1', 'fields.dec.null-rate' = '0.1',
    'fields.s.null-rate' = '0.1', 'fields.ok.null-rate' = '0.1', 'fields.dt.null-rate' = '0.1',
    'fields.ts.null-rate' = '0.1')`);
  tEnv.executeSql(
    `CREATE TABLE fs (${COLUMNS}) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = '${format}'${options})`,
  );
  // Quotes, delimiters and a line break inside strings, so the writers must quote and escape.
  await tEnv
    .executeSql(
      `INSERT INTO fs SELECT id, i, d, dec, CASE WHEN MOD(id, 7) = 0 THEN CONCAT(s, ',"q"\nx') ELSE s END, ok, dt, ts FROM gen`,
    )
    .await();
  const rows = await tEnv.executeSql('SELECT * FROM fs').collect();
  const weir = rows.map(canonical).sort();
  expect(weir.some((r) => r.includes(',"q"\nx'))).toBe(true);
  return { dir, weir };
}

async function readWithDuckdb(from: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(DUCKDB_SELECT + from);
  return (reader.getRowObjectsJS() as Row[]).map(canonical).sort();
}

describe('DuckDB reads what the filesystem connector writes, as Weir does', () => {
  test('csv', async () => {
    const { dir, weir } = await writeWithWeir('csv', `, 'csv.null-literal' = 'NULL'`);
    expect(weir.length).toBe(ROWS);
    expect(weir.some((r) => r.includes('NULL'))).toBe(true);
    const duckdb = await readWithDuckdb(
      `read_csv('${dir}/part-*', header = false, columns = ${DUCKDB_COLUMNS}, nullstr = 'NULL', quote = '"', escape = '"', delim = ',')`,
    );
    expect(duckdb).toEqual(weir);
  });

  test('json', async () => {
    const { dir, weir } = await writeWithWeir('json', '');
    expect(weir.length).toBe(ROWS);
    const duckdb = await readWithDuckdb(`read_ndjson('${dir}/part-*', columns = ${DUCKDB_COLUMNS})`);
    expect(duckdb).toEqual(weir);
  });
});
