/**
 * Property test of scan sharing: two reads of one nexmark table with random pushed conditions
 * (an event kind, or none) and random fields, combined in one query, give the rows of the same
 * query over a copy of the connector that takes no push-down (whose reads are identical, so
 * nothing is merged). When the two reads differ, the plan reads the table once.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/index.js';
import { nexmarkFactory } from '../../src/sql/connectors/nexmark.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

const KINDS = [
  { column: 'person', fields: ['id', 'name', 'city', 'dateTime'] },
  { column: 'auction', fields: ['id', 'seller', 'category', 'dateTime'] },
  { column: 'bid', fields: ['auction', 'bidder', 'price', 'dateTime'] },
] as const;

const TYPES: Record<string, string> = { name: 'VARCHAR', city: 'VARCHAR', dateTime: 'TIMESTAMP(3)' };

function ddl(table: string, connector: string): string {
  const rows = KINDS.map(
    (k) => `${k.column} ROW<${k.fields.map((f) => `\`${f}\` ${TYPES[f] ?? 'BIGINT'}`).join(', ')}>`,
  );
  return `CREATE TABLE ${table} (event_type INT, ${rows.join(', ')},
    \`dateTime\` AS CASE WHEN event_type = 0 THEN person.\`dateTime\` WHEN event_type = 1 THEN auction.\`dateTime\` ELSE bid.\`dateTime\` END,
    WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND
  ) WITH ('connector' = '${connector}', 'events.num' = '300')`;
}

/** The nexmark connector without filter or projection push-down. */
const plainNexmark = { ...nexmarkFactory, identifier: 'nexmark-plain', supportsProjectionPushDown: false };
delete (plainNexmark as { acceptsFilter?: unknown }).acceptsFilter;

async function rowsOf(tEnv: TableEnvironment, sql: string): Promise<string[]> {
  const rows = await tEnv.executeSql(sql).collect();
  return rows.map((r) => JSON.stringify(r)).sort();
}

const read = fc.record({
  kind: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  column: fc.integer({ min: 0, max: 2 }),
  field: fc.integer({ min: 0, max: 3 }),
  extra: fc.boolean(),
});
type Read = typeof read extends fc.Arbitrary<infer R> ? R : never;

/** One read as a SELECT of two VARCHAR columns, so any two of them UNION. */
function select(r: Read, side: string, table: string): string {
  // With a kind pushed, read that kind's ROW; without, any ROW (null on other kinds' rows).
  const { column, fields } = KINDS[r.kind ?? r.column]!;
  const value = `${column}.\`${fields[r.field]!}\``;
  const where = [
    ...(r.kind === undefined ? [] : [`event_type = ${r.kind}`]),
    ...(r.extra ? [`${value} IS NOT NULL`] : []),
  ];
  return `SELECT '${side}' AS side, CAST(${value} AS VARCHAR) AS v FROM ${table}${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`}`;
}

describe('scan sharing', () => {
  test('reads merged into one scan give the rows of the unmerged plan', async () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    tEnv.registerConnector(plainNexmark);
    await tEnv.executeSql(ddl('pushed', 'nexmark')).await();
    await tEnv.executeSql(ddl('plain', 'nexmark-plain')).await();
    await fc.assert(
      fc.asyncProperty(read, read, async (a, b) => {
        const sql = (table: string) => `${select(a, 'a', table)} UNION ALL ${select(b, 'b', table)}`;
        const shared = await rowsOf(tEnv, sql('pushed'));
        expect(shared).toEqual(await rowsOf(tEnv, sql('plain')));
        expect(shared.length).toBeGreaterThan(0);
        const plan = tEnv.explainSql(sql('pushed')).split('== Physical Plan ==')[1]!;
        // One source, printed once: the other read refers to it.
        expect(plan.match(/TableSourceScan/g)).toHaveLength(1);
        if (a.kind !== undefined && b.kind !== undefined && a.kind !== b.kind)
          expect(plan).toContain(`filter=[OR(=(event_type, ${a.kind}), =(event_type, ${b.kind}))]`);
      }),
      { numRuns: 25 },
    );
  });
});
