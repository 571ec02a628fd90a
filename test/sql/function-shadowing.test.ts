/**
 * Function resolution in Flink's order: temporary system functions, built-in functions, then
 * (temporary) catalog functions. A temporary system function shadows the built-in of its name
 * for the session, in SELECT and in GROUP BY aggregates, and dropping it brings the built-in
 * back; a catalog function of a built-in's name is reached only by a qualified call.
 */
import { describe, expect, test } from 'vitest';
import {
  StreamExecutionEnvironment,
  TableEnvironment,
  type UserDefinedAggregateFunction,
} from '../../src/index.js';

/** A table environment with a view `t(id BIGINT, s STRING)`. */
function withRows() {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const tEnv = TableEnvironment.create(env);
  const rows = env.fromElements({ id: 1, s: 'apple' }, { id: 2, s: 'kiwi' }, { id: 3, s: 'apple' });
  tEnv.createTemporaryView('t', rows, { id: 'BIGINT', s: 'STRING' });
  return tEnv;
}

const shout = { eval: (s: string | null) => (s === null ? null : `${s}!`), resultType: 'STRING' };
const tag = { eval: (s: string | null) => (s === null ? null : `#${s}`), resultType: 'STRING' };

/** Counts rows, whatever the argument: to tell it from the built-in SUM. */
const countAll: UserDefinedAggregateFunction<number> = {
  createAccumulator: () => 0,
  accumulate: (acc) => acc + 1,
  getValue: (acc) => acc,
  resultType: 'BIGINT',
};

const column = async (tEnv: TableEnvironment, sql: string, name: string) =>
  (await tEnv.executeSql(sql).collect()).map((r) => r[name]);
const functionNames = (tEnv: TableEnvironment) => column(tEnv, 'SHOW FUNCTIONS', 'function name');

describe('temporary system functions shadow built-ins', () => {
  test('createTemporarySystemFunction: UPPER calls it, in any case, until it is dropped', async () => {
    const tEnv = withRows();
    tEnv.createTemporarySystemFunction('UPPER', shout);
    expect(await column(tEnv, 'SELECT upper(s) AS u FROM t WHERE id = 2', 'u')).toEqual(['kiwi!']);
    expect(await column(tEnv, 'SELECT UPPER(s) AS u FROM t WHERE id = 2', 'u')).toEqual(['kiwi!']);
    expect(tEnv.listUserDefinedFunctions()).toEqual(['UPPER']);
    expect(tEnv.dropTemporarySystemFunction('upper')).toBe(true);
    expect(await column(tEnv, 'SELECT UPPER(s) AS u FROM t WHERE id = 2', 'u')).toEqual(['KIWI']);
    expect(tEnv.dropTemporarySystemFunction('upper')).toBe(false);
  });

  test('SQL: CREATE TEMPORARY SYSTEM FUNCTION shadows, SHOW FUNCTIONS lists the name once, DROP brings the built-in back', async () => {
    const tEnv = withRows();
    tEnv.registerFunctionClass('com.example.Shout', shout);
    await tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION upper AS 'com.example.Shout'").await();
    expect(await column(tEnv, 'SELECT UPPER(s) AS u FROM t WHERE id = 1', 'u')).toEqual(['apple!']);
    const shadowed = await functionNames(tEnv);
    expect(shadowed).toContain('upper');
    expect(shadowed).not.toContain('UPPER');
    expect(await column(tEnv, 'SHOW USER FUNCTIONS', 'function name')).toEqual(['upper']);
    // A second one of the name is refused, unless IF NOT EXISTS.
    expect(() => tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION UPPER AS 'com.example.Shout'")).toThrow(
      "a temporary system function named 'UPPER' is already registered; drop it first with dropTemporarySystemFunction('UPPER')",
    );
    await tEnv
      .executeSql("CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS UPPER AS 'com.example.Shout'")
      .await();
    // DROP FUNCTION names catalog functions only.
    expect(() => tEnv.executeSql('DROP FUNCTION upper')).toThrow(
      "SQL error at line 1, column 15: function 'upper' is a temporary system function; drop it with DROP TEMPORARY SYSTEM FUNCTION upper",
    );
    await tEnv.executeSql('DROP TEMPORARY SYSTEM FUNCTION upper').await();
    expect(await column(tEnv, 'SELECT UPPER(s) AS u FROM t WHERE id = 1', 'u')).toEqual(['APPLE']);
    const restored = await functionNames(tEnv);
    expect(restored).toContain('UPPER');
    expect(restored).not.toContain('upper');
    expect(() => tEnv.executeSql('DROP TEMPORARY SYSTEM FUNCTION upper')).toThrow(
      "SQL error at line 1, column 32: temporary system function 'upper' does not exist; temporary system functions: none",
    );
    await tEnv.executeSql('DROP TEMPORARY SYSTEM FUNCTION IF EXISTS upper').await();
  });

  test('a temporary system function shadows a built-in aggregate in GROUP BY', async () => {
    const tEnv = withRows();
    tEnv.createTemporarySystemFunction('sum', countAll);
    const rows = await tEnv.executeSql('SELECT s, SUM(id) AS n FROM t GROUP BY s').collect();
    expect(rows.sort((a, b) => String(a.s).localeCompare(String(b.s)))).toEqual([
      { s: 'apple', n: 2 },
      { s: 'kiwi', n: 1 },
    ]);
    tEnv.dropTemporarySystemFunction('sum');
    const sums = await tEnv.executeSql('SELECT s, SUM(id) AS n FROM t GROUP BY s').collect();
    expect(sums.sort((a, b) => String(a.s).localeCompare(String(b.s)))).toEqual([
      { s: 'apple', n: 4 },
      { s: 'kiwi', n: 2 },
    ]);
  });

  test('a built-in aggregate is shadowed only by an aggregate function', () => {
    const tEnv = withRows();
    expect(() => tEnv.createTemporarySystemFunction('max', shout)).toThrow(
      "temporary system function 'max' would shadow the built-in aggregate function MAX, which only an aggregate function can; choose another name",
    );
  });

  test('a temporary system function name has one part', () => {
    const tEnv = withRows();
    expect(() => tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION default_database.f AS 'x.Y'")).toThrow(
      'SQL parse error at line 1, column 34: a temporary system function has no catalog or database, so its name has one part, not default_database.f',
    );
  });
});

