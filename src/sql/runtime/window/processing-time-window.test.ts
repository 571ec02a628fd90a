/**
 * The processing-time window aggregate operator driven by a manual clock: rows go to the window
 * of the clock when they arrive (their own timestamp is ignored), a window fires once when the
 * clock passes its end, and the final watermark of a bounded input fires the windows still open
 * before it is passed on. A property checks, for random arrivals, that every row is counted in
 * exactly the windows of its arrival time, each window once, aligned and of the right length.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import { MAX_WATERMARK } from '../../../types/elements.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import type { Row } from '../../expressions/compiler.js';
import type { WindowSpec } from '../../planner/window/window-nodes.js';
import { ProcessingTimeWindowAggregateOperator } from './processing-time-window-operator.js';
import { createWindowAggregateOperator, rowKeySelector } from './window-aggregate.js';

const INT = { root: 'INT' as const, nullable: true };
const call = (fn: string, args: string[], name: string): BoundAggregateCall => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  const argTypes = args.map(() => INT);
  return { fn, args, argTypes, distinct: false, name, type: definition.resultType(argTypes), definition };
};
const CALLS = [call('COUNT', [], 'c'), call('SUM', ['v'], 's')];

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

const tumble = (size: number): WindowSpec => ({
  kind: 'TUMBLE',
  timeColumn: 'p',
  size,
  offset: 0,
  proctime: true,
});

/** `k@ws-we c/s` for each result row, in emission order. */
const results = (h: OneInputStreamOperatorTestHarness<Row, Row>) =>
  h.extractOutputValues().map((r) => `${r.k}@${r.ws}-${r.we} ${r.c}/${r.s}`);

describe('processing-time window aggregate operator', () => {
  it('assigns rows by the clock when they arrive, not by their timestamp, and fires when the clock passes the end', () => {
    const h = harness(tumble(10));
    expect(h.operator).toBeInstanceOf(ProcessingTimeWindowAggregateOperator);
    h.setProcessingTime(3);
    h.processElement({ k: 'a', v: 1 }, 95); // an event time far away: ignored
    h.setProcessingTime(8);
    h.processElement({ k: 'a', v: 2 });
    h.setProcessingTime(12);
    h.processElement({ k: 'b', v: 5 }, 1);
    expect(results(h)).toEqual(['a@0-10 2/3']);
    expect(h.getRecordOutput()[0]!.timestamp).toBe(9);
    expect(h.extractOutputValues()[0]!.wt).toBe(9);
    h.setProcessingTime(19);
    expect(results(h)).toEqual(['a@0-10 2/3']);
    h.setProcessingTime(20);
    expect(results(h)).toEqual(['a@0-10 2/3', 'b@10-20 1/5']);
    // Fired windows leave neither state nor timers behind.
    expect(h.numProcessingTimeTimers()).toBe(0);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('a window takes rows until its last millisecond has passed, and fires once', () => {
    const h = harness(tumble(10));
    h.setProcessingTime(9);
    h.processElement({ k: 'a', v: 1 });
    h.setProcessingTime(9);
    h.processElement({ k: 'a', v: 2 });
    expect(results(h)).toEqual([]);
    h.setProcessingTime(10);
    h.processElement({ k: 'a', v: 4 });
    h.setProcessingTime(30);
    expect(results(h)).toEqual(['a@0-10 2/3', 'a@10-20 1/4']);
  });

  it('watermarks below the final one fire nothing', () => {
    const h = harness(tumble(10));
    h.setProcessingTime(4);
    h.processElement({ k: 'a', v: 1 });
    h.processWatermark(1_000_000);
    expect(results(h)).toEqual([]);
  });

  it('the final watermark of a bounded input fires the open windows, ahead of the watermark', () => {
    const h = harness(tumble(10));
    h.setProcessingTime(4);
    h.processElement({ k: 'a', v: 1 });
    h.setProcessingTime(15);
    h.processElement({ k: 'a', v: 2 });
    h.processElement({ k: 'b', v: 3 });
    h.clearOutput();
    h.processWatermark(MAX_WATERMARK);
    const output = h.getOutput();
    expect(
      output.map((e) => ('value' in e ? `${e.value.k}@${e.value.ws} ${e.value.c}` : 'watermark')),
    ).toEqual(['a@10 1', 'b@10 1', 'watermark']);
    expect(h.numProcessingTimeTimers()).toBe(0);
    // The clock reaching the windows' ends later fires nothing again.
    h.setProcessingTime(100);
    expect(h.extractOutputValues()).toHaveLength(2);
  });

  it('every row is counted in the windows of its arrival time, each window once, aligned', () => {
    const windows: WindowSpec[] = [
      tumble(10),
      { kind: 'HOP', timeColumn: 'p', size: 10, slide: 5, offset: 0, proctime: true },
      { kind: 'CUMULATE', timeColumn: 'p', size: 12, step: 4, offset: 0, proctime: true },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...windows),
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), advance: fc.nat(7) }), { maxLength: 60 }),
        fc.nat(40),
        (window, arrivals, runOn) => {
          const h = harness(window);
          let now = 0;
          // The windows each arrival belongs to, by definition, per key.
          const expected = new Map<string, number>();
          for (const { key, advance } of arrivals) {
            now += advance;
            h.setProcessingTime(now);
            h.processElement({ k: key, v: 1 });
            for (const [start, end] of windowsOf(window, now)) {
              const slot = `${key}@${start}-${end}`;
              expected.set(slot, (expected.get(slot) ?? 0) + 1);
            }
          }
          h.setProcessingTime(now + runOn);
          h.processWatermark(MAX_WATERMARK);
          const got = new Map<string, number>();
          for (const r of h.extractOutputValues()) {
            const slot = `${r.k}@${r.ws}-${r.we}`;
            expect(got.has(slot)).toBe(false);
            got.set(slot, r.c as number);
            expect((r.we as number) - (r.ws as number)).toBeGreaterThan(0);
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** [start, end) of each window containing `time`, straight from the window's definition. */
function windowsOf(window: WindowSpec, time: number): [number, number][] {
  const floor = (t: number, size: number) => t - (((t % size) + size) % size);
  switch (window.kind) {
    case 'TUMBLE': {
      const start = floor(time, window.size);
      return [[start, start + window.size]];
    }
    case 'HOP': {
      const out: [number, number][] = [];
      for (let start = floor(time, window.slide); start > time - window.size; start -= window.slide)
        out.push([start, start + window.size]);
      return out;
    }
    case 'CUMULATE': {
      const start = floor(time, window.size);
      const out: [number, number][] = [];
      for (let end = start + window.step; end <= start + window.size; end += window.step)
        if (end > time) out.push([start, end]);
      return out;
    }
    case 'SESSION':
      throw new Error('no processing-time sessions');
  }
}
