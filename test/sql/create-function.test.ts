/**
 * `CREATE FUNCTION name AS 'identifier' [LANGUAGE …]`: a Java or Scala class name bound with
 * `registerFunctionClass` (a class or an object), TypeScript modules' exports (a class, an
 * aggregate class, the default export), IF NOT EXISTS and DROP FUNCTION, and the one-line errors
 * for an unbound class, PYTHON, an unknown language, a missing module or export.
 */
import { describe, expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { CountChar } from './udf-fixtures/count-udfs.js';

const FIXTURE = 'test/sql/udf-fixtures/count-udfs.ts';

function tableEnv(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(
    "CREATE VIEW words AS SELECT * FROM (VALUES ('cocoa', 1), ('tea', 2), ('coffee', 3)) AS t(w, n)",
  );
  return tEnv;
}

async function column(tEnv: TableEnvironment, sql: string, name: string): Promise<unknown[]> {
  return ((await tEnv.executeSql(sql).collect()) as Row[]).map((r) => r[name]);
}

describe('CREATE FUNCTION with a JVM class name', () => {
  test('creates the TypeScript class bound to the name, in JAVA (the default) and SCALA', async () => {
    const tEnv = tableEnv();
    tEnv.registerFunctionClass('com.example.CountChar', CountChar);
    tEnv.executeSql("CREATE FUNCTION count_char AS 'com.example.CountChar'");
    tEnv.executeSql("CREATE TEMPORARY SYSTEM FUNCTION count_c2 AS 'com.example.CountChar' LANGUAGE SCALA");
    expect(await column(tEnv, "SELECT count_char(w, 'c') AS c FROM words", 'c')).toEqual([2, 0, 1]);
    expect(await column(tEnv, "SELECT count_c2(w, 'o') AS c FROM words", 'c')).toEqual([2, 0, 1]);
  });

  test('a bound object is used as it is', async () => {
    const tEnv = tableEnv();
    tEnv.registerFunctionClass('com.example.Len', { eval: (s: string) => s.length, resultType: 'INT' });
    tEnv.executeSql("CREATE FUNCTION len AS 'com.example.Len' LANGUAGE JAVA");
    expect(await column(tEnv, 'SELECT len(w) AS l FROM words', 'l')).toEqual([5, 3, 6]);
  });

  test('an unbound class name is a one-line error naming both fixes', () => {
    expect(() => tableEnv().executeSql("CREATE FUNCTION f AS 'com.example.Missing'")).toThrow(
      /^SQL error at line 1, column 1: function class 'com.example.Missing' is not bound; bind a TypeScript implementation with tEnv.registerFunctionClass\('com.example.Missing', impl\), or write CREATE FUNCTION f AS 'module.ts#Export' LANGUAGE TYPESCRIPT$/,
    );
  });

  test('PYTHON is refused by name, an unknown language too', () => {
    expect(() => tableEnv().executeSql("CREATE FUNCTION f AS 'udfs.f' LANGUAGE PYTHON")).toThrow(
      /CREATE FUNCTION … LANGUAGE PYTHON is not supported/,
    );
    expect(() => tableEnv().executeSql("CREATE FUNCTION f AS 'x' LANGUAGE COBOL")).toThrow(
      /unknown function language 'COBOL'/,
    );
  });

  test('IF NOT EXISTS keeps the first; without it a second is an error; DROP FUNCTION removes it', async () => {
    const tEnv = tableEnv();
    tEnv.registerFunctionClass('com.example.CountChar', CountChar);
    tEnv.registerFunctionClass('com.example.Len', { eval: (s: string) => s.length, resultType: 'INT' });
    tEnv.executeSql("CREATE FUNCTION f AS 'com.example.CountChar'");
    tEnv.executeSql("CREATE FUNCTION IF NOT EXISTS f AS 'com.example.Len'");
    expect(await column(tEnv, "SELECT f(w, 'c') AS c FROM words", 'c')).toEqual([2, 0, 1]);
    expect(() => tEnv.executeSql("CREATE FUNCTION f AS 'com.example.Len'")).toThrow(/already registered/);
    tEnv.executeSql('DROP FUNCTION f');
    expect(tEnv.listUserDefinedFunctions()).toEqual([]);
  });
});

describe('CREATE FUNCTION … LANGUAGE TYPESCRIPT', () => {
  test("loads 'module#Export' relative to the working directory; await() waits for it", async () => {
    const tEnv = tableEnv();
    await tEnv.executeSql(`CREATE FUNCTION cc AS '${FIXTURE}#CountChar' LANGUAGE TYPESCRIPT`).await();
    expect(await column(tEnv, "SELECT cc(w, 'c') AS c FROM words", 'c')).toEqual([2, 0, 1]);
  });

  test('an aggregate function class, and the default export when no #Export is given', async () => {
    const tEnv = tableEnv();
    await tEnv.executeSql(`CREATE FUNCTION longest AS '${FIXTURE}#Longest' LANGUAGE TYPESCRIPT`).await();
    await tEnv
      .executeSql(`CREATE FUNCTION twice AS '${process.cwd()}/${FIXTURE}' LANGUAGE JAVASCRIPT`)
      .await();
    expect(await column(tEnv, 'SELECT longest(w) AS l FROM words', 'l')).toEqual(['coffee']);
    expect(await column(tEnv, 'SELECT twice(n) AS t FROM words', 't')).toEqual([2, 4, 6]);
  });

  test('a missing export or module is a one-line error when awaited', async () => {
    const tEnv = tableEnv();
    await expect(
      tEnv.executeSql(`CREATE FUNCTION f AS '${FIXTURE}#Nope' LANGUAGE TYPESCRIPT`).await(),
    ).rejects.toThrow(
      /module '.*count-udfs.ts' has no function export 'Nope'; export a ScalarFunction, TableFunction or aggregate function class \(exports: .*CountChar/,
    );
    await expect(
      tEnv.executeSql(`CREATE FUNCTION f AS '${FIXTURE}#answer' LANGUAGE TYPESCRIPT`).await(),
    ).rejects.toThrow(/has no function export 'answer'/);
    await expect(
      tEnv.executeSql("CREATE FUNCTION f AS 'no/such/module.ts#F' LANGUAGE TYPESCRIPT").await(),
    ).rejects.toThrow(/cannot load function module '.*no\/such\/module.ts'/);
    expect(tEnv.listUserDefinedFunctions()).toEqual([]);
  });
});
