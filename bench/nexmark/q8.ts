/**
 * Nexmark q8, monitor new users: the people who opened an auction in the same tumbling 10 s
 * window in which they registered, with the window's start. People and auctions meet in one
 * keyed window per person id (= seller) and window.
 */
import {
  type AggregateFunction,
  type Collector,
  type NexmarkEvent,
  NexmarkEventType,
  type TimeWindow,
  TumblingEventTimeWindows,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** q8's row: a new person who sold in their first window. */
export interface Q8Row {
  readonly id: number;
  readonly name: string;
  /** Start of the window, epoch ms. */
  readonly starttime: number;
}

const SIZE = 10_000;

/** What a person's window saw: their registration's name, and whether they opened an auction. */
interface Seen {
  readonly name: string | null;
  readonly sold: boolean;
}

const NOTHING: Seen = { name: null, sold: false };

// Accumulators are replaced, never changed, and only when something new is seen.
const personAndSales: AggregateFunction<NexmarkEvent, Seen, Seen> = {
  createAccumulator: () => NOTHING,
  add: (e, s) =>
    e.person !== null ? { name: e.person.name, sold: s.sold } : s.sold ? s : { name: s.name, sold: true },
  getResult: (s) => s,
  merge: (x, y) => ({ name: x.name ?? y.name, sold: x.sold || y.sold }),
};

function emitNewSeller(id: number, window: TimeWindow, results: Iterable<Seen>, out: Collector<Q8Row>) {
  for (const s of results)
    if (s.name !== null && s.sold) out.collect({ id, name: s.name, starttime: window.start });
}

const isPersonOrAuction = (e: NexmarkEvent): boolean => e.type !== NexmarkEventType.BID;
const personId = (e: NexmarkEvent): number => (e.person !== null ? e.person.id : e.auction!.seller);

/** q8: people who registered and opened an auction in the same 10 s window. */
export const query: NexmarkQuery<Q8Row> = {
  name: 'q8',
  eventTypes: [NexmarkEventType.PERSON, NexmarkEventType.AUCTION],
  description:
    'Monitor new users: people who opened an auction in the tumbling 10 s window they registered in',
  build: (events) =>
    events
      .filter(isPersonOrAuction)
      .keyBy(personId)
      .window(TumblingEventTimeWindows.of(SIZE))
      .aggregate(personAndSales, emitNewSeller),
  loop(emit) {
    // Open windows by start: the people registered and the sellers seen in each.
    const windows = new Map<number, { people: Map<number, string>; sellers: Set<number> }>();
    let maxTime = Number.NEGATIVE_INFINITY;

    function closeUpTo(watermark: number): void {
      for (const [start, w] of windows) {
        if (start + SIZE - 1 > watermark) continue;
        for (const [id, name] of w.people) if (w.sellers.has(id)) emit({ id, name, starttime: start });
        windows.delete(start);
      }
    }
    function windowAt(t: number) {
      const start = t - (t % SIZE);
      let w = windows.get(start);
      if (w === undefined) windows.set(start, (w = { people: new Map(), sellers: new Set() }));
      return w;
    }

    return {
      onEvent(e) {
        let t: number;
        if (e.type === NexmarkEventType.BID) t = e.bid!.dateTime;
        else if (e.person !== null) {
          t = e.person.dateTime;
          windowAt(t).people.set(e.person.id, e.person.name);
        } else {
          const a = e.auction!;
          t = a.dateTime;
          windowAt(t).sellers.add(a.seller);
        }
        if (t > maxTime) {
          maxTime = t;
          closeUpTo(maxTime - 4001);
        }
      },
      finish() {
        closeUpTo(Number.MAX_SAFE_INTEGER);
      },
    };
  },
  duckdb: `
    SELECT P.id, P.name, P.starttime
    FROM (SELECT DISTINCT id, name, (epoch_ms(dateTime) // ${SIZE}) * ${SIZE} AS starttime FROM person) AS P
    JOIN (SELECT DISTINCT seller, (epoch_ms(dateTime) // ${SIZE}) * ${SIZE} AS starttime FROM auction) AS A
      ON P.id = A.seller AND P.starttime = A.starttime`,
  latencyTime: (row) => row.starttime + SIZE - 1 + 4000,
};
