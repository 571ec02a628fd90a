/**
 * Nexmark q20 keeping the state its reference SQL keeps: a plain inner join of bids with the
 * auctions of category 10 on the auction id, each side's rows kept in list state of their id and
 * joined with every row the other side has stored or will store. q20.ts relies on auction ids
 * being unique, so a bid whose auction is known joins at once and is never stored; the SQL
 * regular join knows no key to be unique and must keep every bid, since another auction with
 * that id could still come. `weir bench nexmark --sql` runs this version next to q20.ts, so that
 * the cost of that state is measured apart from the cost of the SQL layer.
 */
import {
  type Auction,
  type Bid,
  type Collector,
  type DataStream,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type ListState,
  ListStateDescriptor,
  type NexmarkEvent,
  NexmarkEventType,
  type RuntimeContext,
} from '../../src/index.js';
import { CATEGORY, joinRow, query as q20, type Q20Row } from './q20.js';
import type { NexmarkQuery } from './query.js';

/** Per auction id: every auction of category 10 and every bid seen, each joined with the other side's. */
class InnerJoin extends KeyedCoProcessFunction<number, Auction, Bid, Q20Row> {
  private auctions!: ListState<Auction>;
  private bids!: ListState<Bid>;

  override open(ctx: RuntimeContext): void {
    this.auctions = ctx.getListState(new ListStateDescriptor<Auction>('auctions'));
    this.bids = ctx.getListState(new ListStateDescriptor<Bid>('bids'));
  }

  processElement1(a: Auction, _ctx: KeyedProcessContext<number, Q20Row>, out: Collector<Q20Row>): void {
    this.auctions.add(a);
    for (const bid of this.bids.get()) out.collect(joinRow(bid, a));
  }

  processElement2(bid: Bid, _ctx: KeyedProcessContext<number, Q20Row>, out: Collector<Q20Row>): void {
    this.bids.add(bid);
    for (const a of this.auctions.get()) out.collect(joinRow(bid, a));
  }
}

/** q20 as a plain inner join keeping every bid; the same rows as q20.ts. */
export const query: NexmarkQuery<Q20Row> = {
  ...q20,
  name: 'q20-same-state',
  description: `${q20.description}, every bid kept in state as the SQL join keeps it`,
  build(events: DataStream<NexmarkEvent>): DataStream<Q20Row> {
    const auctions = events
      .filter((e) => e.type === NexmarkEventType.AUCTION && e.auction!.category === CATEGORY)
      .map((e) => e.auction as Auction);
    const bids = events.filter((e) => e.type === NexmarkEventType.BID).map((e) => e.bid as Bid);
    return auctions
      .connect(bids)
      .keyBy(
        (a) => a.id,
        (b) => b.auction,
      )
      .process(new InnerJoin());
  },
};
