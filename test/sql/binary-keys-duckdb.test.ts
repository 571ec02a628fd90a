/**
 * Byte strings as keys agree with DuckDB's BLOBs: GROUP BY, COUNT(DISTINCT), DISTINCT, a join
 * on `=` and ROW_NUMBER partitions put rows with equal bytes together and rows with different
 * bytes apart. Weir's rows write each byte string one of three ways (a literal, a cast to BYTES,
 * a concatenation), which reach the operators as different kinds of byte arrays, so equal bytes
 * only meet if the keys compare the bytes. At parallelism 1 and 2 (a keyed exchange between).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { duckdbConnection } from './duckdb-tables.js';
import { environment } from './over-helpers.js';

/** Byte strings of up to two bytes from a small alphabet, so that many rows share their bytes. */
const values = fc.sample(
  fc
    .uint8Array({ maxLength: 2 })
    .map((b) => Buffer.from(b.map((x) => [0x00, 0x01, 0x80, 0xff][x % 4]!)).toString('hex')),
  { numRuns: 40, seed: 7 },
);

/** Weir's spelling of row `i`'s bytes: a literal, a cast of a literal, or a concatenation. */
function weirBytes(hex: string, i: number): string {
  switch (i % 3) {
    case 0:
      return `x'${hex}'`;
    case 1:
      return `CAST(x'${hex}' AS BYTES)`;
    default:
      return `x'' || x'${hex}'`;
  }
}

const weirRows = `(VALUES ${values.map((h, i) => `(${i}, ${weirBytes(h, i)})`).join(', ')}) AS t(id, b)`;
const duckRows = `(VALUES ${values.map((h, i) => `(${i}, from_hex('${h}'))`).join(', ')}) AS t(id, b)`;

const queries: ReadonlyArray<[string, (rows: string) => string]> = [
  ['GROUP BY', (rows) => `SELECT b, COUNT(*) AS n, SUM(id) AS s FROM ${rows} GROUP BY b`],
  [
    'GROUP BY two columns',
    (rows) => `SELECT b, id % 2 AS odd, COUNT(*) AS n FROM ${rows} GROUP BY b, id % 2`,
  ],
  ['COUNT(DISTINCT)', (rows) => `SELECT COUNT(DISTINCT b) AS n FROM ${rows}`],
  ['DISTINCT', (rows) => `SELECT DISTINCT b FROM ${rows}`],
  [
    'a join on =',
    (rows) =>
      `SELECT l.id AS l, r.id AS r FROM ${rows.replace(' AS t', ' AS l')} JOIN ${rows.replace(' AS t', ' AS r')} ON l.b = r.b`,
  ],
  [
    'ROW_NUMBER partitions',
    (rows) =>
      `SELECT b, id FROM (SELECT b, id, ROW_NUMBER() OVER (PARTITION BY b ORDER BY id) AS rn FROM ${rows}) WHERE rn <= 2`,
  ],
];

/** A result row as text, byte strings in hex, numbers as numbers (DuckDB's sums are bigints). */
function cells(row: Record<string, unknown>): string {
  return Object.entries(row)
    .map(([k, v]) => `${k}=${v instanceof Uint8Array ? Buffer.from(v).toString('hex') : Number(v)}`)
    .join(' ');
}

describe('byte string keys agree with DuckDB BLOBs', async () => {
  const duck = await duckdbConnection();
  for (const p of [1, 2]) {
    for (const [name, query] of queries) {
      test(`${name} at parallelism ${p}`, async () => {
        const { tEnv } = environment(p);
        const got = (await tEnv.executeSql(query(weirRows)).collect()).map(cells).sort();
        const want = (await duck.runAndReadAll(query(duckRows))).getRowObjectsJS().map(cells).sort();
        expect(want.length).toBeGreaterThan(0);
        expect(got).toEqual(want);
      });
    }
  }
});
