/**
 * The temporal sort functions driven by hand: rows wait until the watermark (or the clock) passes
 * them and leave in (time, other keys) order, late rows are dropped. A property checks, for
 * random out-of-order rows and watermarks, that the output equals a plain stable sort of the rows
 * that were on time, and that each watermark releases exactly the rows at or below it; another
 * that a run snapshotted and restored at a random point emits what an uninterrupted run emits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProcessOperator } from '../../../runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../../state/keyed-snapshot.js';
import { MAX_WATERMARK } from '../../../types/elements.js';
import type { Row } from '../../expressions/compiler.js';
import { ProcTimeSortFunction, RowTimeSortFunction } from './temporal-sort-function.js';

const BY_B = [{ column: 'b', descending: false, nullsFirst: true }];

function harness(fn: RowTimeSortFunction | ProcTimeSortFunction) {
  const h = new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
    new ProcessOperator(fn as never, true),
    () => 0,
  );
  h.open();
  return h;
}

describe('RowTimeSortFunction', () => {
  it('emits rows by time, then by the other keys, when the watermark passes; drops late rows', () => {
    const h = harness(new RowTimeSortFunction('ts', BY_B));
    h.processElement({ id: 1, ts: 20, b: 5 }, 20);
    h.processElement({ id: 2, ts: 10, b: 9 }, 10);
    h.processElement({ id: 3, ts: 10, b: 1 }, 10);
    h.processWatermark(9);
    expect(h.extractOutputValues()).toEqual([]);
    h.processWatermark(15);
    expect(h.extractOutputValues().map((r) => r.id)).toEqual([3, 2]);
    h.processElement({ id: 4, ts: 15, b: 0 }, 15); // at the watermark: late
    h.processElement({ id: 5, ts: null, b: 0 }); // no time: dropped too
    h.processElement({ id: 6, ts: 16, b: 0 }, 16);
    h.processWatermark(MAX_WATERMARK);
    expect(h.extractOutputValues().map((r) => r.id)).toEqual([3, 2, 6, 1]);
    expect(h.numEventTimeTimers()).toBe(0);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('equals a stable sort of the on-time rows, released watermark by watermark', () => {
    const event = fc.oneof(
      fc.record({ ts: fc.integer({ min: 0, max: 40 }), b: fc.integer({ min: 0, max: 3 }) }),
      fc.integer({ min: 0, max: 10 }).map((advance) => ({ advance })),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), fc.boolean(), (events, withB) => {
        const h = harness(new RowTimeSortFunction('ts', withB ? BY_B : []));
        const onTime: Row[] = [];
        let watermark = Number.NEGATIVE_INFINITY;
        let id = 0;
        const order = (a: Row, b: Row) =>
          (a.ts as number) - (b.ts as number) || (withB ? (a.b as number) - (b.b as number) : 0);
        for (const e of events) {
          if ('advance' in e) {
            watermark = (watermark === Number.NEGATIVE_INFINITY ? 0 : watermark) + e.advance;
            h.processWatermark(watermark);
            const released = onTime.filter((r) => (r.ts as number) <= watermark).sort(order);
            expect(h.extractOutputValues()).toEqual(released);
          } else {
            const row = { id: id++, ts: e.ts, b: e.b };
            if (e.ts > watermark) onTime.push(row);
            h.processElement(row, e.ts);
          }
        }
        h.processWatermark(MAX_WATERMARK);
        expect(h.extractOutputValues()).toEqual([...onTime].sort(order));
      }),
      { numRuns: 200 },
    );
  });
});

describe('RowTimeSortFunction restored from a snapshot', () => {
  type Step = { row: Row } | { watermark: number };
  const steps = fc.array(
    fc.oneof(
      fc
        .record({ ts: fc.integer({ min: 0, max: 30 }), b: fc.integer({ min: 0, max: 3 }) })
        .map((row): Step => ({ row })),
      fc.integer({ min: 0, max: 30 }).map((watermark): Step => ({ watermark })),
    ),
    { maxLength: 40 },
  );

  /** All output of the steps, with a snapshot and a restore into a fresh operator before `cut`. */
  function run(list: readonly Step[], cut?: number): Row[] {
    const make = () => harness(new RowTimeSortFunction('ts', BY_B));
    let h = make();
    const out: Row[] = [];
    let watermark = Number.NEGATIVE_INFINITY;
    list.forEach((step, i) => {
      if (i === cut) {
        const snapshot = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
        out.push(...h.extractOutputValues());
        h = new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
          new ProcessOperator(new RowTimeSortFunction('ts', BY_B) as never, true),
          () => 0,
        );
        restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
        h.open();
        // Upstream gives the last watermark again after a restore.
        if (watermark !== Number.NEGATIVE_INFINITY) h.processWatermark(watermark);
      }
      if ('row' in step) h.processElement(step.row, step.row.ts as number);
      else if (step.watermark > watermark) {
        watermark = step.watermark;
        h.processWatermark(watermark);
      }
    });
    h.processWatermark(MAX_WATERMARK);
    out.push(...h.extractOutputValues());
    return out;
  }

  it('emits exactly what an uninterrupted run emits', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (list, at) => {
        const cut = list.length === 0 ? undefined : at % list.length;
        expect(run(list, cut)).toEqual(run(list));
      }),
      { numRuns: 100 },
    );
  });
});

describe('ProcTimeSortFunction', () => {
  it('sorts the rows of one millisecond by the other keys once the clock moves on', () => {
    const h = harness(new ProcTimeSortFunction(BY_B));
    h.setProcessingTime(100);
    h.processElement({ id: 1, b: 3 });
    h.processElement({ id: 2, b: 1 });
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(101);
    expect(h.extractOutputValues().map((r) => r.id)).toEqual([2, 1]);
    h.processElement({ id: 3, b: 0 });
    h.processWatermark(MAX_WATERMARK); // end of a bounded input flushes the waiting rows
    expect(h.extractOutputValues().map((r) => r.id)).toEqual([2, 1, 3]);
  });

  it('without other keys passes rows on in arrival order at once', () => {
    const h = harness(new ProcTimeSortFunction([]));
    h.processElement({ id: 1 });
    h.processElement({ id: 2 });
    expect(h.extractOutputValues().map((r) => r.id)).toEqual([1, 2]);
  });
});
