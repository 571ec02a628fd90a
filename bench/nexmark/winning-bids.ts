/**
 * Winning bids, shared by q4 and q6: for each auction, its highest bid among those made
 * between the auction's opening (`dateTime`) and its closing (`expires`), both inclusive,
 * emitted once when the auction closes, i.e. when the watermark passes `expires` and no
 * qualifying bid can still arrive. Of equal highest prices the earliest bid wins, so the result
 * is deterministic. Auctions without a qualifying bid produce nothing (an inner join).
 *
 * A bid may arrive before its auction (the generator bids on auctions up to ten ids ahead, and
 * out-of-order input reorders them); it waits until the watermark passes its own time, after
 * which any auction still to come opens later than the bid, so it can no longer qualify.
 */
import {
  type Auction,
  type Bid,
  type Collector,
  type DataStream,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  ListStateDescriptor,
  type ListState,
  type NexmarkEvent,
  NexmarkEventType,
  type OnTimerContext,
  type RuntimeContext,
  ValueStateDescriptor,
  type ValueState,
} from '../../src/index.js';

/** An auction's winning bid, known once the auction has closed. */
export interface WinningBid {
  readonly auction: number;
  readonly seller: number;
  readonly category: number;
  readonly price: number;
  /** When the winning bid was made. */
  readonly dateTime: number;
  /** When the auction closed. */
  readonly expires: number;
}

/**
 * What an open auction keeps of its `Auction`: not the strings, which would otherwise stay in
 * memory for as long as the auction is open (the 4 s watermark delay at least).
 */
interface OpenAuction {
  readonly id: number;
  readonly seller: number;
  readonly category: number;
  readonly dateTime: number;
  readonly expires: number;
}

function openAuction(a: Auction): OpenAuction {
  return { id: a.id, seller: a.seller, category: a.category, dateTime: a.dateTime, expires: a.expires };
}

/** The price and time of a bid; the best so far of an auction or one waiting for its auction. */
interface PricedAt {
  readonly price: number;
  readonly dateTime: number;
}

/** Whether `b` beats `best`: a higher price, or the same price earlier. */
function beats(b: PricedAt, best: PricedAt | undefined): boolean {
  return best === undefined || b.price > best.price || (b.price === best.price && b.dateTime < best.dateTime);
}

function qualifies(b: PricedAt, a: OpenAuction): boolean {
  return b.dateTime >= a.dateTime && b.dateTime <= a.expires;
}

function winner(a: OpenAuction, best: PricedAt): WinningBid {
  return {
    auction: a.id,
    seller: a.seller,
    category: a.category,
    price: best.price,
    dateTime: best.dateTime,
    expires: a.expires,
  };
}

const isAuction = (e: NexmarkEvent): boolean => e.type === NexmarkEventType.AUCTION;
const isBid = (e: NexmarkEvent): boolean => e.type === NexmarkEventType.BID;
const auctionOf = (e: NexmarkEvent): OpenAuction => openAuction(e.auction as Auction);
/**
 * What the join needs of a bid. Bids cross to the thread owning their auction, and only these
 * three numbers are serialized there, not the bid's strings (as a SQL planner pushes the
 * projection down).
 */
interface AuctionBid extends PricedAt {
  readonly auction: number;
}

function bidOf(e: NexmarkEvent): AuctionBid {
  const b = e.bid as Bid;
  return { auction: b.auction, price: b.price, dateTime: b.dateTime };
}

/** Keyed by auction id: the auction, its best qualifying bid, and bids that came before it. */
class WinningBidFunction extends KeyedCoProcessFunction<number, OpenAuction, AuctionBid, WinningBid> {
  private auction!: ValueState<OpenAuction>;
  private best!: ValueState<PricedAt>;
  private early!: ListState<PricedAt>;

  override open(ctx: RuntimeContext): void {
    this.auction = ctx.getState(new ValueStateDescriptor<OpenAuction>('auction'));
    this.best = ctx.getState(new ValueStateDescriptor<PricedAt>('best-bid'));
    this.early = ctx.getListState(new ListStateDescriptor<PricedAt>('bids-before-auction'));
  }

  processElement1(a: OpenAuction, ctx: KeyedProcessContext<number, WinningBid>): void {
    this.auction.update(a);
    let best: PricedAt | undefined;
    for (const b of this.early.get()) if (qualifies(b, a) && beats(b, best)) best = b;
    this.early.clear();
    if (best !== undefined) this.best.update(best);
    ctx.timerService().registerEventTimeTimer(a.expires);
  }

  processElement2(b: AuctionBid, ctx: KeyedProcessContext<number, WinningBid>): void {
    const a = this.auction.value();
    if (a === undefined) {
      this.early.add({ price: b.price, dateTime: b.dateTime });
      ctx.timerService().registerEventTimeTimer(b.dateTime);
    } else if (qualifies(b, a) && beats(b, this.best.value())) {
      this.best.update({ price: b.price, dateTime: b.dateTime });
    }
  }

