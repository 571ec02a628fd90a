/**
 * INSERTs whose column Flink would not cast to the sink's type implicitly: VARCHAR into CHAR(n),
 * VARBINARY into BINARY(n), text into a number. Each is refused when planned, before any job
 * runs, with one line naming the column, both types, the select item's position and the CAST to
 * write; the CHAR(n) and BINARY(n) literals that fit keep going in.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, StreamExecutionEnvironment, TableEnvironment, WeirError } from '../../src/index.js';

/** A session with a source of text and bytes and a sink of CHAR(5), BINARY(3) and INT columns. */
function tEnv(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(
    "CREATE TABLE src (id INT, s STRING, price INT, ts TIMESTAMP(3), v AS CAST(s AS VARCHAR(3)), b AS CAST(s AS BYTES)) WITH ('connector' = 'filesystem', 'path' = 'test/sql/data/orders.csv', 'format' = 'csv')",
  );
  tEnv.executeSql("CREATE TABLE snk (c CHAR(5), bin BINARY(3), i INT) WITH ('connector' = 'blackhole')");
  return tEnv;
}

/** The user error `run` throws, checked to be one line of SQL_VALIDATION. */
function refusal(run: () => unknown): WeirError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WeirError);
    const e = error as WeirError;
    expect(e.code).toBe(ErrorCodes.SQL_VALIDATION);
    expect(e.domain).toBe('user');
    expect(e.message).not.toMatch(/[\r\n]/);
    return e;
  }
  throw new Error('the INSERT was accepted');
}

describe('INSERT columns Flink does not cast implicitly', () => {
  it.each([
    [
      'INSERT INTO snk (c) SELECT v FROM src',
      "SQL error at line 1, column 28: column 'c' of 'snk' is CHAR(5), but the query gives VARCHAR(3); only a CHAR casts to CHAR(n) implicitly; write CAST(v AS CHAR(5)) in the query",
    ],
    [
      'INSERT INTO snk (c, bin) SELECT CAST(s AS CHAR(2)), b FROM src',
      "SQL error at line 1, column 53: column 'bin' of 'snk' is BINARY(3), but the query gives BYTES; only a BINARY casts to BINARY(n) implicitly; write CAST(b AS BINARY(3)) in the query",
    ],
    [
      'INSERT INTO snk (i)\nSELECT s FROM src',
      "SQL error at line 2, column 8: column 'i' of 'snk' is INT, but the query gives STRING; write CAST(s AS INT) in the query",
    ],
  ])('%s', (sql, message) => {
    expect(refusal(() => tEnv().executeSql(sql)).message).toBe(message);
  });

  it('a Table API insert is refused the same way, named by the method rather than a position', () => {
    const env = tEnv();
    const e = refusal(() => env.sqlQuery('SELECT v, CAST(b AS BINARY(3)), price FROM src').insertInto('snk'));
    expect(e.message).toMatch(/^Table API insertInto\(\): column /);
    expect(e.message).toContain(
      "column 'c' of 'snk' is CHAR(5), but the query gives VARCHAR(3); only a CHAR casts to CHAR(n) implicitly; write CAST(v AS CHAR(5)) in the query",
    );
  });

  it('CHAR and BINARY literals, and an explicit CAST, go in', () => {
    const env = tEnv();
    for (const sql of [
      "INSERT INTO snk (c, bin) VALUES ('ab', x'0102')",
      "INSERT INTO snk (c, bin) VALUES ('ab', x'01'), ('cd', NULL)",
      'INSERT INTO snk (c, bin) SELECT CAST(v AS CHAR(5)), CAST(b AS BINARY(3)) FROM src',
    ])
      expect(() => env.explainSql(sql), sql).not.toThrow();
  });
});
