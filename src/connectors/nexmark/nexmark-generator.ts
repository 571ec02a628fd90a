/**
 * The Nexmark event generator: event `i` of the stream is a pure function of `i` and the config,
 * computed as the reference generator (`nexmark/nexmark`, as used by Flink's benchmark, in its
 * original form that seeds a `java.util.Random` with each event's id) computes it. Out of every
 * `person + auction + bid` consecutive ids the first are people, then auctions, then bids
 * (1 : 3 : 46 by default). People and auctions are numbered from 1000 in id order; a bid names a
 * hot auction (the first of the latest hundred) or one of the last `numInFlightAuctions`, and a
 * hot bidder (the second of the latest hundred people) or one of the last `numActivePeople`; as
 * in the reference, a cold choice may lead the newest id by up to 10, as if that person or
 * auction had arrived a little late.
 *
 * With `outOfOrderGroupSize = g > 1`, index `i` becomes event number
 * `floor(i / g) * g + (i * 953) % g`, which shuffles ids and times within each group of `g`.
 *
 * Deliberate differences from the reference, all documented on the config or here:
 * - The reference adds the first person id to a bid's bidder twice (bidders start at 2000 and
 *   name no person); here once, as in the original Beam generator, so bidders are people.
 * - The `extra` source string and the channel URLs come from fixed seeds instead of the clock.
 * - Parallel readers share one timeline (event `i` has the same time at any parallelism) instead
 *   of one timeline per reader with the delay multiplied by the parallelism.
 * - The reference's Flink version keeps one rate and ignores `nextEventRate` and `rateShape`;
 *   here they shape the rate as in the original Beam generator, with fractional-microsecond
 *   delays (see `EventTimeModel`). With the two rates equal (the default) times are exact.
 * - Prices use `exp` instead of `pow` (see `nextPrice`): equal in every event checked so far.
 *
 * As in the reference, `extra` is a slice of one pre-built random string of 1 MiB at a random
 * offset, with a length uniform within ±20% of what pads the event to its average size.
 */
import type { Auction, Bid, NexmarkEvent, NexmarkEventTypeCode, Person } from './model.js';
import { NexmarkEventType } from './model.js';
import { JavaRandom } from './java-random.js';
import {
  EventTimeModel,
  type NexmarkConfig,
  type ResolvedNexmarkConfig,
  resolveNexmarkConfig,
} from './nexmark-config.js';
import {
  CARD_GROUPS,
  type ChannelUrl,
  channelTable,
  extraSourceString,
  FULL_NAMES,
  LAST_NAMES,
  nextExtra,
  nextString,
  US_CITIES,
  US_STATES,
} from './nexmark-strings.js';

/** First ids, as in the reference: small datasets still join. */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
/** Categories are `FIRST_CATEGORY_ID` … `FIRST_CATEGORY_ID + NUM_CATEGORIES - 1`. */
export const NUM_CATEGORIES = 5;
/** How far ahead of the newest person or auction a cold choice may reach. */
export const ID_LEAD = 10;
/** Hot sellers, bidders and auctions are picked from batches of this many. */
export const HOT_BATCH = 100;
const HOT_CHANNELS_RATIO = 2;

/** Builds a record from an event's kind and its one non-null part, as {@link NexmarkGenerator.collectAs} gives them. */
export type EventShape<T> = (
  type: NexmarkEventTypeCode,
  person: Person | null,
  auction: Auction | null,
  bid: Bid | null,
) => T;

/** Where {@link NexmarkGenerator.collectAs} puts a record with its event time (a `SourceOutput`). */
export interface TimedCollector<T> {
  collect(record: T, timestamp: number): void;
}

/**
 * Makes Nexmark events from their index, single-threaded and without the engine.
 *
 * @example
 * const gen = new NexmarkGenerator({ events: 1000 });
 * for (let i = 0; i < gen.config.events; i++) handle(gen.event(i));
 *
 * Gotchas: each call allocates a fresh event (nothing is reused, so events may be kept). The
 * generator holds a scratch random generator, so one instance must not be shared between
 * threads (it cannot be anyway), but calls may come in any order.
 */
export class NexmarkGenerator {
  /** The config with every default filled in. */
  readonly config: ResolvedNexmarkConfig;
  private readonly time: EventTimeModel;
  private readonly random = new JavaRandom();
  private readonly extraSource: string;
  private readonly hotChannels: readonly ChannelUrl[];
  private readonly coldChannels: readonly ChannelUrl[];
  private readonly total: number;
  private readonly person: number;
  private readonly personAuction: number;
  private readonly groupSize: number;
  /** Events between an auction and the `numInFlightAuctions`-th auction after it. */
  private readonly eventsForAuctions: number;

