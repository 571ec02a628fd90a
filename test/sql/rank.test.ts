/**
 * Top-N: exact changelogs as the top changes (with the rank number, updated by position; and
 * without it, only rows entering and leaving), ties under ROW_NUMBER, RANK and DENSE_RANK, rank
 * ranges that start above 1, retract input (a row leaving lets the next one in), parallelism 2,
 * and a property test of the function against a brute-force ranking of the final rows.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import type { RankKind } from '../../src/sql/runtime/over/ranking.js';
import { TopNFunction } from '../../src/sql/runtime/over/rank-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

const DDL = 'CREATE TABLE t (k STRING, v INT)';
const ROWS: Row[] = [5, 3, 7, 3, 1].map((v) => ({ k: 'a', v }));
ROWS.push({ k: 'b', v: 2 }, { k: 'a', v: 8 });

async function run(sql: string, rows: readonly Row[] = ROWS, parallelism = 1): Promise<string[]> {
  const e = environment(parallelism);
  register(e, DDL, rows);
  return changelog(e.tEnv, sql);
}

const topN = (fn: string, bound: string, select = '*') =>
  `SELECT ${select} FROM (SELECT k, v, ${fn}() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE ${bound}`;

describe('Top-N over insert-only input', () => {
  test('with the rank number: each position that changes is updated', async () => {
    expect(await run(topN('ROW_NUMBER', 'rn <= 2'))).toEqual([
      '+I[a, 5, 1]',
      '+I[a, 3, 2]',
      // 7 arrives: it takes position 1, 5 moves to position 2, 3 drops out
      '-U[a, 5, 1]',
      '+U[a, 7, 1]',
      '-U[a, 3, 2]',
      '+U[a, 5, 2]',
      // the second 3 and the 1 rank below the top 2: nothing
      '+I[b, 2, 1]',
      '-U[a, 7, 1]',
      '+U[a, 8, 1]',
      '-U[a, 5, 2]',
      '+U[a, 7, 2]',
    ]);
  });

  test('without the rank number: only rows entering and leaving the top', async () => {
    expect(await run(topN('ROW_NUMBER', 'rn <= 2', 'k, v'))).toEqual([
      '+I[a, 5]',
      '+I[a, 3]',
      '-D[a, 3]',
      '+I[a, 7]',
      '+I[b, 2]',
      '-D[a, 5]',
      '+I[a, 8]',
    ]);
  });

  test('rn = N, rn < N and rn BETWEEN select ranges that need not start at 1', async () => {
    const second = ['+I[a, 3]', '-D[a, 3]', '+I[a, 5]', '-D[a, 5]', '+I[a, 7]'];
    expect(await run(topN('ROW_NUMBER', 'rn = 2', 'k, v'))).toEqual(second);
    expect(materialize(await run(topN('ROW_NUMBER', 'rn BETWEEN 2 AND 3', 'k, v')))).toEqual([
      '[a, 5]',
      '[a, 7]',
    ]);
    expect(materialize(await run(topN('ROW_NUMBER', 'rn < 2')))).toEqual(['[a, 8, 1]', '[b, 2, 1]']);
  });

  test('ties: ROW_NUMBER numbers them by arrival, RANK skips ranks after them, DENSE_RANK does not', async () => {
    const rows = [7, 5, 5, 4].map((v) => ({ k: 'a', v }));
    expect(materialize(await run(topN('ROW_NUMBER', 'rn <= 3'), rows))).toEqual([
      '[a, 5, 2]',
      '[a, 5, 3]',
      '[a, 7, 1]',
    ]);
    expect(materialize(await run(topN('RANK', 'rn <= 3'), rows))).toEqual([
      '[a, 5, 2]',
      '[a, 5, 2]',
      '[a, 7, 1]',
    ]);
    expect(materialize(await run(topN('DENSE_RANK', 'rn <= 3'), rows))).toEqual([
      '[a, 4, 3]',
      '[a, 5, 2]',
      '[a, 5, 2]',
      '[a, 7, 1]',
    ]);
  });

  test('RANK updates every row whose rank changes and deletes rows pushed out', async () => {
    const rows = [5, 5, 7, 6].map((v) => ({ k: 'a', v }));
    expect(await run(topN('RANK', 'rn <= 2'), rows)).toEqual([
      '+I[a, 5, 1]',
      '+I[a, 5, 1]',
      '-U[a, 5, 1]',
      '+U[a, 5, 2]',
      '-U[a, 5, 1]',
      '+U[a, 5, 2]',
      '+I[a, 7, 1]',
      '-D[a, 5, 2]',
      '-D[a, 5, 2]',
      '+I[a, 6, 2]',
    ]);
  });

  test('parallelism 2 leaves the same final table', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ k: `k${i % 7}`, v: (i * 37) % 23 }));
    const sql = topN('ROW_NUMBER', 'rn <= 3');
    expect(materialize(await run(sql, rows, 2))).toEqual(materialize(await run(sql, rows, 1)));
  });
});

describe('Top-N over retract input', () => {
  test('a deleted row lets the next one in; an update moves a row', async () => {
    const e = environment();
    const changes: ChangelogRow[] = [
      { kind: '+I', row: { k: 'a', v: 5 } },
      { kind: '+I', row: { k: 'a', v: 3 } },
      { kind: '+I', row: { k: 'a', v: 7 } },
      { kind: '-D', row: { k: 'a', v: 7 } },
      { kind: '-U', row: { k: 'a', v: 3 } },
      { kind: '+U', row: { k: 'a', v: 9 } },
    ];
    e.tEnv.createTemporaryView(
      't',
      e.tEnv.fromChangelogStream(e.env.fromCollection(changes), { k: 'STRING', v: 'INT' }),
    );
    expect(await changelog(e.tEnv, topN('ROW_NUMBER', 'rn <= 2'))).toEqual([
      '+I[a, 5, 1]',
      '+I[a, 3, 2]',
      '-U[a, 5, 1]',
      '+U[a, 7, 1]',
      '-U[a, 3, 2]',
      '+U[a, 5, 2]',
      // 7 deleted: 5 and 3 move up
      '-U[a, 7, 1]',
      '+U[a, 5, 1]',
      '-U[a, 5, 2]',
      '+U[a, 3, 2]',
      // 3 updated to 9: first 3 leaves, then 9 enters at the top
      '-D[a, 3, 2]',
      '-U[a, 5, 1]',
      '+U[a, 9, 1]',
      '+I[a, 5, 2]',
    ]);
    expect(e.tEnv.sqlQuery(topN('ROW_NUMBER', 'rn <= 2')).explain()).toContain(
      'Rank(strategy=[RetractStrategy]',
    );
  });
});

describe('the Top-N function against a brute-force ranking', () => {
  const harness = (rankType: RankKind, rankEnd: number, changelogInput: boolean, rankColumn?: string) => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
      new ProcessOperator(
        new TopNFunction({
          rankType,
          rankStart: 1,
          rankEnd,
          orderBy: [{ column: 'v', descending: true, nullsFirst: false }],
          rankColumn,
          changelogInput,
          inputColumns: ['k', 'v', 'id'],
        }),
        true,
      ),
      (e) => (changelogInput ? (e as unknown as ChangelogRow).row.k : e.k),
    );
    h.open();
    return h;
  };
  /** The final table of the function's changes, as sorted JSON lines. */
  const finalTable = (changes: readonly ChangelogRow[]) => {
    const rows = new Map<string, number>();
    for (const c of changes) {
      const key = JSON.stringify(c.row, Object.keys(c.row).sort());
      rows.set(key, (rows.get(key) ?? 0) + (c.kind === '+I' || c.kind === '+U' ? 1 : -1));
    }
    expect([...rows.values()].every((n) => n === 0 || n === 1)).toBe(true);
    return [...rows]
      .filter(([, n]) => n === 1)
      .map(([row]) => row)
      .sort();
  };
  /** The expected final table: each key's live rows by v descending, ties by latest arrival last. */
  const oracle = (
    live: readonly (Row & { seq: number })[],
    kind: RankKind,
    rankEnd: number,
    withRank: boolean,
  ) => {
    const out: string[] = [];
    for (const k of new Set(live.map((r) => r.k))) {
      const rows = live
        .filter((r) => r.k === k)
        .sort((a, b) => (b.v as number) - (a.v as number) || a.seq - b.seq);
      let rank = 0;
      rows.forEach((r, i) => {
        if (kind === 'ROW_NUMBER') rank = i + 1;
        else if (i === 0 || rows[i - 1]!.v !== r.v) rank = kind === 'RANK' ? i + 1 : rank + 1;
        if (rank > rankEnd) return;
        const row: Row = { k: r.k, v: r.v, id: r.id };
        if (withRank) row.rn = rank;
        out.push(JSON.stringify(row, Object.keys(row).sort()));
      });
    }
    return out.sort();
  };

  const ops = fc.array(
    fc.record({ add: fc.boolean(), k: fc.integer({ min: 0, max: 2 }), v: fc.integer({ min: 0, max: 5 }) }),
    { maxLength: 60 },
  );
  const kinds = fc.constantFrom<RankKind>('ROW_NUMBER', 'RANK', 'DENSE_RANK');

  test('insert-only input', () => {
    fc.assert(
      fc.property(ops, kinds, fc.integer({ min: 1, max: 4 }), fc.boolean(), (list, kind, n, withRank) => {
        const h = harness(kind, n, false, withRank ? 'rn' : undefined);
        const live: (Row & { seq: number })[] = [];
        list.forEach((op, i) => {
          const row = { k: op.k, v: op.v, id: i };
          h.processElement(row);
          live.push({ ...row, seq: i });
        });
        expect(finalTable(h.extractOutputValues())).toEqual(oracle(live, kind, n, withRank));
      }),
      { numRuns: 150 },
    );
  });

  test('retract input: deletes remove a live row of that key and value', () => {
    fc.assert(
      fc.property(ops, kinds, fc.integer({ min: 1, max: 4 }), fc.boolean(), (list, kind, n, withRank) => {
        const h = harness(kind, n, true, withRank ? 'rn' : undefined);
        const live: (Row & { seq: number })[] = [];
        list.forEach((op, i) => {
          if (op.add || live.length === 0) {
            const row = { k: op.k, v: op.v, id: i };
            h.processElement({ kind: '+I', row } as unknown as Row);
            live.push({ ...row, seq: i });
          } else {
            const victim = live.splice(i % live.length, 1)[0]!;
            const { seq: _s, ...row } = victim;
            h.processElement({ kind: '-D', row } as unknown as Row);
          }
        });
        expect(finalTable(h.extractOutputValues())).toEqual(oracle(live, kind, n, withRank));
      }),
      { numRuns: 150 },
    );
  });
});
