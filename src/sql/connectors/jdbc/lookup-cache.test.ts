/**
 * The lookup join's partial cache against a model: random puts, gets and clock moves under
 * random bounds give the same answers as a plain list that evicts and expires by the rules
 * written out in the model, and never hold more than `maxRows` entries.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LookupCache, type LookupCacheOptions } from './lookup-cache.js';

type Op = { op: 'get'; key: number } | { op: 'put'; key: number; value: number } | { op: 'tick'; ms: number };

/** The rules, stated directly: recency is a counter, expiry compares times. */
class Model {
  private entries: { key: number; value: number; writtenAt: number; accessedAt: number; used: number }[] = [];
  private uses = 0;

  constructor(
    private readonly options: LookupCacheOptions,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  private expired(e: { writtenAt: number; accessedAt: number }): boolean {
    const now = this.now();
    const { expireAfterWriteMs: w, expireAfterAccessMs: a } = this.options;
    return (w !== undefined && now - e.writtenAt >= w) || (a !== undefined && now - e.accessedAt >= a);
  }

  get(key: number): number | undefined {
    const e = this.entries.find((x) => x.key === key);
    if (e === undefined) return undefined;
    if (this.expired(e)) {
      this.entries = this.entries.filter((x) => x !== e);
      return undefined;
    }
    e.accessedAt = this.now();
    e.used = ++this.uses;
    return e.value;
  }

  put(key: number, value: number): void {
    this.entries = this.entries.filter((x) => x.key !== key);
    const max = this.options.maxRows;
    if (max !== undefined) {
      if (max <= 0) return;
      if (this.entries.length >= max) this.entries = this.entries.filter((x) => !this.expired(x));
      while (this.entries.length >= max) {
        const lru = this.entries.reduce((a, b) => (a.used <= b.used ? a : b));
        this.entries = this.entries.filter((x) => x !== lru);
      }
    }
    const now = this.now();
    this.entries.push({ key, value, writtenAt: now, accessedAt: now, used: ++this.uses });
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    op: fc.constant('put' as const),
    key: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 0, max: 1000 }),
  }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 15 }) }),
);

const optionsArb: fc.Arbitrary<LookupCacheOptions> = fc.record(
  {
    maxRows: fc.integer({ min: 0, max: 3 }),
    expireAfterWriteMs: fc.integer({ min: 1, max: 40 }),
    expireAfterAccessMs: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: [] },
);

describe('LookupCache', () => {
  test('agrees with the model on every get, and holds at most maxRows entries', () => {
    fc.assert(
      fc.property(optionsArb, fc.array(opArb, { maxLength: 200 }), (options, ops) => {
        let time = 0;
        const clock = () => time;
        const cache = new LookupCache<number, number>(options, clock);
        const model = new Model(options, clock);
        for (const op of ops) {
          if (op.op === 'tick') time += op.ms;
          else if (op.op === 'put') {
            cache.put(op.key, op.value);
            model.put(op.key, op.value);
          } else expect(cache.get(op.key)).toBe(model.get(op.key));
          if (options.maxRows !== undefined) expect(cache.size).toBeLessThanOrEqual(options.maxRows);
        }
        // Every key read at the end: the cache holds exactly the model's live entries.
        for (let key = 0; key <= 3; key++) expect(cache.get(key)).toBe(model.get(key));
      }),
      {
        numRuns: 1000,
        // Rarely drawn at random: a live entry used less recently than one expired by write.
        examples: [
          [
            { maxRows: 2, expireAfterWriteMs: 7 },
            [
              { op: 'put', key: 0, value: 0 },
              { op: 'tick', ms: 1 },
              { op: 'put', key: 1, value: 0 },
              { op: 'get', key: 0 },
              { op: 'tick', ms: 6 },
              { op: 'put', key: 2, value: 0 },
              { op: 'get', key: 1 },
            ],
          ],
        ],
      },
    );
  });

  test('expire-after-write serves the old value until the expiry, however often it is read', () => {
    let time = 0;
    const cache = new LookupCache<string, string>({ expireAfterWriteMs: 10 }, () => time);
    cache.put('k', 'old');
    time = 9;
    expect(cache.get('k')).toBe('old');
    time = 10;
    expect(cache.get('k')).toBeUndefined();
  });

  test('expire-after-access keeps an entry that is read often enough', () => {
    let time = 0;
    const cache = new LookupCache<string, string>({ expireAfterAccessMs: 10 }, () => time);
    cache.put('k', 'v');
    for (time = 5; time < 50; time += 5) expect(cache.get('k')).toBe('v');
    time += 10;
    expect(cache.get('k')).toBeUndefined();
  });

  test('the least recently used entry makes way', () => {
    const cache = new LookupCache<number, number>({ maxRows: 2 });
    cache.put(1, 1);
    cache.put(2, 2);
    expect(cache.get(1)).toBe(1);
    cache.put(3, 3);
    expect(cache.get(2)).toBeUndefined();
    expect(cache.get(1)).toBe(1);
    expect(cache.get(3)).toBe(3);
  });
});

test('an expired entry makes way before a live one that was used less recently', () => {
  let time = 0;
  const cache = new LookupCache<string, string>({ maxRows: 2, expireAfterWriteMs: 10 }, () => time);
  cache.put('a', 'A');
  time = 5;
  cache.put('b', 'B');
  expect(cache.get('a')).toBe('A');
  time = 11;
  cache.put('c', 'C');
  expect(cache.get('b')).toBe('B');
  expect(cache.get('c')).toBe('C');
});
