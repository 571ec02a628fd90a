/**
 * The fluent Table API against SQL: every operation gives the rows and the EXPLAIN of the SQL
 * a user would write for it, group windows drop the rows the watermark has passed as the SQL
 * windows do, a grouped select retracts as its GROUP BY does, and mistakes fail at the
 * operation with the SQL layer's one-line message.
 */
import { describe, expect, test } from 'vitest';
import {
  $,
  and,
  call,
  CURRENT_RANGE,
  callSql,
  DataTypes,
  ifThenElse,
  lit,
  nullOf,
  Over,
  rowInterval,
  Session,
  Slide,
  StreamExecutionEnvironment,
  TableEnvironment,
  TableFunction,
  Tumble,
  range,
  UNBOUNDED_RANGE,
  withColumns,
  withoutColumns,
} from '../../src/index.js';
import { expectSameAsSql, sorted } from './table-api-checks.js';

/**
 * `ev` rows in arrival order (id: rowtime in seconds; the watermark is rowtime - 1 s), as in
 * late-data.slt: 1: 1, 2: 2, 3: 7 (wm 6), 4: 3 (late for [0, 5)), 5: 6, 6: 12 (wm 11),
 * 7: 9 (late for [5, 10)), 8: 11, 9: 4 (late). `k` is id mod 3, `name` 'n' || id.
 * `dim` has k 0..3 with a label; k 3 matches no `ev` row.
 */
function environment(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql("SET 'pipeline.auto-watermark-interval' = '0'");
  tEnv.executeSql(`CREATE TABLE ev (
    id INT,
    k AS MOD(id, 3),
    name AS 'n' || CAST(id AS STRING),
    ts AS TO_TIMESTAMP_LTZ(CASE id WHEN 1 THEN 1000 WHEN 2 THEN 2000 WHEN 3 THEN 7000 WHEN 4 THEN 3000 WHEN 5 THEN 6000 WHEN 6 THEN 12000 WHEN 7 THEN 9000 WHEN 8 THEN 11000 ELSE 4000 END, 3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
  ) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '9')`);
  tEnv.executeSql(`CREATE TABLE dim (
    dk INT,
    label AS 'L' || CAST(dk AS STRING)
  ) WITH ('connector' = 'datagen', 'fields.dk.kind' = 'sequence', 'fields.dk.start' = '0', 'fields.dk.end' = '3')`);
  return tEnv;
}

/** Splits a sentence into its words and their lengths. */
class SplitWords extends TableFunction {
  readonly resultType = 'ROW<word STRING, len INT>';
  readonly argumentTypes = ['STRING'];
  eval(s: string | null): void {
    if (s === null) return;
    for (const word of s.split(' ').filter((w) => w.length > 0)) this.collect({ word, len: word.length });
  }
}

