/**
 * The parser corpus as a regression test: every Flink statement and Nexmark query in
 * `corpus/` parses, every bad statement in `corpus/errors/` fails at the line and column its
 * first line gives, and the syntax tree is frozen with positions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseScript, parseStatement } from '../../src/sql/parser/parse.js';

const here = join(dirname(fileURLToPath(import.meta.url)), 'corpus');
/** Nexmark's reference SQL lives with the benchmark that runs it. */
const NEXMARK = '../../../bench/nexmark/sql';
const sqlFiles = (dir: string) =>
  readdirSync(join(here, dir))
    .filter((f) => f.endsWith('.sql'))
    .sort();
const read = (dir: string, file: string) => readFileSync(join(here, dir, file), 'utf8');

describe('the parser corpus', () => {
  test.each([...sqlFiles('.').map((f) => ['.', f]), ...sqlFiles(NEXMARK).map((f) => [NEXMARK, f])])(
    '%s/%s parses',
    (dir, file) => {
      const sql = read(dir, file);
      const statement = parseStatement(sql);
      expect(Object.isFrozen(statement)).toBe(true);
      expect(statement.pos.line).toBeGreaterThanOrEqual(1);
    },
  );

  test.each(sqlFiles('errors'))('errors/%s fails at its stated position', (file) => {
    const sql = read('errors', file);
    const [line, column] = /error at (\d+):(\d+)/.exec(sql)!.slice(1);
    expect(() => parseStatement(sql)).toThrow(`at line ${line}, column ${column}:`);
  });

  test('a script splits into statements, the statement set keeping its inner semicolons', () => {
    const statements = parseScript(
      `SET 'parallelism.default' = '2';\n${read('.', 'statement-set.sql')};\n;SHOW TABLES;`,
    );
    expect(statements.map((s) => s.kind)).toEqual(['set', 'statementSet', 'show']);
    const set = statements[1]!;
    expect(set.kind === 'statementSet' && set.inserts.length).toBe(2);
  });

  test('positions are 1-based lines and columns of the first token', () => {
    const statement = parseStatement('SELECT\n  a,\n    b + 1 AS c\nFROM t');
    if (statement.kind !== 'queryStatement' || statement.query.body.kind !== 'select')
      throw new Error('a select');
    expect(statement.query.body.items.map((i) => i.pos)).toEqual([
      { line: 2, column: 3 },
      { line: 3, column: 5 },
    ]);
  });

  test('computed columns and watermarks keep the text they were written with', () => {
    const statement = parseStatement(read('.', 'create-table-computed.sql'));
    if (statement.kind !== 'createTable') throw new Error('a CREATE TABLE');
    const computed = statement.columns.filter((c) => c.kind === 'computedColumn').map((c) => c.text);
    expect(computed).toEqual(['price * quantity', 'TO_TIMESTAMP_LTZ(ts_millis, 3)']);
    expect(statement.watermark?.text).toBe("ts - INTERVAL '5' SECOND");
  });
});
