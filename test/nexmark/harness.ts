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
 * const events = generateEvents(20_000, { firstEventRate: 500 });
 * const { engine, loop, duckdb } = await runAllThree(query, events, { parallelism: 2 });
 * expect(engine).toEqual(loop);
 * expect(engine).toEqual(duckdb);
 */
import { DuckDBInstance, DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { expect } from 'vitest';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import {
  CollectionSource,
  type NexmarkEvent,
  type NexmarkConfig,
  nexmarkEventTime,
  NexmarkGenerator,
  NexmarkSource,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';

/** How {@link runAllThree} and {@link runEngine} run the engine. */
export interface RunOptions {
  /** Parallelism of the engine's job (default 1). All subtasks run on this thread. */
  readonly parallelism?: number;
  /**
   * The config the events came from (`generateEvents(events.length, config)`). The engine then
   * reads a `NexmarkSource` with it, whose readers run at the job's parallelism and interleave,
   * instead of reading the array in order from one reader.
   */
  readonly generatedWith?: NexmarkConfig;
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
 * Asserts that the engine at parallelism 1 and 2, the loop and DuckDB give the same non-empty
 * rows for `query` on `events`; returns them, normalised.
 */
export async function expectAllAgree<Out>(
  query: NexmarkQuery<Out>,
  events: readonly NexmarkEvent[],
): Promise<string[]> {
  const { engine, loop, duckdb } = await runAllThree(query, events, { parallelism: 1 });
  expect(engine.length).toBeGreaterThan(0);
  expect(loop).toEqual(engine);
  expect(duckdb).toEqual(engine);
  expect(await runEngine(query, events, { parallelism: 2 })).toEqual(engine);
  return engine;
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
  const input =
    options.generatedWith === undefined
      ? env.fromSource(
          new CollectionSource<NexmarkEvent>(events),
          WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000).withTimestampAssigner((e) =>
            nexmarkEventTime(e),
          ),
          'nexmark',
        )
      : env.fromSource(
          new NexmarkSource({ ...options.generatedWith, events: events.length }),
          WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000),
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
 * The first `count` events of a `NexmarkGenerator` with `config`. Its default event-time rate
 * is 10 million events per second, so a few thousand events span a millisecond: pass e.g.
 * `{ firstEventRate: 500 }` for input that spans many 10 s windows, and `outOfOrderGroupSize`
 * (at most 4 s worth of events, so none is late) for out-of-order input.
 */
export function generateEvents(count: number, config: NexmarkConfig = {}): NexmarkEvent[] {
  const generator = new NexmarkGenerator({ ...config, events: count });
  const events: NexmarkEvent[] = new Array(count);
  for (let i = 0; i < count; i++) events[i] = generator.event(i);
  return events;
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
