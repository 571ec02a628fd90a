/**
 * Nexmark q11, user sessions: how many bids each bidder made in each of their sessions, where a
 * session is a run of bids with no gap of more than 10 s between them (event-time session
 * windows with a 10 s gap). A session starts at its first bid and ends 10 s after its last, as
 * the reference's `SESSION_START` and `SESSION_END`.
 */
import {
  type AggregateFunction,
  type Bid,
  type Collector,
  type DataStream,
  EventTimeSessionWindows,
  type NexmarkEvent,
  NexmarkEventType,
  nexmarkEventTime,
  type TimeWindow,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One result row of q11. */
export interface Q11Row {
  readonly bidder: number;
  readonly bid_count: number;
  /** The session's first bid's `dateTime`. */
  readonly starttime: number;
  /** The session's last bid's `dateTime` plus the gap. */
  readonly endtime: number;
}

/** The session gap, ms. */
export const GAP = 10_000;

/** The watermark trails the largest event time seen by this much, as in the reference table. */
const WATERMARK_DELAY = 4_000;

/** Counts a window's bids. */
const count: AggregateFunction<number, number, number> = {
  createAccumulator: () => 0,
  add: (_bid, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

function sessionRow(
  bidder: number,
  window: TimeWindow,
  counts: Iterable<number>,
  out: Collector<Q11Row>,
): void {
  for (const bid_count of counts)
    out.collect({ bidder, bid_count, starttime: window.start, endtime: window.end });
}

/** An open session of the loop: `[start, end)` holding `count` bids. */
interface Session {
  readonly bidder: number;
  start: number;
  end: number;
  count: number;
  /** The `end` under which the session sits in the queue (it may have grown since). */
  queuedEnd: number;
  /** Merged into another session: skip it when it leaves the queue. */
  dead: boolean;
}

/** A min-heap of sessions by `queuedEnd`: the loop's timer queue. */
class SessionQueue {
  private readonly items: Session[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Session | undefined {
    return this.items[0];
  }

  push(s: Session): void {
    const items = this.items;
    let i = items.push(s) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as Session;
      if (p.queuedEnd <= s.queuedEnd) break;
      items[i] = p;
      i = parent;
    }
    items[i] = s;
  }

  pop(): Session | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop() as Session;
    if (items.length === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      const right = items[child + 1];
      if (right !== undefined && right.queuedEnd < (items[child] as Session).queuedEnd) child++;
      const c = items[child] as Session;
      if (last.queuedEnd <= c.queuedEnd) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** q11: bids per bidder per event-time session with a 10 s gap. */
export const query: NexmarkQuery<Q11Row> = {
  name: 'q11',
  eventTypes: [NexmarkEventType.BID],
  description: 'User sessions: bids per bidder in each event-time session with a 10 s gap',

  build(events: DataStream<NexmarkEvent>): DataStream<Q11Row> {
    return (
      events
        .filter((e) => e.type === NexmarkEventType.BID)
        // Only the bidder crosses to the thread that owns it, not the bid's strings.
        .map((e) => (e.bid as Bid).bidder)
        .keyBy((bidder) => bidder)
        .window(EventTimeSessionWindows.withGap(GAP))
        .aggregate(count, sessionRow)
    );
  },

  loop(emit) {
    // A bidder has one open session unless out-of-order bids opened a second one that a later
    // bid may still bridge; windows that touch merge, as in the engine.
    const open = new Map<number, Session[]>();
    const queue = new SessionQueue();
    let maxTime = Number.NEGATIVE_INFINITY;

    const close = (s: Session): void => {
      const list = open.get(s.bidder) as Session[];
      if (list.length === 1) open.delete(s.bidder);
      else list.splice(list.indexOf(s), 1);
      emit({ bidder: s.bidder, bid_count: s.count, starttime: s.start, endtime: s.end });
    };

    /** Closes the sessions whose last timestamp (`end - 1`) the watermark has passed. */
    const advance = (watermark: number): void => {
      for (let s = queue.peek(); s !== undefined && s.queuedEnd - 1 <= watermark; s = queue.peek()) {
        queue.pop();
        if (s.dead) continue;
        if (s.end - 1 <= watermark) {
          close(s);
        } else {
          s.queuedEnd = s.end;
          queue.push(s);
        }
      }
    };

    const add = (bidder: number, t: number): void => {
      const end = t + GAP;
      let list = open.get(bidder);
      if (list === undefined) {
        list = [];
        open.set(bidder, list);
      }
      let into: Session | undefined;
      for (let i = 0; i < list.length; i++) {
        const s = list[i] as Session;
        if (s.start > end || s.end < t) continue;
        if (into === undefined) {
          into = s;
          if (t < s.start) s.start = t;
          if (end > s.end) s.end = end;
          s.count++;
        } else {
          // The bid bridges two sessions: fold `s` into `into`.
          if (s.start < into.start) into.start = s.start;
          if (s.end > into.end) into.end = s.end;
          into.count += s.count;
          s.dead = true;
          list.splice(i--, 1);
        }
      }
      if (into === undefined) {
        const s: Session = { bidder, start: t, end, count: 1, queuedEnd: end, dead: false };
        list.push(s);
        queue.push(s);
      }
    };

    return {
      onEvent(e) {
        // The watermark follows every event, as the source's does, not only bids.
        const t = nexmarkEventTime(e);
        if (e.type === NexmarkEventType.BID) add((e.bid as Bid).bidder, t);
        if (t > maxTime) {
          maxTime = t;
          advance(maxTime - WATERMARK_DELAY);
        }
      },
      finish() {
        advance(Number.POSITIVE_INFINITY);
      },
    };
  },

  duckdb: `
    WITH marked AS (
      SELECT bidder, dateTime,
        CASE WHEN dateTime - LAG(dateTime) OVER (PARTITION BY bidder ORDER BY dateTime)
                  <= INTERVAL ${GAP} MILLISECOND
             THEN 0 ELSE 1 END AS starts
      FROM bid),
    numbered AS (
      SELECT bidder, dateTime,
        SUM(starts) OVER (PARTITION BY bidder ORDER BY dateTime ROWS UNBOUNDED PRECEDING) AS session
      FROM marked)
    SELECT bidder, COUNT(*) AS bid_count, MIN(dateTime) AS starttime,
      MAX(dateTime) + INTERVAL ${GAP} MILLISECOND AS endtime
    FROM numbered
    GROUP BY bidder, session`,

  latencyTime: (row) => row.endtime - 1 + WATERMARK_DELAY,
};
