/**
 * Nexmark's reference SQL on the `nexmark` connector agrees with the DataStream version of each
 * query (bench/nexmark/qN.ts) and with DuckDB on the same bounded generated events: the SQL
 * changelog folded into its final table equals the DataStream rows (the last per key for
 * updating queries) and DuckDB's. q12's processing-time windows depend on the wall clock, so
 * its rows are checked against invariants that do not (see processing-time-invariants.ts). A
 * query whose SQL the planner cannot run yet is skipped, its test named with the planner's
 * reason, so it turns on by itself when the construct lands.
 */
import { describe, expect, test } from 'vitest';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import { loadQuery } from '../../bench/nexmark/run-query-files.js';
import { sqlQueries } from '../../bench/nexmark/sql/sql-files.js';
import { generateEvents, runDuckdb, runEngine } from '../nexmark/harness.js';
import { q12Violations } from './processing-time-invariants.js';
import { projected, runSql, sqlUnsupported } from './sql-agreement.js';

const EVENTS = 10_000;
// 500 events per second of event time: 20 s of input, two 10 s tumbling windows and several hops.
const CONFIG = { firstEventRate: 500 };

/** Queries whose SQL computes something else than their DataStream version. */
const NOT_COMPARABLE: Record<string, string> = {
  q4: 'the DataStream q4 averages the winning bids of closed auctions; the reference SQL the highest bid of every auction so far',
};

/** Where the DataStream version names a column otherwise than the reference sink table. */
const DATASTREAM_NAMES: Record<string, Record<string, string>> = { q8: { starttime: 'stime' } };

/** Queries whose SQL operators are slow enough on the test machine to take fewer events. */
const FEWER_EVENTS: Record<string, number> = { q9: 1500, q18: 1500, q19: 3000 };

const queries = sqlQueries().filter((q) => Number(q.slice(1)) <= 22);

describe('Nexmark SQL agrees with DataStream and DuckDB', () => {
  const inputs = new Map<number, ReturnType<typeof generateEvents>>();
  const eventsFor = (count: number) => {
    if (!inputs.has(count)) inputs.set(count, generateEvents(count, CONFIG));
    return inputs.get(count)!;
  };
  for (const name of queries) {
    const reason = NOT_COMPARABLE[name] ?? sqlUnsupported(name);
    const title = reason === undefined ? `${name} agrees` : `${name} (skipped: ${reason})`;
    test.skipIf(reason !== undefined)(title, async () => {
      const query: NexmarkQuery<unknown> = await loadQuery(name);
      const count = FEWER_EVENTS[name] ?? EVENTS;
      const events = eventsFor(count);
      const sql = await runSql(name, count, CONFIG);
      expect(sql.rows.length).toBeGreaterThan(0);
      if (name === 'q12') {
        // Processing-time windows: no two runs agree row for row, but both satisfy these.
        expect(await q12Violations(sql.rows, events)).toEqual([]);
        expect(await q12Violations(await runEngine(query, events), events)).toEqual([]);
        return;
      }
      const names = DATASTREAM_NAMES[name];
      expect(sql.rows).toEqual(projected(await runEngine(query, events), sql.columns, names));
      const duckdb = await runDuckdb(query, events);
      if (duckdb !== undefined) expect(sql.rows).toEqual(projected(duckdb, sql.columns, names));
    });
  }
});

describe('Nexmark SQL at parallelism 2', () => {
  // The connector's readers split the index space; stateless and keyed queries give the same rows.
  for (const name of ['q0', 'q2']) {
    test.skipIf(sqlUnsupported(name) !== undefined)(`${name} gives the rows of parallelism 1`, async () => {
      const one = (await runSql(name, EVENTS, CONFIG, 1)).rows;
      expect((await runSql(name, EVENTS, CONFIG, 2)).rows).toEqual(one);
      expect(one.length).toBeGreaterThan(0);
    });
  }
});
