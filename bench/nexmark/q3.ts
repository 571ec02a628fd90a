/**
 * Nexmark q3, local item suggestion: for each auction in category 10 whose seller lives in
 * Oregon, Idaho or California, the seller's name, city and state with the auction id. A regular
 * inner join of people and auctions on seller id, with no time bound: a person is kept for
 * the auctions still to come, and an auction that arrives before its seller (the generator
 * lets sellers be up to ten people ahead) waits for them. Each pair is emitted once, when its
 * second side arrives, so the result is insert-only.
 */
import {
  type Auction,
  type Collector,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  ListStateDescriptor,
  type ListState,
  type NexmarkEvent,
  NexmarkEventType,
  type Person,
  type RuntimeContext,
  ValueStateDescriptor,
  type ValueState,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** q3's row. */
export interface Q3Row {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  readonly id: number;
}

const CATEGORY = 10;
const isLocalState = (state: string): boolean => state === 'OR' || state === 'ID' || state === 'CA';

const isLocalPerson = (e: NexmarkEvent): boolean =>
  e.type === NexmarkEventType.PERSON && isLocalState((e.person as Person).state);
const isCategoryAuction = (e: NexmarkEvent): boolean =>
  e.type === NexmarkEventType.AUCTION && (e.auction as Auction).category === CATEGORY;

/** What the join keeps of a `Person`: the columns of the result, not the other strings. */
interface Seller {
  readonly id: number;
  readonly name: string;
  readonly city: string;
  readonly state: string;
}

function sellerOf(e: NexmarkEvent): Seller {
  const p = e.person as Person;
  return { id: p.id, name: p.name, city: p.city, state: p.state };
}
const auctionOf = (e: NexmarkEvent): Auction => e.auction as Auction;

function toRow(p: Seller, auctionId: number): Q3Row {
  return { name: p.name, city: p.city, state: p.state, id: auctionId };
}

/** Keyed by person id = seller: the person once seen, and the auctions that came before them. */
class LocalSellerJoin extends KeyedCoProcessFunction<number, Seller, Auction, Q3Row> {
  private person!: ValueState<Seller>;
  private waiting!: ListState<number>;

  override open(ctx: RuntimeContext): void {
    this.person = ctx.getState(new ValueStateDescriptor<Seller>('person'));
    this.waiting = ctx.getListState(new ListStateDescriptor<number>('auctions-before-seller'));
  }

  processElement1(p: Seller, _ctx: KeyedProcessContext<number, Q3Row>, out: Collector<Q3Row>): void {
    this.person.update(p);
    for (const auctionId of this.waiting.get()) out.collect(toRow(p, auctionId));
    this.waiting.clear();
  }

  processElement2(a: Auction, _ctx: KeyedProcessContext<number, Q3Row>, out: Collector<Q3Row>): void {
    const p = this.person.value();
    if (p !== undefined) out.collect(toRow(p, a.id));
    else this.waiting.add(a.id);
  }
}

/** q3: local sellers of category-10 auctions. */
export const query: NexmarkQuery<Q3Row> = {
  name: 'q3',
  eventTypes: [NexmarkEventType.PERSON, NexmarkEventType.AUCTION],
  description:
    'Local item suggestion: people in OR, ID or CA joined with the auctions they sell in category 10',
  build(events) {
    const people = events.filter(isLocalPerson).map(sellerOf);
    const auctions = events.filter(isCategoryAuction).map(auctionOf);
    return people
      .connect(auctions)
      .keyBy(
        (p) => p.id,
        (a) => a.seller,
      )
      .process(new LocalSellerJoin());
  },
  loop(emit) {
    const people = new Map<number, Seller>();
    const waiting = new Map<number, number[]>();
    return {
      onEvent(e) {
        if (e.type === NexmarkEventType.PERSON) {
          if (!isLocalState((e.person as Person).state)) return;
          const p = sellerOf(e);
          people.set(p.id, p);
          const before = waiting.get(p.id);
          if (before !== undefined) {
            for (const auctionId of before) emit(toRow(p, auctionId));
            waiting.delete(p.id);
          }
        } else if (e.type === NexmarkEventType.AUCTION) {
          const a = e.auction as Auction;
          if (a.category !== CATEGORY) return;
          const p = people.get(a.seller);
          if (p !== undefined) emit(toRow(p, a.id));
          else {
            const before = waiting.get(a.seller);
            if (before === undefined) waiting.set(a.seller, [a.id]);
            else before.push(a.id);
          }
        }
      },
      finish() {},
    };
  },
  duckdb: `
    SELECT P.name, P.city, P.state, A.id
    FROM auction AS A JOIN person AS P ON A.seller = P.id
    WHERE A.category = 10 AND P.state IN ('OR', 'ID', 'CA')`,
  notes:
    'Like the reference, people and waiting auctions are kept for ever (auctions of sellers who ' +
    'never register, or live elsewhere, wait for ever too).',
};