  override onTimer(time: number, _ctx: OnTimerContext<number, WinningBid>, out: Collector<WinningBid>): void {
    const a = this.auction.value();
    if (a !== undefined) {
      if (time !== a.expires) return;
      const best = this.best.value();
      if (best !== undefined) out.collect(winner(a, best));
      this.auction.clear();
      this.best.clear();
      return;
    }
    // No auction yet: bids up to `time` can no longer qualify for one that opens later.
    const still = [...this.early.get()].filter((b) => b.dateTime > time);
    if (still.length === 0) this.early.clear();
    else this.early.update(still);
  }
}

/** The winning bid of each auction, emitted when it closes. */
export function winningBids(events: DataStream<NexmarkEvent>): DataStream<WinningBid> {
  const auctions = events.filter(isAuction).map(auctionOf);
  const bids = events.filter(isBid).map(bidOf);
  return auctions
    .connect(bids)
    .keyBy(
      (a) => a.id,
      (b) => b.auction,
    )
    .process(new WinningBidFunction());
}

/** An open auction in {@link winningBidsLoop}. */
interface Open {
  readonly auction: OpenAuction;
  best: PricedAt | undefined;
}

/**
 * The same by hand: open auctions in a map, a binary min-heap of them by closing time (ties by
 * id) that the watermark (the largest time seen − 4 s − 1 ms, as the engine's) pops, and early
 * bids per auction id, swept as the watermark passes them.
 */
export function winningBidsLoop(emit: (w: WinningBid) => void): {
  onEvent(e: NexmarkEvent): void;
  finish(): void;
} {
  const open = new Map<number, Open>();
  const closing: Open[] = [];
  const early = new Map<number, PricedAt[]>();
  let maxTime = Number.NEGATIVE_INFINITY;
  let swept = Number.NEGATIVE_INFINITY;

  const before = (x: Open, y: Open): boolean =>
    x.auction.expires < y.auction.expires ||
    (x.auction.expires === y.auction.expires && x.auction.id < y.auction.id);
  function push(o: Open): void {
    let i = closing.push(o) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(closing[i], closing[parent])) break;
      const t = closing[i];
      closing[i] = closing[parent];
      closing[parent] = t;
      i = parent;
    }
  }
  function pop(): Open {
    const top = closing[0];
    const last = closing.pop() as Open;
    if (closing.length > 0) {
      closing[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < closing.length && before(closing[l], closing[m])) m = l;
        if (r < closing.length && before(closing[r], closing[m])) m = r;
        if (m === i) break;
        const t = closing[i];
        closing[i] = closing[m];
        closing[m] = t;
        i = m;
      }
    }
    return top;
  }
  function close(o: Open): void {
    open.delete(o.auction.id);
    if (o.best !== undefined) emit(winner(o.auction, o.best));
  }
  function advance(watermark: number): void {
    while (closing.length > 0 && closing[0].auction.expires <= watermark) close(pop());
    // Sweep early bids about once per second of event time; few are waiting at any moment.
    if (watermark - swept >= 1000 && early.size > 0) {
      swept = watermark;
      for (const [id, bids] of early) {
        const still = bids.filter((b) => b.dateTime > watermark);
        if (still.length === 0) early.delete(id);
        else early.set(id, still);
      }
    }
  }

  return {
    onEvent(e) {
      if (e.type === NexmarkEventType.BID) {
        const b = e.bid as Bid;
        const o = open.get(b.auction);
        if (o !== undefined) {
          if (qualifies(b, o.auction) && beats(b, o.best)) o.best = { price: b.price, dateTime: b.dateTime };
        } else {
          const waiting = early.get(b.auction);
          const priced = { price: b.price, dateTime: b.dateTime };
          if (waiting === undefined) early.set(b.auction, [priced]);
          else waiting.push(priced);
        }
        if (b.dateTime > maxTime) {
          maxTime = b.dateTime;
          advance(maxTime - 4001);
        }
      } else if (e.type === NexmarkEventType.AUCTION) {
        const a = openAuction(e.auction as Auction);
        const o: Open = { auction: a, best: undefined };
        const waiting = early.get(a.id);
        if (waiting !== undefined) {
          for (const b of waiting) if (qualifies(b, a) && beats(b, o.best)) o.best = b;
          early.delete(a.id);
        }
        open.set(a.id, o);
        push(o);
        if (a.dateTime > maxTime) {
          maxTime = a.dateTime;
          advance(maxTime - 4001);
        }
      } else {
        const t = e.person?.dateTime ?? maxTime;
        if (t > maxTime) {
          maxTime = t;
          advance(maxTime - 4001);
        }
      }
    },
    finish() {
      while (closing.length > 0) close(pop());
    },
  };
}

/** DuckDB: each auction's winning bid, as in {@link WinningBid} (a CTE body). */
export const WINNING_BIDS_SQL = `
  SELECT id AS auction, seller, category, price, dateTime, expires FROM (
    SELECT A.id, A.seller, A.category, B.price, B.dateTime, A.expires,
      ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.dateTime) AS rownum
    FROM auction AS A JOIN bid AS B ON A.id = B.auction
    WHERE B.dateTime BETWEEN A.dateTime AND A.expires)
  WHERE rownum = 1`;
