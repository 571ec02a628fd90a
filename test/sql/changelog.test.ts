/**
 * Changelog semantics through the planner: a table over a stream of changes keeps each row's
 * kind through filters, projections and UNION ALL; EXPLAIN shows each node's mode; a sink that
 * takes only inserts, and toDataStream, reject updating input at planning time.
 */
import { describe, expect, test } from 'vitest';
import {
  type ChangelogRow,
  type DynamicTableFactory,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';

const CHANGES: ChangelogRow[] = [
  { kind: '+I', row: { id: 1, amount: 10 } },
  { kind: '+I', row: { id: 2, amount: 5 } },
  { kind: '-U', row: { id: 1, amount: 10 } },
  { kind: '+U', row: { id: 1, amount: 30 } },
  { kind: '-D', row: { id: 2, amount: 5 } },
];

function setup(lines: string[] = []) {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const tEnv = TableEnvironment.create(env, { printTarget: { write: (t: string) => lines.push(t) } });
  const table = tEnv.fromChangelogStream(env.fromCollection(CHANGES), { id: 'INT', amount: 'INT' });
  tEnv.createTemporaryView('accounts', table);
  return tEnv;
}

/** A sink that, like Flink's append-only sinks, takes inserts only. */
const appendOnly: DynamicTableFactory = {
  identifier: 'append-only',
  options: [],
  sinkChangelogMode: 'insert-only',
  createSink: () => (stream) =>
    stream.sinkTo({ createWriter: () => ({ write() {}, flush() {}, close() {} }) }),
};

describe('changelog tables', () => {
  test('filters and projections keep each change’s kind', async () => {
    const tEnv = setup();
    const table = tEnv.sqlQuery('SELECT id, amount * 2 AS doubled FROM accounts WHERE amount > 6');
    expect(await tEnv.toChangelogStream(table).executeAndCollect()).toEqual([
      { kind: '+I', row: { id: 1, doubled: 20 } },
      { kind: '-U', row: { id: 1, doubled: 20 } },
      { kind: '+U', row: { id: 1, doubled: 60 } },
    ]);
  });

  test('the print connector shows the kinds', async () => {
    const lines: string[] = [];
    const tEnv = setup(lines);
    tEnv.executeSql("CREATE TABLE out_print (id INT, amount INT) WITH ('connector' = 'print')");
    await tEnv.executeSql('INSERT INTO out_print SELECT * FROM accounts').await();
    expect(lines.join('').trim().split('\n')).toEqual([
      '+I[1, 10]',
      '+I[2, 5]',
      '-U[1, 10]',
      '+U[1, 30]',
      '-D[2, 5]',
    ]);
  });

  test('UNION ALL with an insert-only input sends its rows as +I changes', async () => {
    const tEnv = setup();
    const table = tEnv.sqlQuery(
      'SELECT id, amount FROM accounts WHERE id = 2 UNION ALL SELECT * FROM (VALUES (9, 90))',
    );
    const changes = await tEnv.toChangelogStream(table).executeAndCollect();
    expect(changes).toHaveLength(3);
    expect(changes).toEqual(
      expect.arrayContaining([
        { kind: '+I', row: { id: 2, amount: 5 } },
        { kind: '-D', row: { id: 2, amount: 5 } },
        { kind: '+I', row: { id: 9, amount: 90 } },
      ]),
    );
  });

  test('EXPLAIN shows the changelog mode of every physical node', () => {
    const tEnv = setup();
    const physical = tEnv
      .explainSql('SELECT id FROM accounts WHERE amount > 0')
      .split('== Physical Plan ==\n')[1];
    expect(physical?.split('\n')).toEqual([
      'Calc(select=[id], where=[>(amount, 0)], changelogMode=[I,UB,UA,D])',
      expect.stringMatching(/^\+- TableSourceScan\(.*changelogMode=\[I,UB,UA,D\]\)$/),
    ]);
  });

  test('an insert-only sink rejects an updating query at planning time', () => {
    const tEnv = setup();
    tEnv.registerConnector(appendOnly);
    tEnv.executeSql("CREATE TABLE out_append (id INT, amount INT) WITH ('connector' = 'append-only')");
    const message =
      "table sink 'out_append' takes insert-only rows, but the query produces retract changes; use a connector that accepts updates";
    expect(() => tEnv.executeSql('INSERT INTO out_append SELECT * FROM accounts')).toThrow(message);
    expect(() => tEnv.explainSql('INSERT INTO out_append SELECT * FROM accounts')).toThrow(message);
    // Inserts alone are fine.
    expect(() => tEnv.explainSql('INSERT INTO out_append SELECT * FROM (VALUES (1, 2))')).not.toThrow();
  });

  test('toDataStream refuses an updating table and names toChangelogStream', () => {
    const tEnv = setup();
    expect(() => tEnv.toDataStream(tEnv.sqlQuery('SELECT * FROM accounts'))).toThrow(
      'toDataStream needs an insert-only table, but this one produces retract changes; use toChangelogStream',
    );
  });
});
