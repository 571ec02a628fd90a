/**
 * StatementSet (`tEnv.createStatementSet()`): INSERTs added as SQL or as Tables run as one job
 * that reads a shared source once, writing every sink; its EXPLAIN is EXPLAIN STATEMENT SET's;
 * with checkpoints each filesystem sink commits every row exactly once; the set empties when
 * executed, as Flink's; and wrong INSERTs are refused when added, as one-line errors.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  Schema,
  type StatementSet,
  StreamExecutionEnvironment,
  TableDescriptor,
  TableEnvironment,
} from '../../src/index.js';
import { readCommitted } from '../support/exactly-once.js';
import { oneLineError } from '../support/one-line-error.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-sql-statement-set-');

const ID = Schema.newBuilder().column('id', 'BIGINT').build();

/** A session with `src`: ids 1..rows in order, `rowsPerSecond` of them a second when given. */
function session(
  rows: number,
  options: { checkpointMs?: number; rowsPerSecond?: number; printed?: string[] } = {},
) {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  if (options.checkpointMs !== undefined) env.enableCheckpointing(options.checkpointMs);
  const printed = options.printed;
  const tEnv = TableEnvironment.create(
    env,
    printed === undefined ? {} : { printTarget: { write: (t: string) => printed.push(t) } },
  );
  const source = TableDescriptor.forConnector('datagen')
    .schema(ID)
    .option('number-of-rows', rows)
    .option('fields.id.kind', 'sequence')
    .option('fields.id.start', 1)
    .option('fields.id.end', rows);
  if (options.rowsPerSecond !== undefined) source.option('rows-per-second', options.rowsPerSecond);
  tEnv.createTemporaryTable('src', source.build());
  return tEnv;
}

/** A json filesystem table `name` of ids in a new directory, returned. */
function fileSink(tEnv: TableEnvironment, name: string, rollEachCheckpoint = false): string {
  const dir = join(tempDir(), name);
  const descriptor = TableDescriptor.forConnector('filesystem').schema(ID).option('path', dir).format('json');
  if (rollEachCheckpoint)
    // A part stays open across checkpoints until the rolling policy rolls it (as in Flink's
    // row formats); rolled often, every checkpoint commits the rows before it.
    descriptor
      .option('sink.rolling-policy.rollover-interval', '1 ms')
      .option('sink.rolling-policy.check-interval', '1 ms');
  tEnv.createTable(name, descriptor.build());
  return dir;
}

const ids = (dir: string): number[] =>
  readCommitted(dir)
    .map((line) => (JSON.parse(line) as { id: number }).id)
    .sort((a, b) => a - b);
