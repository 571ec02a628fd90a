/**
 * `SET 'table.local-time-zone' = 'default'`: the process's zone (`TZ`), resolved when the SET
 * runs, so a later change of the process's zone leaves the session's zone as it was.
 */
import { afterEach, expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

const savedTz = process.env.TZ;

afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

async function epochInSessionZone(tEnv: TableEnvironment): Promise<unknown> {
  const rows = (await tEnv
    .executeSql('SELECT CAST(TO_TIMESTAMP_LTZ(0, 3) AS STRING) AS s')
    .collect()) as Row[];
  return rows[0]!.s;
}

test("'default' is the process's zone when SET runs, and stays so", async () => {
  process.env.TZ = 'Asia/Kolkata';
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
  tEnv.executeSql("SET 'table.local-time-zone' = 'default'");
  expect(await epochInSessionZone(tEnv)).toBe('1970-01-01 05:30:00.000');
  process.env.TZ = 'America/Los_Angeles';
  expect(await epochInSessionZone(tEnv)).toBe('1970-01-01 05:30:00.000');
  // Set again, it reads the process's zone again.
  tEnv.executeSql("SET 'table.local-time-zone' = 'default'");
  expect(await epochInSessionZone(tEnv)).toBe('1969-12-31 16:00:00.000');
});

test('without SET the session zone is UTC, whatever the process zone', async () => {
  process.env.TZ = 'Asia/Kolkata';
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
  expect(await epochInSessionZone(tEnv)).toBe('1970-01-01 00:00:00.000');
});
