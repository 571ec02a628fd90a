/**
 * The window aggregate operator driven by hand: elements and watermarks in a chosen order, so
 * lateness, firing times and result timestamps are exact. Also a property of the CUMULATE
 * assigner against its definition.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HopSlicesOperator } from './hop-slices-operator.js';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import type { Row } from '../../expressions/compiler.js';
import type { WindowSpec } from '../../planner/window/window-nodes.js';
import { decode, encode } from '../../../types/codec.js';
import { CumulativeEventTimeWindows } from './cumulative-windows.js';
import {
  createWindowAggregateOperator,
  rowKeySelector,
  SqlWindowAggregateFunction,
  windowAggregateKeySelector,
} from './window-aggregate.js';

const INT = { root: 'INT' as const, nullable: true };
const call = (fn: string, args: string[], name: string, distinct = false): BoundAggregateCall => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  const argTypes = args.map(() => INT);
  return { fn, args, argTypes, distinct, name, type: definition.resultType(argTypes), definition };
};
const CALLS = [call('COUNT', [], 'c'), call('SUM', ['v'], 's'), call('COUNT', ['v'], 'd', true)];

function harness(window: WindowSpec) {
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(
    createWindowAggregateOperator(window, CALLS, {
      groupKeys: ['k'],
      windowColumns: { start: 'ws', end: 'we', time: 'wt' },
    }),
    rowKeySelector(['k']),
  );
  h.open();
  return h;
}

/** `k@ws-we c/s/d @timestamp` for each result record, in emission order. */
const results = (h: OneInputStreamOperatorTestHarness<Row, Row>) =>
  h
    .getRecordOutput()
    .map(({ value: r, timestamp }) => `${r.k}@${r.ws}-${r.we} ${r.c}/${r.s}/${r.d} @${timestamp}`);

describe('window aggregate operator', () => {
  it('emits each window once when the watermark passes its end, stamped with window_time', () => {
    const h = harness({ kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 });
    h.processElement({ k: 'a', v: 1 }, 3);
    h.processElement({ k: 'a', v: 1 }, 8);
    h.processElement({ k: 'b', v: 5 }, 12);
    h.processWatermark(8);
    expect(results(h)).toEqual([]);
    h.processWatermark(9);
    expect(results(h)).toEqual(['a@0-10 2/2/1 @9']);
    expect(results(h)[0]).toContain('@9');
    expect(h.extractOutputValues()[0]!.wt).toBe(9);
  });

  it('drops rows that are behind the watermark when they arrive', () => {
    const h = harness({ kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 });
    h.processElement({ k: 'a', v: 1 }, 5);
    h.processWatermark(9); // [0, 10) fires
    h.processElement({ k: 'a', v: 100 }, 7); // late: its window has fired
    h.processElement({ k: 'a', v: 2 }, 15);
    h.processWatermark(10); // a row of [10, 20) a bit behind the watermark, but its window is open
    h.processElement({ k: 'a', v: 3 }, 11);
    h.processWatermark(19);
    expect(results(h)).toEqual(['a@0-10 1/1/1 @9', 'a@10-20 2/5/2 @19']);
  });

  it('HOP: one row per window, from slices shared between the windows', () => {
    const h = harness({ kind: 'HOP', timeColumn: 'ts', size: 10, slide: 5, offset: 0 });
    expect(h.operator).toBeInstanceOf(HopSlicesOperator);
    h.processElement({ k: 'a', v: 1 }, 7);
    h.processElement({ k: 'a', v: 2 }, 3);
    h.processWatermark(20);
    expect(results(h)).toEqual(['a@-5-5 1/2/1 @4', 'a@0-10 2/3/2 @9', 'a@5-15 1/1/1 @14']);
  });

  it('CUMULATE emits every step of its period, each covering all rows so far', () => {
    const h = harness({ kind: 'CUMULATE', timeColumn: 'ts', size: 9, step: 3, offset: 0 });
    h.processElement({ k: 'a', v: 1 }, 1);
    h.processWatermark(2);
    expect(results(h)).toEqual(['a@0-3 1/1/1 @2']);
    h.processElement({ k: 'a', v: 2 }, 7);
    h.processElement({ k: 'a', v: 1 }, 4);
    h.processWatermark(8);
    expect(results(h)).toEqual(['a@0-3 1/1/1 @2', 'a@0-6 2/2/1 @5', 'a@0-9 3/4/2 @8']);
  });

  it('SESSION merges the sessions of a key when a row bridges them, with DISTINCT counts merged', () => {
    const h = harness({ kind: 'SESSION', timeColumn: 'ts', gap: 5, partitionKeys: [] });
    h.processElement({ k: 'a', v: 1 }, 0);
    h.processElement({ k: 'a', v: 2 }, 10);
    h.processElement({ k: 'b', v: 1 }, 2);
    h.processElement({ k: 'a', v: 1 }, 5); // [5, 10) joins [0, 5) and [10, 15)
    h.processWatermark(100);
    expect(results(h).sort()).toEqual(['a@0-15 3/4/2 @14', 'b@2-7 1/1/1 @6']);
  });

  it('offsets shift the windows', () => {
    const h = harness({ kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 3 });
    h.processElement({ k: 'a', v: 1 }, 2);
    h.processElement({ k: 'a', v: 1 }, 3);
    h.processWatermark(100);
    expect(results(h)).toEqual(['a@-7-3 1/1/1 @2', 'a@3-13 1/1/1 @12']);
  });
});

