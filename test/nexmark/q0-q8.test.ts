/**
 * Nexmark q0–q8: the engine's result (parallelism 1 and 2), the hand-written loop's and DuckDB's
 * on the same generated events must be equal. The stateful queries also run on out-of-order
 * input (the generator's `outOfOrderGroupSize`: the same events, reordered within groups that
 * span less than the 4 s watermark delay, so no event is late), where all must give the in-order
 * result.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import { query as q0 } from '../../bench/nexmark/q0.js';
import { query as q1 } from '../../bench/nexmark/q1.js';
import { query as q2 } from '../../bench/nexmark/q2.js';
import { query as q3 } from '../../bench/nexmark/q3.js';
import { query as q4 } from '../../bench/nexmark/q4.js';
import { query as q5 } from '../../bench/nexmark/q5.js';
import { query as q6 } from '../../bench/nexmark/q6.js';
import { query as q7 } from '../../bench/nexmark/q7.js';
import { query as q7SameState } from '../../bench/nexmark/q7-same-state.js';
import { query as q8 } from '../../bench/nexmark/q8.js';
import type { NexmarkEvent } from '../../src/index.js';
import { generateEvents, runDuckdb, runEngine, runLoop } from './harness.js';

const EVENTS = 20_000;
// 500 events per second of event time: the input spans 40 s, four tumbling windows and twenty
// hops; an out-of-order group of 1000 events spans 2 s.
const RATE = { firstEventRate: 500 };
const OUT_OF_ORDER = { ...RATE, outOfOrderGroupSize: 1000 };

let events: NexmarkEvent[];
let shuffled: NexmarkEvent[];

beforeAll(() => {
  events = generateEvents(EVENTS, RATE);
  shuffled = generateEvents(EVENTS, OUT_OF_ORDER);
});

/**
 * Each query, the fewest result rows (after upserts) it must give on these events, and whether it
 * keeps state across events (and so must be checked on out-of-order input).
 */
const cases: [NexmarkQuery<any>, number, boolean][] = [
  [q0, 10_000, false],
  [q1, 10_000, false],
  [q2, 20, false],
  [q3, 20, true],
  [q4, 5, true],
  [q5, 20, true],
  [q6, 50, true],
  [q7, 4, true],
  [q7SameState, 4, true],
  [q8, 5, true],
];

describe.each(cases.map(([q, n, t]) => [q.name, q, n, t] as const))(
  '%s',
  (_name, query, minRows, stateful) => {
    it('engine (parallelism 1, and 2 with parallel source readers), loop and DuckDB agree', async () => {
      const duckdb = await runDuckdb(query, events);
      expect(duckdb).toBeDefined();
      expect(duckdb!.length).toBeGreaterThanOrEqual(minRows);
      expect(runLoop(query, events)).toEqual(duckdb);
      expect(await runEngine(query, events, { parallelism: 1 })).toEqual(duckdb);
      expect(await runEngine(query, events, { parallelism: 2, generatedWith: RATE })).toEqual(duckdb);
    });

    it.runIf(stateful && (query.latencyTime !== undefined || query.upsertKey !== undefined))(
      'the loop emits as event time advances, not only at the end of input',
      () => {
        let rows = 0;
        const loop = query.loop(() => rows++);
        for (const e of events) loop.onEvent(e);
        expect(rows).toBeGreaterThan(0);
      },
    );

    it.runIf(stateful)('gives the in-order result on out-of-order input', async () => {
      expect(shuffled).not.toEqual(events);
      const inOrder = await runDuckdb(query, events);
      expect(await runDuckdb(query, shuffled)).toEqual(inOrder);
      expect(runLoop(query, shuffled)).toEqual(inOrder);
      expect(await runEngine(query, shuffled, { parallelism: 2, generatedWith: OUT_OF_ORDER })).toEqual(
        inOrder,
      );
    });
  },
);
