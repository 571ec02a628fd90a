/**
 * User-defined aggregate functions: the adapter to the aggregate operators' contract (in-place
 * or returned accumulators, retract, merge, argument checks), and UDAFs in GROUP BY over
 * insert-only input, over updating input when they can retract, and refused by name over
 * updating input when they cannot.
 */
import { describe, expect, test } from 'vitest';
import {
  type ChangelogRow,
  StreamExecutionEnvironment,
  TableEnvironment,
  type UserDefinedAggregateFunction,
} from '../../src/index.js';
import { Types } from '../../src/sql/catalog/types.js';
import { defineUserFunction } from '../../src/sql/functions/definitions.js';
import type { AggregateFunctionDefinition } from '../../src/sql/aggregates/aggregate-function.js';

interface WeightedAcc {
  sum: number;
  weight: number;
}

/** Flink's weighted-average example: accumulators changed in place, with retract and merge. */
const weightedAvg: UserDefinedAggregateFunction<WeightedAcc> = {
  createAccumulator: () => ({ sum: 0, weight: 0 }),
  accumulate(acc, value: number | null, weight: number | null) {
    if (value === null || weight === null) return;
    acc.sum += value * weight;
    acc.weight += weight;
  },
  retract(acc, value: number | null, weight: number | null) {
    if (value === null || weight === null) return;
    acc.sum -= value * weight;
    acc.weight -= weight;
  },
  merge(acc, other) {
    acc.sum += other.sum;
    acc.weight += other.weight;
  },
  getValue: (acc) => (acc.weight === 0 ? null : acc.sum / acc.weight),
  resultType: 'DOUBLE',
  argumentTypes: ['BIGINT', 'BIGINT'],
  accumulatorType: 'ROW<sum DOUBLE, weight BIGINT>',
};

/** The longest string, returning new accumulators and unable to retract. */
const longest: UserDefinedAggregateFunction<string | null> = {
  createAccumulator: () => null,
  accumulate: (acc, s: string | null) => (s !== null && (acc === null || s.length > acc.length) ? s : acc),
  getValue: (acc) => acc,
  resultType: 'STRING',
};

describe('the aggregate adapter', () => {
  const definition = defineUserFunction('weighted_avg', weightedAvg) as AggregateFunctionDefinition;

  test('drives the object through the contract: in-place accumulate, retract, merge, getValue', () => {
    const fn = definition.create([Types.BIGINT, Types.BIGINT]);
    let acc = fn.createAccumulator();
    acc = fn.accumulate(acc, [10, 1]);
    acc = fn.accumulate(acc, [20, 3]);
    acc = fn.accumulate(acc, [null, 5]);
    expect(fn.getValue(acc)).toBe(17.5);
    acc = fn.retract!(acc, [20, 3]);
    expect(fn.getValue(acc)).toBe(10);
    const other = fn.accumulate(fn.createAccumulator(), [40, 1]);
    expect(fn.getValue(fn.merge!(acc, other))).toBe(25);
    expect(fn.getValue(fn.createAccumulator())).toBeNull();
    expect(definition.retractable).toBe(true);
  });

  test('returned accumulators are kept; a function without retract says so', () => {
    const own = defineUserFunction('longest', longest) as AggregateFunctionDefinition;
    expect(own.retractable).toBe(false);
    const fn = own.create([Types.STRING]);
    expect(fn.retract).toBeUndefined();
    const acc = ['ab', null, 'abcd', 'abc'].reduce((a, s) => fn.accumulate(a, [s]), fn.createAccumulator());
    expect(fn.getValue(acc)).toBe('abcd');
  });

  test('argument types are checked when the call is planned', () => {
    expect(definition.resultType([Types.INT, Types.BIGINT])).toEqual(Types.DOUBLE);
    expect(() => definition.resultType([Types.STRING, Types.BIGINT], { line: 1, column: 8 })).toThrow(
      "SQL error at line 1, column 8: argument 1 of weighted_avg must be BIGINT, got STRING; add a CAST or change the function's argumentTypes",
    );
    expect(() => definition.resultType([Types.BIGINT])).toThrow(
      'function weighted_avg takes 2 arguments (BIGINT, BIGINT), got 1',
    );
  });

  test('each create() works on its own copy of the object, opened once', () => {
    let opens = 0;
    const counting = defineUserFunction('counting', {
      ...longest,
      open() {
        opens++;
      },
    }) as AggregateFunctionDefinition;
    counting.create([Types.STRING]);
    counting.create([Types.STRING]);
    expect(opens).toBe(2);
  });
});

/** Final rows of a changelog, as a sink that applies updates would hold them. */
function materialize(changes: readonly ChangelogRow[], key: string): Map<unknown, Record<string, unknown>> {
  const table = new Map<unknown, Record<string, unknown>>();
  for (const change of changes) {
    if (change.kind === '-U' || change.kind === '-D') table.delete(change.row[key]);
    else table.set(change.row[key], change.row);
  }
  return table;
}

