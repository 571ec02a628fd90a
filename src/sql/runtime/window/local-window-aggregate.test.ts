/**
 * The two-phase window aggregate against the one-phase one: random out-of-order rows from 1 to 3
 * source subtasks, each with its own watermarks, interleaved at random into the window
 * operator (whose watermark is the least of its channels'), with checkpoints at random points
 * (the local phases flush before the barrier; the window operator is snapshotted and a fresh one
 * restored from it, every watermark starting over, as after a failure). TUMBLE, HOP (sliced and
 * with gaps) and CUMULATE windows, with offsets, give the same result rows with the same
 * timestamps between the same watermarks: late rows are dropped exactly where the one-phase
 * plan drops them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../../state/keyed-snapshot.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import type { Row } from '../../expressions/compiler.js';
import type { WindowSpec } from '../../planner/window/window-nodes.js';
import {
  LocalWindowAggregateOperator,
  type PartialWindowAggregate,
  slicesOf,
} from './local-window-aggregate.js';
import {
  createGlobalWindowAggregateOperator,
  createWindowAggregateOperator,
  SqlWindowAggregateFunction,
  windowAggregateKeySelector,
} from './window-aggregate.js';

const INT = { root: 'INT' as const, nullable: true };
const call = (fn: string, args: string[], name: string): BoundAggregateCall => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  const argTypes = args.map(() => INT);
  return { fn, args, argTypes, distinct: false, name, type: definition.resultType(argTypes), definition };
};
const CALLS = [
  call('COUNT', [], 'c'),
  call('SUM', ['v'], 's'),
  call('MAX', ['v'], 'm'),
  call('MIN', ['v'], 'n'),
];
const windowColumns = { start: 'ws', end: 'we', time: 'wt' };

const WINDOWS: WindowSpec[] = [
  { kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 0 },
  { kind: 'TUMBLE', timeColumn: 'ts', size: 10, offset: 3 },
  { kind: 'HOP', timeColumn: 'ts', size: 12, slide: 4, offset: 0 },
  { kind: 'HOP', timeColumn: 'ts', size: 10, slide: 4, offset: 1 },
  { kind: 'HOP', timeColumn: 'ts', size: 4, slide: 6, offset: 0 },
  { kind: 'CUMULATE', timeColumn: 'ts', size: 12, step: 4, offset: 0 },
  { kind: 'CUMULATE', timeColumn: 'ts', size: 9, step: 3, offset: 2 },
] as WindowSpec[];

type Event = { row: Row; time: number } | { watermark: number } | { idle: boolean };

/** One source subtask's events: rows up to 8 ms behind a watermark that only moves forward. */
const source = fc
  .array(
    fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          k: fc.constantFrom('a', 'b', 'c', null),
          g: fc.constantFrom(1, 2),
          v: fc.option(fc.integer({ min: -50, max: 50 })),
          back: fc.nat(8),
        }),
      },
      { weight: 2, arbitrary: fc.record({ advance: fc.nat(6) }) },
      { weight: 1, arbitrary: fc.constant({ idle: true as const }) },
    ),
    { maxLength: 40 },
  )
  .map((items) => {
    let watermark = 0;
    let idle = false;
    return items.map((item): Event => {
      if ('idle' in item) {
        idle = !idle;
        return { idle };
      }
      if ('advance' in item) {
        watermark += item.advance;
        return { watermark };
      }
      return { row: { k: item.k, g: item.g, v: item.v }, time: Math.max(0, watermark + 4 - item.back) };
    });
  });

type Output = { records: string[]; watermark?: number }[];

