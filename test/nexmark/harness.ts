/**
 * The Nexmark correctness harness: runs a `bench/nexmark` query three ways on the same events
 * (the engine through `executeAndCollect`, the query's hand-written loop, and DuckDB over tables
 * `person`, `auction` and `bid`) and normalises each result to sorted canonical strings, so a
 * test can write `expect(engine).toEqual(duckdb)`.
 *
 * Canonical form: an object's keys sorted, integers as written, other numbers rounded to 9
 * significant digits (sums computed in another order differ in the last bits), `Date` and
 * DuckDB `TIMESTAMP` values as epoch milliseconds, `bigint` as a plain number. A query with an
 * `upsertKey` is compared on the last row per key; otherwise rows are a multiset.
 *
 * @example
 * const events = await generateEvents(20_000);
 * const { engine, loop, duckdb } = await runAllThree(query, events, { parallelism: 2 });
 * expect(engine).toEqual(loop);
 * expect(engine).toEqual(duckdb);
 */
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import * as weir from '../../src/index.js';
import {
  CollectionSource,
  type NexmarkEvent,
  NexmarkEventType,
  nexmarkEventTime,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';

/** How {@link runAllThree} and {@link runEngine} run the engine. */
export interface RunOptions {
  /** Parallelism of the engine's job (default 1). All subtasks run on this thread. */
  readonly parallelism?: number;
}

/** The three normalised results of one query on one input. */
export interface ThreeResults {
  readonly engine: string[];
  readonly loop: string[];
  /** `undefined` when the query has no `duckdb` SQL. */
  readonly duckdb: string[] | undefined;
}

/** Runs `query` on `events` with the engine, the loop and DuckDB; returns the three normalised results. */
export async function runAllThree<Out>(
  query: NexmarkQuery<Out>,
  events: readonly NexmarkEvent[],
  options: RunOptions = {},
): Promise<ThreeResults> {
  const engine = await runEngine(query, events, options);
  const loop = runLoop(query, events);
  const duckdb = await runDuckdb(query, events);
  return { engine, loop, duckdb };
}

/**
 * Runs the query's DataStream job on `events`, in order, with event time from
 * `nexmarkEventTime` and watermarks 4 s behind (as the reference `nexmark` table's).
 */
export async function runEngine<Out>(
  query: NexmarkQuery<Out>,
  events: readonly NexmarkEvent[],
  options: RunOptions = {},
): Promise<string[]> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(options.parallelism ?? 1);
  // Frequent watermarks, so windows and timers also fire while input flows, not only at the end.
  env.getConfig().setAutoWatermarkInterval(1);
  const input = env.fromSource(
    new CollectionSource<NexmarkEvent>(events),
    WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000).withTimestampAssigner((e) =>
      nexmarkEventTime(e),
    ),
    'nexmark',
  );
  const rows = await query.build(input, env).executeAndCollect();
  return normalise(rows, query.upsertKey);
}

/** Runs the query's hand-written loop on `events`, in order. */
export function runLoop<Out>(query: NexmarkQuery<Out>, events: readonly NexmarkEvent[]): string[] {
  const rows: Out[] = [];
  const loop = query.loop((row) => rows.push(row));
  for (const event of events) loop.onEvent(event);
  loop.finish();
  return normalise(rows, query.upsertKey);
}

/** Runs the query's DuckDB SQL over `events`; `undefined` if it has none. */
export async function runDuckdb<Out>(
  query: NexmarkQuery<Out>,
  events: readonly NexmarkEvent[],
): Promise<string[] | undefined> {
  if (query.duckdb === undefined) return undefined;
  const connection = await duckdbTables(events);
  const reader = await connection.runAndReadAll(query.duckdb);
  return normalise(reader.getRowObjectsJS() as Out[], query.upsertKey);
}

/**
 * Rows as sorted canonical strings; with `upsertKey`, only the last row of each key (in the
 * order given) counts.
 */
export function normalise<Out>(rows: readonly Out[], upsertKey?: (row: Out) => string): string[] {
  let kept: readonly Out[] = rows;
  if (upsertKey !== undefined) {
    const last = new Map<string, Out>();
    for (const row of rows) last.set(upsertKey(row), row);
    kept = [...last.values()];
  }
  return kept.map(canonical).sort();
}

/** One value in canonical form (see the module comment). */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      if (Number.isInteger(value)) return String(value);
      return Number.isFinite(value) ? String(Number(value.toPrecision(9))) : String(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof Date) return String(value.getTime());
  if (value instanceof DuckDBTimestampValue) return String(value.micros / 1000n);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
}

/**
 * `count` Nexmark events from the project's `NexmarkGenerator` (with `config`), or, until that
 * generator exists, from a small deterministic stand-in with the same proportions and id
 * patterns (see {@link standInEvents}).
 */
export async function generateEvents(
  count: number,
  config: Record<string, unknown> = {},
): Promise<NexmarkEvent[]> {
  const Generator = (weir as Record<string, unknown>).NexmarkGenerator as
    | (new (
        config: Record<string, unknown>,
      ) => { event(index: number): NexmarkEvent })
    | undefined;
  if (Generator === undefined) return standInEvents(count, config);
  const generator = new Generator(config);
  const events: NexmarkEvent[] = new Array(count);
  for (let i = 0; i < count; i++) events[i] = generator.event(i);
  return events;
}

/**
 * Reorders `events` within consecutive groups of `groupSize` (a deterministic shuffle), as the
 * generator's `outOfOrderGroupSize` does. Keep a group's time span under the 4 s watermark delay
 * so that no event is late.
 */
