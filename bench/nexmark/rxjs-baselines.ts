/**
 * RxJS baselines for the stateless Nexmark queries q0–q2: what a TypeScript developer would
 * write with RxJS operators to compute the same rows, for `weir bench nexmark` to time next to
 * the engine and the hand-written loop. The rows equal the query files' (tested in
 * `test/nexmark/rxjs-baselines.test.ts`).
 */
import { filter, map, type Observable } from 'rxjs';
import { type Bid, type NexmarkEvent, NexmarkEventType } from '../../src/index.js';
import { EUROS_PER_DOLLAR, type Q1Row } from './q1.js';
import type { Q2Row } from './q2.js';

const bids = (events: Observable<NexmarkEvent>): Observable<Bid> =>
  events.pipe(
    filter((e) => e.type === NexmarkEventType.BID),
    map((e) => e.bid as Bid),
  );

/** Each baseline turns the Nexmark event stream into the query's rows. */
export const rxjsBaselines: Record<
  'q0' | 'q1' | 'q2',
  (events: Observable<NexmarkEvent>) => Observable<unknown>
> = {
  q0: bids,
  q1: (events) =>
    bids(events).pipe(
      map(
        (b): Q1Row => ({
          auction: b.auction,
          bidder: b.bidder,
          price: b.price * EUROS_PER_DOLLAR,
          dateTime: b.dateTime,
          extra: b.extra,
        }),
      ),
    ),
  q2: (events) =>
    bids(events).pipe(
      filter((b) => b.auction % 123 === 0),
      map((b): Q2Row => ({ auction: b.auction, price: b.price })),
    ),
};
