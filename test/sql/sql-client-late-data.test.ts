/**
 * `weir sql` with `SET 'pipeline.auto-watermark-interval' = '0'`: the client's SELECT job gets
 * the interval, so a late row is dropped by a window aggregate exactly as in the `.slt` files,
 * and INTERVAL values in its result table print in Flink's format.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runWeir, expectExit } from '../cli/run-cli.js';

it('drops a late row in a SELECT run by weir sql and prints INTERVAL columns as Flink does', {
  timeout: 120_000,
}, async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'weir-sql-late-')), 'late.sql');
  // Rows at 1 s, 7 s (watermark 6 s) and 3 s: the last one is late for [0 s, 5 s).
  writeFileSync(
    path,
    `SET 'pipeline.auto-watermark-interval' = '0';
CREATE TABLE ev (
  id INT,
  ts AS TO_TIMESTAMP_LTZ(CASE id WHEN 1 THEN 1000 WHEN 2 THEN 7000 ELSE 3000 END, 3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
SELECT COUNT(*) AS c, SUM(id) AS s, INTERVAL '5' SECOND AS len
FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end`,
  );
  const run = await runWeir(['sql', '-f', path], 60_000);
  expect(run.stderr).toBe('');
  expectExit(run, 0);
  const rows = run.stdout
    .split('\n')
    .filter((line) => /^\| +\d/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim())
        .join(' | '),
    )
    .sort();
  expect(rows).toEqual(['1 | 1 | +0 00:00:05.000', '1 | 2 | +0 00:00:05.000']);
});
