/**
 * The Table API's row-based operations against their SQL: `map` expands a scalar function's
 * ROW result into columns, `flatMap` keeps only a table function's columns of its lateral join,
 * `aggregate` expands an aggregate function's ROW result per group and retracts it as the
 * GROUP BY does over updating input; a function of the wrong kind, or a row-count group
 * window, fails at the operation with the fix.
 */
import { describe, expect, test } from 'vitest';
import {
  $,
  call,
  lit,
  rowInterval,
  StreamExecutionEnvironment,
  type Table,
  TableEnvironment,
  TableFunction,
  Tumble,
} from '../../src/index.js';
import { expectSameAsSql, sorted, Top2 } from './table-api-checks.js';

/** Splits a sentence into its words and their lengths. */
class SplitWords extends TableFunction {
  readonly resultType = 'ROW<word STRING, len INT>';
  readonly argumentTypes = ['STRING'];
  eval(s: string | null): void {
    for (const w of s?.split(' ') ?? []) if (w !== '') this.collect({ word: w, len: w.length });
  }
}

/** Count and maximum of its argument, retractable, so it aggregates updating input. */
interface CountMax {
  values: number[];
}

/**
 * A session with `t(id, s)` of three sentences and the functions: `pair` (scalar, ROW), `twice`
 * (scalar, BIGINT), `split_words` (table), `count_max` (aggregate, ROW) and `top2` (table aggregate).
 */
function environment(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  const env = tEnv.getExecutionEnvironment();
  tEnv.createTemporaryView(
    't',
    env.fromElements(
      { id: 1, s: 'hello big world' },
      { id: 2, s: '' },
      { id: 3, s: 'one' },
      { id: 4, s: 'a b' },
    ),
    { id: 'BIGINT', s: 'STRING' },
  );
  tEnv.createTemporarySystemFunction('pair', {
    eval: (id: number | null, s: string | null) => (id === null ? null : { x: id * 10, y: `${s}!` }),
    resultType: 'ROW<x BIGINT, y STRING>',
  });
  tEnv.createTemporarySystemFunction('twice', {
    eval: (id: number | null) => (id === null ? null : id * 2),
    resultType: 'BIGINT',
  });
  tEnv.createTemporarySystemFunction('split_words', new SplitWords());
  tEnv.createTemporarySystemFunction('top2', new Top2());
  tEnv.createTemporarySystemFunction('count_max', {
    createAccumulator: (): CountMax => ({ values: [] }),
    accumulate(acc: CountMax, v: number | null) {
      if (v !== null) acc.values.push(v);
    },
    retract(acc: CountMax, v: number | null) {
      const i = v === null ? -1 : acc.values.indexOf(v);
      if (i >= 0) acc.values.splice(i, 1);
    },
    getValue: (acc: CountMax) => ({
      cnt: acc.values.length,
      mx: acc.values.length === 0 ? null : Math.max(...acc.values),
    }),
    resultType: 'ROW<cnt BIGINT, mx BIGINT>',
  });
  return tEnv;
}

