/**
 * Top-N with UpdateFastStrategy (only the top rows kept, updates found by the unique key, -U
 * skipped) against a brute-force ranking over random inputs: a COUNT or MAX group aggregate's
 * retract changelog (+I, then -U/+U per update, equal values included), ROW_NUMBER, RANK and
 * DENSE_RANK, any rank range, with and without the rank column, retract and upsert output.
 * After each update of the aggregate the changelog so far must materialize to the ranking of
 * the aggregate's current rows, every retraction taking back a live row. Also the planner's
 * choice: UpdateFast only where the sort key cannot move a row down.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import type { RankKind } from '../../src/sql/runtime/over/ranking.js';
import { UpdateFastTopNFunction } from '../../src/sql/runtime/over/update-fast-rank.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

interface Case {
  readonly rankType: RankKind;
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly withRank: boolean;
  readonly upsert: boolean;
  readonly fn: 'COUNT' | 'MAX';
}

const text = (row: Row) => JSON.stringify(row, Object.keys(row).sort());

function harness(c: Case) {
  // ROW_NUMBER breaks ties on g, so that the ranking does not depend on arrival order.
  const orderBy = [{ column: 'c', descending: true, nullsFirst: false }];
  if (c.rankType === 'ROW_NUMBER') orderBy.push({ column: 'g', descending: false, nullsFirst: false });
  const h = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
    new ProcessOperator(
      new UpdateFastTopNFunction(
        {
          rankType: c.rankType,
          rankStart: c.rankStart,
          rankEnd: c.rankEnd,
          orderBy,
          rankColumn: c.withRank ? 'rn' : undefined,
          changelogInput: true,
          inputColumns: ['k', 'g', 'c'],
          upsertOutput: c.upsert,
        },
        ['k', 'g'],
      ),
      true,
    ),
    (change) => (change as unknown as ChangelogRow).row.k,
  );
  h.open();
  return h;
}

/** The ranked rows of the aggregate's current rows, per partition k. */
function oracle(groups: ReadonlyMap<string, Row>, c: Case): string[] {
  const out: string[] = [];
  const rows = [...groups.values()];
  for (const k of new Set(rows.map((r) => r.k))) {
    const part = rows
      .filter((r) => r.k === k)
      .sort((a, b) => (b.c as number) - (a.c as number) || (a.g as number) - (b.g as number));
    part.forEach((r, i) => {
      const greater = part.filter((o) => (o.c as number) > (r.c as number));
      const rank =
        c.rankType === 'ROW_NUMBER'
          ? i + 1
          : c.rankType === 'RANK'
            ? greater.length + 1
            : new Set(greater.map((o) => o.c)).size + 1;
      if (rank >= c.rankStart && rank <= c.rankEnd) out.push(text(c.withRank ? { ...r, rn: rank } : r));
    });
  }
  return out.sort();
}

/** Applies output changes to the materialized table; upsert rows replace by (k, rn). */
function apply(
  table: Map<string, number>,
  byRank: Map<string, string>,
  changes: readonly ChangelogRow[],
  c: Case,
) {
  for (const change of changes) {
    const row = text(change.row);
    if (c.upsert && c.withRank && c.rankType === 'ROW_NUMBER') {
      const key = `${change.row.k}/${change.row.rn}`;
      if (change.kind === '-D') {
        expect(byRank.get(key)).toBe(row);
        byRank.delete(key);
      } else {
        expect(change.kind).not.toBe('-U');
        byRank.set(key, row);
      }
      continue;
    }
    if (c.upsert && !c.withRank) {
      // Top-1 by ROW_NUMBER: keyed by the partition.
      const key = String(change.row.k);
      if (change.kind === '-D') byRank.delete(key);
      else byRank.set(key, row);
      continue;
    }
    const n = table.get(row) ?? 0;
    if (change.kind === '+I' || change.kind === '+U') table.set(row, n + 1);
    else {
      expect(n, `retraction of a row not live: ${change.kind}${row}`).toBeGreaterThan(0);
      if (n === 1) table.delete(row);
      else table.set(row, n - 1);
    }
  }
}

// DENSE_RANK never runs UpdateFast: the planner gives it RetractStrategy (tested below).
const cases = fc.record({
  rankType: fc.constantFrom<RankKind>('ROW_NUMBER', 'RANK'),
  rankStart: fc.integer({ min: 1, max: 3 }),
  span: fc.integer({ min: 0, max: 3 }),
  withRank: fc.boolean(),
  upsert: fc.boolean(),
  fn: fc.constantFrom<'COUNT' | 'MAX'>('COUNT', 'MAX'),
});

const arrivals = fc.array(
  fc.record({
    k: fc.integer({ min: 0, max: 2 }),
    g: fc.integer({ min: 0, max: 5 }),
    v: fc.integer({ min: 0, max: 9 }),
  }),
  { maxLength: 60 },
);

