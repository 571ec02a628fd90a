/**
 * MULTISET values through the filesystem json format: COLLECT's window results are written as
 * Flink's json format writes a multiset (an object of element to count), and read back as the
 * same multisets, CARDINALITY counting duplicates.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-multiset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** All lines of the part files under `root`, sorted. */
function lines(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .flatMap((e) => readFileSync(join(e.parentPath, e.name), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}

test('COLLECT results round-trip through json as element-to-count objects', async () => {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  await tEnv
    .executeSql(
      "CREATE TABLE ev (id INT, g AS MOD(id, 3), ts AS TO_TIMESTAMP_LTZ(id * 1000, 3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '7')",
    )
    .await();
  await tEnv
    .executeSql(
      `CREATE TABLE out_t (ws TIMESTAMP(3), gs MULTISET<INT>) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
    )
    .await();
  // TUMBLE 3 s: [0, 3) ids 1-2 (g 1, 2), [3, 6) ids 3-5 (g 0, 1, 2), [6, 9) ids 6-7 (g 0, 1)
  await tEnv
    .executeSql(
      "INSERT INTO out_t SELECT window_start, COLLECT(MOD(g, 2)) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '3' SECOND)) GROUP BY window_start, window_end",
    )
    .await();
  expect(lines(dir)).toEqual([
    '{"ws":"1970-01-01 00:00:00","gs":{"1":1,"0":1}}',
    '{"ws":"1970-01-01 00:00:03","gs":{"0":2,"1":1}}',
    '{"ws":"1970-01-01 00:00:06","gs":{"0":1,"1":1}}',
  ]);
  const result = tEnv.executeSql('SELECT ws, CAST(gs AS STRING) AS s, CARDINALITY(gs) AS n FROM out_t');
  expect(result.columnTypes().map((c) => c.name)).toEqual(['ws', 's', 'n']);
  // Read back, an object's integer-like keys come in ascending order (JavaScript's rule).
  const rows = (await result.collect()).map((r) => `${r.s} ${r.n}`).sort();
  expect(rows).toEqual(['{0=1, 1=1} 2', '{0=1, 1=1} 2', '{0=2, 1=1} 3']);
});
