/**
 * CREATE TABLE … LIKE against a model of Flink's merging rules, for generated source tables
 * (physical and computed columns, a watermark, a primary key, options) and generated LIKE
 * options: the derived table has the physical columns always, the computed columns, watermark,
 * key and source options exactly when their feature is not EXCLUDING, and its own options on top.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { likeStrategies } from '../../src/sql/catalog/ddl-like.js';
import type { LikeOption } from '../../src/sql/parser/ast.js';

type Strategy = LikeOption['strategy'];
type Feature = LikeOption['feature'];

const STRATEGIES: Strategy[] = ['INCLUDING', 'EXCLUDING', 'OVERWRITING'];
const FEATURES: Feature[] = ['ALL', 'CONSTRAINTS', 'GENERATED', 'OPTIONS', 'PARTITIONS', 'WATERMARKS'];

/** LIKE options as a user may write them: each feature once, no OVERWRITING of CONSTRAINTS or PARTITIONS. */
const arbOptions = fc
  .uniqueArray(fc.constantFrom(...FEATURES), { maxLength: 4 })
  .chain((features) =>
    fc.tuple(
      ...features.map((feature) =>
        fc
          .constantFrom(
            ...STRATEGIES.filter(
              (s) => s !== 'OVERWRITING' || (feature !== 'CONSTRAINTS' && feature !== 'PARTITIONS'),
            ),
          )
          .map((strategy) => ({ strategy, feature })),
      ),
    ),
  );

const arbSource = fc.record({
  extra: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }),
  computed: fc.boolean(),
  watermark: fc.boolean(),
  key: fc.boolean(),
});

describe('CREATE TABLE … LIKE', () => {
  test('keeps each feature of the source exactly when its strategy does not exclude it', async () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arbSource, arbOptions, fc.boolean(), async (source, options, ownOption) => {
        const id = n++;
        const elements = ['id INT', 'ts TIMESTAMP(3)', ...source.extra.map((c) => `${c} STRING`)];
        if (source.computed) elements.push('twice AS id * 2');
        if (source.watermark) elements.push('WATERMARK FOR ts AS ts');
        if (source.key) elements.push('PRIMARY KEY (id) NOT ENFORCED');
        tEnv.executeSql(
          `CREATE TABLE s${id} (${elements.join(', ')}) WITH ('connector' = 'datagen', 'number-of-rows' = '1')`,
        );
        const strategies = likeStrategies(options.map((o) => ({ ...o, pos: { line: 1, column: 1 } })));
        // 'rows-per-second' is the derived table's own option; INCLUDING OPTIONS only fails on a clash.
        const withClause = ownOption ? "WITH ('rows-per-second' = '5') " : '';
        const likeOptions =
          options.length === 0 ? '' : ` (${options.map((o) => `${o.strategy} ${o.feature}`).join(' ')})`;
        const excludesConnector = strategies.OPTIONS === 'EXCLUDING';
        const create = () => tEnv.executeSql(`CREATE TABLE d${id} ${withClause}LIKE s${id}${likeOptions}`);
        if (excludesConnector) {
          expect(create).toThrow(/needs a 'connector' option/);
          return;
        }
        create();
        const rows = await tEnv.executeSql(`DESCRIBE d${id}`).collect();
        const expected = ['id', 'ts', ...source.extra];
        if (source.computed && strategies.GENERATED !== 'EXCLUDING') expected.push('twice');
        expect(rows.map((r) => r.name)).toEqual(expected);
        const watermarked = rows.some((r) => r.watermark !== '');
        expect(watermarked).toBe(source.watermark && strategies.WATERMARKS !== 'EXCLUDING');
        const keyed = rows.some((r) => r.key !== '');
        expect(keyed).toBe(source.key && strategies.CONSTRAINTS === 'INCLUDING');
        const ddl = (await tEnv.executeSql(`SHOW CREATE TABLE d${id}`).collect())[0]!.result as string;
        expect(ddl).toContain("'number-of-rows' = '1'");
        expect(ddl.includes("'rows-per-second' = '5'")).toBe(ownOption);
      }),
      { numRuns: 80, seed: 7 },
    );
  });

  test('ALL sets every feature and the features named after it change that', () => {
    const pos = { line: 1, column: 1 };
    const s = likeStrategies([
      { strategy: 'EXCLUDING', feature: 'WATERMARKS', pos },
      { strategy: 'EXCLUDING', feature: 'ALL', pos },
      { strategy: 'INCLUDING', feature: 'GENERATED', pos },
    ]);
    expect(s).toEqual({
      CONSTRAINTS: 'EXCLUDING',
      GENERATED: 'INCLUDING',
      METADATA: 'EXCLUDING',
      OPTIONS: 'EXCLUDING',
      PARTITIONS: 'EXCLUDING',
      WATERMARKS: 'EXCLUDING',
    });
    expect(likeStrategies([])).toEqual({
      CONSTRAINTS: 'INCLUDING',
      GENERATED: 'INCLUDING',
      METADATA: 'INCLUDING',
      OPTIONS: 'OVERWRITING',
      PARTITIONS: 'INCLUDING',
      WATERMARKS: 'INCLUDING',
    });
  });
});
