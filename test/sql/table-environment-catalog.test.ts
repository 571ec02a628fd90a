/**
 * The TableEnvironment's catalog methods, as Flink's: current catalog and database, listings
 * (temporary objects included where Flink includes them), createCatalog, temporary views by
 * path (in a database that need not exist) and their drops, and SHOW [USER] FUNCTIONS and
 * temporary functions outside the catalogs.
 */
import { describe, expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

function tableEnv(): TableEnvironment {
  return TableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
}

async function column(tEnv: TableEnvironment, sql: string): Promise<unknown[]> {
  return ((await tEnv.executeSql(sql).collect()) as Row[]).map((r) => Object.values(r)[0]);
}

const DATAGEN = "WITH ('connector' = 'datagen', 'number-of-rows' = '2')";

describe('current catalog and database', () => {
  test('start in default_catalog.default_database and move with useCatalog / useDatabase', () => {
    const tEnv = tableEnv();
    expect([tEnv.getCurrentCatalog(), tEnv.getCurrentDatabase()]).toEqual([
      'default_catalog',
      'default_database',
    ]);
    tEnv.createCatalog('c2', { type: 'generic_in_memory', 'default-database': 'db' });
    expect(tEnv.listCatalogs()).toEqual(['c2', 'default_catalog']);
    tEnv.useCatalog('c2');
    expect([tEnv.getCurrentCatalog(), tEnv.getCurrentDatabase()]).toEqual(['c2', 'db']);
    tEnv.executeSql('CREATE DATABASE other');
    expect(tEnv.listDatabases()).toEqual(['db', 'other']);
    tEnv.useDatabase('other');
    expect(tEnv.getCurrentDatabase()).toBe('other');
    expect(() => tEnv.useDatabase('nowhere')).toThrow(
      'database `c2`.`nowhere` does not exist; databases of `c2`: db, other',
    );
    expect(() => tEnv.useCatalog('nowhere')).toThrow(
      'catalog `nowhere` does not exist; catalogs: c2, default_catalog',
    );
  });

  test('createCatalog takes options, or a descriptor with a comment, checked as CREATE CATALOG', async () => {
    const tEnv = tableEnv();
    tEnv.createCatalog('c3', { options: { type: 'generic_in_memory' }, comment: 'made by the API' });
    expect(await column(tEnv, 'SHOW CREATE CATALOG c3')).toEqual([
      "CREATE CATALOG `c3` COMMENT 'made by the API'\nWITH (\n  'type' = 'generic_in_memory'\n)",
    ]);
    expect(() => tEnv.createCatalog('c3', { type: 'generic_in_memory' })).toThrow(
      'catalog `c3` already exists; drop it first or use IF NOT EXISTS',
    );
    expect(() => tEnv.createCatalog('c4', { 'default-database': 'x' })).toThrow("needs a 'type' option");
    expect(() => tEnv.createCatalog('c4', { type: 'hive' })).toThrow("catalog type 'hive' is not available");
  });
});

describe('listings', () => {
  test('tables, views and temporary ones of the current database, and of a named one', () => {
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE TABLE t (a INT) ${DATAGEN}`);
    tEnv.executeSql(`CREATE TEMPORARY TABLE tt (a INT) ${DATAGEN}`);
    tEnv.executeSql('CREATE VIEW v AS SELECT a FROM t');
    tEnv.executeSql('CREATE TEMPORARY VIEW tv AS SELECT a FROM tt');
    tEnv.executeSql('CREATE DATABASE d2');
    tEnv.executeSql(`CREATE TABLE d2.x (a INT) ${DATAGEN}`);
    tEnv.executeSql(`CREATE TEMPORARY TABLE d2.tx (a INT) ${DATAGEN}`);
    expect(tEnv.listTables()).toEqual(['t', 'tt', 'tv', 'v']);
    expect(tEnv.listViews()).toEqual(['tv', 'v']);
    expect(tEnv.listTemporaryTables()).toEqual(['tt', 'tv']);
    expect(tEnv.listTemporaryViews()).toEqual(['tv']);
    expect(tEnv.listTables('default_catalog', 'd2')).toEqual(['tx', 'x']);
    expect(() => tEnv.listTables('default_catalog', 'nowhere')).toThrow(
      'database `default_catalog`.`nowhere` does not exist',
    );
    tEnv.useDatabase('d2');
    expect(tEnv.listTables()).toEqual(['tx', 'x']);
    expect(tEnv.listTemporaryTables()).toEqual(['tx']);
    expect(tEnv.listViews()).toEqual([]);
  });
});

describe('temporary views by path', () => {
  test('a view in a database that does not exist resolves, lists and drops by its path', async () => {
    const tEnv = tableEnv();
    const env = tEnv.getExecutionEnvironment();
    tEnv.createTemporaryView('no_db.`my.view`', env.fromCollection([{ a: 1 }, { a: 2 }]), { a: 'INT' });
    expect(await column(tEnv, 'SELECT SUM(a) FROM no_db.`my.view`')).toEqual([3]);
    expect(() =>
      tEnv.createTemporaryView('no_db.`my.view`', env.fromCollection([{ a: 1 }]), { a: 'INT' }),
    ).toThrow('temporary view `default_catalog`.`no_db`.`my.view` already exists');
    expect(tEnv.dropTemporaryTable('no_db.`my.view`')).toBe(false);
    expect(tEnv.dropTemporaryView('no_db.`my.view`')).toBe(true);
    expect(tEnv.dropTemporaryView('no_db.`my.view`')).toBe(false);
    expect(() => tEnv.executeSql('SELECT * FROM no_db.`my.view`')).toThrow('not found');
  });

  test('dropping a temporary table shows the permanent one of the same path again', async () => {
    const tEnv = tableEnv();
    tEnv.executeSql(
      "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1', 'fields.a.kind' = 'sequence', 'fields.a.start' = '7', 'fields.a.end' = '7')",
    );
    tEnv.executeSql(
      "CREATE TEMPORARY TABLE default_catalog.default_database.t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1', 'fields.a.kind' = 'sequence', 'fields.a.start' = '9', 'fields.a.end' = '9')",
    );
    expect(await column(tEnv, 'SELECT a FROM t')).toEqual([9]);
    expect(tEnv.dropTemporaryView('t')).toBe(false);
    expect(tEnv.dropTemporaryTable('default_catalog.default_database.t')).toBe(true);
    expect(await column(tEnv, 'SELECT a FROM t')).toEqual([7]);
    expect(tEnv.dropTemporaryTable('t')).toBe(false);
  });

  test('paths of more than three parts, or malformed, are refused', () => {
    const tEnv = tableEnv();
    const rows = tEnv.getExecutionEnvironment().fromCollection([{ a: 1 }]);
    expect(() => tEnv.createTemporaryView('a.b.c.d', rows, { a: 'INT' })).toThrow(
      "path 'a.b.c.d' has 4 parts; name an object as name, database.name or catalog.database.name",
    );
    expect(() => tEnv.createTemporaryView('a..b', rows, { a: 'INT' })).toThrow(
      "path 'a..b' is not name, database.name or catalog.database.name",
    );
    expect(() => tEnv.createTemporaryView('`a', rows, { a: 'INT' })).toThrow(
      "path '`a' has an unclosed backquote",
    );
  });
});

