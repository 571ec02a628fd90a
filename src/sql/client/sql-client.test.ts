/**
 * The SQL client writes a bounded query's table in chunks, and no further chunk while its
 * output is full (`outFull`), so a slow reader gets the table as it reads instead of the whole
 * text queueing in front of it. Nothing is lost, reordered or cut off.
 */
import { expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../api/environment.js';
import { TableEnvironment } from '../table-environment.js';
import { SqlClient } from './sql-client.js';

const ROWS = 5_000;

/** The table `SELECT id, id * 2 AS twice` prints over ids 1 to ROWS. */
function expectedTable(): string {
  const widths = [Math.max(2, String(ROWS).length), Math.max(5, String(2 * ROWS).length)];
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (a: string, b: string) => `| ${a.padEnd(widths[0]!)} | ${b.padEnd(widths[1]!)} |`;
  const body = Array.from({ length: ROWS }, (_, i) => line(String(i + 1), String(2 * (i + 1))));
  return [rule, line('id', 'twice'), rule, ...body, rule, `${ROWS} rows in set`].join('\n');
}

it('writes a bounded table in chunks, each only once the output takes more, and all of it in order', async () => {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  const written: string[] = [];
  // The output is full after every write until the test lets it drain.
  let full: { promise: Promise<void>; resolve: () => void } | undefined;
  let onWait: (() => void) | undefined;
  const client = new SqlClient(tEnv, {
    out: (text) => {
      written.push(text);
      let resolve!: () => void;
      full = { promise: new Promise((r) => (resolve = r)), resolve };
    },
    waitForInserts: true,
    outFull: () => {
      if (full === undefined) return undefined;
      onWait?.();
      return full.promise;
    },
  });
  await client.execute(
    `CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}')`,
  );
  full = undefined;
  written.length = 0;
  let settled = false;
  const run = client.execute('SELECT id, id * 2 AS twice FROM src').finally(() => {
    settled = true;
  });
  for (let drains = 0; ; drains++) {
    // The client either asks to wait (the output is full) or has ended.
    const waited = await Promise.race([
      new Promise<boolean>((resolve) => {
        onWait = () => resolve(true);
      }),
      run.then(() => false),
    ]);
    if (!waited) break;
    // Nothing more was written while full: one write per drain so far.
    expect(written.length).toBe(drains + 1);
    expect(settled).toBe(false);
    const drain = full!;
    full = undefined;
    drain.resolve();
  }
  await run;
  expect(written.length).toBeGreaterThan(4);
  for (const chunk of written.slice(0, -1)) expect(chunk.length).toBeLessThan(17 * 1024);
  expect(written.join('\n')).toBe(expectedTable());
}, 60_000);
