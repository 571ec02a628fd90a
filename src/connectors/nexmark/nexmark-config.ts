/**
 * The knobs of the Nexmark generator, named as in the reference `NexmarkConfiguration` (in
 * camelCase), their defaults, their validation, and the event-time model they imply: event
 * number `n` happens at `baseTime` plus `n` inter-event delays, where the delay follows the
 * rate shape (`square` alternates between the first and next rate, `sine` moves between them in
 * ten steps) over `ratePeriodSec`.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import { NexmarkEventType, type NexmarkEventTypeCode } from './model.js';

/** All knobs of the Nexmark generator and source; every field is optional. */
export interface NexmarkConfig {
  /** Events to generate in total; `Infinity` (the default) for an unbounded source. */
  events?: number;
  /**
   * Events per second of *event time* (the spacing of `dateTime`s, not a wall-clock rate).
   * Default 10,000,000: the rate the reference benchmark suites run at (their `TPS`), rather than
   * the 10,000 of the reference option when left unset.
   */
  firstEventRate?: number;
  /** The second rate of the rate shape; defaults to `firstEventRate` (a constant rate). */
  nextEventRate?: number;
  /** How the rate moves between `firstEventRate` and `nextEventRate`. Default `square`. */
  rateShape?: 'square' | 'sine';
  /** Period of the rate shape, in seconds of event time. Default 600. */
  ratePeriodSec?: number;
  /** Out of every `person + auction + bid` events, this many are people. Default 1. */
  personProportion?: number;
  /** … this many are auctions. Default 3. */
  auctionProportion?: number;
  /** … and this many are bids. Default 46. */
  bidProportion?: number;
  /** Average size of a person in bytes; `extra` pads it. Default 200. */
  avgPersonByteSize?: number;
  /** Average size of an auction in bytes; `extra` pads it. Default 500. */
  avgAuctionByteSize?: number;
  /** Average size of a bid in bytes; `extra` pads it. Default 100. */
  avgBidByteSize?: number;
  /** A bid goes to a hot auction with probability `1 - 1/hotAuctionRatio`. Default 2. */
  hotAuctionRatio?: number;
  /** An auction has a hot seller with probability `1 - 1/hotSellersRatio`. Default 4. */
  hotSellersRatio?: number;
  /** A bid has a hot bidder with probability `1 - 1/hotBiddersRatio`. Default 4. */
  hotBiddersRatio?: number;
  /** How many recent auctions a cold bid chooses from. Default 100. */
  numInFlightAuctions?: number;
  /** How many recent people a cold seller or bidder is chosen from. Default 1000. */
  numActivePeople?: number;
  /** Events are shuffled (ids and times) within groups of this many. 1 (default) keeps order. */
  outOfOrderGroupSize?: number;
  /** Event time of event 0, epoch ms. Default {@link DEFAULT_BASE_TIME}, not the wall clock. */
  baseTime?: number;
  /** Wall-clock throttle for the whole source, events per second across all readers. */
  ratePerSecond?: number;
  /**
   * Sets `baseTime` to the wall clock when the job starts, and the event-time rate to
   * `ratePerSecond` (which is then required), so an event's `dateTime` is the wall-clock time
   * at which it is scheduled to be emitted: latency is the time at the sink minus `dateTime`.
   */
  wallClockBaseTime?: boolean;
  /**
   * The kinds of events a source emits ({@link NexmarkEventType} codes); default all three. The
   * others are skipped without being generated, and since each event is a function of its index
   * alone, the events emitted are exactly those of the full stream of these kinds. A job that
   * reads bids only saves generating people and auctions, as a SQL scan whose `event_type`
   * filter is pushed into the source does.
   */
  eventTypes?: readonly NexmarkEventTypeCode[];
}

/** A config with every field filled in; `ratePerSecond` is `Infinity` when not throttled. */
export type ResolvedNexmarkConfig = Readonly<Required<NexmarkConfig>>;

/** 2024-01-01T00:00:00Z: a fixed start so that runs are reproducible. */
export const DEFAULT_BASE_TIME = 1_704_067_200_000;

const DEFAULTS: ResolvedNexmarkConfig = {
  events: Number.POSITIVE_INFINITY,
  firstEventRate: 10_000_000,
  nextEventRate: 10_000_000,
  rateShape: 'square',
  ratePeriodSec: 600,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
  outOfOrderGroupSize: 1,
  baseTime: DEFAULT_BASE_TIME,
  ratePerSecond: Number.POSITIVE_INFINITY,
  wallClockBaseTime: false,
  eventTypes: [NexmarkEventType.PERSON, NexmarkEventType.AUCTION, NexmarkEventType.BID],
};

/** Largest bound for the populations: they feed `nextInt`, which takes a 31-bit bound. */
const MAX_POPULATION = 1_000_000_000;