describe('functions', () => {
  const len = { eval: (s: string | null) => (s === null ? null : s.length), resultType: 'INT' };

  test('SHOW USER FUNCTIONS lists only user-defined ones, filtered by LIKE / ILIKE', async () => {
    const tEnv = tableEnv();
    tEnv.createTemporarySystemFunction('my_len', len);
    tEnv.createTemporaryFunction('Other_Len', len);
    expect(await column(tEnv, 'SHOW USER FUNCTIONS')).toEqual(['Other_Len', 'my_len']);
    expect(await column(tEnv, "SHOW USER FUNCTIONS LIKE 'my%'")).toEqual(['my_len']);
    expect(await column(tEnv, "SHOW USER FUNCTIONS ILIKE 'OTHER%'")).toEqual(['Other_Len']);
    expect(await column(tEnv, "SHOW FUNCTIONS FROM default_database LIKE '%len'")).toEqual(['my_len']);
    expect(await column(tEnv, "SHOW FUNCTIONS NOT ILIKE '%'")).toEqual([]);
  });

  test('a temporary function may name a database that does not exist; a catalog one may not', () => {
    const tEnv = tableEnv();
    tEnv.registerFunctionClass('com.example.Len', len);
    tEnv.executeSql("CREATE TEMPORARY FUNCTION no_db.f AS 'com.example.Len'");
    expect(tEnv.listUserDefinedFunctions()).toEqual(['f']);
    tEnv.executeSql('DROP TEMPORARY FUNCTION no_db.f');
    expect(tEnv.listUserDefinedFunctions()).toEqual([]);
    expect(() => tEnv.executeSql("CREATE FUNCTION no_db.g AS 'com.example.Len'")).toThrow(
      'database `default_catalog`.`no_db` does not exist',
    );
  });
});

test('ALTER DATABASE SET adds options and replaces those of the same keys', () => {
  const tEnv = tableEnv();
  tEnv.executeSql("CREATE DATABASE d COMMENT 'c' WITH ('a' = '1', 'b' = '2')");
  tEnv.executeSql("ALTER DATABASE default_catalog.d SET ('b' = '3', 'c' = '4')");
  // Flink shows database options only through its Java catalog API; Weir's catalog is internal.
  const catalog = (tEnv as unknown as { catalog: { describeDatabase(p: string[], pos: undefined): unknown } })
    .catalog;
  expect(catalog.describeDatabase(['d'], undefined)).toEqual({
    comment: 'c',
    options: { a: '1', b: '3', c: '4' },
  });
});
