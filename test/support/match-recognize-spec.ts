/**
 * The MATCH_RECOGNIZE spec of Flink's AFTER MATCH example, built by hand as the planner would
 * build it: `PARTITION BY k ORDER BY ts PATTERN (A+ C) DEFINE A AS SUM(A.price) < 30`,
 * measuring SUM(A.price) AS sumPrice, FIRST(ts) AS startTime and LAST(ts) AS endTime, skipping
 * past the last row. Shared by the operator's tests and its benchmark.
 */
import { BUILTIN_AGGREGATES } from '../../src/sql/aggregates/builtins.js';
import { Types, withNullability } from '../../src/sql/catalog/types.js';
import { call, field, literal } from '../../src/sql/expressions/rex.js';
import type { MatchSpec, Navigation } from '../../src/sql/runtime/match/match-spec.js';

const BIGINT = Types.BIGINT;
const TS = Types.timestamp(3);

/** SUM(A.price), as the running aggregate `$m0` of the rows mapped to A. */
const sumOfA: Navigation = {
  kind: 'aggregate',
  variable: 0,
  call: {
    fn: 'SUM',
    args: ['p'],
    argTypes: [BIGINT],
    distinct: false,
    name: '$m0',
    type: BIGINT,
    definition: BUILTIN_AGGREGATES.get('SUM')!,
  },
  args: [field('price', BIGINT)],
};

/** The example's spec, with `WITHIN withinMs` when given. */
export function afterMatchExampleSpec(withinMs?: number): MatchSpec {
  return {
    timeColumn: 'ts',
    proctime: false,
    otherOrder: [],
    partitionKeys: ['k'],
    variables: ['A', 'C'],
    steps: [
      { variable: 0, min: 1, max: Number.POSITIVE_INFINITY, greedy: true },
      { variable: 1, min: 1, max: 1, greedy: true },
    ],
    skip: { kind: 'pastLastRow' },
    ...(withinMs === undefined ? {} : { withinMs }),
    defines: [
      {
        rex: call('<', [field('$m0', BIGINT), literal(30, withNullability(Types.INT, false))], Types.BOOLEAN),
        navigations: [sumOfA],
      },
      undefined,
    ],
    measures: [
      { name: 'sumPrice', expr: { rex: field('$m0', BIGINT), navigations: [sumOfA] } },
      {
        name: 'startTime',
        expr: { rex: field('$m0', TS), navigations: [{ kind: 'first', offset: 0, value: field('ts', TS) }] },
      },
      {
        name: 'endTime',
        expr: { rex: field('$m0', TS), navigations: [{ kind: 'last', offset: 0, value: field('ts', TS) }] },
      },
    ],
  };
}
