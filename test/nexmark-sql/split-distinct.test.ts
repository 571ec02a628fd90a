/**
 * Nexmark q15 and q16 (the DISTINCT aggregates) with Flink's Nexmark table options, which turn
 * on mini-batch and the split-distinct rewrite: their final tables are those of the unsplit,
 * one-level plan, at parallelism 1 and 2.
 */
import { describe, expect, test } from 'vitest';
import { runSql } from './sql-agreement.js';

const EVENTS = 6_000;
const CONFIG = { firstEventRate: 500 };

/** As `bench/nexmark/sql/sql-job.ts` sets them, with a small bucket count so buckets collide. */
const SPLIT_OPTIONS = {
  'table.exec.mini-batch.enabled': 'true',
  'table.exec.mini-batch.allow-latency': '2 s',
  'table.exec.mini-batch.size': '500',
  'table.optimizer.distinct-agg.split.enabled': 'true',
  'table.optimizer.distinct-agg.split.bucket-num': '8',
};

describe('Nexmark DISTINCT aggregates with split-distinct on', () => {
  for (const query of ['q15', 'q16']) {
    test(`${query}: split and unsplit plans give the same final table`, async () => {
      const unsplit = (await runSql(query, EVENTS, CONFIG, 1)).rows;
      expect(unsplit.length).toBeGreaterThan(0);
      for (const parallelism of [1, 2])
        expect(
          (await runSql(query, EVENTS, CONFIG, parallelism, SPLIT_OPTIONS)).rows,
          `p=${parallelism}`,
        ).toEqual(unsplit);
    });
  }
});