  constructor(config?: NexmarkConfig) {
    this.config = resolveNexmarkConfig(config, 'NexmarkGenerator');
    const c = this.config;
    this.time = new EventTimeModel(c);
    this.extraSource = extraSourceString();
    const channels = channelTable();
    this.hotChannels = channels.hot;
    this.coldChannels = channels.cold;
    this.total = c.personProportion + c.auctionProportion + c.bidProportion;
    this.person = c.personProportion;
    this.personAuction = c.personProportion + c.auctionProportion;
    this.groupSize = c.outOfOrderGroupSize;
    this.eventsForAuctions =
      c.auctionProportion === 0 ? 0 : Math.floor((c.numInFlightAuctions * this.total) / c.auctionProportion);
  }

  /** The event number (id and time slot) that index `index` takes after out-of-order shuffling. */
  eventNumber(index: number): number {
    const g = this.groupSize;
    if (g === 1) return index;
    const base = index - (index % g);
    // index * 953 can pass 2^53 for huge indexes; the remainder of a product is the product of remainders.
    return base + (((index % g) * 953) % g);
  }

  /** Event time, epoch ms, of event `index`, without building the event. */
  timestamp(index: number): number {
    return this.time.timestampForEvent(this.eventNumber(index));
  }

  /**
   * The kind of event `index` ({@link NexmarkEventType}) without building it: a reader that
   * wants some kinds only skips the others, and since each event is a function of its index
   * alone, the events it does build are the same.
   */
  eventType(index: number): NexmarkEventTypeCode {
    const rem = this.eventNumber(index) % this.total;
    return rem < this.person
      ? NexmarkEventType.PERSON
      : rem < this.personAuction
        ? NexmarkEventType.AUCTION
        : NexmarkEventType.BID;
  }

  /** Event `index` of the stream (0-based); the same for the same index and config. */
  event(index: number): NexmarkEvent {
    const id = this.eventNumber(index);
    const timestamp = this.time.timestampForEvent(id);
    const random = this.random;
    random.setSeed(id);
    const rem = id % this.total;
    if (rem < this.person) {
      return {
        type: NexmarkEventType.PERSON,
        person: this.nextPerson(id, timestamp),
        auction: null,
        bid: null,
      };
    }
    if (rem < this.personAuction) {
      return {
        type: NexmarkEventType.AUCTION,
        person: null,
        auction: this.nextAuction(id, timestamp),
        bid: null,
      };
    }
    return { type: NexmarkEventType.BID, person: null, auction: null, bid: this.nextBid(id, timestamp) };
  }

  /**
   * Event `index` as `make` shapes it from the parts {@link event} wraps, collected with its
   * event time: a reader whose records are not `NexmarkEvent`s (the SQL table's rows) builds
   * its record straight from the parts, without an event object per index to throw away.
   */
  collectAs<T>(index: number, make: EventShape<T>, output: TimedCollector<T>): void {
    const id = this.eventNumber(index);
    const timestamp = this.time.timestampForEvent(id);
    this.random.setSeed(id);
    const rem = id % this.total;
    let record: T;
    if (rem < this.person) record = make(NexmarkEventType.PERSON, this.nextPerson(id, timestamp), null, null);
    else if (rem < this.personAuction)
      record = make(NexmarkEventType.AUCTION, null, this.nextAuction(id, timestamp), null);
    else record = make(NexmarkEventType.BID, null, null, this.nextBid(id, timestamp));
    // Each kind's `dateTime` is this timestamp, so it is the event's time (`nexmarkEventTime`).
    output.collect(record, timestamp);
  }

  private nextPerson(id: number, timestamp: number): Person {
    const random = this.random;
    const personId = this.lastPersonId(id) + FIRST_PERSON_ID;
    const first = random.nextInt(11);
    const name = FULL_NAMES[first * LAST_NAMES.length + random.nextInt(LAST_NAMES.length)];
    const emailAddress = `${nextString(random, 7)}@${nextString(random, 5)}.com`;
    const creditCard = `${CARD_GROUPS[random.nextInt(10_000)]} ${CARD_GROUPS[random.nextInt(10_000)]} ${CARD_GROUPS[random.nextInt(10_000)]} ${CARD_GROUPS[random.nextInt(10_000)]}`;
    const city = US_CITIES[random.nextInt(US_CITIES.length)];
    const state = US_STATES[random.nextInt(US_STATES.length)];
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = nextExtra(random, this.extraSource, size, this.config.avgPersonByteSize);
    return { id: personId, name, emailAddress, creditCard, city, state, dateTime: timestamp, extra };
  }

