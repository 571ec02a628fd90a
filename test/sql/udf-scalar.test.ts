/**
 * User-defined scalar functions: registered as plain objects or ScalarFunction subclasses,
 * called in SELECT, WHERE and GROUP BY keys, with NULL arguments passed to eval, arguments
 * type-checked at planning time with positioned errors, one instance per parallel operator
 * instance with open/close, non-deterministic functions kept in place by the rewrite rules,
 * and the function catalog's SQL statements (SHOW FUNCTIONS, DROP FUNCTION, CREATE FUNCTION).
 */
import { describe, expect, test } from 'vitest';
import { expressionSource } from '../../src/sql/expressions/compiler.js';
import {
  type FunctionContext,
  ScalarFunction,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';

const env = (parallelism = 1) => StreamExecutionEnvironment.createLocalEnvironment(parallelism);

/** A table environment with a view `t(id BIGINT, s STRING)` over a few rows, one with NULLs. */
function withRows(parallelism = 1) {
  const e = env(parallelism);
  const tEnv = TableEnvironment.create(e);
  const rows = e.fromElements(
    { id: 1, s: 'apple' },
    { id: 2, s: 'kiwi' },
    { id: 3, s: null },
    { id: 4, s: 'banana' },
  );
  tEnv.createTemporaryView('t', rows, { id: 'BIGINT', s: 'STRING' });
  return tEnv;
}

const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.id) - Number(b.id);

class Describe extends ScalarFunction {
  readonly resultType = 'STRING';
  readonly argumentTypes = ['BIGINT', 'STRING'];
  eval(id: number | null, s: string | null): string {
    return `${id}:${s === null ? 'null' : s.length}`;
  }
}

