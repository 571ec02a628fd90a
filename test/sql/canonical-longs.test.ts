/**
 * BIGINT values from user code are made canonical where they enter (long.ts keeps one form per
 * value: a number exactly when safe, a bigint otherwise): rows given to `fromDataStream`, the rows
 * of `fromChangelogStream`'s changes and the results of user functions may hold a bigint within
 * ±2^53 or an integral number past it, and must then compare, group and print as the same value
 * in its canonical form.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type ChangelogRow,
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';
import { canonicalLongs } from '../../src/sql/expressions/canonical-longs.js';
import { isLong, MAX_LONG, MIN_LONG, toLong } from '../../src/sql/expressions/long.js';

const SAFE = 2n ** 53n;

describe('toLong', () => {
  test('a bigint becomes its canonical long, wrapped to 64 bits', () => {
    const near = (c: bigint) => fc.bigInt({ min: c - 100n, max: c + 100n });
    const value = fc.oneof(
      fc.bigInt({ min: -1000n, max: 1000n }),
      near(SAFE),
      near(-SAFE),
      near(MAX_LONG),
      near(MIN_LONG),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    );
    fc.assert(
      fc.property(value, (v) => {
        const long = toLong(v);
        expect(isLong(long)).toBe(true);
        expect(BigInt(long as number | bigint)).toBe(BigInt.asIntN(64, v));
      }),
      { numRuns: 3000 },
    );
  });

  test("a number becomes Java's (long) of it: exact when integral in range, saturated past it", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -(2 ** 64), max: 2 ** 64 }), (d) => {
        const long = toLong(d);
        expect(isLong(long)).toBe(true);
        const t = BigInt(Math.trunc(d));
        const expected = t > MAX_LONG ? MAX_LONG : t < MIN_LONG ? MIN_LONG : t;
        expect(BigInt(long as number | bigint)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  test('other values pass as they are', () => {
    expect(toLong(null)).toBeNull();
    expect(toLong('12')).toBe('12');
  });
});

test('canonicalLongs copies only a row that needs it', () => {
  const canonicalise = canonicalLongs(['a'])!;
  const canonical = { a: 5, b: 1n };
  expect(canonicalise(canonical)).toBe(canonical);
  const given = { a: 5n, b: 1n };
  expect(canonicalise(given)).toEqual({ a: 5, b: 1n });
  expect(given.a).toBe(5n);
  expect(canonicalLongs([])).toBeUndefined();
});

describe('in SQL', () => {
  const env = () => TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));

  test('fromDataStream rows with BIGINTs as safe bigints and unsafe numbers compare and group as their canonical values', async () => {
    const tEnv = env();
    const rows: Row[] = [
      { k: 7n, v: 2 ** 60 },
      { k: 7, v: 1n },
      { k: 9007199254740993n, v: 2n ** 60n },
    ];
    const stream = tEnv.getExecutionEnvironment().fromCollection(rows);
    tEnv.createTemporaryView('t', tEnv.fromDataStream(stream, { k: 'BIGINT', v: 'BIGINT' }));
    const grouped = await tEnv.executeSql('SELECT k, COUNT(*) AS n, SUM(v) AS s FROM t GROUP BY k').collect();
    const byKey = new Map(grouped.map((r) => [String(r.k), r]));
    expect(byKey.get('7')).toMatchObject({ k: 7, n: 2, s: 2n ** 60n + 1n });
    expect(byKey.get('9007199254740993')).toMatchObject({ k: 9007199254740993n, n: 1, s: 2n ** 60n });
    const equal = await tEnv.executeSql('SELECT k FROM t WHERE v = 1152921504606846976').collect();
    expect(equal.map((r) => r.k)).toEqual([7, 9007199254740993n]);
  });

  test('a BIGINT user function giving a bigint within 2^53 or a number past it gives the canonical value', async () => {
    const tEnv = env();
    tEnv.createTemporarySystemFunction('big', {
      eval: (x: number) => (x === 1 ? 5n : x === 2 ? 2 ** 60 : -0),
      resultType: 'BIGINT',
    });
    const rows = await tEnv
      .executeSql('SELECT big(x) AS b, big(x) = 5 AS five FROM (VALUES (1), (2), (3)) AS t(x)')
      .collect();
    expect(rows.map((r) => r.b)).toEqual([5, 2n ** 60n, 0]);
    expect(Object.is(rows[2]!.b, -0)).toBe(false);
    expect(rows.map((r) => r.five)).toEqual([true, false, false]);
  });
});

describe('fromChangelogStream', () => {
  const env = () => TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));

  test('rows with BIGINTs as safe bigints and unsafe numbers are made canonical, so a retraction takes back its row', async () => {
    const tEnv = env();
    const changes: ChangelogRow[] = [
      { kind: '+I', row: { k: 7n, v: 2 ** 60 } },
      { kind: '-U', row: { k: 7, v: 2n ** 60n } },
      { kind: '+U', row: { k: 7n, v: 3n } },
      { kind: '+I', row: { k: 9007199254740993n, v: 1 } },
    ];
    const stream = tEnv.getExecutionEnvironment().fromCollection(changes);
    tEnv.createTemporaryView('t', tEnv.fromChangelogStream(stream, { k: 'BIGINT', v: 'BIGINT' }));
    const grouped = await tEnv.executeSql('SELECT k, COUNT(*) AS n, SUM(v) AS s FROM t GROUP BY k').collect();
    expect(grouped.map((r) => ({ ...r }))).toEqual(
      expect.arrayContaining([
        { k: 7, n: 1, s: 3 },
        { k: 9007199254740993n, n: 1, s: 1 },
      ]),
    );
    expect(grouped).toHaveLength(2);
  });
});