  private nextAuction(id: number, timestamp: number): Auction {
    const random = this.random;
    const c = this.config;
    const auctionId = this.lastAuctionId(id) + FIRST_AUCTION_ID;
    let seller: number;
    if (random.nextInt(c.hotSellersRatio) > 0) {
      seller = Math.floor(this.lastPersonId(id) / HOT_BATCH) * HOT_BATCH;
    } else {
      seller = this.coldPersonId(id);
    }
    seller += FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + random.nextInt(NUM_CATEGORIES);
    const initialBid = nextPrice(random);
    // The auction lasts on average until numInFlightAuctions more auctions have opened.
    const horizonMs = this.time.timestampForEvent(id + this.eventsForAuctions) - timestamp;
    const expires = timestamp + 1 + nextLong(random, Math.max(horizonMs * 2, 1));
    const itemName = nextString(random, 20);
    const description = nextString(random, 100);
    const reserve = initialBid + nextPrice(random);
    const size = 8 + itemName.length + description.length + 40;
    const extra = nextExtra(random, this.extraSource, size, c.avgAuctionByteSize);
    return {
      id: auctionId,
      itemName,
      description,
      initialBid,
      reserve,
      dateTime: timestamp,
      expires,
      seller,
      category,
      extra,
    };
  }

  private nextBid(id: number, timestamp: number): Bid {
    const random = this.random;
    const c = this.config;
    let auction: number;
    if (random.nextInt(c.hotAuctionRatio) > 0) {
      auction = Math.floor(this.lastAuctionId(id) / HOT_BATCH) * HOT_BATCH;
    } else {
      auction = this.coldAuctionId(id);
    }
    auction += FIRST_AUCTION_ID;
    let bidder: number;
    if (random.nextInt(c.hotBiddersRatio) > 0) {
      // The second of the batch, so that hot bidders are not the hot sellers.
      bidder = Math.floor(this.lastPersonId(id) / HOT_BATCH) * HOT_BATCH + 1;
    } else {
      bidder = this.coldPersonId(id);
    }
    bidder += FIRST_PERSON_ID;
    const price = nextPrice(random);
    const channel =
      random.nextInt(HOT_CHANNELS_RATIO) > 0
        ? this.hotChannels[random.nextInt(this.hotChannels.length)]
        : this.coldChannels[random.nextInt(this.coldChannels.length)];
    const extra = nextExtra(random, this.extraSource, 32, c.avgBidByteSize);
    return {
      auction,
      bidder,
      price,
      channel: channel.channel,
      url: channel.url,
      dateTime: timestamp,
      extra,
    };
  }

  /** The newest person id (0-based) at event `id`: the event's own if it is a person. */
  private lastPersonId(id: number): number {
    const epoch = Math.floor(id / this.total);
    let offset = id - epoch * this.total;
    if (offset >= this.person) offset = this.person - 1;
    return epoch * this.person + offset;
  }

  /** The newest auction id (0-based) at event `id`: the event's own if it is an auction. */
  private lastAuctionId(id: number): number {
    let epoch = Math.floor(id / this.total);
    let offset = id - epoch * this.total;
    const auctions = this.config.auctionProportion;
    if (offset < this.person) {
      epoch--;
      offset = auctions - 1;
    } else if (offset >= this.personAuction) {
      offset = auctions - 1;
    } else {
      offset -= this.person;
    }
    return epoch * auctions + offset;
  }

  /** One of the active people, or up to `ID_LEAD` ahead of the newest (0-based). */
  private coldPersonId(id: number): number {
    const people = this.lastPersonId(id) + 1;
    const active = Math.min(people, this.config.numActivePeople);
    return people - active + nextLong(this.random, active + ID_LEAD);
  }

  /** One of the auctions in flight, or up to `ID_LEAD` ahead of the newest (0-based). */
  private coldAuctionId(id: number): number {
    const last = this.lastAuctionId(id);
    const min = Math.max(last - this.config.numInFlightAuctions, 0);
    return min + nextLong(this.random, last - min + 1 + ID_LEAD);
  }
}

const LN_10_TIMES_6 = 6 * Math.LN10;

/**
 * A price in cents, log-uniform between 1.00 and 1,000,000.00: the reference's
 * `round(10^(6u) * 100)`, computed as an exponential, which costs a third of `Math.pow`. The two
 * can differ in the last bit; a price moves by a cent only if that bit straddles a half cent,
 * which did not happen in millions of draws.
 */
function nextPrice(random: JavaRandom): number {
  return Math.round(Math.exp(random.nextDouble() * LN_10_TIMES_6) * 100);
}

/** The reference's `nextLong(n)`: `nextInt(n)` below 2^31 - 1, else a (skewed) 64-bit remainder. */
function nextLong(random: JavaRandom, n: number): number {
  if (n < 2_147_483_647) return random.nextInt(n);
  const r = random.nextLong() % BigInt(n);
  return Number(r < 0n ? -r : r);
}
