/**
 * A Top-N over a join partitioned by the join key (either side's of an inner join, the preserved
 * side's of an outer or semi join) runs in the join's keyed operator, with no keyBy between
 * them (`src/sql/planner/over/rank-over-join.ts`): the plans that take that path agree with
 * DuckDB at parallelism 1 and 2, those that may not (the padded side of an outer join, another
 * partition key) keep their own keyBy, the rank's key lands in the key group the join's keyBy
 * chose for every value, and state checkpointed at parallelism 1 restores at parallelism 2 (key
 * groups split between subtasks) with the results of an uninterrupted run. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import type { Transformation } from '../../src/graph/transformation.js';
import type { TwoInputStreamOperator } from '../../src/runtime/operator.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { columnsKey } from '../../src/sql/runtime/compact-keys.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { assignToKeyGroup, operatorIndexForKeyGroup } from '../../src/state/key-groups.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { createDuckdbTable, duckdbConnection, numericCanonical } from './duckdb-tables.js';

type R = Record<string, unknown>;

/** A seeded generator, so a failure reproduces; v is unique, so every order is total. */
function rows(seed: number, count: number, keys: number, offset: number): { k: number | null; v: number }[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: count }, (_, i) => ({
    k: next() < 0.1 ? null : Math.floor(next() * keys),
    v: offset + i,
  }));
}

const left = rows(3, 60, 8, 0);
const right = rows(5, 90, 8, 1000);

const QUERIES: Record<string, { sql: string; columns: string[]; fused: boolean }> = {
  leftKeyWithRank: {
    sql: 'SELECT * FROM (SELECT a.k, a.v, b.v AS w, ROW_NUMBER() OVER (PARTITION BY a.k ORDER BY b.v DESC, a.v) AS rn FROM l a JOIN r b ON a.k = b.k) WHERE rn <= 2',
    columns: ['k', 'v', 'w', 'rn'],
    fused: true,
  },
  rightKeyComputedOrder: {
    sql: 'SELECT k, s, w FROM (SELECT b.k, a.v + b.v AS s, b.v AS w, ROW_NUMBER() OVER (PARTITION BY b.k ORDER BY a.v + b.v DESC, b.v) AS rn FROM l a JOIN r b ON a.k = b.k WHERE a.v < 50) WHERE rn <= 3',
    columns: ['k', 's', 'w'],
    fused: true,
  },
  top1CommaJoin: {
    sql: 'SELECT k, v, w FROM (SELECT a.k, a.v, b.v AS w, ROW_NUMBER() OVER (PARTITION BY a.k ORDER BY b.v ASC, a.v DESC) AS rn FROM l a, r b WHERE a.k = b.k AND b.v > a.v + 1000) WHERE rn = 1',
    columns: ['k', 'v', 'w'],
    fused: true,
  },
  leftJoinOnItsLeftKey: {
    sql: 'SELECT k, v, w FROM (SELECT a.k, a.v, b.v AS w, ROW_NUMBER() OVER (PARTITION BY a.k ORDER BY a.v, b.v) AS rn FROM l a LEFT JOIN r b ON a.k = b.k) WHERE rn <= 2',
    columns: ['k', 'v', 'w'],
    fused: true,
  },
  semiJoin: {
    sql: 'SELECT k, v FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM l WHERE k IN (SELECT k FROM r)) WHERE rn <= 2',
    columns: ['k', 'v'],
    fused: true,
  },
  // The left key is NULL in the rows padded for unmatched right rows: not the join key there.
  rightJoinOnItsLeftKeyKeepsItsKeyBy: {
    sql: 'SELECT k, v, w FROM (SELECT a.k, a.v, b.v AS w, ROW_NUMBER() OVER (PARTITION BY a.k ORDER BY b.v, a.v) AS rn FROM l a RIGHT JOIN r b ON a.k = b.k) WHERE rn <= 2',
    columns: ['k', 'v', 'w'],
    fused: false,
  },
  otherKeyKeepsItsKeyBy: {
    sql: 'SELECT v, w FROM (SELECT a.v, b.v AS w, ROW_NUMBER() OVER (PARTITION BY a.v ORDER BY b.v DESC) AS rn FROM l a JOIN r b ON a.k = b.k) WHERE rn <= 1',
    columns: ['v', 'w'],
    fused: false,
  },
};

const FUSED = 'Join(InnerJoin) -> Rank';

function tableEnv(parallelism: number): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
  const env = tEnv.getExecutionEnvironment();
  tEnv.createTemporaryView('l', env.fromCollection(left), { k: 'INT', v: 'INT' });
  tEnv.createTemporaryView('r', env.fromCollection(right), { k: 'INT', v: 'INT' });
  return tEnv;
}

/** Every transformation the stream of `sql` is built of. */
function transformations(sql: string): Transformation[] {
  const tEnv = tableEnv(1);
  const stream = tEnv.toChangelogStream(tEnv.sqlQuery(sql));
  const seen = new Set<Transformation>();
  const visit = (t: Transformation) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const input of t.inputs) visit(input);
  };
  visit(stream.transformation);
  return [...seen];
}

