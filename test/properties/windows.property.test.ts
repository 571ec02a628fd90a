/**
 * Event-time determinism of windows (ARCHITECTURE.md invariant 2), property-tested against a
 * batch oracle: random keyed events, shuffled within a bounded disorder, through tumbling,
 * sliding and session windows with the window operator at a random parallelism of 1 to 4.
 *
 * Without late data (watermark delay >= disorder) the result must equal the oracle exactly.
 * With allowed lateness and a late side output, the watermark sequence is fixed by the input
 * order (one source subtask, a punctuated generator, no periodic watermarks), and the oracle
 * simulates Flink's WindowOperator with the EventTimeTrigger: a window fires when the watermark
 * passes its end, fires again for each late element accepted within the allowed lateness,
 * is purged at end + lateness, and an element whose windows are all purged goes to the side.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Collector,
  type DataStream,
  EventTimeSessionWindows,
  type KeyedStream,
  OutputTag,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  type TimeWindow,
  TumblingEventTimeWindows,
  type WindowAssigner,
  WatermarkStrategy,
} from '../../src/index.js';
import { RecordingSink } from '../support/recording-sink.js';

type Ev = { key: string; ts: number; id: number };

/** Half-open window bounds. */
type Bounds = { start: number; end: number };

type WindowSpec =
  | { kind: 'tumbling'; size: number; offset: number }
  | { kind: 'sliding'; size: number; slide: number }
  | { kind: 'session'; gap: number };

// ---------------------------------------------------------------------------------------------
// The oracle, written from the definitions.

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** The windows an element at `ts` belongs to (tumbling and sliding). */
function windowsOf(spec: WindowSpec, ts: number): Bounds[] {
  if (spec.kind === 'tumbling') {
    const start = floorDiv(ts - spec.offset, spec.size) * spec.size + spec.offset;
    return [{ start, end: start + spec.size }];
  }
  if (spec.kind === 'sliding') {
    const out: Bounds[] = [];
    // Every start k * slide with start <= ts < start + size.
    for (let k = floorDiv(ts, spec.slide); k * spec.slide > ts - spec.size; k--) {
      out.push({ start: k * spec.slide, end: k * spec.slide + spec.size });
    }
    return out;
  }
  throw new Error('sessions are computed per key');
}

/** Sessions: maximal runs of a key's sorted timestamps whose neighbours are at most `gap` apart. */
function sessionsOf(events: Ev[], gap: number): { bounds: Bounds; members: Ev[] }[] {
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  const out: { bounds: Bounds; members: Ev[] }[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    // [t, t + gap) windows that touch or overlap merge (Flink's TimeWindow.intersects), so a
    // difference of exactly `gap` still joins the session.
    if (last !== undefined && e.ts - (last.bounds.end - gap) <= gap) {
      last.members.push(e);
      last.bounds.end = e.ts + gap;
    } else {
      out.push({ bounds: { start: e.ts, end: e.ts + gap }, members: [e] });
    }
  }
  return out;
}

function describeFiring(key: string, w: Bounds, members: Iterable<Ev>): string {
  const ids = [...members].map((e) => e.id).sort((a, b) => a - b);
  return `${key}[${w.start},${w.end}):${ids.join(',')}`;
}

/** All windows of all keys, each fired once with all its elements (no late data). */
function batchOracle(events: Ev[], spec: WindowSpec): string[] {
  const byKey = new Map<string, Ev[]>();
  for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  const out: string[] = [];
  for (const [key, list] of byKey) {
    if (spec.kind === 'session') {
      for (const s of sessionsOf(list, spec.gap)) out.push(describeFiring(key, s.bounds, s.members));
      continue;
    }
    const windows = new Map<string, { bounds: Bounds; members: Ev[] }>();
    for (const e of list) {
      for (const b of windowsOf(spec, e.ts)) {
        const id = `${b.start}`;
        const w = windows.get(id) ?? { bounds: b, members: [] };
        w.members.push(e);
        windows.set(id, w);
      }
    }
    for (const w of windows.values()) out.push(describeFiring(key, w.bounds, w.members));
  }
  return out.sort();
}