describe('Table API operations plan as their SQL', () => {
  test('from, where, filter and select with expressions', async () => {
    const tEnv = environment();
    const ev = tEnv.from('ev');
    await expectSameAsSql(tEnv, ev, 'SELECT * FROM ev');
    const table = ev
      .where($('id').isGreater(2))
      .filter($('name').like('n%').and($('id').isNotEqual(5)))
      .select(
        $('id'),
        $('id').times(10).plus(1).as('x'),
        $('name').upperCase().as('up'),
        ifThenElse($('k').isEqual(0), 'zero', 'other').as('kind'),
        $('id').in(3, 4, 9).as('listed'),
        $('id').between(6, 8).as('mid'),
        $('id').cast(DataTypes.DOUBLE()).dividedBy(4).as('q'),
        $('name').substring(2).charLength().as('digits'),
      );
    const rows = await expectSameAsSql(
      tEnv,
      table,
      `SELECT id, id * 10 + 1 AS x, UPPER(name) AS up, CASE WHEN k = 0 THEN 'zero' ELSE 'other' END AS kind,
         id IN (3, 4, 9) AS listed, id BETWEEN 6 AND 8 AS mid, CAST(id AS DOUBLE) / 4 AS q,
         CHAR_LENGTH(SUBSTRING(name, 2)) AS digits
       FROM ev WHERE id > 2 AND (name LIKE 'n%' AND id <> 5)`,
    );
    expect(rows).toHaveLength(6);
    expect(rows).toContainEqual({
      id: 3,
      x: 31,
      up: 'N3',
      kind: 'zero',
      listed: true,
      mid: false,
      q: 0.75,
      digits: 1,
    });
  });

  test('call() reaches built-in and user-defined scalar and aggregate functions by name', async () => {
    const tEnv = environment();
    tEnv.createTemporarySystemFunction('twice', {
      eval: (n: number | null) => (n === null ? null : 2 * n),
      resultType: 'INT',
    });
    tEnv.createTemporarySystemFunction('longest', {
      createAccumulator: () => null,
      accumulate: (acc: string | null, s: string | null) =>
        s !== null && (acc === null || s.length > acc.length) ? s : acc,
      getValue: (acc: string | null) => acc,
      resultType: 'STRING',
    });
    const table = tEnv
      .from('ev')
      .where(call('twice', $('id')).isGreater(6))
      .groupBy($('k'))
      .select(
        $('k'),
        call('longest', call('REPEAT', $('name'), $('id'))).as('l'),
        call('COUNT', $('id')).distinct().as('n'),
      );
    const rows = await expectSameAsSql(
      tEnv,
      table,
      'SELECT k, longest(REPEAT(name, id)) AS l, COUNT(DISTINCT id) AS n FROM ev WHERE twice(id) > 6 GROUP BY k',
    );
    expect(rows).toContainEqual({ k: 0, l: 'n9'.repeat(9), n: 2 });
  });

  test('a where after a select reads the select’s columns, as a subquery', async () => {
    const tEnv = environment();
    const table = tEnv
      .from('ev')
      .select($('id').plus(100).as('big'), $('k'))
      .where($('big').isGreaterOrEqual(107));
    const rows = await expectSameAsSql(
      tEnv,
      table,
      'SELECT * FROM (SELECT id + 100 AS big, k FROM ev) WHERE big >= 107',
    );
    expect(sorted(rows)).toEqual(
      sorted([
        { big: 107, k: 1 },
        { big: 108, k: 2 },
        { big: 109, k: 0 },
      ]),
    );
  });

  test('string expressions are SQL expressions, a plain name a column', async () => {
    const tEnv = environment();
    const table = tEnv.from('ev').where('id * 2 > 14').select('id', "name || '!'", callSql('k + 1').as('k1'));
    await expectSameAsSql(tEnv, table, "SELECT id, name || '!', k + 1 AS k1 FROM ev WHERE id * 2 > 14");
  });

  test('as, addColumns, addOrReplaceColumns, dropColumns and renameColumns', async () => {
    const tEnv = environment();
    const ev = tEnv.from('ev').select($('id'), $('k'), $('name'));
    await expectSameAsSql(tEnv, ev.as('a', 'b'), 'SELECT id AS a, k AS b, name FROM ev');
    await expectSameAsSql(
      tEnv,
      ev.addColumns($('id').times(2).as('twice')),
      'SELECT id, k, name, id * 2 AS twice FROM (SELECT id, k, name FROM ev)',
    );
    await expectSameAsSql(
      tEnv,
      ev.addOrReplaceColumns($('k').plus(10).as('k'), lit(1).as('one')),
      'SELECT id, k + 10 AS k, name, 1 AS one FROM (SELECT id, k, name FROM ev)',
    );
    await expectSameAsSql(
      tEnv,
      ev.dropColumns($('k'), 'name'),
      'SELECT id FROM (SELECT id, k, name FROM ev)',
    );
    const renamed = tEnv.from('dim').renameColumns($('label').as('text'));
    await expectSameAsSql(tEnv, renamed, 'SELECT dk, label AS text FROM dim');
  });

  test('withColumns and withoutColumns pick columns by name, position and range', async () => {
    const tEnv = environment();
    const ev = tEnv.from('ev');
    await expectSameAsSql(tEnv, ev.select(withColumns(range(1, 3))), 'SELECT id, k, name FROM ev');
    await expectSameAsSql(
      tEnv,
      ev.select(withColumns($('name'), 1), $('k').plus(1).as('k1')),
      'SELECT id, name, k + 1 AS k1 FROM ev',
    );
    await expectSameAsSql(tEnv, ev.select(withoutColumns(range('k', 'name'))), 'SELECT id, ts FROM ev');
    await expectSameAsSql(
      tEnv,
      ev.groupBy(withColumns('k')).select(
        $('k'),
        call('CONCAT', withColumns(range('k', 'name')))
          .max()
          .as('m'),
      ),
      'SELECT k, MAX(CONCAT(k, name)) AS m FROM ev GROUP BY k',
    );
    await expectSameAsSql(tEnv, ev.dropColumns(withColumns(range(2, 4))), 'SELECT id FROM ev');
    expect(() => ev.select(withColumns(range(3, 9)))).toThrow(
      'Table API select(): column position 9 is out of range; the table has columns 1 to 4',
    );
    expect(() => ev.select(withColumns(range('name', 'id')))).toThrow('runs backwards');
  });

  test('distinct, and a group by with plain, distinct and global aggregates', async () => {
    const tEnv = environment();
    const ev = tEnv.from('ev');
    await expectSameAsSql(tEnv, ev.select($('k')).distinct(), 'SELECT DISTINCT k FROM ev');
    const grouped = ev
      .where($('id').isLess(9))
      .groupBy($('k'))
      .select(
        $('k'),
        $('id').sum().as('total'),
        $('id').mod(2).count().distinct().as('parities'),
        $('id').max(),
      );
    const rows = await expectSameAsSql(
      tEnv,
      grouped,
      'SELECT k, SUM(id) AS total, COUNT(DISTINCT MOD(id, 2)) AS parities, MAX(id) FROM ev WHERE id < 9 GROUP BY k',
    );
    expect(sorted(rows)).toEqual(
      sorted([
        { k: 0, total: 9, parities: 2, EXPR$3: 6 },
        { k: 1, total: 12, parities: 2, EXPR$3: 7 },
        { k: 2, total: 15, parities: 2, EXPR$3: 8 },
      ]),
    );
    await expectSameAsSql(
      tEnv,
      ev.select($('id').avg().as('mean'), $('*').count()),
      'SELECT AVG(id) AS mean, COUNT(*) FROM ev',
    );
  });

  test('a grouped select retracts its earlier result as the SQL GROUP BY does', async () => {
    const tEnv = environment();
    const table = tEnv.from('ev').groupBy($('k')).select($('k'), $('id').count().as('n'));
    const sql = tEnv.sqlQuery('SELECT k, COUNT(id) AS n FROM ev GROUP BY k');
    const changes = await table.execute().collectChanges();
    expect(changes).toEqual(await sql.execute().collectChanges());
    expect(changes.filter((c) => c.kind === '-U')).toHaveLength(6);
    // Counts per key over a grouped count: updates of the row whose count changed.
    const counted = table.groupBy($('n')).select($('n'), $('k').count().as('keys'));
    expect(counted.explain()).toBe(
      tEnv.explainSql(
        'SELECT n, COUNT(k) AS keys FROM (SELECT k, COUNT(id) AS n FROM ev GROUP BY k) GROUP BY n',
      ),
    );
    expect(await counted.execute().collect()).toEqual([{ n: 3, keys: 3 }]);
  });

  test('orderBy with fetch and offset is a Top-N; limit(offset, fetch) the same', async () => {
    const tEnv = environment();
    const top = tEnv.from('ev').select($('id'), $('name')).orderBy($('id').desc()).fetch(3);
    const rows = await expectSameAsSql(tEnv, top, 'SELECT id, name FROM ev ORDER BY id DESC LIMIT 3');
    expect(sorted(rows)).toEqual(sorted([7, 8, 9].map((id) => ({ id, name: `n${id}` }))));
    const page = tEnv.from('ev').select($('id')).orderBy($('id').asc()).limit(2, 3);
    const paged = await expectSameAsSql(tEnv, page, 'SELECT id FROM ev ORDER BY id ASC LIMIT 3 OFFSET 2');
    expect(sorted(paged)).toEqual(sorted([{ id: 3 }, { id: 4 }, { id: 5 }]));
  });

  test('an orderBy a stream cannot run alone fails when the table is used, not before its fetch', () => {
    const tEnv = environment();
    const ordered = tEnv.from('ev').orderBy($('id'));
    expect(() => ordered.explain()).toThrow(
      'Table API orderBy(): ORDER BY without LIMIT on a streaming query is not supported; add LIMIT n',
    );
    expect(ordered.fetch(2).explain()).toBe(tEnv.explainSql('SELECT * FROM ev ORDER BY id LIMIT 2'));
    // Ordered by its time attribute, a stream is sorted as the watermark passes.
    expect(tEnv.from('ev').orderBy($('ts')).explain()).toBe(tEnv.explainSql('SELECT * FROM ev ORDER BY ts'));
  });

  test('toString is the SQL the chain stands for', () => {
    const tEnv = environment();
    const table = tEnv
      .from('ev')
      .where($('k').isEqual(1))
      .groupBy($('name'))
      .select($('name'), $('id').sum().as('total'))
      .where($('total').isGreater(3));
    expect(String(table)).toBe(
      'SELECT * FROM (SELECT `name`, SUM(`id`) AS `total` FROM `ev` WHERE (`k` = 1) GROUP BY `name`) WHERE (`total` > 3)',
    );
    expect(table.explain()).toBe(tEnv.explainSql(String(table)));
    const query = tEnv.sqlQuery('SELECT id, name FROM ev');
    expect(String(query)).toBe('Table(id INT, name STRING)');
    expect(String(query.where($('id').isEqual(1)))).toBe('SELECT * FROM `$table$0` WHERE (`id` = 1)');
  });

  test('union, unionAll, intersect and minus', async () => {
    const tEnv = environment();
    const low = tEnv.from('ev').where($('id').isLessOrEqual(5)).select($('k'));
    const high = tEnv.from('ev').where($('id').isGreater(5)).select($('k'));
    const lowSql = 'SELECT k FROM ev WHERE id <= 5';
    const highSql = 'SELECT k FROM ev WHERE id > 5';
    const all = await expectSameAsSql(tEnv, low.unionAll(high), `${lowSql} UNION ALL ${highSql}`);
    expect(all).toHaveLength(9);
    expect(sorted(await expectSameAsSql(tEnv, low.union(high), `${lowSql} UNION ${highSql}`))).toEqual(
      sorted([{ k: 0 }, { k: 1 }, { k: 2 }]),
    );
    await expectSameAsSql(tEnv, low.intersect(high), `${lowSql} INTERSECT ${highSql}`);
    const odd = tEnv.from('ev').where($('k').isEqual(1)).select($('k'));
    expect(
      await expectSameAsSql(tEnv, low.minus(odd), `${lowSql} EXCEPT SELECT k FROM ev WHERE k = 1`),
    ).toHaveLength(2);
  });

  test('inner joins with a condition or a where, and outer joins', async () => {
    const tEnv = environment();
    const ev = tEnv.from('ev').select($('id'), $('k'));
    const dim = tEnv.from('dim');
    const inner = await expectSameAsSql(
      tEnv,
      ev.join(dim, $('k').isEqual($('dk'))).select($('id'), $('label')),
      'SELECT id, label FROM (SELECT id, k FROM ev) JOIN dim ON k = dk',
    );
    expect(inner).toHaveLength(9);
    expect(inner).toContainEqual({ id: 4, label: 'L1' });
    await expectSameAsSql(
      tEnv,
      ev.join(dim).where(and($('k').isEqual($('dk')), $('id').isGreater(6))),
      'SELECT * FROM (SELECT id, k FROM ev), dim WHERE k = dk AND id > 6',
    );
    const right = await expectSameAsSql(
      tEnv,
      ev.rightOuterJoin(dim, $('k').isEqual($('dk'))),
      'SELECT * FROM (SELECT id, k FROM ev) RIGHT JOIN dim ON k = dk',
    );
    expect(right).toContainEqual({ id: null, k: null, dk: 3, label: 'L3' });
    await expectSameAsSql(
      tEnv,
      dim.leftOuterJoin(ev, $('dk').isEqual($('k'))),
      'SELECT * FROM dim LEFT JOIN (SELECT id, k FROM ev) ON dk = k',
    );
    await expectSameAsSql(
      tEnv,
      dim.fullOuterJoin(ev.where($('id').isLess(3)), $('dk').isEqual($('k'))),
      'SELECT * FROM dim FULL JOIN (SELECT * FROM (SELECT id, k FROM ev) WHERE id < 3) ON dk = k',
    );
  });

  test('in(table) is an IN subquery, also over a table without a catalog name', async () => {
    const tEnv = environment();
    const low = tEnv.from('dim').where($('dk').isLess(2)).select($('dk'));
    const rows = await expectSameAsSql(
      tEnv,
      tEnv.from('ev').where($('k').in(low)).select($('id')),
      'SELECT id FROM ev WHERE k IN (SELECT dk FROM dim WHERE dk < 2)',
    );
    expect(sorted(rows)).toEqual(sorted([1, 3, 4, 6, 7, 9].map((id) => ({ id }))));
    const positive = tEnv.sqlQuery('SELECT dk FROM dim WHERE dk > 0');
    tEnv.createTemporaryView('positive', positive);
    const inView = await expectSameAsSql(
      tEnv,
      tEnv
        .from('ev')
        .where($('k').in(positive).and($('id').isGreater(1)))
        .select($('id')),
      'SELECT id FROM ev WHERE k IN (SELECT * FROM positive) AND id > 1',
    );
    expect(inView).toHaveLength(5);
  });

  test('a join whose where bounds the time attributes is an interval join, as in SQL', async () => {
    const tEnv = environment();
    const left = tEnv.from('ev').select($('id'), $('k'), $('ts'));
    const right = tEnv.from('ev').select($('id').as('rid'), $('k').as('rk'), $('ts').as('rts'));
    const joined = left
      .join(right)
      .where(
        and(
          $('k').isEqual($('rk')),
          $('rts').isGreaterOrEqual($('ts').minus(lit(2).seconds())),
          $('rts').isLessOrEqual($('ts')),
        ),
      )
      .select($('id'), $('rid'));
    const rows = await expectSameAsSql(
      tEnv,
      joined,
      `SELECT id, rid FROM (SELECT id, k, ts FROM ev), (SELECT id AS rid, k AS rk, ts AS rts FROM ev)
       WHERE k = rk AND rts >= ts - INTERVAL '2' SECOND AND rts <= ts`,
    );
    expect(joined.explain()).toContain('IntervalJoin');
    expect(rows).toContainEqual({ id: 1, rid: 1 });
  });

  test('joinLateral and leftOuterJoinLateral with a table function', async () => {
    const tEnv = environment();
    const env = tEnv.getExecutionEnvironment();
    const sentences = env.fromElements(
      { id: 1, s: 'hello big world' },
      { id: 2, s: '' },
      { id: 3, s: 'one' },
    );
    tEnv.createTemporaryView('t', sentences, { id: 'BIGINT', s: 'STRING' });
    tEnv.createTemporarySystemFunction('split_words', new SplitWords());
    const t = tEnv.from('t');
    const words = await expectSameAsSql(
      tEnv,
      t.joinLateral(call('split_words', $('s')).as('word', 'len')).select($('id'), $('word'), $('len')),
      'SELECT id, word, len FROM t, LATERAL TABLE(split_words(s)) AS T(word, len)',
    );
    expect(words).toHaveLength(4);
    expect(words).toContainEqual({ id: 3, word: 'one', len: 3 });
    const padded = await expectSameAsSql(
      tEnv,
      t.leftOuterJoinLateral(call('split_words', $('s'))),
      'SELECT * FROM t LEFT JOIN LATERAL TABLE(split_words(s)) ON TRUE',
    );
    expect(padded).toContainEqual({ id: 2, s: '', word: null, len: null });
    await expectSameAsSql(
      tEnv,
      t.where($('id').isLess(3)).joinLateral(call('split_words', $('s')).as('w', 'n'), $('n').isGreater(3)),
      'SELECT * FROM (SELECT * FROM t WHERE id < 3) JOIN LATERAL TABLE(split_words(s)) AS T(w, n) ON n > 3',
    );
    expect(() => t.joinLateral($('s'))).toThrow("Table API joinLateral(): takes a table function's call");
    expect(() => t.select($('s').as('a', 'b'))).toThrow("names a table function's columns in joinLateral");
  });

  test('a table from sqlQuery or fromDataStream continues with the fluent operations', async () => {
    const tEnv = environment();
    const big = tEnv.sqlQuery('SELECT id, k FROM ev WHERE id > 3');
    const rows = await big.groupBy($('k')).select($('k'), $('id').sum().as('s')).execute().collect();
    expect(sorted(rows)).toEqual(
      sorted([
        { k: 0, s: 15 },
        { k: 1, s: 11 },
        { k: 2, s: 13 },
      ]),
    );
    tEnv.createTemporaryView('big', big);
    expect(big.where($('k').isEqual(1)).explain()).toBe(tEnv.explainSql('SELECT * FROM big WHERE k = 1'));
    const env = tEnv.getExecutionEnvironment();
    const stream = tEnv.fromDataStream(env.fromElements({ n: 1 }, { n: 2 }, { n: 3 }), { n: 'INT' });
    const joined = stream.join(tEnv.from('dim'), $('n').isEqual($('dk'))).select($('n'), $('label'));
    expect(sorted(await joined.execute().collect())).toEqual(
      sorted([
        { n: 1, label: 'L1' },
        { n: 2, label: 'L2' },
        { n: 3, label: 'L3' },
      ]),
    );
  });

  test('executeInsert and insertInto write as INSERT INTO … SELECT does', async () => {
    const tEnv = environment();
    tEnv.executeSql("CREATE TABLE sink (id INT, name STRING) WITH ('connector' = 'blackhole')");
    const table = tEnv.from('ev').where($('k').isEqual(0)).select($('id'), $('name'));
    expect(table.insertInto('sink').explain()).toBe(
      tEnv.explainSql('INSERT INTO sink SELECT id, name FROM ev WHERE k = 0'),
    );
    await table.executeInsert('sink').await();
    expect(() => tEnv.from('ev').select($('id')).insertInto('sink')).toThrow(
      "Table API insertInto(): the query has 1 columns but 'sink' expects 2 (id, name)",
    );
  });
});