describe('Top-N over a join on its partition key', async () => {
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 'l', { k: 'INTEGER', v: 'INTEGER' }, left);
  await createDuckdbTable(duck, 'r', { k: 'INTEGER', v: 'INTEGER' }, right);

  for (const [name, q] of Object.entries(QUERIES)) {
    test(`${name}: ${q.fused ? 'no keyBy between join and rank' : 'the rank keeps its keyBy'}`, () => {
      const names = transformations(q.sql).map((t) => t.name);
      expect(names.some((n) => n.endsWith('-> Rank'))).toBe(q.fused);
      expect(names.includes('Rank')).toBe(!q.fused);
      // One keyBy per join input, and one more only when the rank has its own.
      expect(names.filter((n) => n === 'HASH').length).toBe(q.fused ? 2 : 3);
    });

    test.each([1, 2])(`${name} agrees with DuckDB at parallelism %i`, async (parallelism) => {
      const engine = (await tableEnv(parallelism).executeSql(q.sql).collect())
        .map((row) => numericCanonical(row, q.columns))
        .sort();
      const reader = await duck.runAndReadAll(q.sql);
      const expected = (reader.getRowObjectsJS() as R[])
        .map((row) => numericCanonical(row, q.columns))
        .sort();
      expect(engine.length).toBeGreaterThan(0);
      expect(engine).toEqual(expected);
    });
  }

  test("the rank's key is in the key group the join's keyBy chose, for every key value", () => {
    const fused = transformations(QUERIES.leftKeyWithRank!.sql).find((t) => t.name === FUSED)!;
    const [leftKey, rightKey] = fused.details.keySelectors!;
    const rankKey = columnsKey(['k']);
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 4096 }),
        (k, maxP) => {
          const group = assignToKeyGroup(rankKey({ k, v: 1, w: 2 }), maxP);
          expect(assignToKeyGroup(leftKey!({ k, v: 1 }), maxP)).toBe(group);
          // The join reads the right side's rows as they come (k, v), not renamed as its plan's
          // Calc names them (k0, v0): see right-row-names.ts.
          expect(assignToKeyGroup(rightKey!({ k, v: 2 }), maxP)).toBe(group);
        },
      ),
    );
  });

  test('state checkpointed at parallelism 1 restores at parallelism 2 with the uninterrupted results', () => {
    const fused = transformations(QUERIES.leftKeyWithRank!.sql).find((t) => t.name === FUSED)!;
    const [leftKey, rightKey] = fused.details.keySelectors!;
    type Op = TwoInputStreamOperator<R, R, ChangelogRow>;
    const harness = (parallelism = 1, subtaskIndex = 0) => {
      const h = new TwoInputOperatorTestHarness<R, R, ChangelogRow>(
        fused.details.createOperator!() as unknown as Op,
        leftKey,
        rightKey,
        { maxParallelism: 128, parallelism, subtaskIndex },
      );
      return h;
    };
    // Inputs interleaved, as they may arrive; the first half before the checkpoint.
    const inputs: Array<[1 | 2, R]> = [];
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      if (i < left.length) inputs.push([1, left[i]!]);
      if (i < right.length) inputs.push([2, right[i]!]);
    }
    const feed = (h: TwoInputOperatorTestHarness<R, R, ChangelogRow>, [side, row]: [1 | 2, R]) =>
      side === 1 ? h.processElement1(row, 0) : h.processElement2(row, 0);
    const half = Math.floor(inputs.length / 2);

    const whole = harness();
    whole.open();
    for (const input of inputs) feed(whole, input);
    const expected = table(whole.extractOutputValues());

    const before = harness();
    before.open();
    for (const input of inputs.slice(0, half)) feed(before, input);
    const snapshot = snapshotKeyedState(before.keyedBackend!, before.timeServiceManager);
    const subtasks = [0, 1].map((i) => harness(2, i));
    for (const [i, h] of subtasks.entries()) {
      restoreKeyedState(
        h.keyedBackend!,
        h.timeServiceManager,
        snapshot.filter(([group]) => operatorIndexForKeyGroup(128, 2, group) === i),
      );
      h.open();
    }
    for (const input of inputs.slice(half)) {
      const [side, row] = input;
      const key = side === 1 ? leftKey!(row) : rightKey!(row);
      feed(subtasks[operatorIndexForKeyGroup(128, 2, assignToKeyGroup(key, 128))]!, input);
    }
    const restored = table([
      ...before.extractOutputValues(),
      ...subtasks.flatMap((h) => h.extractOutputValues()),
    ]);
    expect(restored.length).toBeGreaterThan(0);
    expect(subtasks.every((h) => h.extractOutputValues().length > 0)).toBe(true);
    expect(restored).toEqual(expected);
  });
});

/** The rows a changelog leaves, as sorted JSON lines. */
function table(changes: readonly ChangelogRow[]): string[] {
  const rows = new Map<string, number>();
  for (const { kind, row } of changes) {
    const line = JSON.stringify(row);
    rows.set(line, (rows.get(line) ?? 0) + (kind === '+I' || kind === '+U' ? 1 : -1));
  }
  for (const count of rows.values()) expect(count === 0 || count === 1).toBe(true);
  return [...rows]
    .filter(([, n]) => n === 1)
    .map(([line]) => line)
    .sort();
}
