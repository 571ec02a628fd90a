/**
 * Nexmark q9 (winning bids, updating), q13 (bounded side input join) and q20 (bids expanded with
 * their category-10 auction): the engine at parallelism 1 and 2, the hand-written loop and
 * DuckDB must give the same rows, for input in order and shuffled within small groups.
 */
import { describe, expect, it } from 'vitest';
import { query as q9 } from '../../bench/nexmark/q9.js';
import { query as q13, SIDE_INPUT, SIDE_INPUT_ROWS } from '../../bench/nexmark/q13.js';
import { query as q20 } from '../../bench/nexmark/q20.js';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import { expectAllAgree, generateEvents, runEngine } from './harness.js';

const EVENTS = 20_000;
/** 1000 events per second of event time: 20 s of auctions and bids. */
const RATE = 1000;
const inOrder = generateEvents(EVENTS, { firstEventRate: RATE });
/** The same events shuffled within groups spanning 2 s, less than the watermark delay. */
const outOfOrder = generateEvents(EVENTS, { firstEventRate: RATE, outOfOrderGroupSize: 2 * RATE });

describe.each([q9, q13, q20] as NexmarkQuery<unknown>[])('$name', (query) => {
  it('engine, loop and DuckDB agree at parallelism 1 and 2', async () => {
    await expectAllAgree(query, inOrder);
  });

  it('gives the same rows when events arrive out of order within the watermark delay', async () => {
    expect(await expectAllAgree(query, outOfOrder)).toEqual(await runEngine(query, inOrder));
  });
});

describe('q13 side table', () => {
  it('maps every key in [0, 10000) to its decimal string, as the reference file does', () => {
    expect(SIDE_INPUT).toHaveLength(SIDE_INPUT_ROWS);
    for (const key of [0, 1, 42, 9999]) expect(SIDE_INPUT[key]).toBe(String(key));
  });
});