describe('scalar UDFs in queries', () => {
  test('a plain object in SELECT and WHERE; eval receives NULL arguments and may return null', async () => {
    const tEnv = withRows();
    const seen: unknown[] = [];
    tEnv.createTemporarySystemFunction('str_len', {
      eval: (s: string | null) => {
        seen.push(s);
        return s === null ? null : s.length;
      },
      resultType: 'INT',
      argumentTypes: ['STRING'],
    });
    const rows = await tEnv
      .executeSql('SELECT id, str_len(s) AS n FROM t WHERE str_len(s) IS NULL OR STR_LEN(s) > 4')
      .collect();
    expect(rows.sort(byId)).toEqual([
      { id: 1, n: 5 },
      { id: 3, n: null },
      { id: 4, n: 6 },
    ]);
    expect(seen).toContain(null);
  });

  test('a ScalarFunction subclass, nested in built-in expressions', async () => {
    const tEnv = withRows();
    tEnv.createTemporarySystemFunction('describe_row', new Describe());
    const rows = await tEnv
      .executeSql("SELECT id, UPPER(describe_row(id + 1, s || '!')) AS d FROM t")
      .collect();
    expect(rows.sort(byId)).toEqual([
      { id: 1, d: '2:6' },
      { id: 2, d: '3:5' },
      { id: 3, d: '4:NULL' },
      { id: 4, d: '5:7' },
    ]);
  });

  test('the compiled code calls the function through a constant, not a lookup per row', () => {
    const tEnv = withRows();
    tEnv.createTemporarySystemFunction('describe_row', new Describe());
    const table = tEnv.sqlQuery('SELECT describe_row(id, s) AS d FROM t');
    const project = table.plan as unknown as {
      projections: { rex: Parameters<typeof expressionSource>[0] }[];
    };
    expect(expressionSource(project.projections[0]!.rex)).toMatch(/= c\[0\]\.eval\(v\d+, v\d+\) \?\? null;/);
  });

  test('a TIMESTAMP argument declared DATE or TIME is cast to its date and its time, as Flink casts implicitly', async () => {
    const tEnv = withRows();
    tEnv.createTemporarySystemFunction('day_and_time', {
      eval: (d: unknown, t: unknown) => JSON.stringify([d, t]),
      resultType: 'STRING',
      argumentTypes: ['DATE', 'TIME'],
    });
    const ts = "TIMESTAMP '2024-03-01 10:11:12.345'";
    const [row] = await tEnv
      .executeSql(
        `SELECT day_and_time(${ts}, ${ts}) AS implicit, day_and_time(CAST(${ts} AS DATE), CAST(${ts} AS TIME)) AS explicit`,
      )
      .collect();
    expect(row!.explicit).not.toBe('[null,null]');
    expect(row!.implicit).toBe(row!.explicit);
    // A TIMESTAMP_LTZ has no date of its own (it depends on the zone): no implicit cast.
    expect(() => tEnv.sqlQuery('SELECT day_and_time(TO_TIMESTAMP_LTZ(0, 3), NULL)')).toThrow(
      "argument 1 of day_and_time must be DATE, got TIMESTAMP_LTZ(3); add a CAST or change the function's argumentTypes",
    );
  });

  test('a UDF as a GROUP BY key', async () => {
    const tEnv = withRows();
    tEnv.createTemporarySystemFunction('parity', {
      eval: (n: number) => (n % 2 === 0 ? 'even' : 'odd'),
      resultType: 'STRING',
      argumentTypes: ['BIGINT'],
    });
    const table = tEnv.sqlQuery('SELECT parity(id) AS p, COUNT(*) AS c FROM t GROUP BY parity(id)');
    const rows = await tEnv.toChangelogStream(table).executeAndCollect();
    const final = new Map<string, unknown>();
    for (const { kind, row } of rows) {
      if (kind === '-U' || kind === '-D') final.delete(String(row.p));
      else final.set(String(row.p), row.c);
    }
    expect(Object.fromEntries(final)).toEqual({ even: 2, odd: 2 });
  });

  test('each parallel instance works on its own copy, opened before and closed after the rows', async () => {
    const tEnv = withRows(2);
    const opened: FunctionContext[] = [];
    let closed = 0;
    class Counter extends ScalarFunction {
      readonly resultType = 'BIGINT';
      private count = 0;
      private subtask = -1;
      open(context: FunctionContext) {
        opened.push(context);
        this.subtask = context.subtaskIndex ?? -1;
      }
      close() {
        closed++;
      }
      eval(_id: number): number {
        this.count++;
        return this.subtask * 100 + this.count;
      }
    }
    tEnv.createTemporarySystemFunction('counter', new Counter());
    const rows = await tEnv.executeSql('SELECT id, counter(id) AS c FROM t').collect();
    expect(rows).toHaveLength(4);
    // Counts are per instance: with a shared object they would run up to 4 across subtasks.
    const perSubtask = new Map<number, number[]>();
    for (const r of rows) {
      const c = r.c as number;
      perSubtask.set(Math.floor(c / 100), [...(perSubtask.get(Math.floor(c / 100)) ?? []), c % 100]);
    }
    for (const counts of perSubtask.values()) expect(counts.sort()).toEqual(counts.map((_, i) => i + 1));
    expect(opened.map((c) => c.parallelism)).toEqual([2, 2]);
    expect(opened.map((c) => c.subtaskIndex).sort()).toEqual([0, 1]);
    expect(closed).toBe(2);
  });

  test('a non-deterministic function is not pushed below or duplicated by the rewrite rules', () => {
    const tEnv = withRows();
    const spec = { eval: () => Math.random(), resultType: 'DOUBLE' };
    tEnv.createTemporarySystemFunction('rand_d', { ...spec, deterministic: false });
    tEnv.createTemporarySystemFunction('rand_s', spec);
    const query = (fn: string) =>
      tEnv.explainSql(`SELECT r FROM (SELECT ${fn}() AS r, id FROM t) WHERE r > 0.5`);
    const optimized = (fn: string) => query(fn).split('== Optimized Logical Plan ==')[1]!;
    expect(optimized('rand_s')).toMatch(/LogicalFilter\(condition=\[>\(rand_s\(\), 0\.5\)\]\)/);
    expect(optimized('rand_d')).not.toMatch(/rand_d\(\), 0\.5/);
    expect(optimized('rand_d')).toMatch(/LogicalFilter\(condition=\[>\(r, 0\.5\)\]\)/);
  });
});

