/**
 * `ORDER BY … LIMIT n [OFFSET m]` on a stream: a global Top-N whose result updates as rows enter
 * and leave the first n (exact changelogs), `LIMIT n` alone keeping the first n rows to arrive
 * (insert-only), order keys that are expressions, and the refusals.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

const DDL = 'CREATE TABLE t (k STRING, v INT)';
const ROWS: Row[] = [
  { k: 'a', v: 5 },
  { k: 'b', v: 3 },
  { k: 'c', v: 7 },
  { k: 'd', v: 1 },
  { k: 'e', v: 6 },
];

async function run(sql: string, parallelism = 1): Promise<{ lines: string[]; plan: string }> {
  const e = environment(parallelism);
  register(e, DDL, ROWS);
  return { lines: await changelog(e.tEnv, sql), plan: e.tEnv.sqlQuery(sql).explain() };
}

describe('ORDER BY … LIMIT', () => {
  test('the top 2 by v update as larger values arrive', async () => {
    const { lines, plan } = await run('SELECT k, v FROM t ORDER BY v DESC LIMIT 2');
    expect(lines).toEqual(['+I[a, 5]', '+I[b, 3]', '-D[b, 3]', '+I[c, 7]', '-D[a, 5]', '+I[e, 6]']);
    expect(plan).toContain('rankRange=[rankStart=1, rankEnd=2], partitionBy=[], orderBy=[v DESC]');
  });

  test('OFFSET skips the first rows of the order; parallelism 2 leaves the same table', async () => {
    const sql = 'SELECT k FROM t ORDER BY v LIMIT 2 OFFSET 1';
    expect(materialize((await run(sql)).lines)).toEqual(['[a]', '[b]']);
    expect(materialize((await run(sql, 2)).lines)).toEqual(['[a]', '[b]']);
  });

  test('an expression as the order key', async () => {
    // |v - 4|: a 1, b 1, c 3, d 3, e 2 -> a and b (ties by arrival)
    expect(materialize((await run('SELECT k FROM t ORDER BY ABS(v - 4), k LIMIT 2')).lines)).toEqual([
      '[a]',
      '[b]',
    ]);
  });

  test('LIMIT alone keeps the first rows to arrive, insert-only', async () => {
    const { lines, plan } = await run('SELECT k FROM t LIMIT 3');
    expect(lines).toEqual(['+I[a]', '+I[b]', '+I[c]']);
    expect(plan).toMatch(/Rank\(.*changelogMode=\[I\]\)/);
  });

  test('ORDER BY without LIMIT, and a LIMIT that is no integer literal, are refused', () => {
    const { tEnv } = environment();
    tEnv.executeSql("CREATE TABLE u (k STRING, v INT) WITH ('connector' = 'datagen')");
    expect(() => tEnv.sqlQuery('SELECT k FROM u ORDER BY v')).toThrow(
      'SQL error at line 1, column 26: ORDER BY without LIMIT on a streaming query is not supported; add LIMIT n to keep the first n rows in that order',
    );
    expect(() => tEnv.sqlQuery("SELECT k FROM u ORDER BY v LIMIT 'x'")).toThrow(
      'SQL error at line 1, column 34: LIMIT needs a non-negative integer literal',
    );
  });
});
