/**
 * The type-length enforcer on what a query gives its caller, as Flink's collect and DataStream
 * sinks apply it: values longer than a column's declared length (a file read into VARCHAR(3), say)
 * reach `toDataStream`, `toChangelogStream` and `collect()` as they are under IGNORE, and cut (and
 * for CHAR padded) under TRIM_PAD. The NOT NULL enforcer checks every NOT NULL column, also one
 * typed NOT NULL all the way from a source that breaks it. The INSERT side is in
 * sink-enforcers.slt.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-sql-enforcers-');

function withFile(): TableEnvironment {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'words.json'),
    '{"w":"abcdef","c":"x"}\n{"w":"ab","c":"wxyz"}\n{"w":null,"c":null}\n',
  );
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(
    `CREATE TABLE words (w VARCHAR(3), c CHAR(2)) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
  );
  return tEnv;
}

const values = (rows: Row[]) => rows.map((r) => [r.w, r.c]);

test('IGNORE, the default, lets values of any length through', async () => {
  const tEnv = withFile();
  const rows = await tEnv.toDataStream(tEnv.sqlQuery('SELECT w, c FROM words')).executeAndCollect();
  expect(values(rows)).toEqual([
    ['abcdef', 'x'],
    ['ab', 'wxyz'],
    [null, null],
  ]);
});

test('TRIM_PAD cuts VARCHAR(n) and cuts or pads CHAR(n) in toDataStream, toChangelogStream and collect()', async () => {
  const tEnv = withFile();
  tEnv.executeSql("SET 'table.exec.sink.type-length-enforcer' = 'TRIM_PAD'");
  const expected = [
    ['abc', 'x '],
    ['ab', 'wx'],
    [null, null],
  ];
  const query = () => tEnv.sqlQuery('SELECT w, c FROM words');
  expect(values(await tEnv.toDataStream(query()).executeAndCollect())).toEqual(expected);
  const changes = await tEnv.toChangelogStream(query()).executeAndCollect();
  expect(changes.map((c) => c.kind)).toEqual(['+I', '+I', '+I']);
  expect(values(changes.map((c) => c.row))).toEqual(expected);
  expect(values(await tEnv.executeSql('SELECT w, c FROM words').collect())).toEqual(expected);
});

test('ERROR fails the job at the first value of the wrong length, naming the column', async () => {
  const tEnv = withFile();
  tEnv.executeSql("SET 'table.exec.sink.type-length-enforcer' = 'ERROR'");
  await expect(tEnv.executeSql('SELECT w FROM words').collect()).rejects.toThrow(
    "column 'w' of the query's result is VARCHAR(3), but a value of length 6 reached it",
  );
});

/** A session whose `nums` declares `v INT NOT NULL` but reads a file with a null in it. */
function withBrokenNotNull(): TableEnvironment {
  const dir = tempDir();
  const out = tempDir();
  writeFileSync(join(dir, 'nums.json'), '{"v":2}\n{"v":null}\n{"v":4}\n');
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(
    `CREATE TABLE nums (v INT NOT NULL) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
  );
  tEnv.executeSql(
    `CREATE TABLE kept (v INT NOT NULL) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv')`,
  );
  return tEnv;
}

test('a NOT NULL sink column is checked even where its input is NOT NULL by type, as a source may break its declared type', async () => {
  const tEnv = withBrokenNotNull();
  expect(tEnv.executeSql('SELECT v FROM nums').columnTypes()[0]?.type).toMatchObject({
    root: 'INT',
    nullable: false,
  });
  await expect(tEnv.executeSql('INSERT INTO kept SELECT v FROM nums').await()).rejects.toThrow(
    "column 'v' of table 'kept' is NOT NULL, but a row has NULL in it",
  );
  tEnv.executeSql("SET 'table.exec.sink.not-null-enforcer' = 'DROP'");
  await tEnv.executeSql('INSERT INTO kept SELECT v + 1 FROM nums').await();
  const rows = await tEnv.executeSql('SELECT v FROM kept').collect();
  expect(rows.map((r) => r.v).sort()).toEqual([3, 5]);
});