describe('scalar UDF errors at planning time', () => {
  const tEnv = withRows();
  tEnv.createTemporarySystemFunction('describe_row', new Describe());
  tEnv.createTemporaryFunction('loose', {
    eval: (a: unknown, b: unknown) => `${a}${b}`,
    resultType: 'STRING',
  });

  test.each([
    [
      'SELECT describe_row(id) FROM t',
      'SQL error at line 1, column 8: function describe_row takes 2 arguments (BIGINT, STRING), got 1',
    ],
    [
      'SELECT describe_row(id,\n  id) FROM t',
      "SQL error at line 2, column 3: argument 2 of describe_row must be STRING, got BIGINT; add a CAST or change the function's argumentTypes",
    ],
    [
      'SELECT id FROM t WHERE describe_row(s, s) IS NULL',
      "SQL error at line 1, column 37: argument 1 of describe_row must be BIGINT, got STRING; add a CAST or change the function's argumentTypes",
    ],
    [
      'SELECT loose(id) FROM t',
      'SQL error at line 1, column 8: function loose takes at least 2 arguments, got 1',
    ],
    [
      'SELECT describe_rows(id, s) FROM t',
      'SQL error at line 1, column 8: unknown function DESCRIBE_ROWS; built-in functions are listed by SHOW FUNCTIONS; user-defined functions: describe_row, loose',
    ],
  ])('%s', (sql, message) => {
    expect(() => tEnv.sqlQuery(sql)).toThrow(message);
    expect(message).not.toContain('\n');
  });

  test('an argument that widens (INT to BIGINT, CHAR to STRING) is accepted', () => {
    expect(
      tEnv.sqlQuery("SELECT describe_row(CAST(id AS INT), 'x') AS d FROM t").getResolvedSchema(),
    ).toEqual([{ name: 'd', type: 'STRING' }]);
  });

  test('registration refuses bad declarations and duplicates', () => {
    expect(() => tEnv.createTemporarySystemFunction('describe_row', new Describe())).toThrow(
      "a temporary system function named 'describe_row' is already registered; drop it first with dropTemporarySystemFunction('describe_row')",
    );
    expect(() =>
      tEnv.createTemporarySystemFunction('bad', { eval: () => 1, resultType: 'INTEGRAL' }),
    ).toThrow(/function 'bad' declares result type 'INTEGRAL', which is not a SQL type/);
  });
});

describe('function statements', () => {
  test('SHOW FUNCTIONS lists built-in and user functions; DROP FUNCTION removes one', async () => {
    const tEnv = withRows();
    tEnv.createTemporarySystemFunction('describe_row', new Describe());
    tEnv.createTemporaryFunction('tagged', { eval: (s: string) => `#${s}`, resultType: 'STRING' });
    const names = async () =>
      (await tEnv.executeSql('SHOW FUNCTIONS').collect()).map((r) => r['function name']);
    const before = await names();
    expect(before).toEqual(expect.arrayContaining(['UPPER', 'COUNT', 'describe_row', 'tagged']));
    expect(tEnv.listUserDefinedFunctions()).toEqual(['describe_row', 'tagged']);
    tEnv.executeSql('DROP TEMPORARY SYSTEM FUNCTION describe_row');
    tEnv.executeSql('DROP TEMPORARY FUNCTION IF EXISTS describe_row');
    expect(() => tEnv.executeSql('DROP FUNCTION describe_row')).toThrow(
      "SQL error at line 1, column 15: function 'describe_row' does not exist; user-defined functions: tagged",
    );
    expect(() => tEnv.executeSql('DROP FUNCTION upper')).toThrow(
      'SQL error at line 1, column 15: UPPER is a built-in function and cannot be dropped',
    );
    expect(await names()).not.toContain('describe_row');
    expect(() => tEnv.sqlQuery('SELECT describe_row(id, s) FROM t')).toThrow(/unknown function DESCRIBE_ROW/);
    expect(tEnv.dropTemporarySystemFunction('tagged')).toBe(false);
    expect(tEnv.dropTemporaryFunction('tagged')).toBe(true);
  });

  test('CREATE FUNCTION with an unbound class name names registerFunctionClass and LANGUAGE TYPESCRIPT', () => {
    const tEnv = withRows();
    expect(() => tEnv.executeSql("CREATE TEMPORARY FUNCTION f AS 'com.example.F'")).toThrow(
      "SQL error at line 1, column 1: function class 'com.example.F' is not bound; bind a TypeScript implementation with tEnv.registerFunctionClass('com.example.F', impl), or write CREATE FUNCTION f AS 'module.ts#Export' LANGUAGE TYPESCRIPT",
    );
  });
});
