/**
 * The fused source chain passes a ROW value on as the output row where the projection rebuilds
 * it field by field and the source promises the value's fields (`exactRowFields`, the nexmark
 * connector's): for random projections of Nexmark's bid view (subsets, orders, renames, a
 * WHERE) over random rows (NULL bids and NULL fields included), the output is the same as the
 * copying Calc's, keys and their order included, and it is the source's own object exactly when
 * the projection is every field of the bid in its order under its own name.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { NexmarkGenerator } from '../../src/connectors/nexmark/nexmark-generator.js';
import { DEFAULT_BASE_TIME } from '../../src/connectors/nexmark/nexmark-config.js';
import { OneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { nexmarkConfigOf, nexmarkFactory } from '../../src/sql/connectors/nexmark.js';
import { ConnectorRegistry } from '../../src/sql/connectors/registry.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { type ExactRowFields, fusedSourceChain } from '../../src/sql/planner/fused-source-chain.js';
import type { PhysicalNode } from '../../src/sql/planner/physical.js';
import { planLogical } from '../../src/sql/planner/planner.js';
import { FusedSourceChain } from '../../src/sql/runtime/watermark-assigner.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

const BID_FIELDS = ['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra'] as const;

const DDL = [
  `CREATE TABLE datagen (
     event_type INT,
     auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT,
       \`dateTime\` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
     bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
       \`dateTime\` TIMESTAMP(3), extra VARCHAR>,
     \`dateTime\` AS CASE WHEN event_type = 1 THEN auction.\`dateTime\` ELSE bid.\`dateTime\` END,
     WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND
   ) WITH ('connector' = 'nexmark', 'events.num' = '100')`,
  `CREATE VIEW bid AS SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, \`dateTime\`,
     bid.extra FROM datagen WHERE event_type = 2`,
];

function physicalPlan(sql: string): PhysicalNode {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  for (const statement of DDL) tEnv.executeSql(statement);
  return planLogical(tEnv.sqlQuery(sql).plan, new ConnectorRegistry()).physical;
}

/** The topmost node that tops a fusable chain. */
function chainTop(node: PhysicalNode): PhysicalNode {
  if (fusedSourceChain(node, 0) !== undefined) return node;
  const input = (node as { input?: PhysicalNode }).input;
  if (input === undefined) throw new Error('no fusable chain');
  return chainTop(input);
}

/** What translation passes: the nexmark factory's promise for a scan, nothing else. */
const nexmarkPromise = (input: PhysicalNode): ExactRowFields | undefined =>
  input.kind === 'sourceScan' ? nexmarkFactory.exactRowFields : undefined;

function run(sql: string, input: readonly Row[], promise: typeof nexmarkPromise | undefined): Row[] {
  const fused = fusedSourceChain(chainTop(physicalPlan(sql)), 0, promise)!;
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(new FusedSourceChain(fused.spec));
  for (const row of input) h.processElement(row);
  return h.extractOutputValues();
}

const value = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, fc.constant(null));
/** A bid as the generator builds it: every field, in the order of the ROW type. */
const bidValue = fc
  .tuple(
    value(fc.integer({ min: 1000, max: 1010 })),
    value(fc.integer({ min: 1, max: 50 })),
    value(fc.integer({ min: 0, max: 10_000 })),
    value(fc.constantFrom('apple', 'google', 'baidu')),
    value(fc.string({ maxLength: 6 })),
    fc.integer({ min: 0, max: 100_000 }),
    value(fc.string({ maxLength: 4 })),
  )
  .map(([auction, bidder, price, channel, url, dateTime, extra]) => ({
    auction,
    bidder,
    price,
    channel,
    url,
    dateTime,
    extra,
  }));
const inputRow: fc.Arbitrary<Row> = fc
  .tuple(fc.constantFrom(1, 2, 2, 2), fc.oneof({ weight: 5, arbitrary: bidValue }, fc.constant(null)))
  .map(([event_type, bid]) => ({ event_type, auction: null, bid }));

/** A select list over the bid view: columns in some order, some renamed. */
const selectList = fc
  .subarray([...BID_FIELDS], { minLength: 1 })
  .chain((columns) => fc.shuffledSubarray(columns, { minLength: columns.length, maxLength: columns.length }))
  .chain((columns) =>
    fc.tuple(
      fc.constant(columns),
      fc.array(fc.boolean(), { minLength: columns.length, maxLength: columns.length }),
    ),
  )
  .map(([columns, renamed]) =>
    columns.map((c, i) => ({ column: c, name: renamed[i] === true ? `${c}_x` : c })),
  );

/** Every field of the bid in order, some renamed. */
const fullList = fc
  .array(fc.boolean(), { minLength: BID_FIELDS.length, maxLength: BID_FIELDS.length })
  .map((renamed) => BID_FIELDS.map((c, i) => ({ column: c, name: renamed[i] === true ? `${c}_x` : c })));

describe('fused source chain over exact ROW values', () => {
  test('random projections give the copying Calc rows, and the source object when they rebuild it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 2, arbitrary: selectList },
          // Every field, in order: the rebuilt bid; then near misses of it.
          { weight: 2, arbitrary: fc.constant(BID_FIELDS.map((c) => ({ column: c, name: c }))) },
          { weight: 1, arbitrary: fullList.filter((l) => l.some((c) => c.name !== c.column)) },
          {
            weight: 1,
            arbitrary: fullList.map((l) => [...l].reverse().map((c) => ({ ...c, name: c.column }))),
          },
        ),
        fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
        fc.array(inputRow, { maxLength: 30 }),
        (list, minPrice, input) => {
          const where = minPrice === undefined ? '' : ` WHERE price > ${minPrice}`;
          const columns = list.map(({ column, name }) =>
            column === name ? `\`${column}\`` : `\`${column}\` AS ${name}`,
          );
          const sql = `SELECT ${columns.join(', ')} FROM bid${where}`;
          const copied = run(sql, input, undefined);
          const passed = run(sql, input, nexmarkPromise);
          expect(passed).toEqual(copied);
          expect(passed.map((row) => Object.keys(row))).toEqual(copied.map((row) => Object.keys(row)));
          const rebuilds =
            list.length === BID_FIELDS.length && list.every((c, i) => c.name === BID_FIELDS[i]);
          const bids = new Set(input.map((row) => row.bid));
          for (const row of passed) {
            const isSourceObject = bids.has(row);
            // A NULL bid gives a row of NULLs, which is a new object either way.
            const nullBid = BID_FIELDS.every((f) => row[f] === null) && !isSourceObject;
            if (!nullBid) expect(isSourceObject).toBe(rebuilds);
          }
          for (const row of copied) expect(bids.has(row)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("the generator's objects hold exactly the fields the connector promises, in order", () => {
    const generator = new NexmarkGenerator({ ...nexmarkConfigOf({}), baseTime: DEFAULT_BASE_TIME });
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const event = generator.event(i);
      for (const column of ['person', 'auction', 'bid'] as const) {
        const object = event[column] as Record<string, unknown> | null;
        if (object === null) continue;
        seen.add(column);
        expect(Object.keys(object)).toEqual(nexmarkFactory.exactRowFields!(column));
        expect(Object.values(object)).not.toContain(undefined);
        expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
      }
    }
    expect([...seen].sort()).toEqual(['auction', 'bid', 'person']);
    expect(nexmarkFactory.exactRowFields!('event_type')).toBeUndefined();
    expect(nexmarkFactory.exactRowFields!('toString')).toBeUndefined();
  });
});
