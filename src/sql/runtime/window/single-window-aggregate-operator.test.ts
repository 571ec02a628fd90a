/**
 * The single-window aggregate operator against the DataStream window operator it stands in for
 * (the event-time trigger, no allowed lateness): over random rows and watermarks, TUMBLE windows
 * from the rows' timestamps and windowed rows of HOP and CUMULATE windows read from their bound
 * columns give the same result rows, with the same timestamps, in the same order, and leave no
 * state or timers behind once every window has fired; restored from checkpoints in between, it
 * still gives them, with one timer per open key and window at every step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAggregateWindowOperator } from '../../../runtime/operators/window-operator-builder.js';
import type { OneInputStreamOperator } from '../../../runtime/operator.js';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../../state/keyed-snapshot.js';
import { TumblingEventTimeWindows } from '../../../windowing/tumbling.js';
import type { WindowAssigner } from '../../../windowing/assigner.js';
import type { TimeWindow } from '../../../windowing/windows.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import type { Row } from '../../expressions/compiler.js';
import type { InputWindow, WindowSpec } from '../../planner/window/window-nodes.js';
import { RowWindows } from './row-windows.js';
import { SingleWindowAggregateOperator } from './single-window-aggregate-operator.js';
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
const CALLS = [
  call('COUNT', [], 'c'),
  call('SUM', ['v'], 's'),
  call('MAX', ['v'], 'm'),
  call('COUNT', ['v'], 'd', true),
];
const LAYOUT = { groupKeys: ['k', 'g'], windowColumns: { start: 'ws', end: 'we', time: 'wt' } };
const INPUT_WINDOW: InputWindow = { start: 'iws', end: 'iwe' };

function harness(op: OneInputStreamOperator<Row, Row>) {
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(op, windowAggregateKeySelector(LAYOUT.groupKeys));
  h.open();
  return h;
}

/** The DataStream window operator with the SQL aggregate function, as before this operator. */
function reference(assigner: WindowAssigner<Row, TimeWindow>): OneInputStreamOperator<Row, Row> {
  const fn = new SqlWindowAggregateFunction(CALLS, LAYOUT.groupKeys);
  return createAggregateWindowOperator(
    { assigner },
    fn,
    windowResultFunction(fn.aggregates, LAYOUT, fn.keySlot),
  );
}

type Step = { row: Row; time: number } | { watermark: number };

/** Drives both operators through the steps and returns what each emitted. */
function runBoth(
  steps: readonly Step[],
  single: OneInputStreamOperator<Row, Row>,
  dataStream: OneInputStreamOperator<Row, Row>,
) {
  const hs = [harness(single), harness(dataStream)];
  for (const h of hs) {
    for (const step of steps)
      if ('row' in step) h.processElement({ ...step.row }, step.time);
      else h.processWatermark(step.watermark);
    h.processWatermark(Number.MAX_SAFE_INTEGER);
  }
  const out = hs.map((h) => h.getRecordOutput().map(({ value, timestamp }) => ({ value, timestamp })));
  return { single: hs[0]!, dataStream: hs[1]!, out };
}

/** Rows of a few keys (one NULL-able), values with NULLs, times and rising watermarks. */
const steps = (maxTime: number) =>
  fc
    .array(
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc.record({
            k: fc.constantFrom('a', 'b', 'c'),
            g: fc.constantFrom(1, 2, null),
            v: fc.option(fc.integer({ min: -5, max: 5 })),
            time: fc.integer({ min: 0, max: maxTime }),
          }),
        },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: maxTime }).map((watermark) => ({ watermark })) },
      ),
      { maxLength: 60 },
    )
    .map((raw) => {
      // Watermarks only rise.
      let last = Number.NEGATIVE_INFINITY;
      return raw.map((s): Step => {
        if ('watermark' in s) {
          last = Math.max(last, s.watermark);
          return { watermark: last };
        }
        return { row: { k: s.k, g: s.g, v: s.v }, time: s.time };
      });
    });

