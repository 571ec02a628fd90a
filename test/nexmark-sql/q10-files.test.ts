/**
 * Nexmark q10 writes the same files in SQL and in DataStream: the reference SQL (its
 * `filesystem` sink table, csv, `PARTITIONED BY (dt, hm)`) and the DataStream version with
 * `FileSink` and its partition bucket assigner (bench/nexmark/q10.ts `writeQ10Files`), each into
 * a fresh directory, on the same generated events, leave the same partition directories
 * holding the same multiset of CSV records, all committed. This is what makes the bench's
 * SQL/DataStream ratio of q10 compare the same work.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { Q10_OUTPUT, query as q10, writeQ10Files } from '../../bench/nexmark/q10.js';
import { sqlStatements } from '../../bench/nexmark/sql/sql-files.js';
import {
  type NexmarkEvent,
  NexmarkSource,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';

// 50 events per second of event time: over three minutes, so several hm partitions.
const CONFIG = { firstEventRate: 50 };
const EVENTS = 10_000;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-q10-files-'));
  dirs.push(dir);
  return dir;
}

/**
 * Partition (`dt=…/hm=…`) → its committed records, sorted; hidden (uncommitted) files are
 * collected under '(hidden)' so that the comparison fails if any is left.
 */
function partitionRecords(root: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const day of readdirSync(root).sort()) {
    for (const minute of readdirSync(join(root, day)).sort()) {
      const dir = join(root, day, minute);
      const records: string[] = [];
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.')) {
          out.set('(hidden)', [...(out.get('(hidden)') ?? []), join(day, minute, name)]);
          continue;
        }
        if (!name.startsWith('part-')) continue;
        for (const line of readFileSync(join(dir, name), 'utf8').split('\n'))
          if (line !== '') records.push(line);
      }
      out.set(`${day}/${minute}`, records.sort());
    }
  }
  return out;
}

async function runSqlQ10(dataDir: string, parallelism: number): Promise<void> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  env.getConfig().setAutoWatermarkInterval(1);
  const tEnv = TableEnvironment.create(env);
  const statements = sqlStatements('q10', {
    events: EVENTS,
    eventsPerSecond: CONFIG.firstEventRate,
    dataDir,
  });
  const insert = statements.pop()!;
  for (const statement of statements) tEnv.executeSql(statement);
  await tEnv.executeSql(insert).await();
}

async function runDataStreamQ10(dataDir: string, parallelism: number): Promise<void> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  env.getConfig().setAutoWatermarkInterval(1);
  const events = env.fromSource(
    new NexmarkSource({ ...CONFIG, events: EVENTS }),
    WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000),
    'nexmark',
  );
  writeQ10Files(q10.build(events, env), dataDir);
  await env.execute('q10 files');
}

describe('Nexmark q10 files', () => {
  test('SQL and DataStream write the same records into the same partitions', async () => {
    const sqlDir = freshDir();
    const dataStreamDir = freshDir();
    await runSqlQ10(sqlDir, 2);
    await runDataStreamQ10(dataStreamDir, 2);
    const sql = partitionRecords(join(sqlDir, Q10_OUTPUT));
    const dataStream = partitionRecords(join(dataStreamDir, Q10_OUTPUT));

    expect(sql.size).toBeGreaterThan(2);
    expect([...sql.keys()].every((p) => /^dt=\d{4}-\d\d-\d\d\/hm=\d\d%3A\d\d$/.test(p))).toBe(true);
    const rows = [...sql.values()].reduce((sum, records) => sum + records.length, 0);
    // Every bid of the input: 46 of every 50 events.
    expect(rows).toBe((EVENTS / 50) * 46);
    expect(dataStream).toEqual(sql);
  });

  test('at parallelism 1 the DataStream files hold the same records as at 2', async () => {
    const one = freshDir();
    const two = freshDir();
    await runDataStreamQ10(one, 1);
    await runDataStreamQ10(two, 2);
    expect(partitionRecords(join(one, Q10_OUTPUT))).toEqual(partitionRecords(join(two, Q10_OUTPUT)));
  });
});