describe('Top-N with UpdateFastStrategy', () => {
  test('after each update of a COUNT or MAX aggregate the changelog materializes to the brute-force ranking', () => {
    fc.assert(
      fc.property(cases, arrivals, (raw, input) => {
        const c: Case = { ...raw, rankEnd: raw.rankStart + raw.span };
        // Upsert output without the rank column is planned only for Top-1 (its key is the partition).
        if (c.upsert && !c.withRank && !(c.rankType === 'ROW_NUMBER' && c.rankStart === 1 && c.rankEnd === 1))
          return;
        if (c.upsert && c.withRank && c.rankType !== 'ROW_NUMBER') return;
        const h = harness(c);
        const groups = new Map<string, Row>();
        const table = new Map<string, number>();
        const byRank = new Map<string, string>();
        let seen = 0;
        for (const { k, g, v } of input) {
          const id = `${k}/${g}`;
          const old = groups.get(id);
          const value =
            c.fn === 'COUNT'
              ? ((old?.c as number | undefined) ?? 0) + 1
              : Math.max(v, (old?.c as number | undefined) ?? v);
          const row = { k, g, c: value };
          groups.set(id, row);
          if (old === undefined) h.processElement({ kind: '+I', row } as unknown as Row, 0);
          else {
            h.processElement({ kind: '-U', row: old } as unknown as Row, 0);
            h.processElement({ kind: '+U', row } as unknown as Row, 0);
          }
          const out = h.extractOutputValues();
          apply(table, byRank, out.slice(seen), c);
          seen = out.length;
          const live = c.upsert
            ? [...byRank.values()].sort()
            : [...table.entries()].flatMap(([r, n]) => Array<string>(n).fill(r)).sort();
          expect(live).toEqual(oracle(groups, c));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('choosing UpdateFastStrategy', () => {
  const rows: Row[] = [
    { k: 1, g: 'a', v: 5 },
    { k: 1, g: 'b', v: 1 },
    { k: 1, g: 'b', v: 2 },
    { k: 1, g: 'c', v: 9 },
    { k: 1, g: 'b', v: 3 },
    { k: 2, g: 'a', v: 4 },
  ];
  const setup = () => {
    const e = environment();
    register(e, 'CREATE TABLE t (k INT, g STRING, v INT)', rows);
    return e;
  };
  const topN = (select: string, order: string) =>
    `SELECT * FROM (SELECT k, g, x, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ${order}) AS rn FROM (SELECT k, g, ${select} AS x FROM t GROUP BY k, g)) WHERE rn <= 1`;

  test('COUNT or MAX descending, MIN ascending with NULLs last, over an insert-only aggregate: UpdateFast', () => {
    const { tEnv } = setup();
    for (const [select, order] of [
      ['COUNT(*)', 'x DESC'],
      ['MAX(v)', 'x DESC'],
      ['MIN(v)', 'x ASC NULLS LAST'],
    ])
      expect(tEnv.explainSql(topN(select!, order!)), `${select} ${order}`).toContain(
        'Rank(strategy=[UpdateFastStrategy[k, g]]',
      );
  });

  test('a sort key that can move a row down (NULLs first included), or a partition key outside the unique key: Retract', () => {
    const { tEnv } = setup();
    for (const [select, order] of [
      ['SUM(v)', 'x DESC'],
      ['COUNT(*)', 'x ASC'],
      ['MAX(v)', 'x ASC'],
      ['MAX(v)', 'x DESC NULLS FIRST'],
      ['MIN(v)', 'x ASC'],
    ])
      expect(tEnv.explainSql(topN(select!, order!))).toContain('Rank(strategy=[RetractStrategy]');
    const byCount = `SELECT * FROM (SELECT g, x, ROW_NUMBER() OVER (PARTITION BY x ORDER BY g) AS rn FROM (SELECT g, COUNT(*) AS x FROM t GROUP BY g)) WHERE rn <= 1`;
    expect(tEnv.explainSql(byCount)).toContain('Rank(strategy=[RetractStrategy]');
  });

  test('DENSE_RANK over a MAX: Retract, and a row below comes back when two rows above tie', async () => {
    const { tEnv } = setup();
    const denseTop2 = `SELECT * FROM (SELECT k, g, x, DENSE_RANK() OVER (PARTITION BY k ORDER BY x DESC) AS r FROM (SELECT k, g, MAX(v) AS x FROM t GROUP BY k, g)) WHERE r <= 2`;
    expect(tEnv.explainSql(denseTop2)).toContain('Rank(strategy=[RetractStrategy]');
    // Partition 1 ends with a=5, b=3, c=9: dense ranks c 1, a 2, b 3.
    expect(materialize(await changelog(tEnv, denseTop2))).toEqual([
      '[1, a, 5, 2]',
      '[1, c, 9, 1]',
      '[2, a, 4, 1]',
    ]);
  });

  test('the UpdateFast plan gives the retracting plan’s final table, without its flaps', async () => {
    const { tEnv } = setup();
    const changes = await changelog(tEnv, topN('COUNT(*)', 'x DESC'));
    expect(materialize(changes)).toEqual(['[1, b, 3, 1]', '[2, a, 1, 1]']);
    // b overtakes a once; no row is taken back between an update's -U and its +U.
    expect(changes.filter((l) => l.startsWith('-')).length).toBeLessThanOrEqual(2);
  });
});
