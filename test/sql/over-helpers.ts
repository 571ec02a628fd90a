/**
 * Shared setup of the OVER, Top-N and deduplication tests: event-time tables over in-memory
 * rows (declared by DDL with a WATERMARK, read from a DataStream), and a query's changelog as
 * Flink's print connector would show it.
 */
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { tableFromDdl } from '../../src/sql/catalog/ddl.js';
import { ConnectorRegistry } from '../../src/sql/connectors/registry.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { parseStatement } from '../../src/sql/parser/parse.js';
import { tablePlan } from '../../src/sql/planner/builder.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import { Table } from '../../src/sql/table.js';

/** A table environment at this parallelism. */
export function environment(parallelism = 1): { env: StreamExecutionEnvironment; tEnv: TableEnvironment } {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  return { env, tEnv: TableEnvironment.create(env) };
}

/** Registers `ddl`'s table under its name, reading `rows` in this order. */
export function register(
  { env, tEnv }: { env: StreamExecutionEnvironment; tEnv: TableEnvironment },
  ddl: string,
  rows: readonly Row[],
): void {
  const parsed = parseStatement(`${ddl} WITH ('connector' = 'datagen')`);
  if (parsed.kind !== 'createTable') throw new Error('not a CREATE TABLE');
  const t = tableFromDdl(parsed, new ConnectorRegistry());
  const table = Object.freeze({ ...t, options: {}, dataStream: { stream: env.fromCollection([...rows]) } });
  tEnv.createTemporaryView(t.name, new Table(tEnv as never, tablePlan(table)));
}

/** `+I[a, 1]`-style lines of a query's changes, in emission order. */
export async function changelog(tEnv: TableEnvironment, sql: string): Promise<string[]> {
  const table = tEnv.sqlQuery(sql);
  const columns = table.getResolvedSchema().map((c) => c.name);
  const changes = await tEnv.toChangelogStream(table).executeAndCollect();
  return changes.map((c: ChangelogRow) => `${c.kind}[${columns.map((n) => String(c.row[n])).join(', ')}]`);
}

/** The rows a changelog leaves behind (a materialized table), as sorted lines. */
export function materialize(changes: readonly string[]): string[] {
  const rows = new Map<string, number>();
  for (const line of changes) {
    const row = line.slice(2);
    const delta = line.startsWith('+') ? 1 : -1;
    rows.set(row, (rows.get(row) ?? 0) + delta);
  }
  const out: string[] = [];
  for (const [row, n] of rows) for (let i = 0; i < n; i++) out.push(row);
  return out.sort();
}