describe('catalog functions come after built-ins', () => {
  test('a temporary catalog function of a built-in name is reached only qualified; a system one shadows both', async () => {
    const tEnv = withRows();
    tEnv.createTemporaryFunction('upper', tag);
    expect(await column(tEnv, 'SELECT upper(s) AS u FROM t WHERE id = 2', 'u')).toEqual(['KIWI']);
    expect(await column(tEnv, 'SELECT default_database.upper(s) AS u FROM t WHERE id = 2', 'u')).toEqual([
      '#kiwi',
    ]);
    expect(tEnv.listFunctions().filter((n) => n.toUpperCase() === 'UPPER')).toEqual(['upper']);
    tEnv.createTemporarySystemFunction('upper', shout);
    expect(await column(tEnv, 'SELECT upper(s) AS u FROM t WHERE id = 2', 'u')).toEqual(['kiwi!']);
    expect(await column(tEnv, 'SELECT default_database.upper(s) AS u FROM t WHERE id = 2', 'u')).toEqual([
      '#kiwi',
    ]);
    expect(tEnv.dropTemporaryFunction('upper')).toBe(true);
    expect(await column(tEnv, 'SELECT upper(s) AS u FROM t WHERE id = 2', 'u')).toEqual(['kiwi!']);
    expect(tEnv.dropTemporarySystemFunction('upper')).toBe(true);
    expect(await column(tEnv, 'SELECT upper(s) AS u FROM t WHERE id = 2', 'u')).toEqual(['KIWI']);
  });

  test('SQL CREATE TEMPORARY FUNCTION of a built-in name leaves unqualified calls to the built-in', async () => {
    const tEnv = withRows();
    tEnv.registerFunctionClass('com.example.Tag', tag);
    await tEnv.executeSql("CREATE TEMPORARY FUNCTION lower AS 'com.example.Tag'").await();
    expect(
      await column(tEnv, 'SELECT LOWER(s) AS u, default_database.lower(s) AS v FROM t WHERE id = 2', 'v'),
    ).toEqual(['#kiwi']);
    expect(await column(tEnv, 'SELECT LOWER(UPPER(s)) AS u FROM t WHERE id = 2', 'u')).toEqual(['kiwi']);
    await tEnv.executeSql('DROP TEMPORARY FUNCTION lower').await();
    expect(() => tEnv.executeSql('DROP FUNCTION lower')).toThrow(
      'SQL error at line 1, column 15: LOWER is a built-in function and cannot be dropped',
    );
  });
});
