/**
 * Catalogs and METADATA columns beyond what the .slt files check: worker threads rebuilding a
 * job file resolve each name to the table the submitting thread did (after USE of another
 * catalog's database), the filesystem source's metadata values are exact for files whose size
 * and modification time the test sets, and a table with VIRTUAL metadata columns is written
 * with its physical columns only.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { liveWorkerThreads } from '../../src/runtime/threads/worker-pool.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { readCommitted } from '../support/exactly-once.js';
import { runJobFileOnWorkers } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/catalogs-job.ts', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-catalogs-metadata-'));
  dirs.push(dir);
  return dir;
}

/** Two CSV files with known sizes and modification times. */
function twoFiles(dir: string): { a: string; b: string } {
  mkdirSync(dir, { recursive: true });
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  writeFileSync(a, '1,x\n2,y\n');
  writeFileSync(b, '3,zz\n');
  utimesSync(a, new Date(1_700_000_000_000), new Date(1_700_000_000_000));
  utimesSync(b, new Date(1_700_000_123_000), new Date(1_700_000_123_000));
  return { a, b };
}

test('worker threads resolve names in the catalog and database the job file made current', async () => {
  const dir = tempDir();
  twoFiles(join(dir, 'meta'));
  const rows = 200;
  await runJobFileOnWorkers(JOB, [String(rows), join(dir, 'out'), join(dir, 'meta')], 'catalogs-workers');
  expect(liveWorkerThreads()).toBe(0);
  const out = readCommitted(join(dir, 'out')).map(
    (line) => JSON.parse(line) as { id: number; name: string | null; size: number | null },
  );
  // c.d's src (0..rows-1), not default_catalog's (from 1,000,000), and c.d's files.
  const expected = [
    ...Array.from({ length: rows }, (_, i) => `${i}:null:null`),
    '1:a.csv:8',
    '2:a.csv:8',
    '3:b.csv:5',
  ];
  expect(out.map((r) => `${r.id}:${r.name}:${r.size}`).sort()).toEqual(expected.sort());
});

test('metadata values are those of each row’s file, at parallelism 2 and with projection', async () => {
  const dir = tempDir();
  const { a, b } = twoFiles(join(dir, 'in'));
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(2));
  await tEnv
    .executeSql(
      `CREATE TABLE files (id INT, s STRING, path STRING METADATA FROM 'file.path' VIRTUAL,
        name STRING METADATA FROM 'file.name' VIRTUAL, size BIGINT METADATA FROM 'file.size' VIRTUAL,
        mtime TIMESTAMP_LTZ(3) METADATA FROM 'file.modification-time' VIRTUAL)
        WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'in')}', 'format' = 'csv')`,
    )
    .await();
  const rows = await tEnv.executeSql('SELECT id, path, name, size, mtime FROM files').collect();
  const byId = (r: Record<string, unknown>) => r.id as number;
  expect(rows.sort((x, y) => byId(x) - byId(y))).toEqual([
    { id: 1, path: a, name: 'a.csv', size: 8, mtime: 1_700_000_000_000 },
    { id: 2, path: a, name: 'a.csv', size: 8, mtime: 1_700_000_000_000 },
    { id: 3, path: b, name: 'b.csv', size: 5, mtime: 1_700_000_123_000 },
  ]);
  // Metadata alone, without any column the format parses.
  const sizes = await tEnv.executeSql('SELECT mtime FROM files WHERE size = 5').collect();
  expect(sizes).toEqual([{ mtime: 1_700_000_123_000 }]);
});

test('a table with VIRTUAL metadata columns is written with its physical columns only', async () => {
  const dir = tempDir();
  twoFiles(join(dir, 'in'));
  const out = join(dir, 'out');
  mkdirSync(out);
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  const ddl = (name: string, path: string) =>
    `CREATE TABLE ${name} (id INT, s STRING, name STRING METADATA FROM 'file.name' VIRTUAL)
      WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv')`;
  await tEnv.executeSql(ddl('src', join(dir, 'in'))).await();
  await tEnv.executeSql(ddl('dst', out)).await();
  await tEnv.executeSql('INSERT INTO dst SELECT id * 10, s || name FROM src').await();
  const written = readdirSync(out)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n'))
    .filter((l) => l !== '');
  expect(written.sort()).toEqual(['10,xa.csv', '20,ya.csv', '30,zzb.csv']);
  // Read back, each row carries the name of the part file it is in now.
  const back = await tEnv.executeSql('SELECT id, name FROM dst').collect();
  expect(back.map((r) => r.id).sort()).toEqual([10, 20, 30]);
  expect(back.every((r) => typeof r.name === 'string' && (r.name as string).startsWith('part-'))).toBe(true);
});

test('function names of one, two and three parts: the qualifier must name a database', async () => {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.registerFunctionClass('com.example.Len', { eval: (s: string) => s.length, resultType: 'INT' });
  tEnv.executeSql("CREATE CATALOG cat WITH ('type' = 'generic_in_memory')");
  tEnv.executeSql('CREATE DATABASE cat.Sales');
  tEnv.executeSql("CREATE FUNCTION cat.Sales.len AS 'com.example.Len'");
  const query = (sql: string) => tEnv.executeSql(sql).collect();
  expect(await query("SELECT len('abc') AS a, cat.Sales.len('ab') AS b")).toEqual([{ a: 3, b: 2 }]);
  tEnv.executeSql('USE CATALOG cat');
  expect(await query("SELECT Sales.len('abcd') AS c, `default`.len('a') AS d")).toEqual([{ c: 4, d: 1 }]);
  expect(() => tEnv.executeSql("SELECT nowhere.len('a')")).toThrow(/unknown function NOWHERE\.LEN/);
  expect(() => tEnv.executeSql("CREATE FUNCTION cat.nowhere.f AS 'com.example.Len'")).toThrow(
    'SQL error at line 1, column 1: database `cat`.`nowhere` does not exist; databases of `cat`: Sales, default',
  );
  expect(() => tEnv.executeSql('DROP FUNCTION nope.len')).toThrow(
    'SQL error at line 1, column 15: database `cat`.`nope` does not exist; databases of `cat`: Sales, default',
  );
  tEnv.executeSql('DROP FUNCTION Sales.len');
  expect(tEnv.listUserDefinedFunctions()).toEqual([]);
});
