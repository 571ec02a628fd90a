/**
 * Measures SQL parsers on the corpus in this folder: how many statements each accepts, and
 * where each puts the error for the bad statements in `errors/` (their first line says where
 * the mistake is). Weir's parser is always measured; node-sql-parser (FlinkSQL dialect) too
 * when it can be imported, which needs `npm install --no-save node-sql-parser` first.
 *
 *   npx tsx test/sql/corpus/compare-parsers.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStatement } from '../../../src/sql/parser/parse.js';

const here = dirname(fileURLToPath(import.meta.url));
type Parse = (sql: string) => void;

const parsers: { name: string; parse: Parse; position: (e: unknown) => string }[] = [
  {
    name: 'weir (chevrotain)',
    parse: (sql) => void parseStatement(sql),
    position: (e) =>
      /line (\d+), column (\d+)/
        .exec(String((e as Error).message))
        ?.slice(1)
        .join(':') ?? '?',
  },
];
try {
  const specifier = process.env.NODE_SQL_PARSER ?? 'node-sql-parser';
  const mod = (await import(specifier)) as {
    default: { Parser: new () => { astify(s: string, o: object): unknown } };
  };
  const p = new mod.default.Parser();
  parsers.push({
    name: 'node-sql-parser (flinksql)',
    parse: (sql) => void p.astify(sql, { database: 'flinksql' }),
    position: (e) => {
      const start = (e as { location?: { start: { line: number; column: number } } }).location?.start;
      return start === undefined ? '?' : `${start.line}:${start.column}`;
    },
  });
} catch {
  console.log('node-sql-parser is not installed; measuring Weir only');
}

const files = (dir: string) =>
  readdirSync(join(here, dir))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: join(dir, f), sql: readFileSync(join(here, dir, f), 'utf8') }));

for (const group of ['.', '../../../bench/nexmark/sql']) {
  const corpus = files(group);
  for (const parser of parsers) {
    const failed: string[] = [];
    for (const { name, sql } of corpus) {
      try {
        parser.parse(sql);
      } catch (e) {
        failed.push(
          `${name}: ${String((e as Error).message)
            .split('\n')[0]!
            .slice(0, 140)}`,
        );
      }
    }
    console.log(
      `${parser.name} on ${group === '.' ? 'Flink statements' : 'Nexmark'}: ${corpus.length - failed.length}/${corpus.length}`,
    );
    for (const f of failed) console.log(`  rejected ${f}`);
  }
}

const bad = files('errors');
for (const parser of parsers) {
  let exact = 0;
  console.log(`${parser.name} on bad statements:`);
  for (const { name, sql } of bad) {
    const expected = /error at (\d+:\d+)/.exec(sql)?.[1];
    try {
      parser.parse(sql);
      console.log(`  ${name}: accepted (expected an error at ${expected})`);
    } catch (e) {
      const at = parser.position(e);
      if (at === expected) exact++;
      console.log(
        `  ${name}: ${at === expected ? 'exact' : `at ${at}, expected ${expected}`} | ${String(
          (e as Error).message,
        )
          .split('\n')[0]!
          .slice(0, 160)}`,
      );
    }
  }
  console.log(`  errors at the exact line and column: ${exact}/${bad.length}`);
}
