/**
 * Property test of the regular join function: for any sequence of inserts and retractions on
 * both inputs, in any interleaving, the join's changes (+I and -D) never retract a row that is
 * not there and leave exactly the join of the two final tables, for every join type, with
 * NULL keys and a non-equi condition.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow, RowKind } from '../../src/sql/planner/changelog.js';
import { RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import type { JoinType } from '../../src/sql/planner/join/join-nodes.js';
import type { JoinViewLayout } from '../../src/sql/planner/join/join-state-views.js';

interface Op {
  readonly left: boolean;
  readonly insert: boolean;
  readonly update: boolean;
  readonly k: number | null;
  readonly v: number;
}

const op = fc.record({
  left: fc.boolean(),
  insert: fc.boolean(),
  update: fc.boolean(),
  k: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 5 }),
  v: fc.integer({ min: 0, max: 3 }),
});

/** Left rows {k, a}, right rows {k0, b}; the condition is k = k0 AND a <= b. */
const condition = (l: Row, r: Row) => l.k != null && l.k === r.k0 && (l.a as number) <= (r.b as number);

function expectedJoin(joinType: JoinType, left: Row[], right: Row[]): string[] {
  const out: string[] = [];
  const key = (row: Row) => JSON.stringify(row);
  for (const l of left) {
    const matches = right.filter((r) => condition(l, r));
    if (joinType === 'semi' || joinType === 'anti') {
      if (matches.length > 0 === (joinType === 'semi')) out.push(key(l));
      continue;
    }
    for (const r of matches) out.push(key({ ...l, ...r }));
    if (matches.length === 0 && (joinType === 'left' || joinType === 'full'))
      out.push(key({ ...l, k0: null, b: null }));
  }
  if (joinType === 'right' || joinType === 'full')
    for (const r of right) if (!left.some((l) => condition(l, r))) out.push(key({ k: null, a: null, ...r }));
  return out.sort();
}

function run(
  joinType: JoinType,
  ops: readonly Op[],
  changelog: boolean,
): { changes: ChangelogRow[]; left: Row[]; right: Row[] } {
  const fn = new RegularJoinFunction({
    joinType,
    leftColumns: ['k', 'a'],
    rightColumns: ['k0', 'b'],
    leftHasNullKey: (row) => row.k == null,
    rightHasNullKey: (row) => row.k0 == null,
    remaining: (row) => (row.a as number) <= (row.b as number),
    leftChangelog: changelog,
    rightChangelog: changelog,
    insertOnlyOutput: false,
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (e) => (changelog ? (e as unknown as ChangelogRow).row : e).k ?? null,
    (e) => (changelog ? (e as unknown as ChangelogRow).row : e).k0 ?? null,
  );
  h.open();
  const left: Row[] = [];
  const right: Row[] = [];
  for (const o of ops) {
    const table = o.left ? left : right;
    const row: Row = o.left ? { k: o.k, a: o.v } : { k0: o.k, b: o.v };
    const at = table.findIndex((r) => JSON.stringify(r) === JSON.stringify(row));
    const insert = o.insert || at < 0 || !changelog;
    if (insert) table.push(row);
    else table.splice(at, 1);
    const kind: RowKind = insert ? (o.update ? '+U' : '+I') : o.update ? '-U' : '-D';
    const element = changelog ? ({ kind, row } as unknown as Row) : row;
    if (o.left) h.processElement1(element);
    else h.processElement2(element);
  }
  return { changes: h.extractOutputValues() as unknown as ChangelogRow[], left, right };
}

/** Rows compare by their fields in column order. */
const normalised = (joinType: JoinType) => (s: string) => {
  const row = JSON.parse(s) as Row;
  return JSON.stringify(
    joinType === 'semi' || joinType === 'anti'
      ? { k: row.k, a: row.a }
      : { k: row.k, a: row.a, k0: row.k0, b: row.b },
  );
};

/** The table the changes leave, checking that each -D retracts a row that is there. */
function replay(changes: readonly ChangelogRow[], joinType: JoinType): string[] {
  const table = new Map<string, number>();
  for (const c of changes) {
    expect(['+I', '-D']).toContain(c.kind);
    const key = JSON.stringify(c.row);
    const n = (table.get(key) ?? 0) + (c.kind === '+I' ? 1 : -1);
    expect(n, `retracts ${key}, which is not in the result`).toBeGreaterThanOrEqual(0);
    table.set(key, n);
  }
  const result = [...table].flatMap(([key, n]) => Array<string>(n).fill(key));
  return result.map(normalised(joinType)).sort();
}

describe('RegularJoinFunction', () => {
  for (const joinType of ['inner', 'left', 'right', 'full', 'semi', 'anti'] as const) {
    // Insert-only inputs take the append-only (list state) path for sides that allow it.
    test.each([true, false])(
      `${joinType}: the changes replay to the join of the final inputs (changelog inputs: %s)`,
      (changelog) => {
        fc.assert(
          fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
            const { changes, left, right } = run(joinType, ops, changelog);
            expect(replay(changes, joinType)).toEqual(
              expectedJoin(joinType, left, right).map(normalised(joinType)).sort(),
            );
          }),
          { numRuns: 150 },
        );
      },
    );
  }
});

