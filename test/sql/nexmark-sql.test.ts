/**
 * Nexmark's own SQL, unchanged from the reference definitions in `bench/nexmark/sql/`, on the
 * foundation: the `nexmark` DDL with ROW columns and a CASE computed column, the three views,
 * and the queries that need only projections and filters (q0, q1, q2, q10, q21, q22), run over
 * a few hand-made events with hand-computed answers. The connector there is a stand-in that
 * serves those events, registered like any other factory; the real `nexmark` connector is checked
 * against the generator it wraps, and its option and schema checks.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  NexmarkGenerator,
  StreamExecutionEnvironment,
  TableEnvironment,
  type DynamicTableFactory,
  type Row,
} from '../../src/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'nexmark', 'sql');
const sql = (file: string) => readFileSync(join(dir, file), 'utf8');
const selectOf = (insert: string) => insert.replace(/^INSERT INTO \w+\s*/, '');

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
const bid = (
  auction: number,
  bidder: number,
  price: number,
  channel: string,
  url: string,
  offset: number,
  extra: string,
): Row => ({
  event_type: 2,
  person: null,
  auction: null,
  bid: { auction, bidder, price, channel, url, dateTime: T0 + offset, extra },
});
const EVENTS: Row[] = [
  {
    event_type: 0,
    person: {
      id: 1000,
      name: 'ann',
      emailAddress: 'a@x',
      creditCard: '1',
      city: 'Bend',
      state: 'OR',
      dateTime: T0,
      extra: '',
    },
    auction: null,
    bid: null,
  },
  bid(1107, 1, 100, 'Google', 'https://www.nexmark.com/a/b/c?x=1', 1000, 'e1'),
  bid(2000, 2, 2_000_000, 'Apple', 'https://example.com/d?channel_id=77&y=2', 2000, 'e2'),
  bid(246, 3, 5, 'other', 'https://x/y', 3000, ''),
];

/** Serves EVENTS for `'connector' = 'nexmark'`, accepting Nexmark's options. */
const fakeNexmark: DynamicTableFactory = {
  identifier: 'nexmark',
  options: [
    'first-event.rate',
    'next-event.rate',
    'events.num',
    'person.proportion',
    'auction.proportion',
    'bid.proportion',
  ].map((key) => ({ key })),
  createSource: ({ env }) => env.fromCollection(EVENTS, 'nexmark'),
};

function nexmarkEnvironment(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.registerConnector(fakeNexmark);
  tEnv.executeSql(sql('ddl-gen-1.sql'));
  for (const view of ['ddl-views-1.sql', 'ddl-views-2.sql', 'ddl-views-3.sql'])
    tEnv.executeSql(view && sql(view));
  return tEnv;
}

async function rows(tEnv: TableEnvironment, query: string): Promise<string[]> {
  const result = tEnv.executeSql(query);
  const columns = result.getResolvedSchema().map((c) => c.name);
  return (await result.collect()).map((row) => columns.map((c) => String(row[c])).join(' | '));
}

