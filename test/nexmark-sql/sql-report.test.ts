/**
 * The report of `weir bench nexmark --sql` for a query with a same-state DataStream version
 * (`qN-same-state.ts`): SQL is set against both DataStream versions in the JSON result, the
 * console line and the markdown, and a query without one is reported as before.
 */
import { describe, expect, it } from 'vitest';
import { queryResult } from '../../bench/nexmark/report-result.js';
import type { EngineRun } from '../../bench/nexmark/run-engine.js';
import { loadQuery, sameStateVersion } from '../../bench/nexmark/run-query-files.js';
import {
  type SqlQueryResult,
  sqlAgainstDataStream,
  sqlMarkdown,
  sqlResultLine,
} from '../../bench/nexmark/sql/run-sql.js';

const EVENTS = 1_000_000;

function run(seconds: number, cpuSeconds: number, outputRows: number): EngineRun {
  return {
    seconds,
    deploySeconds: 0.1,
    processSeconds: seconds + 1,
    cpuSeconds,
    peakRssBytes: 2 ** 28,
    outputRows,
    latency: undefined,
    checkpoints: [],
    failedCheckpoints: 0,
    tasks: [],
  };
}

function sqlOf(query: string, runs: EngineRun[]) {
  return queryResult(
    {
      query,
      description: query,
      events: EVENTS,
      parallelism: 1,
      checkpointIntervalMs: 10_000,
      stateBackend: 'heap',
      rate: undefined,
      bufferTimeoutMs: undefined,
      upserts: false,
      hasLatencyTime: false,
      cores: 2,
    },
    runs,
    undefined,
  );
}

const suite = {
  api: 'sql' as const,
  query: 'q7,q1',
  events: EVENTS,
  parallelism: [1],
  seconds: 0,
  eventsPerSecond: null,
  p99LatencyMs: null,
  date: '2026-11-23',
  commit: 'abc1234',
  node: 'v20',
  machine: { cpu: 'cpu', cores: 2, memoryGb: 8, os: 'linux', loadAverage: 1 },
  checkpointIntervalMs: 10_000,
  stateBackend: 'heap' as const,
  runs: 3,
  loadAverage: { before: 1, after: 1 },
  targetSqlOverDataStream: 0.8,
  results: [],
};

describe('SQL against the same-state DataStream version', () => {
  // SQL 2 s / 2 CPU-s; DataStream 1.6 s / 1.5 CPU-s; same-state (median of three) 2 s / 1.9 CPU-s.
  const sql = sqlOf('q7', [run(2, 2, 5), run(2.5, 2.4, 5), run(1.8, 1.9, 5)]);
  const withSameState = sqlAgainstDataStream(
    sql,
    false,
    [run(1.6, 1.5, 5)],
    [run(2.2, 2.1, 5), run(1.9, 1.7, 5), run(2, 1.9, 5)],
  );

  it('keeps the same-state median run and its ratios beside the DataStream ones', () => {
    expect(withSameState.sqlOverDataStream).toBe(0.8);
    expect(withSameState.sqlOverDataStreamCpu).toBe(0.75);
    expect(withSameState.dataStreamSameState).toMatchObject({
      seconds: 2,
      allSeconds: [2.2, 1.9, 2],
      cpuSeconds: 1.9,
      eventsPerSecond: 500_000,
      eventsPerCpuSecond: 526_316,
      outputRows: 5,
    });
    expect(withSameState).toMatchObject({
      sqlOverDataStreamSameState: 1,
      sqlOverDataStreamSameStateCpu: 0.95,
      rowsMatchDataStreamSameState: true,
    });
    expect(sqlResultLine(withSameState)).toMatch(
      /SQL\/DataStream 0\.8 \(CPU 0\.75, .*; DataStream same-state 500,000 events\/s .*SQL\/DataStream same-state 1 \(CPU 0\.95\)$/,
    );
  });

  it('says when the same-state version gives other rows', () => {
    const differ = sqlAgainstDataStream(sql, false, [run(1.6, 1.5, 5)], [run(2, 2, 4)]);
    expect(differ.rowsMatchDataStreamSameState).toBe(false);
    expect(sqlResultLine(differ)).toContain("ROWS DIFFER from same-state's 4");
  });

  it('reports a query without a same-state version as before', () => {
    const plain = sqlAgainstDataStream(sqlOf('q1', [run(1, 1, 9)]), false, [run(1, 1, 9)], []);
    expect(Object.keys(plain).filter((k) => k.includes('SameState'))).toEqual([]);
    expect(sqlResultLine(plain)).not.toContain('same-state');
    expect(sqlMarkdown(suite, [plain])).not.toContain('same-state');
  });

  it('adds a markdown table of the queries that have one', () => {
    const plain = sqlAgainstDataStream(sqlOf('q1', [run(1, 1, 9)]), false, [run(1, 1, 9)], []);
    const results: SqlQueryResult[] = [plain, withSameState];
    const table = sqlMarkdown(suite, results);
    expect(table).toContain('| q1 | 1 | 1,000,000 | 1,000,000 | 1 | 1 | 9 | 9 |');
    const sameStateRows = table.slice(table.indexOf('| same-state events/s'));
    expect(sameStateRows).toContain('| q7 | 1 | 500,000 | 1 | 0.95 | 5 |');
    expect(sameStateRows).not.toContain('| q1 |');
  });
});

describe('same-state versions', () => {
  it('are found for q7 and q20 only, and load under their own names', async () => {
    expect(sameStateVersion('q7')).toBe('q7-same-state');
    expect(sameStateVersion('q20')).toBe('q20-same-state');
    expect(sameStateVersion('q1')).toBeUndefined();
    expect((await loadQuery('q20-same-state')).name).toBe('q20-same-state');
    await expect(loadQuery('q1-same-state')).rejects.toThrow('no query file bench/nexmark/q1-same-state.ts');
  });
});