describe('Table API row-based operations plan as their SQL', () => {
  test("map expands a scalar function's ROW into columns", async () => {
    const tEnv = environment();
    const t = tEnv.from('t');
    const rows = await expectSameAsSql(
      tEnv,
      t.map(call('pair', $('id'), $('s'))),
      'SELECT `$row`.x AS x, `$row`.y AS y FROM (SELECT pair(id, s) AS `$row` FROM t)',
    );
    expect(sorted(rows)).toEqual(
      sorted([
        { x: 10, y: 'hello big world!' },
        { x: 20, y: '!' },
        { x: 30, y: 'one!' },
        { x: 40, y: 'a b!' },
      ]),
    );
    const named = await t
      .where($('id').isGreater(2))
      .map(call('pair', $('id'), $('s')).as('a', 'b'))
      .execute()
      .collect();
    expect(sorted(named)).toEqual(
      sorted([
        { a: 30, b: 'one!' },
        { a: 40, b: 'a b!' },
      ]),
    );
    expect(
      t
        .map(call('pair', $('id'), $('s')))
        .as('p', 'q')
        .getResolvedSchema()
        .map((c) => c.name),
    ).toEqual(['p', 'q']);
    const single = await t
      .map(call('twice', $('id')))
      .execute()
      .collect();
    expect(sorted(single)).toEqual(sorted([{ f0: 2 }, { f0: 4 }, { f0: 6 }, { f0: 8 }]));
  });

  test("flatMap keeps only a table function's columns", async () => {
    const tEnv = environment();
    const t = tEnv.from('t');
    const words = await expectSameAsSql(
      tEnv,
      t.flatMap(call('split_words', $('s'))),
      'SELECT `$function`.* FROM t, LATERAL TABLE(split_words(s)) AS `$function`',
    );
    expect(sorted(words)).toEqual(
      sorted([
        { word: 'hello', len: 5 },
        { word: 'big', len: 3 },
        { word: 'world', len: 5 },
        { word: 'one', len: 3 },
        { word: 'a', len: 1 },
        { word: 'b', len: 1 },
      ]),
    );
    await expectSameAsSql(
      tEnv,
      t
        .where($('id').isLess(3))
        .flatMap(call('split_words', $('s')).as('w', 'n'))
        .where($('n').isGreater(3)),
      'SELECT * FROM (SELECT `$function`.* FROM (SELECT * FROM t WHERE id < 3), LATERAL TABLE(split_words(s)) AS `$function`(w, n)) WHERE n > 3',
    );
  });

  test('aggregate expands the ROW of an aggregate function per group, and over all rows', async () => {
    const tEnv = environment();
    const t = tEnv.from('t');
    const perGroup = await expectSameAsSql(
      tEnv,
      t
        .addColumns($('id').mod(2).as('k'))
        .groupBy($('k'))
        .aggregate(call('count_max', $('id')).as('c', 'm'))
        .select($('k'), $('m'), $('c')),
      'SELECT k, m, c FROM (SELECT k, `$row`.cnt AS c, `$row`.mx AS m FROM (SELECT k, count_max(id) AS `$row` FROM (SELECT *, MOD(id, 2) AS k FROM t) GROUP BY k))',
    );
    expect(sorted(perGroup)).toEqual(
      sorted([
        { k: 0, m: 4, c: 2 },
        { k: 1, m: 3, c: 2 },
      ]),
    );
    const all = await t
      .aggregate(call('count_max', $('id')))
      .select('*')
      .execute()
      .collect();
    expect(all).toEqual([{ cnt: 4, mx: 4 }]);
  });

  test('aggregate over updating input retracts as its GROUP BY does', async () => {
    const tEnv = environment();
    // Words per length is an updating table: each new word of a length retracts its old count.
    const lengths = tEnv
      .from('t')
      .flatMap(call('split_words', $('s')))
      .groupBy($('len'))
      .select($('len'), $('word').count().as('words'));
    tEnv.createTemporaryView('lengths', lengths);
    const table = lengths
      .groupBy($('words'))
      .aggregate(call('count_max', $('len')))
      .select('*');
    const sql =
      'SELECT words, `$row`.cnt AS cnt, `$row`.mx AS mx FROM (SELECT words, count_max(len) AS `$row` FROM lengths GROUP BY words)';
    const rows = await table.execute().collect();
    expect(sorted(rows)).toEqual(sorted(await tEnv.sqlQuery(sql).execute().collect()));
    // Lengths 5, 3 and 1 each have two words at the end; a count of 1 retracted them all.
    expect(rows).toEqual([{ words: 2, cnt: 3, mx: 5 }]);
    expect(table.explain()).toContain('GroupAggregate');
  });
});