const range = (from: number, to: number, step = 1): number[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('a statement set', () => {
  test('writes two filesystem sinks from one source in one job', async () => {
    const tEnv = session(50);
    const all = fileSink(tEnv, 'all_ids');
    const even = fileSink(tEnv, 'even_ids');
    const set: StatementSet = tEnv.createStatementSet();
    set.addInsertSql('INSERT INTO all_ids SELECT id FROM src');
    set.addInsert('even_ids', tEnv.sqlQuery('SELECT id FROM src WHERE MOD(id, 2) = 0'));
    const result = set.execute();
    // One job: one client, and one result row with a column per INSERT, as Flink's.
    expect(result.getJobClient()).toBeDefined();
    expect(result.getResolvedSchema()).toEqual([
      { name: 'default_catalog.default_database.all_ids', type: 'BIGINT' },
      { name: 'default_catalog.default_database.even_ids', type: 'BIGINT' },
    ]);
    expect(await result.collect()).toEqual([
      { 'default_catalog.default_database.all_ids': -1, 'default_catalog.default_database.even_ids': -1 },
    ]);
    await result.await();
    expect(ids(all)).toEqual(range(1, 50));
    expect(ids(even)).toEqual(range(2, 50, 2));
  });

  test('explains the set as EXPLAIN STATEMENT SET does, with the source scanned once', () => {
    const tEnv = session(10);
    fileSink(tEnv, 'a');
    fileSink(tEnv, 'b');
    const set = tEnv.createStatementSet();
    set.addInsertSql('INSERT INTO a SELECT id FROM src');
    set.addInsert('b', tEnv.sqlQuery('SELECT id + 1 AS id FROM src WHERE id > 3'));
    const text = set.explain();
    expect(text).toBe(
      tEnv.explainSql(
        'EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT id FROM src; INSERT INTO b SELECT id + 1 AS id FROM src WHERE id > 3; END',
      ),
    );
    const physical = text.slice(text.indexOf('== Physical Plan =='));
    expect(physical.match(/TableSourceScan/g)).toHaveLength(1);
    expect(physical).toContain('reuse_id=[1]');
    expect(physical).toContain('Reused(reference_id=[1])');
    expect(physical).toContain('Sink(table=[default_catalog.default_database.a]');
    expect(physical).toContain('Sink(table=[default_catalog.default_database.b]');
  });

  test('with checkpoints, both sinks commit every row exactly once and leave no part hidden', async () => {
    const tEnv = session(600, { checkpointMs: 25, rowsPerSecond: 2000 });
    const all = fileSink(tEnv, 'all_ids', true);
    const odd = fileSink(tEnv, 'odd_ids', true);
    const set = tEnv.createStatementSet();
    set.addInsertSql('INSERT INTO all_ids SELECT id FROM src');
    set.addInsertSql('INSERT INTO odd_ids SELECT id FROM src WHERE MOD(id, 2) = 1');
    await set.execute().await();
    expect(ids(all)).toEqual(range(1, 600));
    expect(ids(odd)).toEqual(range(1, 599, 2));
    for (const dir of [all, odd]) {
      const names = readdirSync(dir);
      expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
      // Parts were committed at checkpoints along the way, not only at the end of input.
      expect(names.filter((n) => n.startsWith('part-')).length).toBeGreaterThan(1);
    }
  });

  test('an anonymous sink from a descriptor takes the query schema when it has none', async () => {
    const printed: string[] = [];
    const tEnv = session(3, { printed });
    const set = tEnv.createStatementSet();
    set.addInsert(
      TableDescriptor.forConnector('print').build(),
      tEnv.sqlQuery("SELECT id, 'x' AS tag FROM src"),
    );
    set.addInsert(
      TableDescriptor.forConnector('print').schema(ID).build(),
      tEnv.sqlQuery('SELECT id * 10 AS id FROM src'),
    );
    expect(set.explain()).toContain(
      'Sink(table=[default_catalog.default_database.*anonymous_print$1*], fields=[id, tag]',
    );
    await set.execute().await();
    expect(printed.join('').split('\n').filter(Boolean).sort()).toEqual(
      ['+I[1, x]', '+I[2, x]', '+I[3, x]', '+I[10]', '+I[20]', '+I[30]'].sort(),
    );
  });

  test('empties when executed, and can gather the INSERTs of another job', async () => {
    const tEnv = session(4);
    const first = fileSink(tEnv, 'first');
    const second = fileSink(tEnv, 'second');
    const set = tEnv.createStatementSet();
    set.addInsertSql('INSERT INTO first SELECT id FROM src');
    await set.execute().await();
    expect(oneLineError(() => set.execute())).toBe(
      'SQL error: the statement set is empty (no operators defined in the topology); add an INSERT with addInsertSql or addInsert before execute()',
    );
    set.addInsertSql('INSERT INTO second SELECT id FROM src');
    const result = set.execute();
    expect(result.getResolvedSchema().map((c) => c.name)).toEqual([
      'default_catalog.default_database.second',
    ]);
    await result.await();
    expect(ids(first)).toEqual([1, 2, 3, 4]);
    expect(ids(second)).toEqual([1, 2, 3, 4]);
  });
});

describe('statement set mistakes', () => {
  test('an empty set has nothing to explain or execute', () => {
    const set = session(1).createStatementSet();
    expect(oneLineError(() => set.explain())).toBe(
      'SQL error: the statement set is empty, so there is nothing to explain; add an INSERT first',
    );
    expect(oneLineError(() => set.execute())).toMatch(/^SQL error: the statement set is empty/);
  });

  test('only INSERT statements, each checked when added', () => {
    const tEnv = session(1);
    const dir = fileSink(tEnv, 'out');
    tEnv.executeSql('CREATE VIEW v AS SELECT id FROM src');
    const set = tEnv.createStatementSet();
    expect(oneLineError(() => set.addInsertSql('SELECT id FROM src'))).toBe(
      'SQL error at line 1, column 1: a statement set takes INSERT statements only, not SELECT; run other statements with executeSql',
    );
    expect(
      oneLineError(() => set.addInsertSql("CREATE TABLE x (a INT) WITH ('connector' = 'print')")),
    ).toMatch(/not CREATE; run other statements with executeSql$/);
    expect(oneLineError(() => set.addInsertSql('INSERT INTO out SELEC id FROM src'))).toMatch(
      /^SQL parse error at line 1, column \d+: /,
    );
    expect(oneLineError(() => set.addInsertSql('INSERT INTO nope SELECT id FROM src'))).toMatch(
      /^SQL error at line 1, column 13: .*nope/,
    );
    expect(oneLineError(() => set.addInsertSql("INSERT INTO out SELECT 'a', id FROM src"))).toBe(
      "SQL error at line 1, column 17: the query has 2 columns but 'out' expects 1 (id)",
    );
    expect(oneLineError(() => set.addInsert('out', tEnv.sqlQuery("SELECT 'a' AS s FROM src")))).toBe(
      "SQL error: column 'id' of 'out' is BIGINT, but the query gives CHAR(1) NOT NULL; write CAST(s AS BIGINT) in the query",
    );
    expect(oneLineError(() => set.addInsert('v', tEnv.sqlQuery('SELECT id FROM src')))).toBe(
      "SQL error: cannot insert into view 'v'; insert into a table",
    );
    expect(oneLineError(() => set.addInsert('missing', tEnv.sqlQuery('SELECT id FROM src')))).toMatch(
      /^SQL error: .*missing/,
    );
    // Nothing wrong was added: the set is still empty, and no job wrote the sink.
    expect(oneLineError(() => set.explain())).toMatch(/^SQL error: the statement set is empty/);
    expect(existsSync(dir)).toBe(false);
  });
});
