/**
 * Connections of the `jdbc` connector, and the checks a reader or writer makes when it starts,
 * each failing with one line: the server cannot be reached (naming the `url`), the table does not
 * exist (with a CREATE TABLE that fits the Weir schema), a column of the Weir table is missing
 * from the PostgreSQL one, or (for exactly-once writing) the server allows no prepared
 * transactions. Every session runs in UTC (see jdbc-types.ts).
 */
import pg from 'pg';
import { ErrorCodes, userError, WeirError } from '../../../types/errors.js';
import type { CatalogColumn } from '../../catalog/catalog.js';
import type { ConnectionSettings } from './jdbc-options.js';
import { pgTypeOf, quoteIdent, quoteTableName } from './jdbc-types.js';

/** A connected client, with the session set up. */
export async function connect(settings: ConnectionSettings): Promise<pg.Client> {
  const client = new pg.Client({
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    connectionTimeoutMillis: 30_000,
  });
  // A broken connection emits 'error' on the client; the next query fails with it instead of an uncaught event.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'");
  } catch (e) {
    await client.end().catch(() => {});
    throw userError(
      ErrorCodes.IO,
      `cannot connect to PostgreSQL at '${settings.url}' (${describe(e)}); check the table's 'url', 'username' and 'password' and that the server is running`,
      e,
    );
  }
  return client;
}

/**
 * `e` as one line naming what failed on which table and server, unless it is one of the
 * connector's own errors already.
 */
export function failure(e: unknown, doing: string, tableName: string, settings: ConnectionSettings): Error {
  if (e instanceof WeirError) return e;
  return userError(
    ErrorCodes.IO,
    `${doing} PostgreSQL table '${tableName}' at '${settings.url}' failed: ${describe(e)}`,
    e,
  );
}

/** The message of a driver error, on one line. */
export function describe(e: unknown): string {
  const error = e as { message?: string; code?: string; errors?: { message?: string }[] };
  const message = error.message || error.errors?.map((x) => x.message).join('; ') || error.code || String(e);
  return message.replace(/\s+/g, ' ').trim();
}

/**
 * Checks that `tableName` exists and has every one of `columns`; throws one line naming what is
 * missing. `table` is the Weir table's name, for the message.
 */
export async function checkTable(
  client: pg.Client,
  settings: ConnectionSettings,
  table: string,
  tableName: string,
  columns: readonly CatalogColumn[],
): Promise<void> {
  const found = await client.query<{ name: string }>(
    'SELECT attname AS name FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped',
    [quoteTableName(tableName)],
  );
  if (found.rows.length === 0) {
    const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [quoteTableName(tableName)]);
    if (!exists.rows[0]?.e) {
      const ddl = columns.map((c) => `${quoteIdent(c.name)} ${pgTypeOf(c.type)}`).join(', ');
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `table '${tableName}' of Weir table '${table}' does not exist in PostgreSQL at '${settings.url}'; create it first, e.g. CREATE TABLE ${quoteTableName(tableName)} (${ddl})`,
      );
    }
  }
  const names = new Set(found.rows.map((r) => r.name));
  const missing = columns.filter((c) => !names.has(c.name)).map((c) => c.name);
  if (missing.length > 0)
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `PostgreSQL table '${tableName}' at '${settings.url}' has no column ${missing.map((m) => `'${m}'`).join(', ')} of Weir table '${table}' (it has ${[...names].join(', ') || 'no columns'}); make the column names match`,
    );
}

/** Throws naming the setting when the server allows no prepared transactions. */
export async function checkPreparedTransactions(
  client: pg.Client,
  settings: ConnectionSettings,
): Promise<void> {
  const result = await client.query<{ max_prepared_transactions: string }>('SHOW max_prepared_transactions');
  if (Number(result.rows[0]?.max_prepared_transactions ?? 0) > 0) return;
  throw userError(
    ErrorCodes.INVALID_ARGUMENT,
    `PostgreSQL at '${settings.url}' has max_prepared_transactions = 0, which exactly-once writing needs above 0; set it in postgresql.conf and restart the server, or set 'sink.semantic' = 'at-least-once'`,
  );
}