/**
 * Flink's semantics for tumbling or sliding windows with the EventTimeTrigger, allowed
 * lateness and a late side output, for a given arrival order and the watermark each event
 * brings (applied after the event, as Flink's source does).
 */
function latenessOracle(
  arrivals: Ev[],
  watermarkAfter: number[],
  spec: WindowSpec,
  lateness: number,
): { main: string[]; late: number[]; lateFirings: number } {
  type State = { bounds: Bounds; members: Ev[]; timerPending: boolean };
  const windows = new Map<string, State>(); // by key and start
  const main: string[] = [];
  const late: number[] = [];
  const lateFirings = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  const maxTs = (b: Bounds) => b.end - 1;

  const advance = (to: number) => {
    if (to <= watermark) return;
    watermark = to;
    for (const [id, w] of windows) {
      const key = id.split('|')[0]!;
      if (w.timerPending && maxTs(w.bounds) <= watermark) {
        w.timerPending = false;
        main.push(describeFiring(key, w.bounds, w.members));
      }
      if (maxTs(w.bounds) + lateness <= watermark) windows.delete(id);
    }
  };

  arrivals.forEach((e, i) => {
    let accepted = false;
    for (const b of windowsOf(spec, e.ts)) {
      if (maxTs(b) + lateness <= watermark) continue; // this window is gone
      accepted = true;
      const id = `${e.key}|${b.start}`;
      const w = windows.get(id) ?? { bounds: b, members: [], timerPending: false };
      windows.set(id, w);
      w.members.push(e);
      if (maxTs(b) <= watermark)
        main.push(describeFiring(e.key, b, w.members)); // late firing
      else w.timerPending = true;
    }
    if (!accepted) late.push(e.id);
    advance(watermarkAfter[i]!);
  });
  advance(Number.POSITIVE_INFINITY);
  return { main: main.sort(), late: late.sort((a, b) => a - b), lateFirings };
}

// ---------------------------------------------------------------------------------------------
// Inputs.

const KEYS = ['a', 'b', 'c', 'd'];

/**
 * Events with unique ids and an arrival order shuffled within `maxDisorder`: each event is
 * delayed by a jitter in [0, maxDisorder] and events arrive in order of ts + jitter, so none
 * arrives more than maxDisorder behind the largest timestamp seen before it.
 */
function eventsArb(maxDisorder: number) {
  return fc
    .array(
      fc.record({
        key: fc.constantFrom(...KEYS),
        ts: fc.integer({ min: 0, max: 400 }),
        jitter: fc.integer({ min: 0, max: maxDisorder }),
      }),
      { minLength: 1, maxLength: 60 },
    )
    .map((raw) =>
      raw
        .map((r, id) => ({ key: r.key, ts: r.ts, id, at: r.ts + r.jitter }))
        .sort((x, y) => x.at - y.at || x.id - y.id)
        .map(({ key, ts, id }) => ({ key, ts, id })),
    );
}

const specArb: fc.Arbitrary<WindowSpec> = fc.oneof(
  fc
    .record({
      size: fc.integer({ min: 5, max: 60 }),
      offsetFraction: fc.double({ min: -0.99, max: 0.99, noNaN: true }),
    })
    .map(({ size, offsetFraction }) => ({
      kind: 'tumbling' as const,
      size,
      offset: Math.trunc(size * offsetFraction),
    })),
  fc
    .record({ slide: fc.integer({ min: 3, max: 25 }), factor: fc.integer({ min: 1, max: 4 }) })
    .map(({ slide, factor }) => ({ kind: 'sliding' as const, size: slide * factor, slide })),
  fc.integer({ min: 1, max: 30 }).map((gap) => ({ kind: 'session' as const, gap })),
);

function assignerFor(spec: WindowSpec): WindowAssigner<unknown, TimeWindow> {
  switch (spec.kind) {
    case 'tumbling':
      return TumblingEventTimeWindows.of(spec.size, spec.offset);
    case 'sliding':
      return SlidingEventTimeWindows.of(spec.size, spec.slide);
    case 'session':
      return EventTimeSessionWindows.withGap(spec.gap) as WindowAssigner<unknown, TimeWindow>;
  }
}

function collectWindow(key: string, w: TimeWindow, elements: Iterable<Ev>, out: Collector<string>): void {
  out.collect(describeFiring(key, { start: w.start, end: w.end }, elements));
}