/** Each side's rows as an updating table unique by `uniqueBy`, and the layout that relies on it. */
interface UniqueSide {
  readonly layout: JoinViewLayout;
  readonly uniqueBy: (row: Row) => unknown;
}

/**
 * Like {@link run}, but each side is a table with a unique key, as a GROUP BY or Top-1 result
 * is: a row for a key that is present updates it (-U old, +U new), a delete removes it.
 */
function runUnique(
  joinType: JoinType,
  ops: readonly Op[],
  left: UniqueSide,
  right: UniqueSide,
): { changes: ChangelogRow[]; left: Row[]; right: Row[] } {
  const fn = new RegularJoinFunction({
    joinType,
    leftColumns: ['k', 'a'],
    rightColumns: ['k0', 'b'],
    leftHasNullKey: (row) => row.k == null,
    rightHasNullKey: (row) => row.k0 == null,
    remaining: (row) => (row.a as number) <= (row.b as number),
    leftChangelog: true,
    rightChangelog: true,
    insertOnlyOutput: false,
    leftLayout: left.layout,
    rightLayout: right.layout,
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (e) => (e as unknown as ChangelogRow).row.k ?? null,
    (e) => (e as unknown as ChangelogRow).row.k0 ?? null,
  );
  h.open();
  const tables = { left: [] as Row[], right: [] as Row[] };
  for (const o of ops) {
    const side = o.left ? left : right;
    const table = o.left ? tables.left : tables.right;
    const row: Row = o.left ? { k: o.k, a: o.v } : { k0: o.k, b: o.v };
    const send = (kind: RowKind, r: Row) => {
      const element = { kind, row: r } as unknown as Row;
      if (o.left) h.processElement1(element);
      else h.processElement2(element);
    };
    const at = table.findIndex((r) => side.uniqueBy(r) === side.uniqueBy(row));
    if (at < 0) {
      table.push(row);
      send('+I', row);
    } else if (o.insert) {
      const old = table[at]!;
      table[at] = row;
      send('-U', old);
      send('+U', row);
    } else {
      send('-D', table[at]!);
      table.splice(at, 1);
    }
  }
  return { changes: h.extractOutputValues() as unknown as ChangelogRow[], ...tables };
}

describe('RegularJoinFunction over inputs with unique keys', () => {
  const layouts: readonly [string, UniqueSide, UniqueSide][] = [
    [
      'left one row per join key, right by unique key b',
      { layout: { kind: 'joinKeyUnique' }, uniqueBy: (r) => r.k },
      { layout: { kind: 'uniqueKey', columns: ['b'] }, uniqueBy: (r) => r.b },
    ],
    [
      'left by unique key a, right one row per join key',
      { layout: { kind: 'uniqueKey', columns: ['a'] }, uniqueBy: (r) => r.a },
      { layout: { kind: 'joinKeyUnique' }, uniqueBy: (r) => r.k0 },
    ],
  ];
  for (const joinType of ['inner', 'left', 'right', 'full', 'semi', 'anti'] as const)
    test.each(layouts)(`${joinType}: the changes replay to the join of the final tables (%s)`, (_, l, r) => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
          const { changes, left, right } = runUnique(joinType, ops, l, r);
          expect(replay(changes, joinType)).toEqual(
            expectedJoin(joinType, left, right).map(normalised(joinType)).sort(),
          );
        }),
        { numRuns: 100 },
      );
    });
});

describe('RegularJoinFunction with state TTL', () => {
  test('a row expires ttl ms of processing time after it was stored: it joins before, not after', () => {
    const fn = new RegularJoinFunction({
      joinType: 'inner',
      leftColumns: ['k', 'a'],
      rightColumns: ['k0', 'b'],
      leftHasNullKey: () => false,
      rightHasNullKey: () => false,
      leftChangelog: false,
      rightChangelog: false,
      insertOnlyOutput: true,
      stateTtlMs: 100,
    });
    const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
      new CoProcessOperator(fn, true),
      (e) => e.k,
      (e) => e.k0,
    );
    h.open();
    h.setProcessingTime(0);
    h.processElement1({ k: 1, a: 'early' });
    h.setProcessingTime(50);
    h.processElement1({ k: 1, a: 'later' });
    h.processElement2({ k0: 1, b: 'x' });
    expect(h.extractOutputValues()).toEqual([
      { k: 1, a: 'early', k0: 1, b: 'x' },
      { k: 1, a: 'later', k0: 1, b: 'x' },
    ]);
    h.clearOutput();
    // 'early' (stored at 0) and 'x' (stored at 50) have expired at 150; 'later' has not.
    h.setProcessingTime(120);
    h.processElement2({ k0: 1, b: 'y' });
    h.setProcessingTime(150);
    h.processElement1({ k: 1, a: 'last' });
    expect(h.extractOutputValues()).toEqual([
      { k: 1, a: 'later', k0: 1, b: 'y' },
      { k: 1, a: 'last', k0: 1, b: 'y' },
    ]);
  });
});
