import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../../api/environment.js';
import type { Transformation } from '../../../graph/transformation.js';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import { ConnectorRegistry } from '../../connectors/registry.js';
import type { Row } from '../../expressions/compiler.js';
import { TableEnvironment } from '../../table-environment.js';
import { planLogical } from '../planner.js';
import { translateQuery } from '../translate.js';
import { RestampByColumn, stampedByColumn } from './record-time.js';

function tableEnvironment(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  for (const name of ['a', 'b'])
    tEnv.executeSql(
      `CREATE TABLE ${name} (id INT, ms BIGINT, ${name}_ts AS TO_TIMESTAMP_LTZ(ms, 3),
        WATERMARK FOR ${name}_ts AS ${name}_ts) WITH ('connector' = 'datagen')`,
    );
  tEnv.executeSql(
    `CREATE VIEW joined AS SELECT a.id, a.a_ts, b.b_ts FROM a JOIN b
      ON a.id = b.id AND b.b_ts BETWEEN a.a_ts AND a.a_ts + INTERVAL '1' SECOND`,
  );
  return tEnv;
}

/** Whether the records of `sql` are stamped by `column`, asked of its built and physical plans. */
function stamped(tEnv: TableEnvironment, sql: string, column: string): [boolean, boolean] {
  const logical = tEnv.sqlQuery(sql).plan;
  const physical = planLogical(logical, new ConnectorRegistry()).physical;
  return [stampedByColumn(logical, column), stampedByColumn(physical, column)];
}

describe('stampedByColumn', () => {
  const tEnv = tableEnvironment();

  test("a source's rowtime, through filters and renaming projections", () => {
    expect(stamped(tEnv, 'SELECT * FROM a', 'a_ts')).toEqual([true, true]);
    expect(stamped(tEnv, 'SELECT id, a_ts AS t FROM a WHERE id > 1', 't')).toEqual([true, true]);
    expect(stamped(tEnv, 'SELECT ms AS a_ts FROM a', 'a_ts')).toEqual([false, false]);
  });

  test("neither side's rowtime stamps an interval join's rows", () => {
    expect(stamped(tEnv, 'SELECT * FROM joined', 'a_ts')).toEqual([false, false]);
    expect(stamped(tEnv, 'SELECT * FROM joined', 'b_ts')).toEqual([false, false]);
  });

  test('a union is stamped by a column when each of its inputs is', () => {
    const both = 'SELECT id, a_ts AS t FROM a UNION ALL SELECT id, b_ts FROM b';
    const mixed = 'SELECT id, TO_TIMESTAMP_LTZ(ms + 1, 3) AS t FROM a UNION ALL SELECT id, b_ts FROM b';
    expect(stamped(tEnv, both, 't')).toEqual([true, true]);
    expect(stamped(tEnv, mixed, 't')).toEqual([false, false]);
  });

  test("a window aggregate's rows are stamped by window_time", () => {
    const sql = `SELECT window_time AS wt, COUNT(*) AS c
      FROM TABLE(TUMBLE(TABLE joined, DESCRIPTOR(a_ts), INTERVAL '5' SECOND))
      GROUP BY window_start, window_end, window_time`;
    const physical = planLogical(tEnv.sqlQuery(sql).plan, new ConnectorRegistry()).physical;
    expect(stampedByColumn(physical, 'wt')).toBe(true);
    expect(stampedByColumn(physical, 'c')).toBe(false);
  });
});

/** The names of the transformations `sql` translates to, from its sources up. */
function operatorNames(tEnv: TableEnvironment, sql: string): string[] {
  const registry = new ConnectorRegistry();
  const physical = planLogical(tEnv.sqlQuery(sql).plan, registry).physical;
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const names: string[] = [];
  const visit = (t: Transformation): void => {
    for (const input of t.inputs) visit(input);
    names.push(t.name);
  };
  visit(translateQuery(physical, { env, registry }).transformation);
  return names;
}

describe('a window over a union', () => {
  const tEnv = tableEnvironment();
  const window = (view: string) =>
    `SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE ${view}, DESCRIPTOR(t), INTERVAL '5' SECOND))
      GROUP BY window_start, window_end`;

  test('reads the stamps when every input is stamped by the column', () => {
    tEnv.executeSql('CREATE VIEW sources AS SELECT id, a_ts AS t FROM a UNION ALL SELECT id, b_ts FROM b');
    const names = operatorNames(tEnv, window('sources'));
    expect(names.some((n) => n.startsWith('WindowAggregate'))).toBe(true);
    expect(names.filter((n) => n.startsWith('Restamp'))).toEqual([]);
  });

  test("restamps the rows by the column when an input is an interval join's output", () => {
    tEnv.executeSql(
      'CREATE VIEW with_join AS SELECT id, a_ts AS t FROM joined UNION ALL SELECT id, b_ts FROM b',
    );
    expect(operatorNames(tEnv, window('with_join')).filter((n) => n.startsWith('Restamp'))).toEqual([
      'Restamp(t)',
    ]);
  });
});

describe('RestampByColumn', () => {
  test("stamps each row by its column, and keeps a row's stamp when the column is NULL", () => {
    const h = new OneInputStreamOperatorTestHarness<Row, Row>(new RestampByColumn('a_ts'));
    h.open();
    h.processElement({ id: 1, a_ts: 2000, b_ts: 7000 }, 7000);
    h.processElement({ id: 2, a_ts: null, b_ts: 5000 }, 5000);
    expect(h.getRecordOutput().map((r) => [r.value.id, r.timestamp])).toEqual([
      [1, 2000],
      [2, 5000],
    ]);
  });
});
