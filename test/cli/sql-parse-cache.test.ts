/**
 * The `weir` command keeps the SQL it parsed on disk (`src/sql/parser/parse-cache.ts`), and a
 * later run reads the trees from there instead of building the parser: a script run twice
 * prints the same, its error too, and the second run does read the cache (an entry changed
 * behind its back shows); a SQL job file run twice on two worker threads gives the same rows,
 * its workers rebuilding the job from trees the main thread read from the cache.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { disableSqlParseCache, enableSqlParseCache, writeParsed } from '../../src/sql/parser/parse-cache.js';
import { parseText } from '../../src/sql/parser/parse-text.js';
import { readCommitted } from '../support/exactly-once.js';
import { runWeir } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-parse-cache-'));
/** Where the runs of this file keep their cache: `$XDG_CACHE_HOME/weir/sql-parse`. */
const cacheHome = join(dir, 'cache');
const env = { XDG_CACHE_HOME: cacheHome };
const cacheRoot = join(cacheHome, 'weir', 'sql-parse');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The entry files of the cache, with what they hold. */
function entries(): { path: string; rule: string; sql: string }[] {
  return readdirSync(cacheRoot).flatMap((folder) =>
    readdirSync(join(cacheRoot, folder)).map((name) => {
      const path = join(cacheRoot, folder, name);
      return { path, ...(deserialize(readFileSync(path)) as { rule: string; sql: string }) };
    }),
  );
}

describe('weir keeps parsed SQL for its next run', () => {
  it('runs a script the same from the cache, errors alike, and reads the cache', {
    timeout: 240_000,
  }, async () => {
    const script = join(dir, 'script.sql');
    writeFileSync(
      script,
      `CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
SELECT id * 10 AS ten FROM src;
SELECT nope FROM src;
`,
    );
    const first = await runWeir(['sql', '-f', script], 120_000, env);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/\| 10 +\|\n\| 20 +\|\n\| 30 +\|/);
    expect(first.stderr).toMatch(/line 4, column 8/);
    // All three statements parsed (the third one's error is the planner's), so all are kept.
    const kept = entries();
    expect(kept).toHaveLength(3);
    expect(kept.map((e) => e.sql)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('CREATE TABLE src'),
        'SELECT id * 10 AS ten FROM src',
        'SELECT nope FROM src',
      ]),
    );

    const second = await runWeir(['sql', '-f', script], 120_000, env);
    expect(second).toEqual(first);
    expect(
      entries()
        .map((e) => e.path)
        .sort(),
    ).toEqual(kept.map((e) => e.path).sort());

    // Proof that the second run read its trees from the cache: a tree changed in place runs.
    const select = kept.find((e) => e.sql === 'SELECT id * 10 AS ten FROM src')!;
    enableSqlParseCache(cacheRoot);
    try {
      writeParsed(select.rule, select.sql, parseText('statement', 'SELECT id * 100 AS ten FROM src'));
    } finally {
      disableSqlParseCache();
    }
    const third = await runWeir(['sql', '-f', script], 120_000, env);
    expect(third.stdout).toMatch(/\| 100 +\|\n\| 200 +\|\n\| 300 +\|/);
  });

  it('runs a SQL job file on worker threads the same from the cache', { timeout: 240_000 }, async () => {
    const job = join('test', 'sql', 'worker-fixtures', 'parsed-statements-job.ts');
    const rows = 200;
    const expected: string[] = [];
    for (let i = 0; i < rows; i++) if (i % 3 !== 1) expected.push(`${i}:${2 * i}`);
    for (const round of [1, 2]) {
      const out = join(dir, `out-${round}`);
      const markers = join(dir, `markers-${round}`);
      mkdirSync(markers);
      const run = await runWeir(
        ['run', '-q', '-p', '2', job, '--', String(rows), out, markers],
        120_000,
        env,
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const got = readCommitted(out).map((line) => JSON.parse(line) as { id: number; twice: number });
      expect(got.map((r) => `${r.id}:${r.twice}`).sort()).toEqual(expected.sort());
      // The workers took the trees the main thread parsed, or on the second run read from the cache.
      const reports = readdirSync(markers).map((f) => JSON.parse(readFileSync(join(markers, f), 'utf8')));
      expect(reports).toEqual([
        { lexed: false, parserLoaded: false },
        { lexed: false, parserLoaded: false },
      ]);
    }
    expect(entries().some((e) => e.sql.startsWith('SELECT id, id * 2 AS twice'))).toBe(true);
  });
});