export function shuffleInGroups(
  events: readonly NexmarkEvent[],
  groupSize: number,
  seed = 1,
): NexmarkEvent[] {
  const out = events.slice();
  const random = mulberry32(seed);
  for (let start = 0; start < out.length; start += groupSize) {
    const end = Math.min(start + groupSize, out.length);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
  }
  return out;
}

const STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle'];
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

/**
 * A deterministic stand-in for the Nexmark generator: of each 50 events, 1 person, 3 auctions
 * and 46 bids; sellers and bidders among the 100 newest people, bids on the 100 newest
 * auctions, and like the reference a few ids up to 10 ahead of those that exist yet. Event `i`
 * happens at `firstEventTime + i * interEventMs` (defaults 1.7e12 and 2 ms).
 */
export function standInEvents(count: number, config: Record<string, unknown> = {}): NexmarkEvent[] {
  const first = (config.firstEventTime as number | undefined) ?? 1_700_000_000_000;
  const gap = (config.interEventMs as number | undefined) ?? 2;
  const random = mulberry32((config.seed as number | undefined) ?? 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const below = (n: number): number => Math.floor(random() * n);
  const recent = (next: number): number => Math.max(0, next - 100) + below(Math.min(next, 100) + 10);
  const events: NexmarkEvent[] = [];
  let people = 0;
  let auctions = 0;
  for (let i = 0; i < count; i++) {
    const dateTime = first + i * gap;
    const slot = i % 50;
    if (slot === 0) {
      const id = 1000 + people++;
      events.push({
        type: NexmarkEventType.PERSON,
        person: {
          id,
          name: `person ${id}`,
          emailAddress: `p${id}@example.com`,
          creditCard: String(1000_0000_0000_0000 + id),
          city: pick(CITIES),
          state: pick(STATES),
          dateTime,
          extra: '',
        },
        auction: null,
        bid: null,
      });
    } else if (slot <= 3) {
      const id = 1000 + auctions++;
      events.push({
        type: NexmarkEventType.AUCTION,
        person: null,
        auction: {
          id,
          itemName: `item ${id}`,
          description: '',
          initialBid: 100 + below(100),
          reserve: 200 + below(100),
          dateTime,
          expires: dateTime + 2000 + below(40_000),
          seller: 1000 + recent(people),
          category: 10 + below(5),
          extra: '',
        },
        bid: null,
      });
    } else {
      events.push({
        type: NexmarkEventType.BID,
        person: null,
        auction: null,
        bid: {
          auction: 1000 + recent(auctions),
          bidder: 1000 + recent(people),
          price: 100 + below(2000),
          channel: pick(CHANNELS),
          url: 'https://example.com/item',
          dateTime,
          extra: '',
        },
      });
    }
  }
  return events;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One DuckDB database per input array: several queries in a test file share the loaded tables.
const databases = new WeakMap<readonly NexmarkEvent[], Promise<DuckDBConnection>>();

/** An in-memory DuckDB connection whose tables `person`, `auction` and `bid` hold `events`. */
export function duckdbTables(events: readonly NexmarkEvent[]): Promise<DuckDBConnection> {
  let connection = databases.get(events);
  if (connection === undefined) {
    connection = loadTables(events);
    databases.set(events, connection);
  }
  return connection;
}

async function loadTables(events: readonly NexmarkEvent[]): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`
    CREATE TABLE person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR,
      city VARCHAR, state VARCHAR, "dateTime" TIMESTAMP, extra VARCHAR);
    CREATE TABLE auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT,
      reserve BIGINT, "dateTime" TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT,
      extra VARCHAR);
    CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
      "dateTime" TIMESTAMP, extra VARCHAR);`);
  const person = await connection.createAppender('person');
  const auction = await connection.createAppender('auction');
  const bid = await connection.createAppender('bid');
  const ts = (ms: number) => new DuckDBTimestampValue(BigInt(ms) * 1000n);
  for (const e of events) {
    if (e.person !== null) {
      const p = e.person;
      person.appendBigInt(BigInt(p.id));
      person.appendVarchar(p.name);
      person.appendVarchar(p.emailAddress);
      person.appendVarchar(p.creditCard);
      person.appendVarchar(p.city);
      person.appendVarchar(p.state);
      person.appendTimestamp(ts(p.dateTime));
      person.appendVarchar(p.extra);
      person.endRow();
    } else if (e.auction !== null) {
      const a = e.auction;
      auction.appendBigInt(BigInt(a.id));
      auction.appendVarchar(a.itemName);
      auction.appendVarchar(a.description);
      auction.appendBigInt(BigInt(a.initialBid));
      auction.appendBigInt(BigInt(a.reserve));
      auction.appendTimestamp(ts(a.dateTime));
      auction.appendTimestamp(ts(a.expires));
      auction.appendBigInt(BigInt(a.seller));
      auction.appendBigInt(BigInt(a.category));
      auction.appendVarchar(a.extra);
      auction.endRow();
    } else if (e.bid !== null) {
      const b = e.bid;
      bid.appendBigInt(BigInt(b.auction));
      bid.appendBigInt(BigInt(b.bidder));
      bid.appendBigInt(BigInt(b.price));
      bid.appendVarchar(b.channel);
      bid.appendVarchar(b.url);
      bid.appendTimestamp(ts(b.dateTime));
      bid.appendVarchar(b.extra);
      bid.endRow();
    }
  }
  for (const appender of [person, auction, bid]) appender.closeSync();
  return connection;
}
