/**
 * `weir sql -f` with the DDL Flink users paste: a script creates a file table with CREATE TABLE
 * … AS SELECT (the client waits for its job), derives a table from it with CREATE TABLE … LIKE,
 * alters it, prints its SHOW CREATE TABLE and reads the CTAS rows back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWeir, expectExit } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-ctas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('weir sql -f with CTAS, LIKE, ALTER and SHOW CREATE', () => {
  it('creates the table from the query, writes its rows and reads them back', {
    timeout: 120_000,
  }, async () => {
    const out = join(dir, 'out');
    const path = join(dir, 'ctas.sql');
    writeFileSync(
      path,
      `CREATE TABLE src (id INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
CREATE TABLE copy WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json')
  AS SELECT id, id * 7 AS seven FROM src;
CREATE TABLE copy_csv WITH ('format' = 'csv') LIKE copy;
ALTER TABLE copy_csv RENAME TO copy_text;
SHOW CREATE TABLE copy_text;
SELECT id, seven FROM copy ORDER BY id LIMIT 10`,
    );
    const run = await runWeir(['sql', '-f', path], 60_000);
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    // The CTAS job ran to the end before the next statement.
    expect(run.stdout).toMatch(/Job \S+ finished\./);
    expect(run.stdout).toContain('CREATE TABLE `default_catalog`.`default_database`.`copy_text` (');
    expect(run.stdout).toContain("'format' = 'csv'");
    expect(run.stdout).toMatch(/\| 1 +\| 7 +\|\n\| 2 +\| 14 +\|\n\| 3 +\| 21 +\|/);
    expect(run.stdout).toContain('3 rows in set');
  });
});
