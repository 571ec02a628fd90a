/**
 * Event-by-event equality with the reference generator: the fixture holds the first events the
 * reference (`nexmark/nexmark`'s generator classes, seeding a `java.util.Random` per event id)
 * made for two configs, one at the benchmark rate and one slow and out of order. Long strings
 * are compared through Java's `String.hashCode` to keep the fixture small.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NexmarkGenerator } from '../../../src/connectors/nexmark/nexmark-generator.js';

interface Fixture {
  cases: Array<{ config: { firstEventRate: number; outOfOrderGroupSize: number }; events: unknown[][] }>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./reference-events.json', import.meta.url), 'utf8'),
) as Fixture;

/** Java's `String.hashCode`. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function asRow(gen: NexmarkGenerator, i: number): unknown[] {
  const e = gen.event(i);
  if (e.person !== null) {
    const p = e.person;
    return [
      0,
      p.id,
      p.name,
      p.emailAddress,
      p.creditCard,
      p.city,
      p.state,
      p.dateTime,
      p.extra.length,
      javaHash(p.extra),
    ];
  }
  if (e.auction !== null) {
    const a = e.auction;
    return [
      1,
      a.id,
      a.itemName,
      javaHash(a.description),
      a.initialBid,
      a.reserve,
      a.dateTime,
      a.expires,
      a.seller,
      a.category,
      a.extra.length,
      javaHash(a.extra),
    ];
  }
  const b = e.bid!;
  return [
    2,
    b.auction,
    b.bidder,
    b.price,
    b.channel,
    javaHash(b.url),
    b.dateTime,
    b.extra.length,
    javaHash(b.extra),
  ];
}

describe('NexmarkGenerator against the reference generator', () => {
  for (const [n, c] of fixture.cases.entries()) {
    it(`makes the reference's first ${c.events.length} events, field by field (case ${n})`, () => {
      const gen = new NexmarkGenerator({ ...c.config, baseTime: 1_704_067_200_000 });
      expect(c.events.length).toBeGreaterThan(400);
      for (let i = 0; i < c.events.length; i++) {
        expect([i, ...asRow(gen, i)]).toEqual([i, ...c.events[i]]);
      }
    });
  }
});