describe('windows', () => {
  test('tumbling windows drop the rows the watermark has passed, as the SQL group window', async () => {
    const tEnv = environment();
    const table = tEnv
      .from('ev')
      .window(Tumble.over(lit(5).seconds()).on($('ts')).as('w'))
      .groupBy($('w'))
      .select($('w').start().as('ws'), $('w').end().as('we'), $('id').count().as('c'), $('id').sum().as('s'));
    const rows = await expectSameAsSql(
      tEnv,
      table,
      `SELECT TUMBLE_START(ts, INTERVAL '5' SECOND) AS ws, TUMBLE_END(ts, INTERVAL '5' SECOND) AS we, COUNT(id) AS c, SUM(id) AS s
       FROM ev GROUP BY TUMBLE(ts, INTERVAL '5' SECOND)`,
    );
    // Rows 4 and 9 are late for [0, 5), row 7 for [5, 10).
    expect(rows.map((r) => [(r as { c: number }).c, (r as { s: number }).s]).sort()).toEqual([
      [2, 14],
      [2, 3],
      [2, 8],
    ]);
  });

  test('sliding and session windows with keys, and rowtime() for a window over the result', async () => {
    const tEnv = environment();
    const slide = tEnv
      .from('ev')
      .window(Slide.over(lit(4).seconds()).every(lit(2).seconds()).on($('ts')).as('w'))
      .groupBy($('w'), $('k'))
      .select($('k'), $('w').end().as('we'), $('id').count().as('c'));
    await expectSameAsSql(
      tEnv,
      slide,
      `SELECT k, HOP_END(ts, INTERVAL '2' SECOND, INTERVAL '4' SECOND) AS we, COUNT(id) AS c
       FROM ev GROUP BY HOP(ts, INTERVAL '2' SECOND, INTERVAL '4' SECOND), k`,
    );
    // Names as text are columns here too.
    const byName = tEnv
      .from('ev')
      .window(Slide.over(lit(4).seconds()).every(lit(2).seconds()).on('ts').as('w'))
      .groupBy('w', 'k')
      .select('k', $('w').end().as('we'), $('id').count().as('c'));
    expect(byName.explain()).toBe(slide.explain());
    const session = tEnv
      .from('ev')
      .window(Session.withGap(lit(1500).millis()).on($('ts')).as('s'))
      .groupBy($('s'))
      .select($('s').start().as('ss'), $('s').rowtime().as('rt'), $('id').count().as('c'));
    const rows = await expectSameAsSql(
      tEnv,
      session,
      `SELECT SESSION_START(ts, INTERVAL '1.5' SECOND) AS ss, SESSION_ROWTIME(ts, INTERVAL '1.5' SECOND) AS rt, COUNT(id) AS c
       FROM ev GROUP BY SESSION(ts, INTERVAL '1.5' SECOND)`,
    );
    expect(rows.map((r) => (r as { c: number }).c).reduce((a, b) => a + b, 0)).toBeLessThan(9);
    const cascaded = session
      .window(Tumble.over(lit(1).minutes()).on($('rt')).as('m'))
      .groupBy($('m'))
      .select($('c').sum().as('total'));
    expect(cascaded.getResolvedSchema()).toEqual([{ name: 'total', type: 'BIGINT' }]);
  });

  test('an over window aggregates the rows before each row', async () => {
    const tEnv = environment();
    const table = tEnv
      .from('ev')
      .window(Over.partitionBy($('k')).orderBy($('ts')).preceding(UNBOUNDED_RANGE).as('o'))
      .select($('id'), $('id').sum().over($('o')).as('running'));
    await expectSameAsSql(
      tEnv,
      table,
      'SELECT id, SUM(id) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM ev',
    );
    // Without preceding(…), an over window starts at the partition's first row.
    const unbounded = tEnv
      .from('ev')
      .window(Over.partitionBy($('k')).orderBy($('ts')).as('o'))
      .select($('id'), $('id').sum().over($('o')).as('running'));
    expect(unbounded.explain()).toBe(table.explain());
    const bounded = tEnv
      .from('ev')
      .window(
        Over.partitionBy($('k'))
          .orderBy($('ts'))
          .preceding(lit(3).seconds())
          .following(CURRENT_RANGE)
          .as('o'),
      )
      .select($('id'), $('id').max().over($('o')).as('recent'), $('id').count().over($('o')).as('seen'));
    await expectSameAsSql(
      tEnv,
      bounded,
      `SELECT id, MAX(id) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW) AS recent,
         COUNT(id) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '3' SECOND PRECEDING AND CURRENT ROW) AS seen FROM ev`,
    );
    expect(() =>
      tEnv
        .from('ev')
        .window(Over.orderBy($('ts')).preceding(rowInterval(1)).following(CURRENT_RANGE).as('o'))
        .select($('id').count().over($('o'))),
    ).toThrow(
      "Table API select(): over window 'o' counts rows before the current row, so it ends at CURRENT_ROW",
    );
    const rows = tEnv
      .from('ev')
      .window(Over.orderBy($('ts')).preceding(rowInterval(1)).as('o'))
      .select($('id'), $('id').count().over('o').as('c'));
    expect(rows.explain()).toBe(
      tEnv.explainSql(
        'SELECT id, COUNT(id) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS c FROM ev',
      ),
    );
  });
});