describe('Table API flatAggregate with a table aggregate function', () => {
  /** `sales(cat, item, amount)`, and the updating table of each item's total so far. */
  function totals(tEnv: TableEnvironment): Table {
    const env = tEnv.getExecutionEnvironment();
    const sales = env.fromElements(
      { cat: 'a', item: 'x', amount: 5 },
      { cat: 'a', item: 'y', amount: 3 },
      { cat: 'a', item: 'z', amount: 4 },
      { cat: 'b', item: 'u', amount: 1 },
      { cat: 'a', item: 'y', amount: 10 },
      { cat: 'b', item: 'u', amount: 1 },
    );
    tEnv.createTemporaryView('sales', sales, { cat: 'STRING', item: 'STRING', amount: 'BIGINT' });
    const table = tEnv
      .from('sales')
      .groupBy($('cat'), $('item'))
      .select($('cat'), $('item'), $('amount').sum().as('total'));
    tEnv.createTemporaryView('totals', table);
    return table;
  }

  test('Top-2 per group over updating input, as its SQL, retracting each earlier emission', async () => {
    const tEnv = environment();
    const table = totals(tEnv)
      .groupBy($('cat'))
      .flatAggregate(call('top2', $('total')).as('total', 'r'))
      .select($('cat'), $('total'), $('r'));
    const rows = await expectSameAsSql(
      tEnv,
      table,
      'SELECT cat, total, r FROM (SELECT cat, total, r FROM (SELECT cat, top2(total) AS `$row` FROM totals GROUP BY cat), UNNEST(`$row`) AS `$function`(total, r))',
    );
    // y's total went from 3 to 13; u's from 1 to 2.
    expect(sorted(rows)).toEqual(
      sorted([
        { cat: 'a', total: 13, r: 1 },
        { cat: 'a', total: 5, r: 2 },
        { cat: 'b', total: 2, r: 1 },
      ]),
    );
    // Replaying the changes gives the final rows only if each emission was retracted in full.
    const changes = await table.execute().collectChanges();
    const live = new Map<string, number>();
    for (const { kind, row } of changes) {
      const key = JSON.stringify(row);
      live.set(key, (live.get(key) ?? 0) + (kind === '+I' || kind === '+U' ? 1 : -1));
    }
    expect(sorted([...live].filter(([, n]) => n !== 0).map(([k, n]) => ({ row: JSON.parse(k), n })))).toEqual(
      sorted(rows.map((row) => ({ row, n: 1 }))),
    );
    expect(changes.some((c) => c.kind === '-U' || c.kind === '-D')).toBe(true);
  });

  test('over all rows, with the function naming the columns', async () => {
    const tEnv = environment();
    const rows = await totals(tEnv)
      .flatAggregate(call('top2', $('total')))
      .select('*')
      .execute()
      .collect();
    expect(sorted(rows)).toEqual(
      sorted([
        { v: 13, rank: 1 },
        { v: 5, rank: 2 },
      ]),
    );
  });

  test('flatAggregate takes only a table aggregate function, and aggregate refuses one', () => {
    const tEnv = environment();
    const t = tEnv.from('t');
    const windowed = windowedEvents(tEnv);
    expect(() => t.groupBy($('s')).flatAggregate(call('count_max', $('id')))).toThrow(
      'Table API flatAggregate(): count_max is an aggregate function, but flatAggregate takes a table aggregate function; extend TableAggregateFunction (its emitValue emits the rows), or call it with aggregate',
    );
    // Not even an aggregate function whose value is an ARRAY of rows, nor a built-in one, as in Flink.
    tEnv.createTemporarySystemFunction('all_rows', {
      createAccumulator: (): { v: number }[] => [],
      accumulate(acc: { v: number }[], v: number | null) {
        if (v !== null) acc.push({ v });
      },
      getValue: (acc: { v: number }[]) => acc,
      resultType: 'ARRAY<ROW<v BIGINT>>',
    });
    const arrayOfRows = () => t.groupBy($('s')).flatAggregate(call('all_rows', $('id')));
    expect(arrayOfRows).toThrow(
      'Table API flatAggregate(): all_rows is an aggregate function, but flatAggregate takes a table aggregate function; extend TableAggregateFunction',
    );
    expect(() => windowed.groupBy($('w')).flatAggregate(call('all_rows', $('id')))).toThrow(
      'Table API flatAggregate(): all_rows is an aggregate function',
    );
    expect(() => t.flatAggregate(call('ARRAY_AGG', $('id')))).toThrow(
      'Table API flatAggregate(): ARRAY_AGG is not a table aggregate function; flatAggregate takes one: extend TableAggregateFunction and register it with createTemporarySystemFunction',
    );
    expect(() => t.flatAggregate(call('twice', $('id')))).toThrow(
      'Table API flatAggregate(): twice is a scalar function, but flatAggregate takes a table aggregate function; extend TableAggregateFunction (its emitValue emits the rows), or call it with map',
    );
    expect(() => t.flatAggregate(call('top2', $('id')).as('one'))).toThrow(
      "Table API flatAggregate(): 1 names given for the function's 2 columns (v, rank)",
    );
    // Over all rows, per group and per window: aggregate names flatAggregate rather than giving
    // the emitted rows as one ARRAY column.
    const refusal =
      'Table API aggregate(): top2 is a table aggregate function, but aggregate takes an aggregate function; call it with flatAggregate';
    expect(() => t.aggregate(call('top2', $('id')))).toThrow(refusal);
    expect(() => t.groupBy($('s')).aggregate(call('TOP2', $('id')).as('v', 'r'))).toThrow(
      refusal.replace('top2 is', 'TOP2 is'),
    );
    expect(() => windowed.groupBy($('w')).aggregate(call('top2', $('id')))).toThrow(refusal);
  });
});

/** `ev(id, k, ts)`: ids 1..9 at id seconds, k = id mod 2; 5-second windows hold 1..4 and 5..9. */
function windowedEvents(tEnv: TableEnvironment) {
  tEnv.executeSql("SET 'pipeline.auto-watermark-interval' = '0'");
  tEnv.executeSql(`CREATE TABLE ev (
      id INT,
      k AS MOD(id, 2),
      ts AS TO_TIMESTAMP_LTZ(id * 1000, 3),
      WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
    ) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '9')`);
  return tEnv.from('ev').window(Tumble.over(lit(5).seconds()).on($('ts')).as('w'));
}