describe('window aggregate keyed by several columns', () => {
  const value = fc.constantFrom<unknown>(1, '1', 2, 's2:x', 'a,b', null, 0, true);
  const windows: WindowSpec[] = [
    { kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 },
    { kind: 'HOP', timeColumn: 'ts', size: 10, slide: 5, offset: 0 },
    { kind: 'SESSION', timeColumn: 'ts', gap: 4, partitionKeys: [] },
  ];

  it("keys rows by one string and writes back each group's own values, types kept", () => {
    expect(typeof windowAggregateKeySelector(['a', 'b'])({ a: 1, b: 'x' })).toBe('string');
    fc.assert(
      fc.property(
        fc.constantFrom(...windows),
        fc.array(fc.tuple(value, value, fc.integer({ min: 0, max: 30 })), { maxLength: 25 }),
        (window, input) => {
          const calls = [call('COUNT', [], 'c')];
          const run = (keySelector: (row: Row) => unknown) => {
            const h = new OneInputStreamOperatorTestHarness<Row, Row>(
              createWindowAggregateOperator(window, calls, {
                groupKeys: ['a', 'b'],
                windowColumns: { start: 'ws', end: 'we' },
              }),
              keySelector,
            );
            h.open();
            for (const [a, b, ts] of input) h.processElement({ a, b, ts }, ts);
            h.processWatermark(1000);
            return h
              .extractOutputValues()
              .map((r) => JSON.stringify([typeof r.a, r.a, typeof r.b, r.b, r.ws, r.we, r.c]))
              .sort();
          };
          // Array keys, the form before compact keys, give the same rows.
          expect(run(windowAggregateKeySelector(['a', 'b']))).toEqual(run(rowKeySelector(['a', 'b'])));
          // Each (a, b) group's rows are counted once per window they fall in.
          if (window.kind === 'TUMBLE') {
            const expected = new Map<string, number>();
            for (const [a, b, ts] of input) {
              const ws = ts - (ts % 10);
              const k = JSON.stringify([typeof a, a, typeof b, b, ws, ws + 10]);
              expected.set(k, (expected.get(k) ?? 0) + 1);
            }
            const want = [...expected].map(([k, c]) => `${k.slice(0, -1)},${c}]`).sort();
            expect(run(windowAggregateKeySelector(['a', 'b']))).toEqual(want);
          }
        },
      ),
    );
  });
});

describe('window accumulators', () => {
  it('survive the state codec mid-window: a restored window ends with the uninterrupted result', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }), { maxLength: 30 }),
        fc.nat(30),
        (values, cut) => {
          const fn = new SqlWindowAggregateFunction(CALLS);
          const rows = values.map((v) => ({ k: 'a', v }));
          const whole = rows.reduce((acc, row) => fn.add(row, acc), fn.createAccumulator());
          let restored = decode<unknown[]>(
            encode(rows.slice(0, cut).reduce((acc, row) => fn.add(row, acc), fn.createAccumulator())),
          );
          for (const row of rows.slice(cut)) restored = fn.add(row, restored);
          const value = (accs: unknown[]) => {
            const out: Row = {};
            fn.aggregates.writeValues(accs, out);
            return out;
          };
          expect(value(restored)).toEqual(value(whole));
        },
      ),
    );
  });
});

describe('CUMULATE windows', () => {
  it('are exactly the windows [start, start + j * step) of the aligned period that contain the time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -500, max: 500 }),
        (step, steps, time, offset) => {
          const size = step * steps;
          const got = CumulativeEventTimeWindows.of(size, step, offset)
            .assignWindows(null, time, { getCurrentProcessingTime: () => 0 })
            .map((w) => [w.start, w.end]);
          const expected: number[][] = [];
          for (let start = time - size * 2; start <= time; start++) {
            if ((((start - offset) % size) + size) % size !== 0) continue;
            for (let j = 1; j <= steps; j++)
              if (start <= time && time < start + j * step) expected.push([start, start + j * step]);
          }
          expect(got).toEqual(expected);
        },
      ),
    );
  });
});