// ---------------------------------------------------------------------------------------------

describe('windows under disorder (property)', () => {
  it('with a watermark delay >= the disorder, results equal the batch oracle at any parallelism', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }).chain((disorder) =>
          fc.record({
            disorder: fc.constant(disorder),
            events: eventsArb(disorder),
            extraDelay: fc.integer({ min: 0, max: 20 }),
            spec: specArb,
            parallelism: fc.integer({ min: 1, max: 4 }),
            periodic: fc.boolean(),
          }),
        ),
        async ({ disorder, events, extraDelay, spec, parallelism, periodic }) => {
          const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
          const delay = disorder + extraDelay;
          let strategy: WatermarkStrategy<Ev>;
          if (periodic) {
            env.getConfig().setAutoWatermarkInterval(1);
            strategy = WatermarkStrategy.forBoundedOutOfOrderness<Ev>(delay);
          } else {
            env.getConfig().setAutoWatermarkInterval(0);
            strategy = punctuated(delay);
          }
          const out = await env
            .fromCollection(events)
            .assignTimestampsAndWatermarks(strategy.withTimestampAssigner((e) => e.ts))
            .setParallelism(1)
            .keyBy((e) => e.key)
            .window(assignerFor(spec))
            .process(collectWindow)
            .executeAndCollect();
          expect(out.sort()).toEqual(batchOracle(events, spec));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('with allowed lateness, late firings and the late side output follow Flink’s semantics', async () => {
    const tumblingOrSliding = specArb.filter((s) => s.kind !== 'session');
    let runsWithLateElements = 0;
    let runsWithLateFirings = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          events: eventsArb(100),
          delay: fc.integer({ min: 0, max: 10 }),
          lateness: fc.integer({ min: 0, max: 30 }),
          spec: tumblingOrSliding,
          parallelism: fc.integer({ min: 1, max: 4 }),
        }),
        async ({ events, delay, lateness, spec, parallelism }) => {
          const result = await runWithLateSide(events, delay, parallelism, (keyed, lateTag) =>
            keyed
              .window(assignerFor(spec))
              .allowedLateness(lateness)
              .sideOutputLateData(lateTag)
              .process(collectWindow),
          );
          const expected = latenessOracle(events, watermarksAfter(events, delay), spec, lateness);
          expect(result.main).toEqual(expected.main);
          expect(result.late).toEqual(expected.late);
          if (expected.late.length > 0) runsWithLateElements++;
          if (new Set(expected.main.map((f) => f.split(':')[0])).size < expected.main.length)
            runsWithLateFirings++;
        },
      ),
      {
        numRuns: 60,
        // One input that surely takes both paths: 7 arrives after the window [0, 10) fired but
        // within its lateness (a late firing); 3 arrives after its cleanup (the side output).
        examples: [
          [
            {
              events: [
                { key: 'a', ts: 5, id: 0 },
                { key: 'a', ts: 12, id: 1 },
                { key: 'a', ts: 7, id: 2 },
                { key: 'a', ts: 40, id: 3 },
                { key: 'a', ts: 3, id: 4 },
              ],
              delay: 0,
              lateness: 10,
              spec: { kind: 'tumbling', size: 10, offset: 0 },
              parallelism: 2,
            },
          ],
        ],
      },
    );
    // The inputs do exercise both paths (dropped late elements and late firings).
    expect(runsWithLateElements).toBeGreaterThan(0);
    expect(runsWithLateFirings).toBeGreaterThan(0);
  });
});

/**
 * An aggregate that keeps its elements, so its results can be compared with the oracle's, and
 * whose merge builds a new list: sliding windows with it share per-slice accumulators.
 */
const collectElements = {
  createAccumulator: (): Ev[] => [],
  add: (e: Ev, acc: Ev[]) => {
    acc.push(e);
    return acc;
  },
  getResult: (acc: Ev[]) => acc,
  merge: (a: Ev[], b: Ev[]) => a.concat(b),
};

function collectAggregated(
  key: string,
  w: TimeWindow,
  results: Iterable<Ev[]>,
  out: Collector<string>,
): void {
  for (const members of results) out.collect(describeFiring(key, { start: w.start, end: w.end }, members));
}