describe('Nexmark SQL on projections and filters', () => {
  test('the DDL and views give Flink’s table layout', async () => {
    const tEnv = nexmarkEnvironment();
    expect(tEnv.listTables()).toEqual(['auction', 'bid', 'datagen', 'person']);
    const describe = await tEnv.executeSql('DESCRIBE datagen').collect();
    expect(describe.map((r) => `${r.name}: ${r.type}`)).toEqual([
      'event_type: INT',
      expect.stringMatching(
        /^person: ROW<`id` BIGINT, `name` STRING, .*`dateTime` TIMESTAMP\(3\), `extra` STRING>$/,
      ),
      expect.stringMatching(/^auction: ROW</),
      expect.stringMatching(
        /^bid: ROW<`auction` BIGINT, `bidder` BIGINT, `price` BIGINT, `channel` STRING, `url` STRING/,
      ),
      'dateTime: TIMESTAMP(3) *ROWTIME*',
    ]);
    expect(
      tEnv
        .sqlQuery('SELECT * FROM bid')
        .getResolvedSchema()
        .map((c) => c.name),
    ).toEqual(['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra']);
  });

  test('q0 passes bids through, and its INSERT into the blackhole sink runs', async () => {
    const tEnv = nexmarkEnvironment();
    tEnv.executeSql(sql('q0-1.sql'));
    await tEnv.executeSql(sql('q0-2.sql')).await();
    expect(await rows(tEnv, selectOf(sql('q0-2.sql')))).toEqual([
      `1107 | 1 | 100 | ${T0 + 1000} | e1`,
      `2000 | 2 | 2000000 | ${T0 + 2000} | e2`,
      `246 | 3 | 5 | ${T0 + 3000} | `,
    ]);
  });

  test('q1 converts prices to euro, into its DECIMAL(23, 3) sink column', async () => {
    const tEnv = nexmarkEnvironment();
    const table = tEnv.sqlQuery(selectOf(sql('q1-2.sql')));
    // DECIMAL(3, 3) * BIGINT: precision 3 + 19, scale 3 + 0.
    expect(table.getResolvedSchema()[2]).toEqual({ name: 'price', type: 'DECIMAL(22, 3)' });
    expect((await table.execute().collect()).map((r) => r.price)).toEqual([90.8, 1816000, 4.54]);
    tEnv.executeSql(sql('q1-1.sql'));
    await tEnv.executeSql(sql('q1-2.sql')).await();
  });

  test('q2 keeps the bids on every 123rd auction', async () => {
    const tEnv = nexmarkEnvironment();
    expect(await rows(tEnv, selectOf(sql('q2-2.sql')))).toEqual(['1107 | 100', '246 | 5']);
  });

  test('q10 formats the bid time as day and minute', async () => {
    const tEnv = nexmarkEnvironment();
    const result = await tEnv.executeSql(selectOf(sql('q10-2.sql'))).collect();
    expect(result.map((r) => [r.EXPR$5, r.EXPR$6])).toEqual([
      ['2024-01-02', '03:04'],
      ['2024-01-02', '03:04'],
      ['2024-01-02', '03:04'],
    ]);
  });

  test('q21 extracts channel ids', async () => {
    const tEnv = nexmarkEnvironment();
    tEnv.executeSql(sql('q21-1.sql'));
    await tEnv.executeSql(sql('q21-2.sql')).await();
    expect(await rows(tEnv, selectOf(sql('q21-2.sql')))).toEqual([
      '1107 | 1 | 100 | Google | 1',
      '2000 | 2 | 2000000 | Apple | 0',
    ]);
  });

  test('q22 splits the URL into directories', async () => {
    const tEnv = nexmarkEnvironment();
    expect(await rows(tEnv, selectOf(sql('q22-2.sql')))).toEqual([
      '1107 | 1 | 100 | Google | a | b | c?x=1',
      '2000 | 2 | 2000000 | Apple | d?channel_id=77&y=2 | null | null',
      '246 | 3 | 5 | other | y | null | null',
    ]);
  });
});

describe('the nexmark connector', () => {
  const ddl = (options: string) =>
    sql('ddl-gen-1.sql').replace(
      /'connector' = 'nexmark',[\s\S]*\)\s*$/,
      `'connector' = 'nexmark'${options})`,
    );

  test('serves the generator’s events as rows, bids through the reference view', async () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(2));
    tEnv.executeSql(ddl(", 'events.num' = '300', 'first-event.rate' = '500'"));
    tEnv.executeSql(sql('ddl-views-3.sql'));
    const generator = new NexmarkGenerator({ events: 300, firstEventRate: 500 });
    const expected: string[] = [];
    for (let i = 0; i < 300; i++) {
      const b = generator.event(i).bid;
      if (b !== null) expected.push([b.auction, b.bidder, b.price, b.dateTime, b.extra].join(' | '));
    }
    const got = await rows(tEnv, selectOf(sql('q0-2.sql')));
    expect(got.sort()).toEqual(expected.sort());
    expect(got.length).toBeGreaterThan(250);
  });

  test('checks its options and columns when the table is created', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    expect(() => tEnv.executeSql(ddl(", 'events.num' = 'many'"))).toThrow(
      /invalid value 'many' for option 'events.num'; expected a whole number >= 0/,
    );
    expect(() => tEnv.executeSql(ddl(", 'bid.proportion' = '5', 'auction.proportion' = '0'"))).toThrow(
      /bids need auctions/,
    );
    expect(() =>
      tEnv.executeSql("CREATE TABLE n (event_type INT, other INT) WITH ('connector' = 'nexmark')"),
    ).toThrow(/no column 'other'; its columns are event_type, person, auction, bid/);
    expect(() =>
      tEnv.executeSql("CREATE TABLE n (bid ROW<nope BIGINT>) WITH ('connector' = 'nexmark')"),
    ).toThrow(/'bid' has no field 'nope'/);
  });
});