/**
 * Fills in defaults and checks every field; throws a one-line `INVALID_ARGUMENT` naming the
 * field and the fix. `who` prefixes the message (the public class the user called).
 */
export function resolveNexmarkConfig(config: NexmarkConfig | undefined, who: string): ResolvedNexmarkConfig {
  if (config !== undefined && (typeof config !== 'object' || config === null)) {
    throw invalid(who, `config must be an object, got ${String(config)}; pass e.g. { events: 1000 }`);
  }
  const given = (config ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULTS)) {
      throw invalid(who, `unknown option '${key}'; pass only ${Object.keys(DEFAULTS).join(', ')}`);
    }
  }
  const pick = <K extends keyof NexmarkConfig>(key: K): ResolvedNexmarkConfig[K] =>
    (given[key] === undefined ? DEFAULTS[key] : given[key]) as ResolvedNexmarkConfig[K];

  const events = pick('events');
  if (
    typeof events !== 'number' ||
    !(events === Number.POSITIVE_INFINITY || (Number.isSafeInteger(events) && events >= 0))
  ) {
    throw invalid(
      who,
      `events must be a whole number >= 0 or Infinity, got ${String(events)}; pass e.g. 1000000`,
    );
  }
  const ints: Array<[keyof NexmarkConfig, number, number]> = [
    ['personProportion', 0, MAX_POPULATION],
    ['auctionProportion', 0, MAX_POPULATION],
    ['bidProportion', 0, MAX_POPULATION],
    ['avgPersonByteSize', 0, MAX_POPULATION],
    ['avgAuctionByteSize', 0, MAX_POPULATION],
    ['avgBidByteSize', 0, MAX_POPULATION],
    ['hotAuctionRatio', 1, MAX_POPULATION],
    ['hotSellersRatio', 1, MAX_POPULATION],
    ['hotBiddersRatio', 1, MAX_POPULATION],
    ['numInFlightAuctions', 1, MAX_POPULATION],
    ['numActivePeople', 1, MAX_POPULATION],
    ['outOfOrderGroupSize', 1, MAX_POPULATION],
  ];
  for (const [key, min, max] of ints) {
    const v = pick(key);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw invalid(
        who,
        `${key} must be a whole number from ${min} to ${max}, got ${String(v)}; pass e.g. ${DEFAULTS[key]}`,
      );
    }
  }
  const person = pick('personProportion');
  const auction = pick('auctionProportion');
  const bid = pick('bidProportion');
  if (person + auction + bid === 0) {
    throw invalid(
      who,
      'the proportions are all 0; pass e.g. personProportion: 1, auctionProportion: 3, bidProportion: 46',
    );
  }
  if ((auction > 0 || bid > 0) && person === 0) {
    throw invalid(who, 'auctions and bids need people (personProportion 0); pass personProportion >= 1');
  }
  if (bid > 0 && auction === 0) {
    throw invalid(who, 'bids need auctions (auctionProportion 0); pass auctionProportion >= 1');
  }
  const rateShape = pick('rateShape');
  if (rateShape !== 'square' && rateShape !== 'sine') {
    throw invalid(who, `rateShape must be 'square' or 'sine', got ${String(rateShape)}; pass 'square'`);
  }
  for (const key of ['firstEventRate', 'nextEventRate', 'ratePeriodSec'] as const) {
    const v = given[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      throw invalid(who, `${key} must be a finite number > 0, got ${String(v)}; pass e.g. ${DEFAULTS[key]}`);
    }
  }
  const ratePerSecond = pick('ratePerSecond');
  if (!(typeof ratePerSecond === 'number' && ratePerSecond > 0)) {
    throw invalid(
      who,
      `ratePerSecond must be a number > 0, got ${String(ratePerSecond)}; pass e.g. 100000, or leave it out for no limit`,
    );
  }
  const baseTime = pick('baseTime');
  if (!Number.isSafeInteger(baseTime)) {
    throw invalid(
      who,
      `baseTime must be a whole number of epoch milliseconds, got ${String(baseTime)}; pass e.g. Date.now()`,
    );
  }
  const wallClockBaseTime = pick('wallClockBaseTime');
  if (typeof wallClockBaseTime !== 'boolean') {
    throw invalid(
      who,
      `wallClockBaseTime must be true or false, got ${String(wallClockBaseTime)}; pass true or leave it out`,
    );
  }
  const eventTypes = pick('eventTypes');
  if (
    !Array.isArray(eventTypes) ||
    eventTypes.length === 0 ||
    !eventTypes.every(
      (t) => t === NexmarkEventType.PERSON || t === NexmarkEventType.AUCTION || t === NexmarkEventType.BID,
    )
  ) {
    throw invalid(
      who,
      `eventTypes must be a non-empty list of NexmarkEventType codes, got ${String(eventTypes)}; pass e.g. [NexmarkEventType.BID]`,
    );
  }
  let firstEventRate = pick('firstEventRate');
  let nextEventRate = given.nextEventRate === undefined ? firstEventRate : pick('nextEventRate');
  if (wallClockBaseTime) {
    if (ratePerSecond === Number.POSITIVE_INFINITY) {
      throw invalid(
        who,
        'wallClockBaseTime needs ratePerSecond, the rate event time follows; pass e.g. ratePerSecond: 100000',
      );
    }
    firstEventRate = ratePerSecond;
    nextEventRate = ratePerSecond;
  }
  return Object.freeze({
    events,
    firstEventRate,
    nextEventRate,
    rateShape,
    ratePeriodSec: pick('ratePeriodSec'),
    personProportion: person,
    auctionProportion: auction,
    bidProportion: bid,
    avgPersonByteSize: pick('avgPersonByteSize'),
    avgAuctionByteSize: pick('avgAuctionByteSize'),
    avgBidByteSize: pick('avgBidByteSize'),
    hotAuctionRatio: pick('hotAuctionRatio'),
    hotSellersRatio: pick('hotSellersRatio'),
    hotBiddersRatio: pick('hotBiddersRatio'),
    numInFlightAuctions: pick('numInFlightAuctions'),
    numActivePeople: pick('numActivePeople'),
    outOfOrderGroupSize: pick('outOfOrderGroupSize'),
    baseTime,
    ratePerSecond,
    wallClockBaseTime,
    eventTypes: Object.freeze([...new Set(eventTypes)].sort()),
  });
}