/** Overlapping sliding windows, the slide not always dividing the size. */
const overlappingSlidingArb = fc
  .record({ slide: fc.integer({ min: 2, max: 20 }), extra: fc.integer({ min: 1, max: 45 }) })
  .map(({ slide, extra }) => ({ kind: 'sliding' as const, size: slide + extra, slide }));

describe('sliding windows aggregated per slice (property)', () => {
  it('without late data, results equal the batch oracle at any parallelism', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }).chain((disorder) =>
          fc.record({
            disorder: fc.constant(disorder),
            events: eventsArb(disorder),
            spec: overlappingSlidingArb,
            parallelism: fc.integer({ min: 1, max: 4 }),
          }),
        ),
        async ({ disorder, events, spec, parallelism }) => {
          const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
          env.getConfig().setAutoWatermarkInterval(0);
          const out = await env
            .fromCollection(events)
            .assignTimestampsAndWatermarks(punctuated(disorder).withTimestampAssigner((e) => e.ts))
            .setParallelism(1)
            .keyBy((e) => e.key)
            .window(assignerFor(spec))
            .aggregate(collectElements, collectAggregated)
            .executeAndCollect();
          expect(out.sort()).toEqual(batchOracle(events, spec));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('elements whose windows all fired go to the late side output, the others still count', async () => {
    let runsWithLateElements = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          events: eventsArb(100),
          delay: fc.integer({ min: 0, max: 10 }),
          spec: overlappingSlidingArb,
        }),
        async ({ events, delay, spec }) => {
          const result = await runWithLateSide(events, delay, 2, (keyed, lateTag) =>
            keyed
              .window(assignerFor(spec))
              .sideOutputLateData(lateTag)
              .aggregate(collectElements, collectAggregated),
          );
          const expected = latenessOracle(events, watermarksAfter(events, delay), spec, 0);
          expect(result.main).toEqual(expected.main);
          expect(result.late).toEqual(expected.late);
          if (expected.late.length > 0) runsWithLateElements++;
        },
      ),
      { numRuns: 60 },
    );
    expect(runsWithLateElements).toBeGreaterThan(0);
  });
});

/**
 * Runs `events` through the windows `windowed` builds on the keyed stream, with a watermark after
 * every event (`punctuated(delay)`) and late elements sent to `lateTag`; returns the firings,
 * sorted, and the ids of the late elements, in order.
 */
async function runWithLateSide(
  events: Ev[],
  delay: number,
  parallelism: number,
  windowed: (keyed: KeyedStream<Ev, string>, lateTag: OutputTag<Ev>) => DataStream<string>,
): Promise<{ main: string[]; late: number[] }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
  env.getConfig().setAutoWatermarkInterval(0);
  const lateTag = new OutputTag<Ev>('late');
  const keyed = env
    .fromCollection(events)
    .assignTimestampsAndWatermarks(punctuated(delay).withTimestampAssigner((e) => e.ts))
    .setParallelism(1)
    .keyBy((e) => e.key);
  const firings = windowed(keyed, lateTag);
  const main = new RecordingSink<string>();
  const side = new RecordingSink<Ev>();
  firings.sinkTo(main);
  firings.getSideOutput(lateTag).sinkTo(side);
  await env.execute();
  return { main: main.values.sort(), late: side.values.map((e) => e.id).sort((a, b) => a - b) };
}

/** The watermark `punctuated(delay)` emits after each of `events`. */
function watermarksAfter(events: readonly Ev[], delay: number): number[] {
  let max = Number.NEGATIVE_INFINITY;
  return events.map((e) => {
    max = Math.max(max, e.ts);
    return max - delay - 1;
  });
}

/** A watermark with every event: the largest timestamp seen - delay - 1. */
function punctuated(delay: number): WatermarkStrategy<Ev> {
  return WatermarkStrategy.forGenerator<Ev>(() => {
    let max = Number.NEGATIVE_INFINITY;
    return {
      onEvent: (_e, ts, output) => {
        max = Math.max(max, ts);
        output.emitWatermark(max - delay - 1);
      },
      onPeriodicEmit: () => {},
    };
  });
}
