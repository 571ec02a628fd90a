/**
 * The SQL HOP slices operator against the DataStream slicing window operator whose state and
 * timers it keeps: over random rows (late ones too) and watermarks, and HOP windows of random
 * size, slide and offset, both give the same result rows with the same timestamps in the same
 * order, drop the same rows as late, and leave no state or timers once every window has fired.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlicingWindowOperator } from '../../../runtime/operators/slicing-window-operator.js';
import { createAggregateWindowOperator } from '../../../runtime/operators/window-operator-builder.js';
import type { OneInputStreamOperator } from '../../../runtime/operator.js';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import type { WindowAssigner } from '../../../windowing/assigner.js';
import { SlidingEventTimeWindows } from '../../../windowing/sliding.js';
import type { TimeWindow } from '../../../windowing/windows.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import type { Row } from '../../expressions/compiler.js';
import type { WindowSpec } from '../../planner/window/window-nodes.js';
import { HopSlicesOperator } from './hop-slices-operator.js';
import {
  createWindowAggregateOperator,
  SqlWindowAggregateFunction,
  windowAggregateKeySelector,
  windowResultFunction,
} from './window-aggregate.js';

const INT = { root: 'INT' as const, nullable: true };
const call = (fn: string, args: string[], name: string, distinct = false): BoundAggregateCall => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  const argTypes = args.map(() => INT);
  return { fn, args, argTypes, distinct, name, type: definition.resultType(argTypes), definition };
};
// FIRST_VALUE / LAST_VALUE see the order slices merge in; DISTINCT merges its map.
const CALLS = [
  call('COUNT', [], 'c'),
  call('SUM', ['v'], 's'),
  call('MIN', ['v'], 'lo'),
  call('FIRST_VALUE', ['v'], 'f'),
  call('LAST_VALUE', ['v'], 'l'),
  call('COUNT', ['v'], 'd', true),
];
const LAYOUT = { groupKeys: ['k'], windowColumns: { start: 'ws', end: 'we', time: 'wt' } };

function harness(op: OneInputStreamOperator<Row, Row>) {
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(op, windowAggregateKeySelector(LAYOUT.groupKeys));
  h.open();
  return h;
}

type Step = { row: Row; time: number } | { watermark: number };

const steps = fc
  .array(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          k: fc.constantFrom('a', 'b', 'c'),
          v: fc.option(fc.integer({ min: -5, max: 5 })),
          time: fc.integer({ min: 0, max: 80 }),
        }),
      },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 80 }).map((watermark) => ({ watermark })) },
    ),
    { maxLength: 80 },
  )
  .map((raw) => {
    let last = Number.NEGATIVE_INFINITY;
    return raw.map((s): Step => {
      if ('watermark' in s) {
        last = Math.max(last, s.watermark);
        return { watermark: last };
      }
      return { row: { k: s.k, v: s.v }, time: s.time };
    });
  });

/** size > slide, offsets past the slide too (the planner passes offset mod slide). */
const hops = fc
  .record({ slide: fc.integer({ min: 1, max: 9 }), times: fc.integer({ min: 1, max: 4 }), extra: fc.nat(5) })
  .chain(({ slide, times, extra }) =>
    fc.record({
      slide: fc.constant(slide),
      size: fc.constant(slide * times + (times === 1 ? Math.max(1, extra) : extra % slide)),
      offset: fc.integer({ min: 0, max: 20 }),
    }),
  );

describe('HOP slices operator', () => {
  it('serves event-time HOP windows whose calls merge', () => {
    const hop: WindowSpec = { kind: 'HOP', timeColumn: 'ts', size: 10, slide: 5, offset: 0 };
    expect(createWindowAggregateOperator(hop, CALLS, LAYOUT)).toBeInstanceOf(HopSlicesOperator);
    expect(createWindowAggregateOperator({ ...hop, proctime: true }, CALLS, LAYOUT)).not.toBeInstanceOf(
      HopSlicesOperator,
    );
    expect(createWindowAggregateOperator({ ...hop, size: 5, slide: 10 }, CALLS, LAYOUT)).not.toBeInstanceOf(
      HopSlicesOperator,
    );
  });

  it('gives the DataStream slicing operator’s rows, timestamps, order and late drops', () => {
    fc.assert(
      fc.property(steps, hops, (s, { size, slide, offset }) => {
        const window: WindowSpec = { kind: 'HOP', timeColumn: 'ts', size, slide, offset };
        const fn = new SqlWindowAggregateFunction(CALLS, LAYOUT.groupKeys);
        const reference = createAggregateWindowOperator(
          {
            assigner: SlidingEventTimeWindows.of(size, slide, offset % slide) as WindowAssigner<
              Row,
              TimeWindow
            >,
          },
          fn,
          windowResultFunction(fn.aggregates, LAYOUT, fn.keySlot),
        );
        expect(reference).toBeInstanceOf(SlicingWindowOperator);
        const hs = [harness(createWindowAggregateOperator(window, CALLS, LAYOUT)), harness(reference)];
        for (const h of hs) {
          for (const step of s)
            if ('row' in step) h.processElement({ ...step.row }, step.time);
            else h.processWatermark(step.watermark);
          h.processWatermark(Number.MAX_SAFE_INTEGER);
        }
        const [mine, theirs] = hs.map((h) =>
          h.getRecordOutput().map(({ value, timestamp }) => ({ value, timestamp })),
        );
        expect(mine).toEqual(theirs);
        const dropped = hs.map(
          (h) => (h.operator as unknown as { numLateRecordsDropped: number }).numLateRecordsDropped,
        );
        expect(dropped[0]).toBe(dropped[1]);
        expect(hs[0]!.numKeyedStateEntries()).toBe(0);
        expect(hs[0]!.numEventTimeTimers()).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('registers a timer when a slice is created, not for every row', () => {
    const h = harness(
      createWindowAggregateOperator(
        { kind: 'HOP', timeColumn: 'ts', size: 10, slide: 5, offset: 0 },
        CALLS,
        LAYOUT,
      ),
    );
    for (let t = 0; t < 5; t++) h.processElement({ k: 'a', v: t }, t);
    expect(h.numEventTimeTimers()).toBe(1); // the slice [0, 5) fires first with [-5, 5)
    for (const t of [7, 6, 8]) h.processElement({ k: 'a', v: t }, t);
    expect(h.numEventTimeTimers()).toBe(2); // and [5, 10) with [0, 10)
    h.processWatermark(9);
    expect(h.extractOutputValues().map((r) => [r.ws, r.c, r.f, r.l])).toEqual([
      [-5, 5, 0, 4],
      [0, 8, 0, 8],
    ]);
    expect(h.numEventTimeTimers()).toBe(1); // [5, 15) holds the slice [5, 10)
  });
});