describe('Table API aggregate and flatAggregate on a group window', () => {
  const windowed = windowedEvents;

  test("aggregate per window and key reads the window's bounds in select, as its SQL", async () => {
    const tEnv = environment();
    const table = windowed(tEnv)
      .groupBy($('w'), $('k'))
      .aggregate(call('count_max', $('id')).as('c', 'm'))
      .select($('k'), $('w').start().as('ws'), $('w').end().as('we'), $('c'), $('m'));
    const sql =
      "SELECT k, ws, we, `$row`.cnt AS c, `$row`.mx AS m FROM (SELECT k, TUMBLE_START(ts, INTERVAL '5' SECOND) AS ws, TUMBLE_END(ts, INTERVAL '5' SECOND) AS we, count_max(id) AS `$row` FROM ev GROUP BY TUMBLE(ts, INTERVAL '5' SECOND), k)";
    const query = tEnv.sqlQuery(sql);
    expect(table.getResolvedSchema()).toEqual(query.getResolvedSchema());
    const rows = (await table.execute().collect()) as { k: number; c: number; m: number }[];
    expect(sorted(rows)).toEqual(sorted(await query.execute().collect()));
    expect(sorted(rows.map(({ k, c, m }) => ({ k, c, m })))).toEqual(
      sorted([
        { k: 1, c: 2, m: 3 },
        { k: 0, c: 2, m: 4 },
        { k: 1, c: 3, m: 9 },
        { k: 0, c: 2, m: 8 },
      ]),
    );
  });

  test('flatAggregate per window emits its rows; * leaves out the window bounds it keeps', async () => {
    const tEnv = environment();
    const perWindow = windowed(tEnv)
      .groupBy($('w'))
      .flatAggregate(call('top2', $('id')));
    const all = perWindow.select('*');
    expect(all.getResolvedSchema().map((c) => c.name)).toEqual(['v', 'rank']);
    expect(sorted(await all.execute().collect())).toEqual(
      sorted([
        { v: 4, rank: 1 },
        { v: 3, rank: 2 },
        { v: 9, rank: 1 },
        { v: 8, rank: 2 },
      ]),
    );
    const ends = (await perWindow.select($('w').end().as('we'), $('v')).execute().collect()) as {
      we: unknown;
      v: number;
    }[];
    const byEnd = new Map<string, number[]>();
    for (const { we, v } of ends) byEnd.set(String(we), [...(byEnd.get(String(we)) ?? []), v].sort());
    expect([...byEnd.values()].sort()).toEqual([
      [3, 4],
      [8, 9],
    ]);
    expect(() => perWindow.select($('w').rowtime())).toThrow(
      "Table API select(): after aggregate or flatAggregate, window 'w' gives start() and end(), not rowtime()",
    );
  });
});

describe('Table API row-based operations refuse what they cannot run', () => {
  test('a function of the wrong kind names the operation that takes it', () => {
    const t = environment().from('t');
    expect(() => t.map(call('split_words', $('s')))).toThrow(
      'Table API map(): split_words is a table function, but map takes a scalar function; call it with flatMap (or joinLateral)',
    );
    expect(() => t.map(call('count_max', $('id')))).toThrow(
      'count_max is an aggregate function, but map takes a scalar function; call it with aggregate',
    );
    expect(() => t.flatMap(call('pair', $('id'), $('s')))).toThrow(
      'Table API flatMap(): pair is a scalar function, but flatMap takes a table function; call it with map',
    );
    expect(() => t.groupBy($('s')).aggregate(call('twice', $('id')))).toThrow(
      'Table API aggregate(): twice is a scalar function, but aggregate takes an aggregate function',
    );
    expect(() => t.map($('id'))).toThrow("Table API map(): takes a scalar function's call");
    expect(() => t.map(call('pair', $('id'), $('s')).as('only'))).toThrow(
      "Table API map(): 1 names given for the function's 2 columns (x, y)",
    );
  });

  test('row-count group windows are refused; time-sized ones on the same table plan', () => {
    const tEnv = environment();
    tEnv.executeSql(`CREATE TABLE ev (
      id INT,
      ts AS TO_TIMESTAMP_LTZ(id * 1000, 3),
      WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
    ) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '9')`);
    const ev = tEnv.from('ev');
    expect(() =>
      ev
        .window(Tumble.over(rowInterval(10)).on($('ts')).as('w'))
        .groupBy($('w'))
        .select($('id').count()),
    ).toThrow('Table API select(): row-count group windows (rowInterval) are not supported');
    expect(
      ev
        .window(Tumble.over(lit(10).seconds()).on($('ts')).as('w'))
        .groupBy($('w'))
        .select($('id').count().as('n'))
        .getResolvedSchema(),
    ).toEqual([{ name: 'n', type: 'BIGINT NOT NULL' }]);
  });
});
