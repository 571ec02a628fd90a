/**
 * What the jdbc lookup tests share: the WITH options of a table in the test PostgreSQL, and a
 * query's rows as comparable text.
 */
import type { Row, TableEnvironment } from '../../src/index.js';
import type { TestPostgres } from '../support/postgres.js';

/** The WITH options of a `jdbc` table reading `table` of `pg` as `user`, with `extra` appended. */
export const jdbcOptions = (pg: TestPostgres, table: string, extra = '', user = pg.user) =>
  `'connector' = 'jdbc', 'url' = '${pg.url}', 'table-name' = '${table}', 'username' = '${user}'${extra}`;

/** The rows of `sql`, each its values joined with ':' in column order. */
export async function lines(tEnv: TableEnvironment, sql: string): Promise<string[]> {
  const rows = (await tEnv.executeSql(sql).collect()) as Row[];
  return rows.map((r) => Object.values(r).map(String).join(':'));
}