describe('mistakes fail at the operation with one line naming the fix', () => {
  const tEnv = environment();
  const ev = tEnv.from('ev');
  const cases: [string, () => unknown, string][] = [
    [
      'an unknown column',
      () => ev.select($('nope')),
      "Table API select(): column 'nope' not found; available columns: id, k, name, ts",
    ],
    [
      'a column in the wrong case',
      () => ev.where($('ID').isEqual(1)),
      'names are case-sensitive, did you mean id?',
    ],
    ['an unknown table', () => tEnv.from('nothing'), 'Table API from(): table or view'],
    ['a type mismatch', () => ev.where($('name').plus(1)), "Table API where(): cannot apply '+'"],
    ['a non-key column in a grouped select', () => ev.groupBy($('k')).select($('id')), 'Table API select():'],
    [
      'shared column names in a join',
      () => ev.join(ev, $('id').isEqual($('id'))),
      'Table API join(): both tables have columns named id, k, name, ts; rename one side',
    ],
    [
      'an added column that exists',
      () => ev.addColumns($('id').as('k')),
      "column 'k' exists already; use addOrReplaceColumns",
    ],
    [
      'dropping an unknown column',
      () => ev.dropColumns($('zz')),
      "Table API dropColumns(): column 'zz' not found",
    ],
    ['too many names', () => ev.as('a', 'b', 'c', 'd', 'e'), 'Table API as(): 5 names given for 4 columns'],
    [
      'a window property without the window',
      () => ev.select($('w').start()),
      "$('w').start() names no group window",
    ],
    [
      'grouping a windowed table without its window',
      () => ev.window(Tumble.over(lit(1).minutes()).on($('ts')).as('w')).groupBy($('k')),
      "grouped by its window once: groupBy($('w'), …)",
    ],
    [
      'selecting the window itself',
      () =>
        ev
          .window(Tumble.over(lit(1).minutes()).on($('ts')).as('w'))
          .groupBy($('w'))
          .select($('w')),
      "the group window 'w' is read through $('w').start()",
    ],
    ['an unknown over window', () => ev.select($('id').sum().over($('o'))), 'names no over window'],
    ['a null literal', () => lit(null as unknown as number), 'write nullOf(type) for NULL'],
    ['a misspelt type', () => $('id').cast('INTEGR'), "Table API cast(): unknown type 'INTEGR'"],
    [
      'an alias inside an expression',
      () => ev.select($('id').as('x').plus(1)),
      "as('x') names a column of the result",
    ],
    ['distinct of a non-aggregate', () => $('id').distinct(), 'use Table.distinct() for distinct rows'],
    ['a negative fetch', () => ev.fetch(-1), 'Table API fetch(): takes a whole number of rows, not -1'],
    ['a bad function name', () => call('no such'), "'no such' is not a function name"],
    [
      'tables of two environments',
      () => ev.unionAll(environment().from('ev')),
      'Table API unionAll(): both tables must come from the same TableEnvironment',
    ],
  ];
  test.each(cases)('%s', (_, run, message) => {
    expect(run).toThrow(message);
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).not.toMatch(/line \d+, column \d+/);
    }
  });

  test('a mistake deep in a chain fails at its own step, the steps before it being fine', () => {
    const step1 = ev.where($('id').isGreater(1));
    const step2 = step1.select($('id'), $('k'), $('id').times(2).as('twice'));
    expect(() => step2.select($('k'), $('name'))).toThrow(
      "Table API select(): column 'name' not found; available columns: id, k, twice",
    );
    expect(() => step2.where($('name').isEqual('n1'))).toThrow(
      "Table API where(): column 'name' not found; available columns: id, k, twice",
    );
    // After a join, a set operation and a Top-N (whose orderBy alone is not planned), too.
    const joined = step2.join(tEnv.from('dim'), $('k').isEqual($('dk')));
    expect(() => joined.select($('ts'))).toThrow(
      "Table API select(): column 'ts' not found; available columns: id, k, twice, dk, label",
    );
    const unioned = step2.unionAll(step2.where($('k').isEqual(0)));
    expect(() => unioned.groupBy($('kk'))).not.toThrow();
    expect(() => unioned.groupBy($('kk')).select($('id').count())).toThrow(
      "Table API select(): column 'kk' not found; available columns: id, k, twice",
    );
    const top = step2.orderBy($('twice').desc()).fetch(2);
    expect(() => top.select($('ts'))).toThrow(
      "Table API select(): column 'ts' not found; available columns: id, k, twice",
    );
    // Each message is one line, without a position in SQL text the user never wrote.
    try {
      top.select($('ts'));
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).not.toMatch(/line \d+, column \d+/);
    }
  });

  test('nullOf and casts name types with DataTypes or SQL text', () => {
    expect(() => ev.select(lit(1).cast(DataTypes.ARRAY(DataTypes.INT())).as('never'))).toThrow(
      'Table API select(): cannot CAST INT NOT NULL to ARRAY<INT>',
    );
    const ok = ev.select(
      nullOf(DataTypes.DECIMAL(10, 2)).as('d'),
      $('id').cast('BIGINT').as('b'),
      lit('2024-01-02 03:04:05').cast(DataTypes.TIMESTAMP(3)).as('t'),
      lit(2.5).as('x'),
      lit(5_000_000_000).as('big'),
    );
    expect(ok.getResolvedSchema()).toEqual([
      { name: 'd', type: 'DECIMAL(10, 2)' },
      { name: 'b', type: 'BIGINT' },
      { name: 't', type: 'TIMESTAMP(3) NOT NULL' },
      { name: 'x', type: 'DOUBLE NOT NULL' },
      { name: 'big', type: 'BIGINT NOT NULL' },
    ]);
  });
});
