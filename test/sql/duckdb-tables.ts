/**
 * The DuckDB side of the SQL agreement tests: generated rows loaded as a DuckDB table, and rows
 * of either engine as comparable text (DuckDB gives BIGINT results as bigint).
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** A fresh in-memory DuckDB connection. */
export async function duckdbConnection(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:')).connect();
}

/** Creates table `name` holding `rows`, with the columns in order and their DuckDB types. */
export async function createDuckdbTable(
  duck: DuckDBConnection,
  name: string,
  columns: Readonly<Record<string, 'INTEGER' | 'VARCHAR'>>,
  rows: readonly object[],
): Promise<void> {
  const entries = Object.entries(columns);
  const literal = (v: unknown, type: string) =>
    v === null || v === undefined ? `NULL::${type}` : typeof v === 'string' ? `'${v}'` : String(v);
  const tuples = rows.map(
    (row) => `(${entries.map(([c, type]) => literal((row as Record<string, unknown>)[c], type)).join(', ')})`,
  );
  await duck.run(
    `CREATE TABLE ${name} AS SELECT * FROM (VALUES ${tuples.join(', ')}) v(${entries.map(([c]) => c).join(', ')})`,
  );
}

/** A row's values in `columns` order as JSON, bigints as numbers, missing values as null. */
export const canonical = (row: Record<string, unknown>, columns: readonly string[]): string =>
  JSON.stringify(columns.map((c) => (typeof row[c] === 'bigint' ? Number(row[c]) : (row[c] ?? null))));

/**
 * A row's values in `columns` order as numbers in text, `NULL` for a missing one: the engines
 * give a numeric result as different JavaScript types (number, bigint, decimal text).
 */
export const numericCanonical = (row: Record<string, unknown>, columns: readonly string[]): string =>
  columns.map((c) => (row[c] === null || row[c] === undefined ? 'NULL' : String(Number(row[c])))).join('|');

/** Seeded rows, so a failure reproduces: key k (15% NULL, else below `keys`) and value v below 30. */
export function keyValueRows(seed: number, count: number, keys: number): { k: number | null; v: number }[] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: count }, () => ({
    k: next() < 0.15 ? null : Math.floor(next() * keys),
    v: Math.floor(next() * 30),
  }));
}
