/**
 * The cache of parsed trees on disk gives back what the parser built: over the parser corpus
 * and Nexmark's queries, a tree read back equals the parsed one, object for object, frozen
 * where it was frozen; generated trees (shared nodes, bigints, `undefined` fields, frozen at
 * random) round-trip alike. Errors are never cached, a damaged entry is a miss, and with the
 * cache off nothing is read or written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseStatement } from './parse.js';
import { disableSqlParseCache, enableSqlParseCache, readParsed, writeParsed } from './parse-cache.js';
import { parseText } from './parse-text.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIRS = ['test/sql/corpus', 'bench/nexmark/sql'];
const corpus = DIRS.flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => readFileSync(join(ROOT, dir, file), 'utf8')),
);

/** Every object of `tree` in depth-first order, with whether it is frozen and its prototype. */
function shape(tree: unknown): [boolean, unknown][] {
  const out: [boolean, unknown][] = [];
  const seen = new Set<object>();
  const visit = (value: unknown) => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    out.push([Object.isFrozen(value), Object.getPrototypeOf(value)]);
    for (const child of Object.values(value)) visit(child);
  };
  visit(tree);
  return out;
}

/** Files in the cache folder, entries and stray parts. */
function entries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-parse-cache-'));
  enableSqlParseCache(dir);
});

afterEach(() => {
  disableSqlParseCache();
  rmSync(dir, { recursive: true, force: true });
});

describe('the parse cache on disk', () => {
  it('gives back the parser’s trees, frozen where they were', () => {
    let trees = 0;
    for (const sql of corpus) {
      let parsed: unknown;
      try {
        parsed = parseText('script', sql);
      } catch {
        // A corpus file that shows an error has no tree to cache.
        continue;
      }
      trees++;
      expect(readParsed('script', sql)).toBeUndefined();
      writeParsed('script', sql, parsed);
      const cached = readParsed('script', sql);
      expect(cached).toStrictEqual(parsed);
      expect(shape(cached)).toEqual(shape(parsed));
    }
    expect(trees).toBeGreaterThan(40);
  });

  it('round-trips generated trees: shared nodes, bigints, undefined fields, frozen at random', () => {
    const leaf = fc.oneof(fc.integer(), fc.bigInt(), fc.string(), fc.boolean(), fc.constant(undefined));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, tie('node'), tie('list')),
      node: fc.tuple(fc.dictionary(fc.string(), tie('tree'), { maxKeys: 4 }), fc.boolean()),
      list: fc.tuple(fc.array(tie('tree'), { maxLength: 4 }), fc.boolean()),
    }));
    // A tuple is a value and whether to freeze it; the same node may appear twice.
    const build = (value: unknown): unknown => {
      if (!Array.isArray(value)) return value;
      const [inner, freeze] = value as [unknown, boolean];
      const built = Array.isArray(inner)
        ? inner.map(build)
        : Object.fromEntries(Object.entries(inner as object).map(([k, v]) => [k, build(v)]));
      return freeze ? Object.freeze(built) : built;
    };
    fc.assert(
      fc.property(tree, fc.string(), (raw, sql) => {
        const built = build(raw);
        const value = typeof built === 'object' && built !== null ? [built, built] : [built];
        writeParsed('statement', sql, value);
        const cached = readParsed('statement', sql) as unknown[];
        expect(cached).toStrictEqual(value);
        expect(shape(cached)).toEqual(shape(value));
        if (cached.length === 2) expect(cached[0]).toBe(cached[1]);
      }),
      { numRuns: 200 },
    );
  });

  it('keys entries by rule and text', () => {
    writeParsed('statement', 'SELECT 1', { kind: 'a' });
    expect(readParsed('script', 'SELECT 1')).toBeUndefined();
    expect(readParsed('statement', 'SELECT 1 ')).toBeUndefined();
    expect(readParsed('statement', 'SELECT 1')).toEqual({ kind: 'a' });
  });

  it('parses text read back from the cache in a later parse, and never caches errors', () => {
    const sql = 'SELECT a + 1 AS b FROM t WHERE a > 2';
    const first = parseStatement(sql);
    expect(entries(dir)).toHaveLength(1);
    expect(readParsed('statement', sql)).toStrictEqual(first);
    expect(parseStatement(sql)).toStrictEqual(first);

    const bad = 'SELECT FROM WHERE';
    const message = () => {
      try {
        parseStatement(bad);
      } catch (error) {
        return String(error);
      }
      return 'parsed';
    };
    expect(message()).toMatch(/line 1, column/);
    expect(message()).toBe(message());
    expect(entries(dir)).toHaveLength(1);
  });

  it('takes a damaged entry for a miss', () => {
    const sql = 'SELECT 1';
    writeParsed('statement', sql, parseText('statement', sql));
    const [folder] = readdirSync(dir);
    const [file] = readdirSync(join(dir, folder!));
    const path = join(dir, folder!, file!);
    writeFileSync(path, readFileSync(path).subarray(0, 5));
    expect(readParsed('statement', sql)).toBeUndefined();
    writeFileSync(path, 'not a cache entry');
    expect(readParsed('statement', sql)).toBeUndefined();
    expect(parseStatement(sql)).toStrictEqual(parseText('statement', sql));
    expect(readParsed('statement', sql)).toStrictEqual(parseText('statement', sql));
  });

  it('reads and writes nothing while off', () => {
    writeParsed('statement', 'SELECT 2', { kind: 'x' });
    disableSqlParseCache();
    expect(readParsed('statement', 'SELECT 2')).toBeUndefined();
    writeParsed('statement', 'SELECT 3', { kind: 'y' });
    parseStatement('SELECT 4');
    expect(entries(dir)).toHaveLength(1);
  });
});
