/**
 * Property tests of filter and nested projection push-down into scans: random queries over a
 * nexmark table (one event kind, some of its ROW fields, an optional second condition) give
 * the same rows as the same queries over a copy of the connector that takes no push-down, whose
 * plan filters and projects every event above the scan. And SPLIT_INDEX, which walks to its
 * piece, agrees with splitting the whole string.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/index.js';
import { nexmarkFactory } from '../../src/sql/connectors/nexmark.js';
import { runtime } from '../../src/sql/expressions/runtime.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

const KINDS = [
  { column: 'person', fields: ['id', 'name', 'city', 'state', 'dateTime'] },
  { column: 'auction', fields: ['id', 'seller', 'category', 'initialBid', 'dateTime'] },
  { column: 'bid', fields: ['auction', 'bidder', 'price', 'channel', 'dateTime'] },
] as const;

const TYPES: Record<string, string> = {
  name: 'VARCHAR',
  city: 'VARCHAR',
  state: 'VARCHAR',
  channel: 'VARCHAR',
  dateTime: 'TIMESTAMP(3)',
};

function ddl(table: string, connector: string, events: number): string {
  const rows = KINDS.map(
    (k) => `${k.column} ROW<${k.fields.map((f) => `\`${f}\` ${TYPES[f] ?? 'BIGINT'}`).join(', ')}>`,
  );
  return `CREATE TABLE ${table} (event_type INT, ${rows.join(', ')},
    \`dateTime\` AS CASE WHEN event_type = 0 THEN person.\`dateTime\` WHEN event_type = 1 THEN auction.\`dateTime\` ELSE bid.\`dateTime\` END,
    WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '4' SECOND
  ) WITH ('connector' = '${connector}', 'events.num' = '${events}')`;
}

/** The nexmark connector without filter or projection push-down. */
const plainNexmark = { ...nexmarkFactory, identifier: 'nexmark-plain', supportsProjectionPushDown: false };
delete (plainNexmark as { acceptsFilter?: unknown }).acceptsFilter;

async function rowsOf(tEnv: TableEnvironment, sql: string): Promise<string[]> {
  const rows = await tEnv.executeSql(sql).collect();
  return rows.map((r) => JSON.stringify(r)).sort();
}

describe('source push-down', () => {
  test('pushed filters and nested projections give the rows of the plain plan', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const tEnv = TableEnvironment.create(env);
    tEnv.registerConnector(plainNexmark);
    await tEnv.executeSql(ddl('pushed', 'nexmark', 300)).await();
    await tEnv.executeSql(ddl('plain', 'nexmark-plain', 300)).await();
    const query = fc.record({
      kind: fc.integer({ min: 0, max: 2 }),
      fields: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
      withTime: fc.boolean(),
      extra: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(query, async ({ kind, fields, withTime, extra }) => {
        const { column, fields: names } = KINDS[kind]!;
        const select = fields.map((i) => `${column}.\`${names[i]}\` AS f${i}`);
        if (withTime) select.push('`dateTime`');
        // A second conjunct the source cannot take stays in the plan above it.
        const where = `event_type = ${kind}${extra ? ` AND ${column}.\`${names[0]}\` IS NOT NULL` : ''}`;
        const sql = (table: string) => `SELECT ${select.join(', ')} FROM ${table} WHERE ${where}`;
        const pushed = await rowsOf(tEnv, sql('pushed'));
        expect(pushed).toEqual(await rowsOf(tEnv, sql('plain')));
        expect(pushed.length).toBeGreaterThan(0);
        expect(tEnv.explainSql(sql('pushed'))).toContain(`filter=[=(event_type, ${kind})]`);
        expect(tEnv.explainSql(sql('plain'))).not.toContain('filter=[');
      }),
      { numRuns: 15 },
    );
  });

  test('SPLIT_INDEX walks to the piece that splitting the string gives', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', '-'), maxLength: 12 });
    fc.assert(
      fc.property(
        text,
        fc.constantFrom('/', '-', 'ab', '//', ''),
        fc.integer({ min: -1, max: 8 }),
        (s, d, i) => {
          const parts = s.split(d);
          const expected = i < 0 ? null : i < parts.length ? parts[i]! : null;
          expect(runtime.splitIndex(s, d, i)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('SPLIT_INDEX calls in any order over a few strings each give the piece splitting gives', () => {
    // Consecutive calls on one string go on from the piece found last: pieces asked for in
    // rising, falling and repeated order, on equal strings and on ones that share a prefix.
    const text = fc.string({ unit: fc.constantFrom('a', '/', '-'), maxLength: 10 });
    const call = fc.record({
      at: fc.nat({ max: 3 }),
      delimiter: fc.constantFrom('/', '/', '-', 'a/', ''),
      index: fc.integer({ min: -1, max: 7 }),
    });
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 4 }),
        fc.array(call, { maxLength: 40 }),
        (texts, calls) => {
          for (const { at, delimiter, index } of calls) {
            // A copy: an equal string that is another object half the time.
            const s = texts[at % texts.length]!;
            const value = index % 2 === 0 ? s : [...s].join('');
            const parts = value.split(delimiter);
            const expected = index < 0 ? null : index < parts.length ? parts[index]! : null;
            expect(runtime.splitIndex(value, delimiter, index)).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
