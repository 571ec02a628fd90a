/**
 * Literal types change no value: string literals are CHAR(n) and byte literals BINARY(n) (as in
 * Flink), and a VALUES column of them is CHAR/BINARY when its rows have one length and
 * VARCHAR/VARBINARY otherwise, yet comparisons, lengths and concatenation give what DuckDB gives
 * for the same text and bytes, where nothing is ever padded. Byte strings compare by their bytes,
 * unsigned and shorter-prefix-first, as DuckDB's BLOBs (and Flink's BINARY) do.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { duckdbConnection } from './duckdb-tables.js';
import { environment } from './over-helpers.js';

/** Pairs of ASCII texts (letters and spaces, trailing spaces included) of up to three characters. */
const texts = fc.sample(fc.tuple(fc.stringMatching(/^[ab ]{0,3}$/), fc.stringMatching(/^[ab ]{0,3}$/)), {
  numRuns: 60,
  seed: 99,
});
/** Pairs of byte strings of up to three bytes, with bytes past 0x7f to check the order is unsigned. */
const bytes = fc.sample(
  fc.tuple(
    fc.uint8Array({ maxLength: 3 }).map((b) => Buffer.from(b).toString('hex')),
    fc.uint8Array({ maxLength: 3 }).map((b) => Buffer.from(b).toString('hex')),
  ),
  { numRuns: 60, seed: 99 },
);

const quote = (s: string) => `'${s}'`;
const byId = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => ({ ...r })).sort((a, b) => Number(a.id) - Number(b.id));

describe('literal types agree with DuckDB', async () => {
  const duck = await duckdbConnection();

  test('texts from VALUES compare, measure and concatenate as DuckDB VARCHARs', async () => {
    const rows = texts.map(([s, t], i) => `(${i}, ${quote(s)}, ${quote(t)})`).join(', ');
    const select = (len: string) =>
      `SELECT id, s = t AS eq, s < t AS lt, s > t AS gt, ${len}(s) AS n, s || '|' || t AS c FROM (VALUES ${rows}) AS v(id, s, t)`;
    const { tEnv } = environment(1);
    const got = byId(await tEnv.executeSql(select('CHAR_LENGTH')).collect());
    const want = byId((await duck.runAndReadAll(select('length'))).getRowObjectsJS());
    expect(got).toEqual(want.map((r) => ({ ...r, n: Number(r.n) })));
  });

  test('byte strings compare by their bytes, unsigned, as DuckDB BLOBs', async () => {
    const cells = (hex: (h: string) => string) =>
      bytes.map(([a, b], i) => `(${i}, ${hex(a)}, ${hex(b)})`).join(', ');
    const select = (rows: string) =>
      `SELECT id, a = b AS eq, a <> b AS ne, a < b AS lt, a <= b AS le, a > b AS gt, a >= b AS ge, a IN (b, a) AS self, a IN (b) AS inb, a IS NOT DISTINCT FROM b AS nd FROM (VALUES ${rows}) AS v(id, a, b)`;
    const { tEnv } = environment(1);
    const got = byId(await tEnv.executeSql(select(cells((h) => `x'${h}'`))).collect());
    const want = byId((await duck.runAndReadAll(select(cells((h) => `from_hex('${h}')`)))).getRowObjectsJS());
    expect(got.length).toBe(bytes.length);
    expect(got).toEqual(want);
  });
});
