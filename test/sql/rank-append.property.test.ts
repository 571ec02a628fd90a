/**
 * The Top-N function's path for ROW_NUMBER over insert-only input (Nexmark q19's shape) against a
 * brute-force ranking after every row: any rank range (rankStart > 1 too), with and without
 * the rank column; the Top-1 path's exact changelog against the general path's. Every retraction must take back a row that is live, a row ranked below the
 * range must emit nothing, and only the ranks from the new row's down may change. Also the
 * idle state retention of Top-N state (`table.exec.state.ttl`).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import { TopNFunction } from '../../src/sql/runtime/over/rank-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';

const harness = (rankStart: number, rankEnd: number, rankColumn?: string, ttlMs?: number) => {
  const h = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
    new ProcessOperator(
      new TopNFunction({
        rankType: 'ROW_NUMBER',
        rankStart,
        rankEnd,
        orderBy: [{ column: 'v', descending: true, nullsFirst: false }],
        rankColumn,
        changelogInput: false,
        inputColumns: ['k', 'v', 'id'],
        ttlMs,
      }),
      true,
    ),
    (row) => row.k,
  );
  h.open();
  return h;
};

const text = (row: Row) => JSON.stringify(row, Object.keys(row).sort());

/** The expected table: per key, rows by v descending, ties in arrival order, ranks in range. */
function oracle(rows: readonly Row[], rankStart: number, rankEnd: number, withRank: boolean): string[] {
  const out: string[] = [];
  for (const k of new Set(rows.map((r) => r.k))) {
    const ranked = rows
      .filter((r) => r.k === k)
      .sort((a, b) => (b.v as number) - (a.v as number) || (a.id as number) - (b.id as number));
    ranked.forEach((r, i) => {
      if (i + 1 < rankStart || i + 1 > rankEnd) return;
      out.push(text(withRank ? { ...r, rn: i + 1 } : r));
    });
  }
  return out.sort();
}

describe('Top-N by ROW_NUMBER over insert-only input', () => {
  test('after every row the changelog so far materializes to the brute-force ranking', () => {
    const ops = fc.array(
      fc.record({ k: fc.integer({ min: 0, max: 2 }), v: fc.integer({ min: 0, max: 6 }) }),
      {
        maxLength: 50,
      },
    );
    fc.assert(
      fc.property(
        ops,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (list, rankStart, width, withRank) => {
          const rankEnd = rankStart + width;
          const h = harness(rankStart, rankEnd, withRank ? 'rn' : undefined);
          const live = new Map<string, number>();
          const seen: Row[] = [];
          let emitted = 0;
          list.forEach((op, id) => {
            const row = { k: op.k, v: op.v, id };
            const position = seen.filter((r) => r.k === row.k && (r.v as number) >= row.v).length; // ties go after earlier rows
            h.processElement(row);
            seen.push(row);
            const changes = h.extractOutputValues().slice(emitted);
            emitted += changes.length;
            if (position >= rankEnd) expect(changes).toEqual([]);
            for (const c of changes) {
              const key = text(c.row);
              const n = live.get(key) ?? 0;
              if (c.kind === '+I' || c.kind === '+U') live.set(key, n + 1);
              else {
                expect(n).toBeGreaterThan(0); // a retraction takes back a live row
                if (n === 1) live.delete(key);
                else live.set(key, n - 1);
              }
              if (withRank) expect(c.row.rn as number).toBeGreaterThan(position); // ranks above it stay
            }
            const table = [...live].flatMap(([key, n]) => Array<string>(n).fill(key)).sort();
            expect(table).toEqual(oracle(seen, rankStart, rankEnd, withRank));
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  test('Top-1 without the rank column: the same changelog as the general path, retract and upsert', () => {
    const general = (upsertOutput: boolean, changelogInput: boolean) => {
      const h = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
        new ProcessOperator(
          new TopNFunction({
            rankType: 'ROW_NUMBER',
            rankStart: 1,
            rankEnd: 1,
            orderBy: [
              { column: 'v', descending: true, nullsFirst: false },
              { column: 'w', descending: false, nullsFirst: true },
            ],
            changelogInput,
            inputColumns: ['k', 'v', 'w', 'id'],
            upsertOutput,
          }),
          true,
        ),
        (row) => (changelogInput ? (row as unknown as ChangelogRow).row.k : row.k),
      );
      h.open();
      return h;
    };
    const value = fc.option(fc.integer({ min: 0, max: 3 }), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.integer({ min: 0, max: 2 }), v: value, w: value }), { maxLength: 40 }),
        fc.boolean(),
        (list, upsertOutput) => {
          const fast = general(upsertOutput, false);
          // Insert-only rows fed as +I changes take the general path (the one for retract input).
          const slow = general(upsertOutput, true);
          list.forEach((op, id) => {
            const row = { ...op, id };
            fast.processElement(row);
            slow.processElement({ kind: '+I', row } as unknown as Row);
          });
          const changes = (h: typeof fast) => h.extractOutputValues().map((c) => `${c.kind}${text(c.row)}`);
          expect(changes(fast)).toEqual(changes(slow));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('without the rank column a new first row costs one insert and one delete', () => {
    const h = harness(1, 3);
    for (const v of [5, 4, 3]) h.processElement({ k: 'a', v, id: v });
    const before = h.extractOutputValues().length;
    h.processElement({ k: 'a', v: 9, id: 9 });
    expect(
      h
        .extractOutputValues()
        .slice(before)
        .map((c) => `${c.kind}${c.row.v}`),
    ).toEqual(['-D3', '+I9']);
  });

  test('with the rank column each moved rank is one -U/+U pair, and the -U is the row emitted before', () => {
    const h = harness(1, 3, 'rn');
    for (const v of [5, 4, 3]) h.processElement({ k: 'a', v, id: v });
    const before = h.extractOutputValues();
    h.processElement({ k: 'a', v: 4.5, id: 45 });
    const changes = h.extractOutputValues().slice(before.length);
    expect(changes.map((c) => `${c.kind}${c.row.v}@${c.row.rn}`)).toEqual([
      '-U4@2',
      '+U4.5@2',
      '-U3@3',
      '+U4@3',
    ]);
    expect(changes[0]!.row).toBe(before[1]!.row);
  });

  test('Top-N state expires after the TTL: an idle partition ranks from scratch', () => {
    const h = harness(1, 2, 'rn', 1000);
    h.setProcessingTime(0);
    h.processElement({ k: 'a', v: 5, id: 1 });
    h.processElement({ k: 'a', v: 7, id: 2 });
    h.setProcessingTime(5000);
    h.processElement({ k: 'a', v: 1, id: 3 }); // would be below the top 2 without expiry
    const last = h.extractOutputValues().at(-1)!;
    expect(`${last.kind}${last.row.v}@${last.row.rn}`).toBe('+I1@1');
  });
});
