/**
 * CREATE TABLE … AS SELECT into the filesystem connector, read back with a SELECT of the table
 * it created: the rows and the types the query gave (a rowtime column as a plain TIMESTAMP(3)),
 * also for a CTAS inside a statement set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-sql-ctas-'));
  dirs.push(dir);
  return dir;
}

function tableEnv(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(
    `CREATE TABLE src (id INT, name STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
     WITH ('connector' = 'datagen', 'number-of-rows' = '4', 'fields.id.kind' = 'sequence',
       'fields.id.start' = '1', 'fields.id.end' = '4', 'fields.name.length' = '3')`,
  );
  return tEnv;
}

describe('CREATE TABLE … AS SELECT into files', () => {
  test.each(['json', 'csv'])('writes the query rows as %s, and SELECT reads them back', async (format) => {
    const tEnv = tableEnv();
    const dir = tempDir();
    await tEnv
      .executeSql(
        `CREATE TABLE copy WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = '${format}')
         AS SELECT id, id * 1.5 AS half, CHAR_LENGTH(name) AS len, ts FROM src WHERE id <> 2`,
      )
      .await();
    const columns = (await tEnv.executeSql('DESCRIBE copy').collect()).map((r) => `${r.name} ${r.type}`);
    expect(columns).toEqual(['id INT', 'half DECIMAL(12, 1)', 'len INT', 'ts TIMESTAMP(3)']);
    const rows = await tEnv.executeSql('SELECT id, half, len FROM copy').collect();
    expect(rows.sort((a, b) => (a.id as number) - (b.id as number))).toEqual([
      { id: 1, half: 1.5, len: 3 },
      { id: 3, half: 4.5, len: 3 },
      { id: 4, half: 6, len: 3 },
    ]);
    // The rowtime values were written as plain timestamps (datagen's are random, so only counted).
    const stamped = await tEnv.executeSql('SELECT COUNT(ts) AS n FROM copy WHERE ts IS NOT NULL').collect();
    expect(stamped).toEqual([{ n: 3 }]);
  });

  test('a CTAS in a statement set writes its table in the same job as the INSERTs', async () => {
    const tEnv = tableEnv();
    const [a, b] = [tempDir(), tempDir()];
    tEnv.executeSql(
      `CREATE TABLE b (id INT) WITH ('connector' = 'filesystem', 'path' = '${b}', 'format' = 'json')`,
    );
    await tEnv
      .executeSql(
        `EXECUTE STATEMENT SET BEGIN
           CREATE TABLE a WITH ('connector' = 'filesystem', 'path' = '${a}', 'format' = 'json') AS SELECT id, name FROM src WHERE id <= 2;
           INSERT INTO b SELECT id FROM src WHERE id > 2;
         END`,
      )
      .await();
    const readA = await tEnv.executeSql('SELECT id FROM a').collect();
    const readB = await tEnv.executeSql('SELECT id FROM b').collect();
    expect(readA.map((r) => r.id).sort()).toEqual([1, 2]);
    expect(readB.map((r) => r.id).sort()).toEqual([3, 4]);
  });
});
