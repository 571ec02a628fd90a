/**
 * The Nexmark data model: people who sell and bid, auctions they open, and bids on those
 * auctions, with the fields and types of the reference generator (`nexmark/nexmark`, as used
 * by Flink's benchmark) and of its `nexmark` SQL table. Times are epoch milliseconds; ids are
 * whole numbers well inside the safe-integer range.
 */

/** A new person registering: a potential seller and bidder. */
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  /** Event time, epoch milliseconds. */
  readonly dateTime: number;
  readonly extra: string;
}

/** A new auction opened by `seller`. */
export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  /** Event time, epoch milliseconds. */
  readonly dateTime: number;
  /** When the auction closes, epoch milliseconds. */
  readonly expires: number;
  /** The selling {@link Person}'s id. */
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

/** A bid of `price` by `bidder` on `auction`. */
export interface Bid {
  /** The {@link Auction}'s id. */
  readonly auction: number;
  /** The bidding {@link Person}'s id. */
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  /** Event time, epoch milliseconds. */
  readonly dateTime: number;
  readonly extra: string;
}

/** The `event_type` of each kind of event, as in the reference `nexmark` table. */
export const NexmarkEventType = { PERSON: 0, AUCTION: 1, BID: 2 } as const;

/** One of {@link NexmarkEventType}'s values. */
export type NexmarkEventTypeCode = (typeof NexmarkEventType)[keyof typeof NexmarkEventType];

/**
 * One event of the single Nexmark stream. Exactly the field named by `type` is set and the
 * others are `null`, so every event has the same shape (one hidden class in the hot loops),
 * like a row of the reference `nexmark` table.
 */
export interface NexmarkEvent {
  readonly type: NexmarkEventTypeCode;
  readonly person: Person | null;
  readonly auction: Auction | null;
  readonly bid: Bid | null;
}

/** The event time of any Nexmark event: its person's, auction's or bid's `dateTime`. */
export function nexmarkEventTime(event: NexmarkEvent): number {
  if (event.bid !== null) return event.bid.dateTime;
  if (event.auction !== null) return event.auction.dateTime;
  return (event.person as Person).dateTime;
}
