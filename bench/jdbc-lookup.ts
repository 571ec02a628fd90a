/**
 * Throughput of the SQL lookup join against a `jdbc` table: a datagen probe stream of 20,000
 * rows with random keys joined (LEFT, ordered, parallelism 1) with a PostgreSQL table of one
 * row per key (keys 0..N-1, a primary key), into a blackhole sink. Lookups per second by wall
 * time from submission to the end of the job, for N = 1,000 and 100,000 keys, with
 * `'lookup.cache'` NONE and PARTIAL (max-rows 10,000); each case runs R times, the cases
 * interleaved, and the medians are printed. Saves nothing.
 *
 * The server is a throwaway one on loopback (test/support/postgres.ts, Debian's `postgresql`),
 * so a lookup's round trip is the cost of a local query, not of a network.
 *
 * Usage: npx tsx bench/jdbc-lookup.ts [--probes N] [--runs R]
 */
import { StreamExecutionEnvironment, TableEnvironment } from '../src/index.js';
import { startPostgres } from '../test/support/postgres.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const PROBES = arg('probes', 20_000);
const RUNS = arg('runs', 3);
const KEYS = [1_000, 100_000];
const CACHES = {
  NONE: '',
  PARTIAL: ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '10000'",
} as const;

const pg = await startPostgres();
try {
  for (const n of KEYS)
    pg.psql(
      `CREATE TABLE dim${n} (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO dim${n} SELECT g, 'v' || g FROM generate_series(0, ${n - 1}) AS g; ANALYZE dim${n}`,
    );

  /** Lookups per second of one run. */
  async function run(keys: number, cache: string): Promise<number> {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    tEnv.executeSql(
      `CREATE TABLE probes (id INT, k INT, pt AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '${PROBES}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${PROBES}', 'fields.k.min' = '0', 'fields.k.max' = '${keys - 1}')`,
    );
    tEnv.executeSql(
      `CREATE TABLE dim (k INT, v STRING) WITH ('connector' = 'jdbc', 'url' = '${pg.url}', 'table-name' = 'dim${keys}', 'username' = '${pg.user}'${cache})`,
    );
    tEnv.executeSql("CREATE TABLE out (id INT, v STRING) WITH ('connector' = 'blackhole')");
    const start = performance.now();
    await tEnv
      .executeSql(
        'INSERT INTO out SELECT p.id, d.v FROM probes AS p LEFT JOIN dim FOR SYSTEM_TIME AS OF p.pt AS d ON p.k = d.k',
      )
      .await();
    return PROBES / ((performance.now() - start) / 1000);
  }

  const results = new Map<string, number[]>();
  for (let r = 0; r < RUNS; r++)
    for (const keys of KEYS)
      for (const [name, cache] of Object.entries(CACHES)) {
        const label = `${keys} keys, cache ${name}`;
        const perSecond = await run(keys, cache);
        results.set(label, [...(results.get(label) ?? []), perSecond]);
        console.log(`run ${r + 1}: ${label}: ${Math.round(perSecond)} lookups/s`);
      }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nmedians of ${RUNS}, ${PROBES} probes, p=1:`);
  for (const [label, xs] of results) console.log(`  ${label}: ${Math.round(median(xs))} lookups/s`);
} finally {
  pg.stop();
}
