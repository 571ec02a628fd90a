/**
 * LAG in the event-time OVER operator, checked against a model on random out-of-order input:
 * the operator's output per partition equals LAG computed over the rows that were not late,
 * sorted by rowtime (arrival order within a rowtime), with rows of one rowtime sharing the
 * value `offset` rows before the last of them (RANGE) or each seeing its own predecessors (ROWS).
 * A run snapshotted at a random point and restored into a fresh operator emits the same rows,
 * so the LAG accumulator lives in keyed state.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { LAG } from '../../src/sql/aggregates/lag.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { RowTimeOverAggregate } from '../../src/sql/runtime/over/over-aggregate-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';

const OFFSET = 2;
const DEFAULT = -1;

/** LAG(v, 2, -1) reading the offset and default from columns, as the planner projects them. */
const LAG_CALL: BoundAggregateCall = {
  fn: 'LAG',
  args: ['v', 'off', 'def'],
  argTypes: [Types.INT, Types.INT, Types.INT],
  distinct: false,
  name: 'l',
  type: LAG.resultType([Types.INT, Types.INT, Types.INT]),
  definition: LAG,
};

type Step = { row: Row } | { watermark: number };

/** Rows with rowtimes 0..40 (ties likely) and, less often, watermarks that may make later rows late. */
const steps = fc.array(
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .record({
          k: fc.integer({ min: 0, max: 2 }),
          v: fc.option(fc.integer({ min: 0, max: 99 }), { freq: 6 }),
          ts: fc.integer({ min: 0, max: 40 }),
        })
        .map((r): Step => ({ row: { ...r, off: OFFSET, def: DEFAULT } })),
    },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((w): Step => ({ watermark: w })) },
  ),
  { maxLength: 60 },
);

function harness(unit: 'ROWS' | 'RANGE') {
  const fn = new RowTimeOverAggregate({ timeColumn: 'ts', unit, calls: [LAG_CALL] });
  return new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
    new ProcessOperator(fn, true),
    (r) => r.k,
  );
}

/** The operator's output, with a snapshot and restore before step `cut` when given. */
function run(unit: 'ROWS' | 'RANGE', list: readonly Step[], cut?: number): Row[] {
  let h = harness(unit);
  h.open();
  const out: Row[] = [];
  let watermark = Number.NEGATIVE_INFINITY;
  list.forEach((step, i) => {
    if (i === cut) {
      const snapshot = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
      out.push(...h.extractOutputValues());
      h = harness(unit);
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

/** LAG by definition: rows not late, in rowtime order, then the value OFFSET rows back. */
function model(unit: 'ROWS' | 'RANGE', list: readonly Step[]): Row[] {
  let watermark = Number.NEGATIVE_INFINITY;
  const kept: Row[] = [];
  for (const step of list) {
    if ('watermark' in step) watermark = Math.max(watermark, step.watermark);
    else if ((step.row.ts as number) > watermark) kept.push(step.row);
  }
  const out: Row[] = [];
  for (const k of new Set(kept.map((r) => r.k))) {
    const rows = kept.filter((r) => r.k === k).sort((a, b) => (a.ts as number) - (b.ts as number));
    const lagAt = (i: number) => (i - OFFSET >= 0 ? (rows[i - OFFSET]!.v ?? null) : DEFAULT);
    rows.forEach((row, i) => {
      // Under RANGE a row sees every row of its rowtime: the last of them is the current row.
      let last = i;
      if (unit === 'RANGE') while (last + 1 < rows.length && rows[last + 1]!.ts === row.ts) last++;
      out.push({ ...row, l: lagAt(last) });
    });
  }
  return out;
}

/** Rows grouped by partition, each partition's rows in emission order. */
const byPartition = (rows: readonly Row[]) =>
  [0, 1, 2].map((k) => rows.filter((r) => r.k === k).map((r) => [r.ts, r.v, r.l]));

describe('LAG over event time', () => {
  for (const unit of ['RANGE', 'ROWS'] as const) {
    test(`${unit}: out-of-order input gives LAG over the rows in rowtime order`, () => {
      fc.assert(
        fc.property(steps, (list) => {
          expect(byPartition(run(unit, list))).toEqual(byPartition(model(unit, list)));
        }),
        { numRuns: 150 },
      );
    });

    test(`${unit}: a snapshot and restore at any step changes nothing`, () => {
      fc.assert(
        fc.property(steps, fc.nat(), (list, at) => {
          const cut = list.length === 0 ? undefined : at % list.length;
          expect(run(unit, list, cut)).toEqual(run(unit, list));
        }),
        { numRuns: 80 },
      );
    });
  }
});
