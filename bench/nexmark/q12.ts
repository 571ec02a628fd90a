/**
 * Nexmark q12, processing-time windows: how many bids each bidder makes in each 10 s tumbling
 * window of processing time (the wall clock when the bid is processed, not its `dateTime`).
 *
 * Results depend on how fast events flow, so they are not deterministic: only invariants can
 * be checked (every bid is counted once, in a window aligned to 10 s). A bounded run ends
 * before the clock reaches the end of the last windows; so that those bids are counted too,
 * the windows also fire at end of input (the final watermark), which the reference, running on
 * an unbounded stream, never reaches.
 */
import {
  type AggregateFunction,
  type Bid,
  type Collector,
  type DataStream,
  MAX_WATERMARK,
  type NexmarkEvent,
  NexmarkEventType,
  type TimeWindow,
  Trigger,
  type TriggerContext,
  type TriggerResult,
  TumblingProcessingTimeWindows,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One result row of q12; `starttime` and `endtime` are processing time. */
export interface Q12Row {
  readonly bidder: number;
  readonly bid_count: number;
  readonly starttime: number;
  readonly endtime: number;
}

/** The window size, ms of processing time. */
export const WINDOW = 10_000;

/** Counts a window's bids. */
const count: AggregateFunction<number, number, number> = {
  createAccumulator: () => 0,
  add: (_bid, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

function windowRow(
  bidder: number,
  window: TimeWindow,
  counts: Iterable<number>,
  out: Collector<Q12Row>,
): void {
  for (const bid_count of counts)
    out.collect({ bidder, bid_count, starttime: window.start, endtime: window.end });
}

/**
 * Fires a window when processing time reaches its end, as the default processing-time trigger
 * does, or when the input ends (the final watermark), whichever comes first.
 */
export class ProcessingTimeOrEndOfInputTrigger extends Trigger<unknown, TimeWindow> {
  onElement(_element: unknown, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    ctx.registerEventTimeTimer(MAX_WATERMARK);
    return 'CONTINUE';
  }

  onProcessingTime(): TriggerResult {
    return 'FIRE';
  }

  onEventTime(time: number): TriggerResult {
    return time === MAX_WATERMARK ? 'FIRE' : 'CONTINUE';
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
    ctx.deleteEventTimeTimer(MAX_WATERMARK);
  }
}

/** q12: bids per bidder per 10 s tumbling window of processing time. */
export const query: NexmarkQuery<Q12Row> = {
  name: 'q12',
  eventTypes: [NexmarkEventType.BID],
  description: 'Processing-time windows: bids per bidder in 10 s tumbling windows of processing time',

  build(events: DataStream<NexmarkEvent>): DataStream<Q12Row> {
    return (
      events
        .filter((e) => e.type === NexmarkEventType.BID)
        // Only the bidder crosses to the thread that owns it, not the bid's strings.
        .map((e) => (e.bid as Bid).bidder)
        .keyBy((bidder) => bidder)
        .window(TumblingProcessingTimeWindows.of(WINDOW))
        .trigger(new ProcessingTimeOrEndOfInputTrigger())
        .aggregate(count, windowRow)
    );
  },

  loop(emit) {
    // Windows of processing time are the same for every bidder: one map of counts per window.
    let counts = new Map<number, number>();
    let start = 0;
    let end = Number.NEGATIVE_INFINITY;
    const flush = (): void => {
      for (const [bidder, bid_count] of counts) emit({ bidder, bid_count, starttime: start, endtime: end });
      counts = new Map();
    };
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const now = Date.now();
        if (now >= end) {
          flush();
          start = now - (now % WINDOW);
          end = start + WINDOW;
        }
        const bidder = (e.bid as Bid).bidder;
        counts.set(bidder, (counts.get(bidder) ?? 0) + 1);
      },
      finish: flush,
    };
  },

  processingTime: true,
  notes:
    'Not deterministic (windows of processing time), so there is no DuckDB SQL: the tests check that ' +
    "each bidder's counts sum to its bids and that windows are aligned 10 s intervals. Windows also " +
    'fire at end of input, so a bounded run counts every bid.',
};
