/**
 * The uids a window aggregate's one-phase and two-phase plans give their operators: the
 * aggregate (one-phase) and its global phase (two-phase) share one, every operator after it
 * keeps its own, and the local phase's is a uid of its own that no one-phase operator has. That
 * is what lets a savepoint of either plan restore in the other (`window-phase-switch-restore`).
 */
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { capturedJobGraph, operatorsByUid } from '../support/captured-job-graph.js';
import { createBidsByEventTime, FAST_WINDOWS_PACE } from '../chaos/fixtures/nexmark-source.js';

const WINDOWS = {
  TUMBLE: "TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '1' SECOND)",
  HOP: "HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '1' SECOND, INTERVAL '3' SECOND)",
  CUMULATE: "CUMULATE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '1' SECOND, INTERVAL '4' SECOND)",
};

/** Two window aggregates joined, then grouped: stateful operators before, between and after. */
const insert = (tvf: string) => `INSERT INTO out1
  SELECT a.n, SUM(t.total) FROM (
    SELECT auction, COUNT(*) AS n, window_start AS ws FROM TABLE(${tvf})
    GROUP BY auction, window_start, window_end
  ) a JOIN (
    SELECT auction, SUM(price) AS total, window_start AS ws FROM TABLE(${tvf})
    GROUP BY auction, window_start, window_end
  ) t ON a.auction = t.auction AND a.ws = t.ws
  GROUP BY a.n`;

/** The captured job's operators, name by uid. */
function operators(phase: string, tvf: string): Map<string, string> {
  const graph = capturedJobGraph(() => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(2));
    tEnv.executeSql(`SET 'table.optimizer.agg-phase-strategy' = '${phase}'`);
    tEnv.executeSql(createBidsByEventTime('100', 'Infinity', FAST_WINDOWS_PACE));
    tEnv.executeSql(
      'CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price, `dateTime` FROM nexmark WHERE event_type = 2',
    );
    tEnv.executeSql(`CREATE TABLE out1 (n BIGINT, total BIGINT) WITH ('connector' = 'blackhole')`);
    tEnv.executeSql(insert(tvf));
  });
  return operatorsByUid(graph);
}

describe('the uids of a window aggregate under either phase strategy', () => {
  it.each(Object.keys(WINDOWS) as (keyof typeof WINDOWS)[])(
    '%s: the two plans give the aggregate and every operator after it the same uid',
    (kind) => {
      const one = operators('ONE_PHASE', WINDOWS[kind]);
      const two = operators('TWO_PHASE', WINDOWS[kind]);
      const locals = [...two].filter(([, name]) => name.startsWith('LocalWindowAggregate'));
      expect(locals).toHaveLength(2);
      for (const [uid] of locals) expect(one.has(uid)).toBe(false);
      const shared = [...two].filter(([, name]) => !name.startsWith('LocalWindowAggregate'));
      expect(
        new Map(
          shared.map(([uid, name]) => [uid, name.replace(/^GlobalWindowAggregate/, 'WindowAggregate')]),
        ),
      ).toEqual(one);
      expect([...one.values()].filter((name) => name.startsWith('WindowAggregate'))).toHaveLength(2);
    },
  );
});
