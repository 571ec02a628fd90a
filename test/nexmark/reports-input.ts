/**
 * Inputs and checks shared by the correctness tests of the Nexmark reports and row queries
 * (q10, q14–q17, q21, q22): the harness's generated events, and a varied copy of them.
 *
 * Generated events alone exercise little of these queries: they span milliseconds of one day
 * and their URLs share few shapes. So each query also runs on {@link vary}'s copy of them,
 * whose event times stretch over 30 hours across two midnights (UTC) and whose bids carry every
 * price rank, channel names in odd letter cases, and URLs with the edge cases of q21's regular
 * expression and of q22's `SPLIT_INDEX`. None of these queries has a window, so event order can
 * only change the order of rows (and which row of a key comes last); the out-of-order inputs
 * check that the results do not change.
 */
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import type { Bid, NexmarkEvent } from '../../src/index.js';
import { expectAllAgree, generateEvents } from './harness.js';

/** Events per input: enough for repeated keys, few enough for the 30 s a test file may take. */
export const EVENTS = 10_000;

/** 2024-01-01 21:30 UTC: the varied events start 2.5 hours before a midnight. */
export const VARIED_START = Date.UTC(2024, 0, 1, 21, 30);
/** The varied events span 30 hours, so they cross two midnights and every hour of the day. */
const VARIED_SPAN_MS = 30 * 3_600_000;

const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
/** Hot channel names in other letter cases: q21 lower-cases the name before matching it. */
const ODD_CASE_CHANNELS = ['google', 'FACEBOOK', 'BaiDu', 'aPPLE'];
/** URLs at the edges of q21's `(&|^)channel_id=([^&]*)` and of q22's `SPLIT_INDEX(url, '/', 3…5)`. */
const EDGE_URLS = [
  'channel_id=42&query=1', // matches at the start
  'https://www.nexmark.com/ab/cd/ef/item.htm?query=1&channel_id=', // empty id: '' is not null
  'https://www.nexmark.com/ab/cd/ef/item.htm?query=1&xchannel_id=9', // not after & or ^
  'https://www.nexmark.com/ab/cd/ef/item.htm?channel_id=7', // after ?: no match either
  'https://www.nexmark.com/ab/cd/ef/item.htm?query=1&channel_id=5&channel_id=6', // the first
  'https://www.nexmark.com/only', // no dir2 or dir3
  'https://www.nexmark.com/ab/cd', // no dir3
  'https://www.nexmark.com/ab//ef/', // an empty dir2, dir3 'ef'
  '', // no parts at all
];

/**
 * A copy of `events` whose event times are spread evenly over {@link VARIED_SPAN_MS} from
 * {@link VARIED_START} in the order given (generated times advance only a millisecond per
 * 10,000 events), and whose bids are rewritten deterministically: prices from 100 to 10^8 (the
 * reference's log-uniform spread, so all three ranks), channels hot, odd-cased or among 40 cold
 * ones (each with its own URL, nine in ten with a `channel_id`), 3% edge-case URLs, and
 * `extra`s with and without `c`s.
 */
export function vary(events: readonly NexmarkEvent[], seed = 11): NexmarkEvent[] {
  const random = mulberry32(seed);
  const below = (n: number): number => Math.floor(random() * n);
  const n = events.length;
  return events.map((e, i): NexmarkEvent => {
    const dateTime = VARIED_START + Math.floor((i * VARIED_SPAN_MS) / n);
    if (e.person !== null) return { ...e, person: { ...e.person, dateTime } };
    if (e.auction !== null) {
      const a = e.auction;
      return { ...e, auction: { ...a, dateTime, expires: dateTime + (a.expires - a.dateTime) } };
    }
    const b = e.bid as Bid;
    let channel: string;
    let url: string;
    const pick = below(100);
    if (pick < 45) {
      channel = HOT_CHANNELS[below(4)]!;
      url = `https://www.nexmark.com/hot/${channel}/x/item.htm?query=1`;
    } else if (pick < 50) {
      channel = ODD_CASE_CHANNELS[below(4)]!;
      url = `https://www.nexmark.com/odd/${channel}/y/item.htm?query=1`;
    } else {
      const c = below(40);
      channel = `channel-${c}`;
      url = `https://www.nexmark.com/c${c % 7}/d${c % 5}/e${c}/item.htm?query=1`;
      if (c % 10 !== 0) url += `&channel_id=${c * 7919}`;
    }
    if (below(100) < 3) url = EDGE_URLS[below(EDGE_URLS.length)]!;
    let extra = '';
    for (let k = below(12); k > 0; k--) extra += 'abcc '[below(5)];
    const price = Math.round(10 ** (random() * 6) * 100);
    return { ...e, bid: { ...b, price, channel, url, extra, dateTime } };
  });
}

/** `events` reordered within consecutive groups of `size` by a deterministic shuffle. */
export function shuffleInGroups(events: readonly NexmarkEvent[], size: number, seed = 5): NexmarkEvent[] {
  const out = events.slice();
  const random = mulberry32(seed);
  for (let start = 0; start < out.length; start += size) {
    for (let i = Math.min(start + size, out.length) - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The normalised rows back as objects, to look into what a result covers. */
export function parse(rows: readonly string[]): Record<string, unknown>[] {
  return rows.map((row) => JSON.parse(row) as Record<string, unknown>);
}

/**
 * The four inputs every query of the reports runs on: generated events in order and out of order
 * (the generator's `outOfOrderGroupSize`), and {@link vary}'s copy in order and shuffled.
 * `varied` is the third, for the checks of what a result covers.
 */
export async function reportInputs(): Promise<{
  inputs: [string, NexmarkEvent[]][];
  varied: NexmarkEvent[];
}> {
  const generated = await generateEvents(EVENTS);
  const varied = vary(generated);
  const inputs: [string, NexmarkEvent[]][] = [
    ['generated events', generated],
    ['generated events out of order', await generateEvents(EVENTS, { outOfOrderGroupSize: 16 })],
    ['varied events', varied],
    // Groups of 16 varied events span minutes, far beyond the 4 s watermark delay: harmless here,
    // since none of these queries has a window or timer that a late event could miss.
    ['varied events out of order', shuffleInGroups(varied, 16)],
  ];
  return { inputs, varied };
}

/** Asserts engine (parallelism 1 and 2), loop and DuckDB agree; returns the parsed rows. */
export async function agree(query: NexmarkQuery<any>, events: readonly NexmarkEvent[]) {
  return parse(await expectAllAgree(query, events));
}
