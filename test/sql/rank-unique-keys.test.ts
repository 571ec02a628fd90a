/**
 * Unique keys of a Top-1: ROW_NUMBER keeps one row per partition, so a join over it may store
 * one row per key; RANK and DENSE_RANK keep every row tied for first place, so the join must
 * store them all, and each tied row joins.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { changelog, environment, register } from './over-helpers.js';

const BIDS: Row[] = [
  { auction: 1, bidder: 'a', price: 5 },
  { auction: 1, bidder: 'b', price: 5 },
  { auction: 1, bidder: 'c', price: 3 },
  { auction: 2, bidder: 'd', price: 7 },
];
const AUCTIONS: Row[] = [
  { id: 1, item: 'lamp' },
  { id: 2, item: 'vase' },
];

const setup = () => {
  const e = environment();
  register(e, 'CREATE TABLE bids (auction INT, bidder STRING, price INT)', BIDS);
  register(e, 'CREATE TABLE auctions (id INT, item STRING)', AUCTIONS);
  return e;
};

const topOne = (rank: string) =>
  `SELECT a.item, w.bidder FROM auctions a JOIN (SELECT auction, bidder FROM (SELECT auction, bidder, ${rank}() OVER (PARTITION BY auction ORDER BY price DESC) AS r FROM bids) WHERE r <= 1) w ON a.id = w.auction`;

const rightInputSpec = (plan: string) =>
  /rightInputSpec=\[(\w+)\]/.exec(plan.split('== Physical Plan ==')[1]!)?.[1];

describe('unique keys of a Top-1 seen by a join', () => {
  test.each(['RANK', 'DENSE_RANK'])(
    '%s Top-1 has no unique key: every tied row is stored and joins',
    async (rank) => {
      const { tEnv } = setup();
      expect(rightInputSpec(tEnv.explainSql(topOne(rank)))).toBe('NoUniqueKey');
      const lines = await changelog(setup().tEnv, topOne(rank));
      expect(lines.filter((l) => l.startsWith('+I')).sort()).toEqual([
        '+I[lamp, a]',
        '+I[lamp, b]',
        '+I[vase, d]',
      ]);
    },
  );

  test('ROW_NUMBER Top-1 is unique by its partition key', () => {
    const { tEnv } = setup();
    expect(rightInputSpec(tEnv.explainSql(topOne('ROW_NUMBER')))).toBe('JoinKeyContainsUniqueKey');
  });
});
