/**
 * The RxJS baselines of q0–q2 emit the same rows as the queries' hand-written loops (which the
 * q0–q8 tests check against the engine and DuckDB).
 */
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { query as q0 } from '../../bench/nexmark/q0.js';
import { query as q1 } from '../../bench/nexmark/q1.js';
import { query as q2 } from '../../bench/nexmark/q2.js';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import { rxjsBaselines } from '../../bench/nexmark/rxjs-baselines.js';
import { generateEvents, normalise, runLoop } from './harness.js';

const events = generateEvents(10_000);

describe.each([q0, q1, q2].map((q) => [q.name, q] as const))('%s', (name, query) => {
  it('RxJS baseline rows equal the loop rows', async () => {
    const baseline = rxjsBaselines[name as keyof typeof rxjsBaselines];
    const rows = await firstValueFrom(baseline(from(events)).pipe(toArray()));
    const loop = runLoop(query as NexmarkQuery<unknown>, events);
    expect(loop.length).toBeGreaterThan(name === 'q2' ? 5 : 4_000);
    expect(normalise(rows)).toEqual(loop);
  });
});
