/**
 * Update kinds at run time: into a sink that takes upserts, group aggregates (per row, mini-batch
 * one phase and two phase), deduplication keeping the last row (per row and mini-batch) and Top-N
 * emit no -U, and the table their +I/+U/-D rows leave, keyed by the upsert key, is the one the
 * full retract changelog of the same query leaves. An aggregate feeding another still sends -U.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type ChangelogRow,
  type DynamicTableFactory,
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';

/** What the upsert sink of the running test received, in order. */
const received: ChangelogRow[] = [];

/** A sink that, like Flink's blackhole, takes upserts, but keeps what it gets. */
const upsertCollect: DynamicTableFactory = {
  identifier: 'upsert-collect',
  options: [],
  sinkChangelogMode: 'upsert',
  createSink: () => (stream) =>
    stream.sinkTo({
      createWriter: () => ({
        write: (change: unknown) => void received.push(change as ChangelogRow),
        flush() {},
        close() {},
      }),
    }),
};

const MINI_BATCH = [
  "SET 'table.exec.mini-batch.enabled' = 'true'",
  "SET 'table.exec.mini-batch.allow-latency' = '1 h'",
  "SET 'table.exec.mini-batch.size' = '3'",
];
const SETTINGS: Readonly<Record<string, readonly string[]>> = {
  'per row': [],
  'mini-batch one phase': [...MINI_BATCH, "SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE'"],
  'mini-batch two phase': [...MINI_BATCH, "SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE'"],
};

type Input = { k: string; x: number };

function tableEnv(rows: readonly Input[], settings: readonly string[]): TableEnvironment {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const tEnv = TableEnvironment.create(env);
  tEnv.registerConnector(upsertCollect);
  for (const statement of settings) tEnv.executeSql(statement);
  const rowsIn = rows.map((r) => ({ ...r }) as Row);
  tEnv.createTemporaryView('t', tEnv.fromDataStream(env.fromCollection(rowsIn), { k: 'STRING', x: 'INT' }));
  return tEnv;
}

/** The upsert changes of `select` written to a sink of `columns`, and the rows its retract changelog leaves. */
async function run(
  rows: readonly Input[],
  settings: readonly string[],
  columns: string,
  select: string,
): Promise<{ changes: ChangelogRow[]; expected: Row[] }> {
  received.length = 0;
  const sinking = tableEnv(rows, settings);
  sinking.executeSql(`CREATE TABLE out (${columns}) WITH ('connector' = 'upsert-collect')`);
  await sinking.executeSql(`INSERT INTO out ${select}`).await();
  const changes = [...received];
  const expected = await tableEnv(rows, settings).executeSql(select).collect();
  return { changes, expected };
}

/** The rows an upsert changelog leaves: the last +I/+U per key, less the keys deleted since. */
function materialise(changes: readonly ChangelogRow[], key: readonly string[]): Row[] {
  const table = new Map<string, Row>();
  for (const { kind, row } of changes) {
    const id = JSON.stringify(key.map((k) => row[k]));
    if (kind === '-D') table.delete(id);
    else table.set(id, row);
  }
  return [...table.values()];
}

const sorted = (rows: readonly Row[]) => rows.map((r) => JSON.stringify(r)).sort();
const kinds = (changes: readonly ChangelogRow[]) => new Set(changes.map((c) => c.kind));

const inputs = fc.array(
  fc.record({ k: fc.constantFrom('a', 'b', 'c'), x: fc.integer({ min: -5, max: 5 }) }),
  { minLength: 1, maxLength: 12 },
);

describe('update kinds into an upsert sink', () => {
  for (const [name, settings] of Object.entries(SETTINGS))
    test(`group aggregate, ${name}: no -U, and the upserts leave the retract changelog's table`, async () => {
      await fc.assert(
        fc.asyncProperty(inputs, async (rows) => {
          const { changes, expected } = await run(
            rows,
            settings,
            'k STRING, total INT, n BIGINT',
            'SELECT k, SUM(x) AS total, COUNT(*) AS n FROM t GROUP BY k',
          );
          expect(kinds(changes).has('-U')).toBe(false);
          expect(sorted(materialise(changes, ['k']))).toEqual(sorted(expected));
        }),
        { numRuns: 15 },
      );
    });

  test('an updated group sends its +U alone, without the -U of its old total', async () => {
    const rows = [
      { k: 'a', x: 1 },
      { k: 'a', x: 2 },
    ];
    const { changes } = await run(rows, [], 'k STRING, total INT', 'SELECT k, SUM(x) FROM t GROUP BY k');
    expect(changes).toEqual([
      { kind: '+I', row: { k: 'a', total: 1 } },
      { kind: '+U', row: { k: 'a', total: 3 } },
    ]);
  });

  for (const [name, settings] of Object.entries({ 'per row': [], 'mini-batch': MINI_BATCH }))
    test(`deduplication keeping the last row, ${name}: no -U`, async () => {
      await fc.assert(
        fc.asyncProperty(inputs, async (rows) => {
          const { changes, expected } = await run(
            rows,
            settings,
            'k STRING, x INT',
            'SELECT k, x FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY PROCTIME() DESC) AS rn FROM t) WHERE rn = 1',
          );
          expect(kinds(changes).has('-U')).toBe(false);
          const last = new Map(rows.map((r) => [r.k, r]));
          expect(sorted(materialise(changes, ['k']))).toEqual(sorted([...last.values()]));
          expect(sorted(expected)).toEqual(sorted([...last.values()]));
        }),
        { numRuns: 10 },
      );
    });

  test('Top-N with its rank column: no -U, keyed by partition and rank', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async (rows) => {
        const { changes, expected } = await run(
          rows,
          [],
          'k STRING, x INT, rn BIGINT',
          'SELECT k, x, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC) AS rn FROM t) WHERE rn <= 2',
        );
        expect(kinds(changes).has('-U')).toBe(false);
        expect(sorted(materialise(changes, ['k', 'rn']))).toEqual(sorted(expected));
      }),
      { numRuns: 15 },
    );
  });

  test('an aggregate feeding another still sends -U: the outer counts go down as well as up', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async (rows) => {
        const { changes, expected } = await run(
          rows,
          [],
          'cnt BIGINT, n BIGINT',
          'SELECT cnt, COUNT(*) AS n FROM (SELECT k, COUNT(*) AS cnt FROM t GROUP BY k) GROUP BY cnt',
        );
        expect(kinds(changes).has('-U')).toBe(false);
        expect(sorted(materialise(changes, ['cnt']))).toEqual(sorted(expected));
      }),
      { numRuns: 15 },
    );
  });
});
