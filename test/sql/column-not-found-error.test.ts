/**
 * The SQL layer's column-not-found error in its structured form: a {@link ColumnNotFoundError}
 * with the name as written and its position, and the one-line message users have always seen.
 * Planners that read an enclosing query's columns recognise it by its class, so an error that
 * only quotes such a message (here, a view's own error text) is not taken for one.
 */
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { ColumnNotFoundError } from '../../src/sql/errors.js';
import { refusingOuterColumns } from '../../src/sql/planner/join/nested-outer.js';
import { ErrorCodes, userError } from '../../src/types/errors.js';

function tableEnv(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(`CREATE TABLE a (k INT, x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1')`);
  tEnv.executeSql(`CREATE TABLE b (k INT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1')`);
  tEnv.executeSql(
    `CREATE TABLE c (k INT, v INT, x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1')`,
  );
  return tEnv;
}

/** The error planning `sql` throws. */
function planError(sql: string): unknown {
  try {
    tableEnv().explainSql(sql);
  } catch (error) {
    return error;
  }
  throw new Error(`planned without an error: ${sql}`);
}

describe('a column that is not found', () => {
  it.each([
    [
      'SELECT k, nope FROM a',
      ['nope'],
      { line: 1, column: 11 },
      "SQL error at line 1, column 11: column 'nope' not found; available columns: k, x",
    ],
    [
      'SELECT a.k FROM a\nWHERE a.nope > 1',
      ['nope'],
      { line: 2, column: 7 },
      "SQL error at line 2, column 7: column 'nope' not found in a; its columns are k, x",
    ],
    [
      'SELECT K FROM a',
      ['K'],
      { line: 1, column: 8 },
      "SQL error at line 1, column 8: column 'K' not found; names are case-sensitive, did you mean k?",
    ],
    [
      'SELECT b.nope.f FROM a',
      ['b', 'nope', 'f'],
      { line: 1, column: 8 },
      "SQL error at line 1, column 8: column 'b.nope.f' not found; available columns: k, x",
    ],
  ])(
    '%j is a ColumnNotFoundError with the name, its position and the usual message',
    (sql, path, pos, message) => {
      const error = planError(sql);
      expect(error).toBeInstanceOf(ColumnNotFoundError);
      const notFound = error as ColumnNotFoundError;
      expect(notFound.path).toEqual(path);
      expect(notFound.pos).toMatchObject(pos);
      expect(notFound.message).toBe(message);
      expect(notFound).toMatchObject({ code: ErrorCodes.SQL_VALIDATION, domain: 'user' });
    },
  );

  it('an enclosing query column read where subqueries cannot is refused at the column', () => {
    const error = planError(
      'SELECT k FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND EXISTS (SELECT 1 FROM c JOIN b AS b2 ON b2.k = c.k AND b2.v = a.x))',
    );
    expect((error as Error).message).toBe(
      'SQL error at line 1, column 129: reading column a.x of an enclosing query there is not supported; a subquery reads them in the WHERE of its own SELECT, not in JOIN … ON, WITH or a set operation',
    );
  });

  it('an error that only quotes a not-found message is not taken for one', () => {
    const quoted = userError(
      ErrorCodes.SQL_VALIDATION,
      "in view v: SQL error at line 1, column 8: column 'x' not found; available columns: k",
    );
    const outer = (path: readonly string[]) => path.join('.');
    expect(() =>
      refusingOuterColumns(() => {
        throw quoted;
      }, outer),
    ).toThrow(quoted);
    const real = new ColumnNotFoundError({ line: 1, column: 8 }, ['x'], "column 'x' not found");
    expect(() =>
      refusingOuterColumns(() => {
        throw real;
      }, outer),
    ).toThrow('SQL error at line 1, column 8: reading column x of an enclosing query there is not supported');
  });
});
