/**
 * The windowing table function's row-by-row assignment: every copy of a row carries its window
 * and leaves stamped with that window's `window_time`, never before the row's own time (so never
 * behind the watermark the row was ahead of), and a row without a time is dropped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import type { Row } from '../../expressions/compiler.js';
import type { WindowSpec } from '../../planner/window/window-nodes.js';
import { AlignedWindowAssignment } from './window-assign.js';

type Aligned = Exclude<WindowSpec, { kind: 'SESSION' }>;

function assign(window: Aligned, rows: readonly Row[]) {
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(new AlignedWindowAssignment(window));
  h.open();
  for (const row of rows) h.processElement(row, 0);
  return h.getRecordOutput();
}

const spec = fc.oneof(
  fc
    .record({ size: fc.integer({ min: 1, max: 50 }), offset: fc.integer({ min: 0, max: 20 }) })
    .map(({ size, offset }): Aligned => ({ kind: 'TUMBLE', timeColumn: 'ts', size, offset })),
  fc
    .record({
      slide: fc.integer({ min: 1, max: 20 }),
      times: fc.integer({ min: 1, max: 4 }),
      offset: fc.integer({ min: 0, max: 20 }),
    })
    .map(
      ({ slide, times, offset }): Aligned => ({
        kind: 'HOP',
        timeColumn: 'ts',
        slide,
        size: slide * times,
        offset,
      }),
    ),
  fc.record({ step: fc.integer({ min: 1, max: 20 }), times: fc.integer({ min: 1, max: 4 }) }).map(
    ({ step, times }): Aligned => ({
      kind: 'CUMULATE',
      timeColumn: 'ts',
      step,
      size: step * times,
      offset: 0,
    }),
  ),
);

describe('AlignedWindowAssignment', () => {
  it('stamps every copy with its window_time, a window that holds the row', () => {
    fc.assert(
      fc.property(spec, fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 20 }), (window, times) => {
        const out = assign(
          window,
          times.map((ts, id) => ({ id, ts })),
        );
        const expected = window.kind === 'HOP' ? window.size / window.slide : undefined;
        for (let id = 0; id < times.length; id++) {
          const copies = out.filter((r) => r.value.id === id);
          expect(copies.length).toBeGreaterThan(0);
          if (expected !== undefined) expect(copies.length).toBe(expected);
          if (window.kind === 'TUMBLE') expect(copies.length).toBe(1);
        }
        for (const { value, timestamp } of out) {
          const ts = value.ts as number;
          expect(timestamp).toBe(value.window_time);
          expect(value.window_time).toBe((value.window_end as number) - 1);
          expect(value.window_start as number).toBeLessThanOrEqual(ts);
          expect(ts).toBeLessThan(value.window_end as number);
          expect(timestamp).toBeGreaterThanOrEqual(ts);
        }
      }),
    );
  });

  it('drops a row without a time', () => {
    const out = assign({ kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 }, [
      { id: 1, ts: null },
      { id: 2, ts: 15 },
    ]);
    expect(out).toEqual([
      { value: { id: 2, ts: 15, window_start: 10, window_end: 20, window_time: 19 }, timestamp: 19 },
    ]);
  });
});
