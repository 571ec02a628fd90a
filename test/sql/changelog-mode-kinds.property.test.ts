/**
 * A plan's changelog modes against what its operators emit: for each kind of updating node at
 * the top of a query, written into a sink taking retract rows and one taking upserts, EXPLAIN
 * prints the mode Flink's planner infers (an aggregate over insert-only input never deletes;
 * an updating deduplication lists deletes, as Flink gives it all changes, though it emits none;
 * without a retracting consumer they drop -U), and over any input no row reaches the sink with
 * a kind that mode does not list.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ChangelogRow, DynamicTableFactory, Row } from '../../src/index.js';
import type { ChangelogMode } from '../../src/sql/planner/changelog.js';
import { environment, register } from './over-helpers.js';

/** What the sink of the running job received, in order. */
const received: ChangelogRow[] = [];

/** A sink connector taking `mode` changes that keeps what it gets. */
function collecting(identifier: string, mode: ChangelogMode): DynamicTableFactory {
  return {
    identifier,
    options: [],
    sinkChangelogMode: mode,
    createSink: () => (stream) =>
      stream.sinkTo({
        createWriter: () => ({
          write: (change: unknown) => void received.push(change as ChangelogRow),
          flush() {},
          close() {},
        }),
      }),
  };
}

const SINKS = {
  retract: collecting('retract-collect', 'retract'),
  upsert: collecting('upsert-collect', 'upsert'),
};

const MINI_BATCH = [
  "SET 'table.exec.mini-batch.enabled' = 'true'",
  "SET 'table.exec.mini-batch.allow-latency' = '1 h'",
  "SET 'table.exec.mini-batch.size' = '3'",
];

interface Case {
  readonly name: string;
  readonly settings?: readonly string[];
  readonly columns: string;
  readonly select: string;
  /** The sink's changelogMode=[…] into the retract sink, then into the upsert sink. */
  readonly modes: { readonly retract: string; readonly upsert: string };
}

const dedup = (order: string, direction: string) =>
  `SELECT k, x FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ${order} ${direction}) AS rn FROM t) WHERE rn = 1`;

const CASES: readonly Case[] = [
  {
    name: 'keep-last deduplication on event time (Nexmark q18)',
    columns: 'k STRING, x INT',
    select: dedup('ts', 'DESC'),
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UA,D' },
  },
  {
    name: 'keep-last deduplication on processing time',
    columns: 'k STRING, x INT',
    select: dedup('PROCTIME()', 'DESC'),
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UA,D' },
  },
  {
    name: 'keep-last deduplication in mini-batches',
    settings: MINI_BATCH,
    columns: 'k STRING, x INT',
    select: dedup('ts', 'DESC'),
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UA,D' },
  },
  {
    name: 'keep-first deduplication on event time in mini-batches',
    settings: MINI_BATCH,
    columns: 'k STRING, x INT',
    select: dedup('ts', 'ASC'),
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UA,D' },
  },
  {
    name: 'keep-first deduplication on processing time',
    columns: 'k STRING, x INT',
    select: dedup('PROCTIME()', 'ASC'),
    modes: { retract: 'I', upsert: 'I' },
  },
  {
    name: 'group aggregate over insert-only input',
    columns: 'k STRING, n BIGINT',
    select: 'SELECT k, COUNT(*) FROM t GROUP BY k',
    modes: { retract: 'I,UB,UA', upsert: 'I,UA' },
  },
  {
    name: 'two-phase group aggregate over insert-only input',
    settings: [...MINI_BATCH, "SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE'"],
    columns: 'k STRING, total INT',
    select: 'SELECT k, SUM(x) FROM t GROUP BY k',
    modes: { retract: 'I,UB,UA', upsert: 'I,UA' },
  },
  {
    name: 'group aggregate over updates: a group can empty',
    columns: 'n BIGINT, c BIGINT',
    select: 'SELECT n, COUNT(*) FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k) GROUP BY n',
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UA,D' },
  },
  {
    name: 'filter over an aggregate over insert-only input',
    columns: 'k STRING, total INT',
    select: 'SELECT k, total FROM (SELECT k, SUM(x) AS total FROM t GROUP BY k) WHERE total < 3',
    modes: { retract: 'I,UB,UA', upsert: 'I,UB,UA' },
  },
  {
    name: 'Top-N with its rank column',
    columns: 'k STRING, x INT, rn BIGINT',
    select:
      'SELECT k, x, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC) AS rn FROM t) WHERE rn <= 2',
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UA,D' },
  },
  {
    name: 'Top-N over an aggregate (update-fast)',
    columns: 'k STRING, m INT',
    select:
      'SELECT k, m FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY m DESC) AS rn FROM (SELECT k, MAX(x) AS m FROM t GROUP BY k)) WHERE rn <= 2',
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UA,D' },
  },
  {
    name: 'inner join of two aggregates',
    columns: 'k STRING, a BIGINT, b INT',
    select:
      'SELECT l.k, l.n, r.m FROM (SELECT k, COUNT(*) AS n FROM t GROUP BY k) l JOIN (SELECT k, MAX(x) AS m FROM t GROUP BY k) r ON l.k = r.k',
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UB,UA,D' },
  },
  {
    name: 'left join of insert-only inputs',
    columns: 'k STRING, x INT, y INT',
    select: 'SELECT l.k, l.x, r.x FROM t l LEFT JOIN t r ON l.k = r.k AND l.x < r.x',
    modes: { retract: 'I,UB,UA,D', upsert: 'I,UB,UA,D' },
  },
  {
    name: 'union of an aggregate and insert-only rows',
    columns: 'k STRING, n BIGINT',
    select: 'SELECT k, COUNT(*) FROM t GROUP BY k UNION ALL SELECT k, CAST(x AS BIGINT) FROM t',
    modes: { retract: 'I,UB,UA', upsert: 'I,UA' },
  },
];