describe('single-window aggregate operator', () => {
  it('serves event-time TUMBLE windows and windowed rows, not HOP, SESSION or processing time', () => {
    const op = (window: WindowSpec, input?: InputWindow) =>
      createWindowAggregateOperator(window, CALLS, LAYOUT, input);
    expect(op({ kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 })).toBeInstanceOf(
      SingleWindowAggregateOperator,
    );
    expect(op({ kind: 'HOP', timeColumn: 'ts', size: 10, slide: 5, offset: 0 }, INPUT_WINDOW)).toBeInstanceOf(
      SingleWindowAggregateOperator,
    );
    expect(op({ kind: 'HOP', timeColumn: 'ts', size: 10, slide: 5, offset: 0 })).not.toBeInstanceOf(
      SingleWindowAggregateOperator,
    );
    expect(
      op({ kind: 'SESSION', timeColumn: 'ts', gap: 5, partitionKeys: [] }, INPUT_WINDOW),
    ).not.toBeInstanceOf(SingleWindowAggregateOperator);
    expect(op({ kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0, proctime: true })).not.toBeInstanceOf(
      SingleWindowAggregateOperator,
    );
  });

  it('TUMBLE: the same rows, timestamps and order as the DataStream window operator', () => {
    fc.assert(
      fc.property(
        steps(60),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 20 }),
        (s, size, offset) => {
          const window: WindowSpec = { kind: 'TUMBLE', timeColumn: 'ts', size, offset };
          const { single, dataStream, out } = runBoth(
            s,
            createWindowAggregateOperator(window, CALLS, LAYOUT),
            reference(TumblingEventTimeWindows.of(size, offset % size) as WindowAssigner<Row, TimeWindow>),
          );
          expect(out[0]).toEqual(out[1]);
          expect(single.numKeyedStateEntries()).toBe(dataStream.numKeyedStateEntries());
          expect(single.numEventTimeTimers()).toBe(0);
          const dropped = (single.operator as unknown as SingleWindowAggregateOperator).numLateRecordsDropped;
          expect(dropped).toBe(
            (dataStream.operator as unknown as { numLateRecordsDropped: number }).numLateRecordsDropped,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('TUMBLE across restores: the same rows as without them, one timer per open key and window at every step', () => {
    const window: WindowSpec = { kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 };
    const open = (snapshot?: ReturnType<typeof snapshotKeyedState>) => {
      const h = new OneInputStreamOperatorTestHarness<Row, Row>(
        createWindowAggregateOperator(window, CALLS, LAYOUT),
        windowAggregateKeySelector(LAYOUT.groupKeys),
      );
      if (snapshot !== undefined) restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
      h.open();
      return h;
    };
    fc.assert(
      fc.property(steps(60), fc.array(fc.nat(), { maxLength: 3 }), (s, restores) => {
        const at = new Set(restores.map((r) => r % (s.length + 1)));
        let h = open();
        let watermark = Number.NEGATIVE_INFINITY;
        const out: { value: Row; timestamp: number | undefined }[] = [];
        const take = () => {
          out.push(...h.getRecordOutput().map(({ value, timestamp }) => ({ value, timestamp })));
          h.clearOutput();
        };
        s.forEach((step, i) => {
          if (at.has(i)) {
            take();
            h = open(snapshotKeyedState(h.keyedBackend!, h.timeServiceManager));
            // A restored operator has seen no watermark yet; its input gives it back.
            if (watermark > Number.NEGATIVE_INFINITY) h.processWatermark(watermark);
          }
          if ('row' in step) h.processElement({ ...step.row }, step.time);
          else {
            watermark = step.watermark;
            h.processWatermark(watermark);
          }
          // The operator's one state holds a list per open key and window, each with its timer.
          expect(h.numEventTimeTimers()).toBe(h.numKeyedStateEntries());
        });
        h.processWatermark(Number.MAX_SAFE_INTEGER);
        take();
        const { out: plain } = runBoth(
          s,
          createWindowAggregateOperator(window, CALLS, LAYOUT),
          reference(TumblingEventTimeWindows.of(10) as WindowAssigner<Row, TimeWindow>),
        );
        expect(out).toEqual(plain[1]);
        expect(h.numEventTimeTimers()).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('windowed rows of HOP and CUMULATE windows: the same as the DataStream operator over RowWindows', () => {
    // A row's window: the `n`-th HOP window holding its time, or the `n`-th CUMULATE window of
    // its period; either way it holds the time and ends after it, as the first level's do.
    const windowOfRow = (kind: 'HOP' | 'CUMULATE', time: number, n: number): [number, number] => {
      if (kind === 'HOP') {
        const lastStart = time - (time % 4);
        const start = lastStart - 4 * (n % 3);
        return [start, start + 12];
      }
      const start = time - (time % 12);
      const firstEnd = time - (time % 4) + 4;
      return [start, Math.min(start + 12, firstEnd + 4 * (n % 3))];
    };
    fc.assert(
      fc.property(
        steps(60),
        fc.constantFrom('HOP' as const, 'CUMULATE' as const),
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        (s, kind, picks) => {
          const windowed = s.map((step, i): Step => {
            if (!('row' in step)) return step;
            const [start, end] = windowOfRow(kind, step.time, picks[i % picks.length]!);
            // Windowed rows arrive stamped with their window's last millisecond.
            return { row: { ...step.row, iws: start, iwe: end }, time: end - 1 };
          });
          const window: WindowSpec =
            kind === 'HOP'
              ? { kind, timeColumn: 'ts', size: 12, slide: 4, offset: 0 }
              : { kind, timeColumn: 'ts', size: 12, step: 4, offset: 0 };
          const { single, out } = runBoth(
            windowed,
            createWindowAggregateOperator(window, CALLS, LAYOUT, INPUT_WINDOW),
            reference(new RowWindows(INPUT_WINDOW.start, INPUT_WINDOW.end)),
          );
          expect(out[0]).toEqual(out[1]);
          expect(single.numKeyedStateEntries()).toBe(0);
          expect(single.numEventTimeTimers()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('registers one timer per key and window, not one per row', () => {
    const h = harness(
      createWindowAggregateOperator({ kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 }, CALLS, LAYOUT),
    );
    for (let t = 0; t < 10; t++) h.processElement({ k: 'a', g: 1, v: t }, t);
    h.processElement({ k: 'b', g: 1, v: 1 }, 3);
    h.processElement({ k: 'a', g: 1, v: 1 }, 15);
    expect(h.numEventTimeTimers()).toBe(3);
    h.processWatermark(9);
    expect(h.extractOutputValues()).toEqual([
      { k: 'a', g: 1, c: 10, s: 45, m: 9, d: 10, ws: 0, we: 10, wt: 9 },
      { k: 'b', g: 1, c: 1, s: 1, m: 1, d: 1, ws: 0, we: 10, wt: 9 },
    ]);
    expect(h.numEventTimeTimers()).toBe(1);
  });
});