/** Runs the sources through one plan; returns the window operator's output, records sorted between watermarks. */
function run(
  window: WindowSpec,
  groupKeys: string[],
  sources: Event[][],
  schedule: number[],
  checkpoints: Set<number>,
  twoPhase: boolean,
): Output {
  const layout = { groupKeys, windowColumns };
  const keyOf = windowAggregateKeySelector(groupKeys);
  const openGlobal = (snapshot?: ReturnType<typeof snapshotKeyedState>) => {
    const h = twoPhase
      ? new OneInputStreamOperatorTestHarness<PartialWindowAggregate, Row>(
          createGlobalWindowAggregateOperator(window, CALLS, layout),
          (p) => keyOf(p.keys),
        )
      : new OneInputStreamOperatorTestHarness<Row, Row>(
          createWindowAggregateOperator(window, CALLS, layout),
          keyOf,
        );
    if (snapshot !== undefined) restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
    h.open();
    return h as OneInputStreamOperatorTestHarness<unknown, Row>;
  };
  const openLocal = () => {
    const h = new OneInputStreamOperatorTestHarness<Row, PartialWindowAggregate>(
      new LocalWindowAggregateOperator(
        slicesOf(window)!,
        groupKeys,
        new SqlWindowAggregateFunction(CALLS, groupKeys),
      ),
    );
    h.open();
    return h;
  };
  let global = openGlobal();
  let locals = sources.map(openLocal);
  let channels = sources.map(() => Number.NEGATIVE_INFINITY);
  let idle = sources.map(() => false);
  const out: Output = [{ records: [] }];
  const take = () => {
    for (const e of global.getOutput()) {
      if ('value' in e) out[out.length - 1]!.records.push(JSON.stringify([e.value, e.timestamp]));
      else if ('watermark' in e) out.push({ records: [], watermark: e.watermark });
    }
    global.clearOutput();
  };
  const advance = () => {
    const active = channels.filter((_, i) => !idle[i]);
    if (active.length > 0) global.processWatermark(Math.min(...active));
  };
  /** What source `i` sends down its channel, through its local phase in the two-phase plan. */
  const deliver = (
    i: number,
    send: (h: OneInputStreamOperatorTestHarness<Row, PartialWindowAggregate>) => void,
    direct: () => void,
  ) => {
    if (!twoPhase) return direct();
    const local = locals[i]!;
    send(local);
    for (const e of local.getOutput()) {
      if ('value' in e) global.processElement(e.value, e.timestamp);
      else if ('watermark' in e) {
        channels[i] = e.watermark;
        advance();
      } else if ('idle' in e) {
        idle[i] = e.idle;
        advance();
      }
    }
    local.clearOutput();
  };
  const next = sources.map(() => 0);
  schedule.forEach((pick, step) => {
    if (checkpoints.has(step)) {
      sources.forEach((_, i) => {
        deliver(
          i,
          (l) =>
            (
              l as unknown as { op: { prepareSnapshotPreBarrier(id: number): void } }
            ).op.prepareSnapshotPreBarrier(step),
          () => {},
        );
      });
      take();
      global = openGlobal(snapshotKeyedState(global.keyedBackend!, global.timeServiceManager));
      locals = sources.map(openLocal);
      channels = sources.map(() => Number.NEGATIVE_INFINITY);
      idle = sources.map(() => false);
    }
    const i = pick % sources.length;
    const event = sources[i]![next[i]!++];
    if (event === undefined) return;
    if ('row' in event)
      deliver(
        i,
        (l) => l.processElement({ ...event.row }, event.time),
        () => global.processElement({ ...event.row }, event.time),
      );
    else if ('watermark' in event)
      deliver(
        i,
        (l) => l.processWatermark(event.watermark),
        () => {
          channels[i] = event.watermark;
          advance();
        },
      );
    else
      deliver(
        i,
        (l) => l.processWatermarkStatus(event.idle),
        () => {
          idle[i] = event.idle;
          advance();
        },
      );
  });
  // The end of input: every source active again, at the greatest watermark.
  sources.forEach((_, i) => {
    deliver(
      i,
      (l) => l.processWatermarkStatus(false),
      () => {
        idle[i] = false;
        advance();
      },
    );
  });
  sources.forEach((_, i) => {
    deliver(
      i,
      (l) => l.processWatermark(Number.MAX_SAFE_INTEGER),
      () => {
        channels[i] = Number.MAX_SAFE_INTEGER;
        advance();
      },
    );
  });
  take();
  return out.map((o) => ({ ...o, records: o.records.sort() }));
}

describe('two-phase window aggregate', () => {
  it('gives the one-phase rows, timestamps and watermarks at any parallelism, across checkpoints and restores', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WINDOWS),
        fc.constantFrom<string[]>([], ['k'], ['k', 'g']),
        fc.array(source, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 150 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        (window, groupKeys, sources, schedule, cps) => {
          const checkpoints = new Set(cps.map((c) => c % (schedule.length + 1)));
          const one = run(window, groupKeys, sources, schedule, checkpoints, false);
          const two = run(window, groupKeys, sources, schedule, checkpoints, true);
          expect(two).toEqual(one);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('sends one partial per group and slice, however many rows it folds, at the watermark or when idle', () => {
    const window = WINDOWS[0]!;
    const local = new OneInputStreamOperatorTestHarness<Row, PartialWindowAggregate>(
      new LocalWindowAggregateOperator(
        slicesOf(window)!,
        ['k'],
        new SqlWindowAggregateFunction(CALLS, ['k']),
      ),
    );
    for (let t = 0; t < 20; t++) local.processElement({ k: t % 2 === 0 ? 'a' : 'b', v: t }, t);
    expect(local.getRecordOutput()).toEqual([]);
    local.processWatermark(9);
    const partials = local.getRecordOutput();
    expect(partials.map((p) => [p.value.keys, p.value.accs[0], p.timestamp])).toEqual([
      [{ k: 'a' }, 5, 9],
      [{ k: 'b' }, 5, 9],
    ]);
    // A row behind the watermark goes on at once, alone.
    local.clearOutput();
    local.processElement({ k: 'a', v: 1 }, 3);
    expect(local.getRecordOutput().map((p) => [p.value.accs[0], p.timestamp])).toEqual([[1, 9]]);
    // An idle input does not hold the global watermark back, so it holds no rows either.
    local.clearOutput();
    local.processElement({ k: 'a', v: 1 }, 12);
    local.processWatermarkStatus(true);
    local.processElement({ k: 'b', v: 1 }, 13);
    const seen = local
      .getOutput()
      .map((e) => ('value' in e ? [e.value.keys.k, e.value.accs[0], e.timestamp] : 'idle' in e ? 'idle' : e));
    expect(seen).toEqual([['a', 6, 19], ['b', 5, 19], 'idle', ['b', 1, 19]]);
  });
});