type Input = { k: string; x: number; ts: number };

/** The sink line's mode in EXPLAIN, and the changes the job wrote, for `c` into `sink`. */
async function run(
  c: Case,
  sink: keyof typeof SINKS,
  rows: readonly Input[],
): Promise<{ mode: string; changes: ChangelogRow[] }> {
  const e = environment(1);
  e.tEnv.registerConnector(SINKS[sink]);
  register(
    e,
    'CREATE TABLE t (k STRING, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)',
    rows.map((r) => ({ ...r }) as Row),
  );
  for (const statement of c.settings ?? []) e.tEnv.executeSql(statement);
  e.tEnv.executeSql(`CREATE TABLE out (${c.columns}) WITH ('connector' = '${SINKS[sink].identifier}')`);
  const insert = `INSERT INTO out ${c.select}`;
  const physical = e.tEnv.explainSql(insert).split('== Physical Plan ==')[1]!;
  const mode = /changelogMode=\[([^\]]*)\]/.exec(physical)?.[1] ?? '';
  received.length = 0;
  await e.tEnv.executeSql(insert).await();
  return { mode, changes: [...received] };
}

const SHORT: Readonly<Record<string, string>> = { '+I': 'I', '-U': 'UB', '+U': 'UA', '-D': 'D' };

/** An element's kind: on an insert-only edge it is the plain row, with no envelope. */
const kindOf = (element: unknown): string =>
  typeof element === 'object' && element !== null && 'kind' in element && 'row' in element
    ? String(element.kind)
    : '+I';

const inputs = fc.array(
  fc.record({
    k: fc.constantFrom('a', 'b', 'c'),
    x: fc.integer({ min: 0, max: 5 }),
    ts: fc.integer({ min: 0, max: 20 }).map((s) => s * 1000),
  }),
  { minLength: 1, maxLength: 10 },
);

describe('changelog modes in EXPLAIN hold what the operators emit', () => {
  for (const c of CASES)
    for (const sink of ['retract', 'upsert'] as const)
      test(`${c.name}, into a ${sink} sink: changelogMode=[${c.modes[sink]}], and no other kind`, async () => {
        await fc.assert(
          fc.asyncProperty(inputs, async (rows) => {
            const { mode, changes } = await run(c, sink, rows);
            expect(mode).toBe(c.modes[sink]);
            const listed = mode.split(',');
            for (const change of changes) expect(listed).toContain(SHORT[kindOf(change)]);
          }),
          { numRuns: 8 },
        );
      });
});

describe('the kinds the modes leave out happen without them', () => {
  test('an aggregate over updates deletes a group that empties, which one over inserts never does', async () => {
    const rows: Input[] = [
      { k: 'a', x: 1, ts: 0 },
      { k: 'a', x: 2, ts: 0 },
    ];
    const nested = await run(
      CASES.find((c) => c.name.startsWith('group aggregate over updates'))!,
      'retract',
      rows,
    );
    // 'a' moves from the count-1 group to the count-2 one: the first group empties.
    expect(nested.changes).toContainEqual({ kind: '-D', row: { n: 1, c: 1 } });
    const flat = await run(
      CASES.find((c) => c.name === 'group aggregate over insert-only input')!,
      'retract',
      rows,
    );
    expect(flat.changes.map((c) => c.kind)).toEqual(['+I', '-U', '+U']);
  });

  test('keep-last deduplication replaces a key’s row by a later one', async () => {
    const rows: Input[] = [
      { k: 'a', x: 1, ts: 1000 },
      { k: 'a', x: 2, ts: 2000 },
    ];
    const { changes } = await run(CASES[0]!, 'upsert', rows);
    expect(changes).toEqual([
      { kind: '+I', row: { k: 'a', x: 1 } },
      { kind: '+U', row: { k: 'a', x: 2 } },
    ]);
  });
});
