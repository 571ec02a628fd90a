/**
 * The uids a GROUP BY aggregate's one-phase and two-phase plans give their operators: the
 * aggregate (one-phase) and its global phase (two-phase) share one, every operator after it
 * keeps its own, and the local phase's is a uid no one-phase operator has; with DISTINCT calls
 * too, and with the split-distinct rewrite on. The split-distinct levels have uids no unsplit
 * aggregate has, since their state is not an unsplit aggregate's. This is what lets a
 * savepoint of either phase plan restore in the other (`group-phase-switch-restore`) and what
 * makes a restore across the split option fail instead of handing state to the wrong level.
 */
import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { capturedJobGraph, operatorsByUid } from '../support/captured-job-graph.js';

/** An aggregate over insert-only rows, one over its retractions, and a stateful sink. */
const NESTED = `INSERT INTO out1
  SELECT n, COUNT(*), MAX(top) FROM (
    SELECT k, COUNT(*) AS n, MAX(v) AS top FROM src WHERE v > 0 GROUP BY k
  ) GROUP BY n`;

/** DISTINCT calls beside plain ones, then an aggregate over their retractions. */
const DISTINCT = `INSERT INTO out1
  SELECT d, COUNT(*), SUM(s) FROM (
    SELECT k, COUNT(DISTINCT v) AS d, SUM(v) AS s FROM src WHERE v > 0 GROUP BY k
  ) GROUP BY d`;

/** The captured job's operators, name by uid. */
function operators(phase: string, split: boolean, insert: string): Map<string, string> {
  const graph = capturedJobGraph(() => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(2));
    tEnv.executeSql(`SET 'table.exec.mini-batch.enabled' = 'true'`);
    tEnv.executeSql(`SET 'table.exec.mini-batch.allow-latency' = '100 ms'`);
    tEnv.executeSql(`SET 'table.exec.mini-batch.size' = '100'`);
    tEnv.executeSql(`SET 'table.optimizer.agg-phase-strategy' = '${phase}'`);
    tEnv.executeSql(`SET 'table.optimizer.distinct-agg.split.enabled' = '${split}'`);
    tEnv.executeSql(
      `CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10')`,
    );
    tEnv.executeSql(`CREATE TABLE out1 (a BIGINT, b BIGINT, c BIGINT) WITH ('connector' = 'blackhole')`);
    tEnv.executeSql(insert);
  });
  return operatorsByUid(graph);
}

describe('the uids of a GROUP BY aggregate under either phase strategy', () => {
  it.each([
    ['an aggregate of an aggregate', NESTED, false],
    ['DISTINCT calls', DISTINCT, false],
    ['DISTINCT calls split', DISTINCT, true],
  ] as const)(
    '%s: both plans give the aggregate and every operator after it the same uid',
    (_, insert, split) => {
      const one = operators('ONE_PHASE', split, insert);
      const two = operators('TWO_PHASE', split, insert);
      const locals = [...two].filter(([, name]) => name === 'LocalGroupAggregate');
      expect(locals).toHaveLength(1);
      for (const [uid] of locals) expect(one.has(uid)).toBe(false);
      const shared = [...two].filter(([, name]) => name !== 'LocalGroupAggregate');
      expect(new Map(shared.map(([uid, name]) => [uid, name.replace(/^Global/, '')]))).toEqual(one);
      expect([...one.values()].filter((name) => name === 'GroupAggregate')).toHaveLength(split ? 3 : 2);
    },
  );

  it.each(['ONE_PHASE', 'TWO_PHASE'])(
    '%s: the split-distinct levels share no uid with the unsplit plan’s aggregates',
    (phase) => {
      const unsplit = operators(phase, false, DISTINCT);
      const split = operators(phase, true, DISTINCT);
      const aggregates = (ops: Map<string, string>) =>
        [...ops].filter(([, name]) => name.endsWith('GroupAggregate')).map(([uid]) => uid);
      const levels = aggregates(split).filter((uid) => /-(partial|final)$/.test(uid));
      expect(levels).toHaveLength(2);
      for (const uid of levels) expect(unsplit.has(uid)).toBe(false);
      // A local phase holds no state, so only the stateful aggregates' uids must differ.
      for (const uid of aggregates(unsplit).filter((u) => !u.endsWith('-local')))
        expect(split.get(uid) ?? 'none', uid).not.toMatch(/GroupAggregate$/);
    },
  );
});
