/**
 * The SQL of `weir bench nexmark --sql`: the reference Nexmark SQL files in this folder, as the
 * reference suite runs them — the `nexmark` source table (`ddl-gen-1.sql`), the person, auction
 * and bid views (`ddl-views-*.sql`), then the query's own files `qN-1.sql`, `qN-2.sql`, … (its
 * sink tables, and the INSERT last) — with the suite's `${…}` placeholders filled in.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./', import.meta.url));

/** The statements of the source table and its views, shared by every query. */
const COMMON = ['ddl-gen-1.sql', 'ddl-views-1.sql', 'ddl-views-2.sql', 'ddl-views-3.sql'];

/** What the placeholders stand for in one run. */
export interface SqlSettings {
  /** `events.num`: events the source emits. */
  readonly events: number;
  /** Event-time rate (`${TPS}`); the DataStream runs use the generator's 10M/s. */
  readonly eventsPerSecond?: number;
  /** Where queries that write files put them (`${NEXMARK_DIR}`, `${FLINK_HOME}`). */
  readonly dataDir: string;
}

/** The queries with SQL files here (`q0`, `q1`, …), in numeric order. */
export function sqlQueries(): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(DIR)) {
    const m = /^(q\d+)-\d+\.sql$/.exec(file);
    if (m !== null) names.add(m[1]!);
  }
  return [...names].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** The statements that run `query` into its sink, in order, placeholders filled. */
export function sqlStatements(query: string, settings: SqlSettings): string[] {
  const own = readdirSync(DIR)
    .map((file) => new RegExp(`^${query}-(\\d+)\\.sql$`).exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => m[0]);
  if (own.length === 0) throw new Error(`no SQL files bench/nexmark/sql/${query}-N.sql`);
  const values: Record<string, string> = {
    TPS: String(settings.eventsPerSecond ?? 10_000_000),
    EVENTS_NUM: String(settings.events),
    PERSON_PROPORTION: '1',
    AUCTION_PROPORTION: '3',
    BID_PROPORTION: '46',
    NEXMARK_DIR: settings.dataDir,
    FLINK_HOME: settings.dataDir,
    SUBMIT_TIME: '0',
  };
  return [...COMMON, ...own].map((file) =>
    readFileSync(`${DIR}${file}`, 'utf8').replace(
      /\$\{(\w+)\}/g,
      (whole, name: string) => values[name] ?? whole,
    ),
  );
}
