/**
 * Running a Nexmark query's reference SQL (bench/nexmark/sql/) on the `nexmark` connector for the
 * agreement tests: the bounded source table, the views and the query's sink tables are created,
 * and the INSERT's query is collected as a changelog and folded into its final table (an update
 * or delete takes back an earlier row), with columns named as the sink table's. Whether a query can run at all is found by translating it, not running it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NexmarkConfig } from '../../src/index.js';
import {
  type ChangelogRow,
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';
import { sqlStatements } from '../../bench/nexmark/sql/sql-files.js';
import { writeSideInput } from '../../bench/nexmark/sql/side-input.js';
import { registerNexmarkFunctions } from '../../bench/nexmark/sql/udfs.js';
import { canonical } from '../nexmark/harness.js';

let data: string | undefined;

/** `${FLINK_HOME}` of the queries: a directory of this process's, holding q13's side input. */
function dataDir(): string {
  if (data === undefined) {
    data = mkdtempSync(join(tmpdir(), 'weir-nexmark-sql-'));
    writeSideInput(data);
  }
  return data;
}

/** A query's SQL made ready: the environment with every statement but the INSERT run. */
interface PreparedSql {
  readonly tEnv: TableEnvironment;
  /** The INSERT's query. */
  readonly select: string;
  /** The sink table's columns, which the query's columns are written to in order. */
  readonly sinkColumns: readonly string[];
}

function prepare(
  query: string,
  events: number,
  config: NexmarkConfig,
  parallelism: number,
  options: Readonly<Record<string, string>> = {},
): PreparedSql {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  env.getConfig().setAutoWatermarkInterval(1);
  const tEnv = TableEnvironment.create(env);
  for (const [key, value] of Object.entries(options)) tEnv.executeSql(`SET '${key}' = '${value}'`);
  registerNexmarkFunctions(tEnv);
  const statements = sqlStatements(query, {
    events,
    eventsPerSecond: config.firstEventRate,
    dataDir: dataDir(),
  });
  const insert = statements.pop()!;
  for (const statement of statements) tEnv.executeSql(statement);
  const match = /^\s*INSERT\s+INTO\s+(\w+)\s*/i.exec(insert);
  if (match === null) throw new Error(`${query}: the last statement is not an INSERT`);
  const sinkColumns = tEnv
    .sqlQuery(`SELECT * FROM ${match[1]}`)
    .getResolvedSchema()
    .map((c) => c.name);
  return { tEnv, select: insert.slice(match[0].length), sinkColumns };
}

/**
 * Why the query's SQL cannot run yet (the planner's one-line message), or undefined when it
 * plans and translates.
 */
export function sqlUnsupported(query: string): string | undefined {
  try {
    const { tEnv, select } = prepare(query, 10, { firstEventRate: 500 }, 1);
    tEnv.toChangelogStream(tEnv.sqlQuery(select));
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n', 1)[0];
  }
}

/**
 * The query's final table on the first `events` events of a generator with `config`, rows in
 * canonical form (see the harness), sorted, and the sink table's column names. `options` are
 * session options `SET` first (e.g. Flink's Nexmark table options).
 */
export async function runSql(
  query: string,
  events: number,
  config: NexmarkConfig,
  parallelism = 1,
  options: Readonly<Record<string, string>> = {},
): Promise<{ rows: string[]; columns: readonly string[] }> {
  const { tEnv, select, sinkColumns } = prepare(query, events, config, parallelism, options);
  const table = tEnv.sqlQuery(select);
  const columns = table.getResolvedSchema().map((c) => c.name);
  // The INSERT writes by position, but where the query's own names are the sink's (in another
  // order: the reference q7 lists price before bidder, its sink bidder before price) they are
  // what the query means, and what the DataStream version and DuckDB name.
  const target = columns.every((c) => sinkColumns.includes(c)) ? columns : sinkColumns;
  const changes = await tEnv.toChangelogStream(table).executeAndCollect();
  const final = new Map<string, number>();
  for (const change of changes as ChangelogRow[]) {
    const key = canonical(renamed(change.row, columns, target));
    const delta = change.kind === '+I' || change.kind === '+U' ? 1 : -1;
    final.set(key, (final.get(key) ?? 0) + delta);
  }
  const rows: string[] = [];
  for (const [row, count] of final) {
    if (count < 0) throw new Error(`${query}: a change took back a row that was never there: ${row}`);
    for (let i = 0; i < count; i++) rows.push(row);
  }
  return { rows: rows.sort(), columns: sinkColumns };
}

/**
 * Canonical rows (see the harness) cut down to `columns`: the DataStream version of a query may
 * keep whole events (q0 passes bids through) where the SQL's sink table takes some fields;
 * `renames` maps its column names to the sink's where they differ.
 */
export function projected(
  rows: readonly string[],
  columns: readonly string[],
  renames: Readonly<Record<string, string>> = {},
): string[] {
  return rows
    .map((text) => {
      const row: Row = {};
      for (const [key, value] of Object.entries(JSON.parse(text) as Row)) row[renames[key] ?? key] = value;
      if (Object.keys(renames).length > 0) text = canonical(row);
      const keys = Object.keys(row);
      if (keys.length <= columns.length || !columns.every((c) => c in row)) return text;
      return canonical(Object.fromEntries(columns.map((c) => [c, row[c]])));
    })
    .sort();
}

function renamed(row: Row, from: readonly string[], to: readonly string[]): Row {
  const out: Row = {};
  for (let i = 0; i < from.length; i++) out[to[i] ?? from[i]!] = row[from[i]!];
  return out;
}
