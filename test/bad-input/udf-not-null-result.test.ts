/**
 * A scalar function may declare a NOT NULL result (`resultType: 'BIGINT NOT NULL'`), which the
 * query's types then carry, as Flink's do; a function that returns null all the same fails the job
 * with one line naming the function, its declaration and the fix, where it would otherwise hand
 * a null to code that was planned without null checks.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes, StreamExecutionEnvironment, TableEnvironment, WeirError } from '../../src/index.js';
import { rejection } from '../support/recording-sink.js';

/** A session with `twice`, which gives null for 0, registered with the result type `resultType`. */
function session(resultType: string): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.createTemporarySystemFunction('twice', {
    eval: (x: number | null) => (x === 0 ? null : (x ?? 0) * 2),
    resultType,
  });
  return tEnv;
}

describe('a scalar function declaring a NOT NULL result', () => {
  it('gives its calls that type', () => {
    const schema = session('BIGINT NOT NULL')
      .sqlQuery('SELECT twice(x) AS t FROM (VALUES (1), (2)) AS v(x)')
      .getResolvedSchema();
    expect(schema.map((c) => `${c.name} ${c.type}`)).toEqual(['t BIGINT NOT NULL']);
    const nullable = session('BIGINT').sqlQuery('SELECT twice(1) AS t').getResolvedSchema();
    expect(nullable.map((c) => `${c.name} ${c.type}`)).toEqual(['t BIGINT']);
  });

  it('runs while it keeps to it', async () => {
    const rows = await session('BIGINT NOT NULL')
      .executeSql('SELECT twice(x) AS t FROM (VALUES (1), (2)) AS v(x)')
      .collect();
    expect(rows.map((r) => r.t)).toEqual([2, 4]);
  });

  it('fails the job with USER_FUNCTION, naming the function and the fix, when it returns null', async () => {
    const error = await rejection(
      session('BIGINT NOT NULL').executeSql('SELECT twice(x) AS t FROM (VALUES (1), (0)) AS v(x)').collect(),
    );
    expect(error).toBeInstanceOf(WeirError);
    const e = error as WeirError;
    expect(e.code).toBe(ErrorCodes.USER_FUNCTION);
    expect(e.domain).toBe('user');
    expect(e.message).not.toMatch(/[\r\n]/);
    expect(e.message).toBe(
      "function twice declares the result type BIGINT NOT NULL but returned null; return a value, or declare resultType 'BIGINT' to allow NULL",
    );
  });

  it('declared nullable, gives NULL for its null', async () => {
    const rows = await session('BIGINT')
      .executeSql('SELECT twice(x) AS t FROM (VALUES (1), (0)) AS v(x)')
      .collect();
    expect(rows.map((r) => r.t)).toEqual([2, null]);
  });
});
