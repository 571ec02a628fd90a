/**
 * Builders of the parts of a Nexmark event (its Person, Auction or Bid) holding only some of
 * their fields, in an order of the reader's choosing. The generator computes every value of a
 * part (the random draws of each field decide the next ones) and hands them to the builder in the
 * model's field order; a builder that keeps a few of them makes the object a query reads without
 * a copy of the full one in between (the SQL table's nested projection push-down).
 */
import type { Auction, Bid, Person } from './model.js';

/** The fields of each part, in the model's (and the reference table's) order. */
export const PART_FIELDS = {
  person: ['id', 'name', 'emailAddress', 'creditCard', 'city', 'state', 'dateTime', 'extra'],
  auction: [
    'id',
    'itemName',
    'description',
    'initialBid',
    'reserve',
    'dateTime',
    'expires',
    'seller',
    'category',
    'extra',
  ],
  bid: ['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra'],
} as const satisfies Record<'person' | 'auction' | 'bid', readonly string[]>;

/** A kind of part: `person`, `auction` or `bid`. */
export type PartKind = keyof typeof PART_FIELDS;

/** Values in the order of `T`'s fields in {@link PART_FIELDS}, as a builder's arguments. */
type Values<T, K extends readonly (keyof T)[]> = { [I in keyof K]: T[K[I]] };

/** Builds a person's object from its values, in the model's field order. */
export type PersonBuilder = (...values: Values<Person, typeof PART_FIELDS.person>) => object;
/** Builds an auction's object from its values, in the model's field order. */
export type AuctionBuilder = (...values: Values<Auction, typeof PART_FIELDS.auction>) => object;
/** Builds a bid's object from its values, in the model's field order. */
export type BidBuilder = (...values: Values<Bid, typeof PART_FIELDS.bid>) => object;

/** One builder per kind of part, as `NexmarkGenerator.collectAs` takes them. */
export interface PartBuilders {
  readonly person: PersonBuilder;
  readonly auction: AuctionBuilder;
  readonly bid: BidBuilder;
}

/** The fields each kind's objects hold, in their order; a kind left out holds all of them. */
export type PartFields = Readonly<Partial<Record<PartKind, readonly string[]>>>;

/**
 * Builders whose objects hold exactly `fields` of each kind, in that order: one object literal
 * per kind, compiled once, so an object costs what the model's own literal costs and every
 * object of a kind has one shape.
 *
 * @example
 * partBuilders({ bid: ['price', 'auction'] }).bid(1000, 1001, 250, 'Google', 'u', 0, '')
 * // { price: 250, auction: 1000 }
 *
 * Gotchas: a field the kind does not have, or one listed twice, throws (names are checked
 * before any code is made).
 */
export function partBuilders(fields: PartFields): PartBuilders {
  return {
    person: builder('person', fields.person) as PersonBuilder,
    auction: builder('auction', fields.auction) as AuctionBuilder,
    bid: builder('bid', fields.bid) as BidBuilder,
  };
}

function builder(kind: PartKind, wanted: readonly string[] | undefined): (...values: unknown[]) => object {
  const all: readonly string[] = PART_FIELDS[kind];
  const keep = wanted ?? all;
  const unknown = keep.find((f) => !all.includes(f));
  if (unknown !== undefined) throw new Error(`a Nexmark ${kind} has no field '${unknown}'`);
  const repeated = keep.find((f, i) => keep.indexOf(f) !== i);
  if (repeated !== undefined) throw new Error(`Nexmark ${kind} field '${repeated}' is listed twice`);
  // Parameters are named v0… by position, so the literal names only fields checked above.
  const params = all.map((_, i) => `v${i}`);
  const literal = keep.map((f) => `${JSON.stringify(f)}: v${all.indexOf(f)}`).join(', ');
  return new Function(...params, `return { ${literal} };`) as (...values: unknown[]) => object;
}
