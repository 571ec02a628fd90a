/**
 * STATE_TTL hints where EXPLAIN cannot show them working: the regular join planned from a
 * hinted query keeps each input's rows for that input's TTL (driven in processing time by hand
 * through the operator harness), the hint wins over `table.exec.state.ttl` per input and per
 * aggregate, and '0' keeps state forever as the session option's 0 does.
 */
import { describe, expect, test } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { ConnectorRegistry } from '../../src/sql/connectors/registry.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { PhysicalNode } from '../../src/sql/planner/physical.js';
import { planLogical } from '../../src/sql/planner/planner.js';
import { regularJoinFunction } from '../../src/sql/planner/join/join-planning.js';
import type { PhysicalJoin } from '../../src/sql/planner/join/join-nodes.js';

function physicalPlan(sql: string, sessionTtl?: string, ...settings: string[]): PhysicalNode {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  for (const setting of settings) tEnv.executeSql(setting);
  tEnv.executeSql("CREATE TABLE l (k INT, a STRING) WITH ('connector' = 'datagen')");
  tEnv.executeSql("CREATE TABLE r (k INT, b STRING) WITH ('connector' = 'datagen')");
  if (sessionTtl !== undefined) tEnv.executeSql(`SET 'table.exec.state.ttl' = '${sessionTtl}'`);
  return planLogical(tEnv.sqlQuery(sql).plan, new ConnectorRegistry(), tEnv.getConfig()).physical;
}

function find<K extends PhysicalNode['kind']>(
  node: PhysicalNode,
  kind: K,
): Extract<PhysicalNode, { kind: K }> {
  if (node.kind === kind) return node as Extract<PhysicalNode, { kind: K }>;
  for (const input of Object.values(node))
    if (input !== null && typeof input === 'object' && 'kind' in input && 'changelogMode' in input) {
      const found = find(input as PhysicalNode, kind) as PhysicalNode | undefined;
      if (found !== undefined) return found as Extract<PhysicalNode, { kind: K }>;
    }
  return undefined as never;
}

const JOIN = 'SELECT HINT l.k, l.a, r.b FROM l JOIN r ON l.k = r.k';

/**
 * An opened harness of the regular join planned from JOIN with `hint`, under `sessionTtl`. Right
 * rows come under the right table's own names (`k`, not the join's `k0`): the Calc renaming them
 * below the join runs under those names (see right-row-names.ts).
 */
function joinHarness(hint: string, sessionTtl: string) {
  const node = find(physicalPlan(JOIN.replace('HINT', hint), sessionTtl), 'join') as PhysicalJoin;
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(regularJoinFunction(node), true),
    (e) => e.k,
    (e) => e.k,
  );
  h.open();
  return h;
}

describe('STATE_TTL on a regular join', () => {
  test("each side's rows expire after its own TTL in processing time", () => {
    const h = joinHarness("/*+ STATE_TTL('l' = '100ms', 'r' = '1s') */", '1 h');
    const names = () => h.extractOutputValues().map((row) => `${row.a}${row.b}`);
    h.setProcessingTime(0);
    h.processElement1({ k: 1, a: 'L1' });
    h.processElement2({ k: 1, b: 'R1' });
    expect(names()).toEqual(['L1R1']);
    h.clearOutput();
    // At 500 the left row (100 ms) has expired, the right one (1 s) has not.
    h.setProcessingTime(500);
    h.processElement2({ k: 1, b: 'R2' });
    h.processElement1({ k: 1, a: 'L2' });
    expect(names().sort()).toEqual(['L2R1', 'L2R2']);
    h.clearOutput();
    // At 1200 R1 (stored at 0) has expired, R2 (stored at 500) lives until 1500.
    h.setProcessingTime(1200);
    h.processElement1({ k: 1, a: 'L3' });
    expect(names()).toEqual(['L3R2']);
  });

  test('the hint wins over table.exec.state.ttl for the side it names; the other keeps the session TTL', () => {
    const h = joinHarness("/*+ STATE_TTL('r' = '0') */", '100 ms');
    h.setProcessingTime(0);
    h.processElement1({ k: 1, a: 'L1' });
    h.processElement2({ k: 1, b: 'R1' });
    h.clearOutput();
    // Long after: L1 (session TTL, 100 ms) is gone, R1 ('0': forever) still joins.
    h.setProcessingTime(1_000_000);
    h.processElement2({ k: 1, b: 'R2' });
    h.processElement1({ k: 1, a: 'L2' });
    expect(
      h
        .extractOutputValues()
        .map((row) => `${row.a}${row.b}`)
        .sort(),
    ).toEqual(['L2R1', 'L2R2']);
  });
});

describe('STATE_TTL on a group aggregate', () => {
  const AGG = 'SELECT HINT k, COUNT(*) FROM l GROUP BY k';

  test('the hint sets the aggregate state TTL over the session option', () => {
    expect(find(physicalPlan(AGG.replace('HINT', ''), '1 h'), 'groupAggregate').stateTtlMs).toBe(3_600_000);
    expect(
      find(physicalPlan(AGG.replace('HINT', "/*+ STATE_TTL('l' = '1d') */"), '1 h'), 'groupAggregate')
        .stateTtlMs,
    ).toBe(86_400_000);
    expect(
      find(physicalPlan(AGG.replace('HINT', "/*+ STATE_TTL('l' = '0') */"), '1 h'), 'groupAggregate')
        .stateTtlMs,
    ).toBeUndefined();
  });

  test('both levels of a split distinct aggregate keep the hint', () => {
    const plan = physicalPlan(
      "SELECT /*+ STATE_TTL('l' = '1d') */ k, COUNT(DISTINCT a) FROM l GROUP BY k",
      '1 h',
      "SET 'table.optimizer.distinct-agg.split.enabled' = 'true'",
    );
    const final = find(plan, 'groupAggregate');
    const partial = find(final.input, 'groupAggregate');
    expect([final.partialFinal, partial.partialFinal]).toEqual(['FINAL', 'PARTIAL']);
    expect([final.stateTtlMs, partial.stateTtlMs]).toEqual([86_400_000, 86_400_000]);
  });

  test('a hint naming another query block does not reach this aggregate', () => {
    const sql = "SELECT /*+ STATE_TTL('s' = '1d') */ k FROM (SELECT k, COUNT(*) AS c FROM l GROUP BY k) s";
    expect(find(physicalPlan(sql), 'groupAggregate').stateTtlMs).toBeUndefined();
  });
});
