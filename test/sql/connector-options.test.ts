/**
 * The connector registry's validation of `WITH (…)` for a factory with required options and
 * value checks, as a later connector (filesystem, nexmark) declares them.
 */
import { describe, expect, test } from 'vitest';
import {
  type DynamicTableFactory,
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';

const files: DynamicTableFactory = {
  identifier: 'files',
  options: [
    { key: 'path', required: true },
    {
      key: 'format',
      required: true,
      check: (v) => (v === 'json' || v === 'csv' ? undefined : "'json' or 'csv'"),
    },
    { key: 'source.monitor-interval' },
  ],
  createSource: ({ env }) => env.fromCollection<Row>([]),
};

function tEnv(): TableEnvironment {
  const t = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  t.registerConnector(files);
  return t;
}

describe('connector options', () => {
  test('a missing required option is named', () => {
    expect(() =>
      tEnv().executeSql("CREATE TABLE t (a INT) WITH ('connector' = 'files', 'format' = 'csv')"),
    ).toThrow("SQL error at line 1, column 1: missing required option 'path' for connector 'files'");
  });

  test('a bad value names the option and what it accepts', () => {
    expect(() =>
      tEnv().executeSql(
        "CREATE TABLE t (a INT) WITH ('connector' = 'files', 'path' = '/d',\n  'format' = 'xml')",
      ),
    ).toThrow(
      "SQL error at line 2, column 3: invalid value 'xml' for option 'format'; expected 'json' or 'csv'",
    );
  });

  test('an unknown option lists the supported ones', () => {
    expect(() =>
      tEnv().executeSql(
        "CREATE TABLE t (a INT) WITH ('connector' = 'files', 'path' = '/d', 'format' = 'csv', 'pth' = 'x')",
      ),
    ).toThrow(
      "unknown option 'pth' for connector 'files'; supported options: connector, path, format, source.monitor-interval",
    );
  });

  test('a complete table is accepted and listed', () => {
    const t = tEnv();
    t.executeSql("CREATE TABLE t (a INT) WITH ('connector' = 'files', 'path' = '/d', 'format' = 'json')");
    expect(t.listTables()).toEqual(['t']);
  });

  test('an expression over the time attribute is a plain timestamp', () => {
    const t = tEnv();
    t.executeSql(
      "CREATE TABLE ev (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'files', 'path' = '/d', 'format' = 'json')",
    );
    expect(t.sqlQuery("SELECT ts, ts + INTERVAL '1' MINUTE AS later FROM ev").getResolvedSchema()).toEqual([
      { name: 'ts', type: 'TIMESTAMP(3) *ROWTIME*' },
      { name: 'later', type: 'TIMESTAMP(3)' },
    ]);
  });
});