/** Steps of the sine shape per period, as in the reference. */
const SINE_STEPS = 10;

/**
 * The event-time model: maps an event number to its timestamp. With one rate this is the
 * reference's `baseTime + trunc(n * delayUs) / 1000`, exactly. With two rates the shape cycles
 * through steps of `ceil(ratePeriodSec / steps)` seconds, each at one inter-event delay, as the
 * original Beam generator does; the delays here are fractional microseconds (the reference
 * rounds them to whole microseconds, which is 0 at the benchmark's 10M events/s).
 */
export class EventTimeModel {
  private readonly delaysUs: number[];
  private readonly eventsPerStep: number[];
  private readonly eventsPerEpoch: number;
  private readonly epochPeriodMs: number;
  private readonly baseTime: number;

  constructor(config: ResolvedNexmarkConfig) {
    this.baseTime = config.baseTime;
    const first = config.firstEventRate;
    const next = config.nextEventRate;
    if (first === next) {
      this.delaysUs = [1_000_000 / first];
    } else if (config.rateShape === 'square') {
      this.delaysUs = [1_000_000 / first, 1_000_000 / next];
    } else {
      const mid = (first + next) / 2;
      const amp = (first - next) / 2;
      this.delaysUs = [];
      for (let i = 0; i < SINE_STEPS; i++) {
        const rate = Math.max(1, Math.round(mid + amp * Math.cos((2 * Math.PI * i) / SINE_STEPS)));
        this.delaysUs.push(1_000_000 / rate);
      }
    }
    const steps = this.delaysUs.length;
    const stepLengthSec = Math.ceil(config.ratePeriodSec / (config.rateShape === 'sine' ? SINE_STEPS : 2));
    this.eventsPerStep = this.delaysUs.map((d) => Math.max(1, Math.floor((stepLengthSec * 1_000_000) / d)));
    this.eventsPerEpoch = steps === 1 ? 0 : this.eventsPerStep.reduce((a, b) => a + b, 0);
    this.epochPeriodMs =
      steps === 1
        ? 0
        : this.eventsPerStep.reduce((a, n, i) => a + Math.floor((n * this.delaysUs[i]) / 1000), 0);
  }

  /** Event time, epoch ms, of event number `n` (before any out-of-order shuffling). */
  timestampForEvent(n: number): number {
    const delays = this.delaysUs;
    if (delays.length === 1) return this.baseTime + Math.floor(Math.floor(n * delays[0]) / 1000);
    const epoch = Math.floor(n / this.eventsPerEpoch);
    let rest = n - epoch * this.eventsPerEpoch;
    let offsetMs = 0;
    for (let i = 0; i < delays.length; i++) {
      const count = this.eventsPerStep[i];
      if (rest < count) {
        return this.baseTime + epoch * this.epochPeriodMs + offsetMs + Math.floor((delays[i] * rest) / 1000);
      }
      rest -= count;
      offsetMs += Math.floor((count * delays[i]) / 1000);
    }
    // Unreachable: rest < eventsPerEpoch.
    return this.baseTime + (epoch + 1) * this.epochPeriodMs;
  }
}

function invalid(who: string, message: string) {
  return userError(ErrorCodes.INVALID_ARGUMENT, `${who}: ${message}`);
}