describe('UDAFs in GROUP BY', () => {
  test('over insert-only input, with nulls skipped by the function', async () => {
    const e = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(e);
    tEnv.createTemporarySystemFunction('weighted_avg', weightedAvg);
    tEnv.createTemporarySystemFunction('longest', longest);
    const rows = e.fromElements(
      { k: 'a', v: 10, w: 1, s: 'x' },
      { k: 'a', v: 20, w: 3, s: 'xyz' },
      { k: 'b', v: 5, w: null, s: null },
      { k: 'b', v: 7, w: 2, s: 'pq' },
    );
    tEnv.createTemporaryView('t', rows, { k: 'STRING', v: 'BIGINT', w: 'BIGINT', s: 'STRING' });
    const table = tEnv.sqlQuery('SELECT k, weighted_avg(v, w) AS avg_v, longest(s) AS l FROM t GROUP BY k');
    const changes = await tEnv.toChangelogStream(table).executeAndCollect();
    expect(Object.fromEntries(materialize(changes, 'k'))).toEqual({
      a: { k: 'a', avg_v: 17.5, l: 'xyz' },
      b: { k: 'b', avg_v: 7, l: 'pq' },
    });
  });

  test('over updating input: a function with retract follows the updates', async () => {
    const e = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(e);
    tEnv.createTemporarySystemFunction('weighted_avg', weightedAvg);
    const input = e.fromElements<ChangelogRow>(
      { kind: '+I', row: { k: 'a', v: 10, w: 1 } },
      { kind: '+I', row: { k: 'a', v: 20, w: 3 } },
      { kind: '-U', row: { k: 'a', v: 20, w: 3 } },
      { kind: '+U', row: { k: 'a', v: 30, w: 1 } },
      { kind: '+I', row: { k: 'b', v: 1, w: 1 } },
      { kind: '-D', row: { k: 'b', v: 1, w: 1 } },
    );
    tEnv.createTemporaryView('c', tEnv.fromChangelogStream(input, { k: 'STRING', v: 'BIGINT', w: 'BIGINT' }));
    const table = tEnv.sqlQuery('SELECT k, weighted_avg(v, w) AS avg_v FROM c GROUP BY k');
    const changes = await tEnv.toChangelogStream(table).executeAndCollect();
    expect(Object.fromEntries(materialize(changes, 'k'))).toEqual({ a: { k: 'a', avg_v: 20 } });
  });

  test('over updating input: a function without retract is refused by name at planning time', () => {
    const e = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(e);
    tEnv.createTemporarySystemFunction('longest', longest);
    const input = e.fromElements<ChangelogRow>({ kind: '+I', row: { k: 'a', s: 'x' } });
    tEnv.createTemporaryView('c', tEnv.fromChangelogStream(input, { k: 'STRING', s: 'STRING' }));
    expect(() => tEnv.explainSql('SELECT k, longest(s) AS l FROM c GROUP BY k')).toThrow(
      /^SQL error at line 1, column 11: aggregate function longest cannot retract rows/,
    );
  });

  test('in window aggregation and OVER: the same counts as COUNT, and bounded frames refused by name', async () => {
    const e = StreamExecutionEnvironment.createLocalEnvironment(2);
    const tEnv = TableEnvironment.create(e);
    tEnv.createTemporarySystemFunction('my_count', {
      createAccumulator: () => ({ n: 0 }),
      accumulate(acc: { n: number }, s: string | null) {
        if (s !== null) acc.n++;
      },
      merge(acc: { n: number }, other: { n: number }) {
        acc.n += other.n;
      },
      getValue: (acc: { n: number }) => acc.n,
      resultType: 'BIGINT',
    });
    tEnv.executeSql(`CREATE TABLE ev (ts_ms BIGINT, s STRING, ts AS TO_TIMESTAMP_LTZ(ts_ms, 3),
      WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', 'number-of-rows' = '400',
      'fields.ts_ms.min' = '0', 'fields.ts_ms.max' = '60000', 'fields.s.length' = '3')`);
    const windows = await tEnv
      .executeSql(`SELECT window_start, my_count(s) AS a, COUNT(s) AS b
        FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
        GROUP BY window_start, window_end`)
      .collect();
    expect(windows.length).toBeGreaterThan(2);
    for (const w of windows) expect(w.a).toBe(w.b);
    const running = await tEnv
      .executeSql(`SELECT my_count(s) OVER w AS a, COUNT(s) OVER w AS b FROM ev
        WINDOW w AS (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`)
      .collect();
    expect(running.length).toBeGreaterThan(0);
    for (const r of running) expect(r.a).toBe(r.b);
    expect(() =>
      tEnv.explainSql(
        'SELECT my_count(s) OVER (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM ev',
      ),
    ).toThrow(/^SQL error at line 1, column 8: MY_COUNT over a bounded frame/);
  });

  test('a UDAF where a scalar is expected is refused', () => {
    const e = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(e);
    tEnv.createTemporarySystemFunction('longest', longest);
    tEnv.createTemporaryView('t', e.fromElements({ s: 'a' }), { s: 'STRING' });
    expect(() => tEnv.explainSql("SELECT s FROM t WHERE longest(s) = 'a'")).toThrow(
      'SQL error at line 1, column 23: aggregate function LONGEST is not allowed here',
    );
  });
});
