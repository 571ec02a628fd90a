/**
 * Every OVER, Top-N, deduplication and window Top-N function keeps all it needs in keyed state
 * and timers: a run snapshotted at a random point and restored into a fresh operator (with the
 * last watermark given again, as upstream would) emits exactly what an uninterrupted run emits.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { lookupAggregate } from '../../src/sql/aggregates/builtins.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import {
  KeepFirstRowFunction,
  KeepLastRowFunction,
} from '../../src/sql/runtime/over/deduplicate-function.js';
import { RowTimeOverAggregate } from '../../src/sql/runtime/over/over-aggregate-function.js';
import { TopNFunction } from '../../src/sql/runtime/over/rank-function.js';
import { WindowTopNFunction } from '../../src/sql/runtime/over/window-rank-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import type { KeyedProcessFunction } from '../../src/types/functions.js';

const definition = lookupAggregate('SUM', undefined)!;
const SUM: BoundAggregateCall = {
  fn: 'SUM',
  args: ['v'],
  argTypes: [Types.INT],
  distinct: false,
  name: 's',
  type: definition.resultType([Types.INT]),
  definition,
};
const BY_V = [{ column: 'v', descending: true, nullsFirst: false }];

/** The functions under test, each made fresh per run. */
const FUNCTIONS: Record<string, () => KeyedProcessFunction<unknown, Row, unknown>> = {
  overRows: () => new RowTimeOverAggregate({ timeColumn: 'ts', unit: 'ROWS', preceding: 2, calls: [SUM] }),
  overRange: () => new RowTimeOverAggregate({ timeColumn: 'ts', unit: 'RANGE', preceding: 3, calls: [SUM] }),
  topN: () =>
    new TopNFunction({
      rankType: 'RANK',
      rankStart: 1,
      rankEnd: 2,
      orderBy: BY_V,
      rankColumn: 'r',
      changelogInput: false,
      inputColumns: ['k', 'v', 'ts'],
    }),
  keepFirst: () => new KeepFirstRowFunction('ts'),
  keepLast: () => new KeepLastRowFunction('ts'),
  windowTopN: () =>
    new WindowTopNFunction({
      rankType: 'ROW_NUMBER',
      rankStart: 1,
      rankEnd: 2,
      orderBy: BY_V,
      rankColumn: 'r',
      windowEnd: 'we',
      keepLastOnTies: false,
    }),
};

type Step = { row: Row } | { watermark: number };

const steps = fc.array(
  fc.oneof(
    fc
      .record({
        k: fc.integer({ min: 0, max: 2 }),
        v: fc.integer({ min: 0, max: 9 }),
        ts: fc.integer({ min: 0, max: 30 }),
      })
      .map((r): Step => ({ row: { ...r, we: (Math.floor(r.ts / 10) + 1) * 10 } })),
    fc.integer({ min: 0, max: 30 }).map((w): Step => ({ watermark: w })),
  ),
  { maxLength: 40 },
);

function harness(fn: KeyedProcessFunction<unknown, Row, unknown>) {
  return new KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>(
    new ProcessOperator(fn, true),
    (r) => r.k,
  );
}

/** Runs the steps, with a snapshot and restore before step `cut` when given; returns all output. */
function run(
  make: () => KeyedProcessFunction<unknown, Row, unknown>,
  list: readonly Step[],
  cut?: number,
): unknown[] {
  let h = harness(make());
  h.open();
  const out: unknown[] = [];
  let watermark = Number.NEGATIVE_INFINITY;
  list.forEach((step, i) => {
    if (i === cut) {
      const snapshot = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
      out.push(...h.extractOutputValues());
      h = harness(make());
      restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
      h.open();
      if (watermark !== Number.NEGATIVE_INFINITY) h.processWatermark(watermark);
    }
    if ('row' in step) h.processElement(step.row, step.row.ts as number);
    else if (step.watermark > watermark) {
      watermark = step.watermark;
      h.processWatermark(watermark);
    }
  });
  h.processWatermark(1000);
  out.push(...h.extractOutputValues());
  return out;
}

describe('restoring from a snapshot gives the output of an uninterrupted run', () => {
  for (const [name, make] of Object.entries(FUNCTIONS)) {
    test(name, () => {
      fc.assert(
        fc.property(steps, fc.nat(), (list, at) => {
          const cut = list.length === 0 ? undefined : at % list.length;
          expect(run(make, list, cut)).toEqual(run(make, list));
        }),
        { numRuns: 60 },
      );
    });
  }
});
