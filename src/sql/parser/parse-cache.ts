/**
 * Parsed SQL trees kept on disk between processes. Building the lexer and the grammar
 * (chevrotain's grammar analysis, then each lookahead function on its first use) costs a
 * process 150-250 ms of CPU before its first statement is parsed, while the statements a
 * `weir` command parses are mostly those it parsed the last time: a job file or a script run
 * again, every run of a benchmark, a job restarted after a failure. With the cache on, a
 * process whose statements are all in it never builds the lexer or the grammar.
 *
 * A tree is a pure function of the text, the entry rule and the parser's code, so an entry is
 * keyed by all three: the code by a fingerprint of this folder's source files (an edited
 * grammar starts a new folder of entries and never meets trees of the old one), chevrotain's
 * version and V8's (the serialization format). Only trees are kept, never errors: text with a
 * mistake is parsed every time, and its error is the parser's own.
 *
 * Trees are stored with V8's serializer, which keeps what the parser builds (bigints,
 * `undefined` fields, shared nodes), along with which of their objects are frozen: a tree read
 * back is frozen where the parser's is, so code that would fail on a parsed tree fails alike.
 *
 * Off until {@link enableSqlParseCache}: the `weir` command turns it on for its process; a
 * program using Weir as a library, and the tests, parse as before. Entries live in
 * `$XDG_CACHE_HOME/weir/sql-parse` (`~/.cache/weir/sql-parse`), not in the temporary directory,
 * which a benchmark gives each run afresh. A cache that cannot be read or written is skipped.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';

/** What an entry file holds. The rule and text are kept to tell a hash collision from a hit. */
interface Entry {
  readonly rule: string;
  readonly sql: string;
  readonly tree: unknown;
  /** Indices, in {@link walk} order, of the tree's frozen objects. */
  readonly frozen: readonly number[];
}

/**
 * Folders of entries of other parser versions untouched this long are removed when a new one
 * is made; a process still parsing with such a version only misses and writes nothing.
 */
const STALE_MS = 3_600_000;

let root: string | undefined;
let folder: string | undefined;
let folderMade = false;

/**
 * Turns the cache on for this thread, in `dir` (by default `$XDG_CACHE_HOME/weir/sql-parse`).
 * Worker threads rebuilding a job take their trees from the submitting thread instead
 * (`rebuild-memo.ts`), so they need no cache.
 */
export function enableSqlParseCache(dir?: string): void {
  root = dir ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'weir', 'sql-parse');
  folder = undefined;
  folderMade = false;
}

/** @internal Turns the cache off again (tests). */
export function disableSqlParseCache(): void {
  root = undefined;
  folder = undefined;
  folderMade = false;
}

/** The tree cached for `sql` parsed with `rule`, or undefined (cache off, or not in it). */
export function readParsed(rule: string, sql: string): unknown {
  const file = entryFile(rule, sql);
  if (file === undefined) return undefined;
  let entry: Entry;
  try {
    entry = deserialize(readFileSync(file)) as Entry;
  } catch {
    // Not there (the usual miss), or cut short by a crash while written: parse instead.
    return undefined;
  }
  if (entry?.rule !== rule || entry.sql !== sql || !Array.isArray(entry.frozen)) return undefined;
  const frozen = new Set(entry.frozen);
  walk(entry.tree, (value, index) => {
    if (frozen.has(index)) Object.freeze(value);
  });
  return entry.tree;
}

/** Keeps `tree`, just parsed from `sql` with `rule`, for later processes. */
export function writeParsed(rule: string, sql: string, tree: unknown): void {
  const file = entryFile(rule, sql);
  if (file === undefined) return;
  try {
    if (!folderMade) makeFolder(dirname(file));
    const frozen: number[] = [];
    walk(tree, (value, index) => {
      if (Object.isFrozen(value)) frozen.push(index);
    });
    const entry: Entry = { rule, sql, tree, frozen };
    // Written aside and renamed, so a process reading at the same time sees all or nothing.
    const part = `${file}.${process.pid}.part`;
    writeFileSync(part, serialize(entry));
    renameSync(part, file);
  } catch {
    // A read-only or full disk only costs the next process a parse.
  }
}

/** Visits every object and array of `tree` once, depth first, numbering them in that order. */
function walk(tree: unknown, visit: (value: object, index: number) => void): void {
  const seen = new Set<object>();
  const stack: unknown[] = [tree];
  let index = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    visit(value, index++);
    const children = Object.values(value);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}

function entryFile(rule: string, sql: string): string | undefined {
  if (root === undefined) return undefined;
  folder ??= join(root, parserFingerprint());
  const key = createHash('sha256').update(rule).update('\0').update(sql).digest('hex').slice(0, 40);
  return join(folder, key);
}

/** Makes the entries' folder; a new one clears out folders of parser versions long unused. */
function makeFolder(dir: string): void {
  folderMade = true;
  if (mkdirSync(dir, { recursive: true }) === undefined) return;
  const parent = dirname(dir);
  for (const name of readdirSync(parent)) {
    const other = join(parent, name);
    if (other === dir) continue;
    try {
      if (Date.now() - statSync(other).mtimeMs > STALE_MS) rmSync(other, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/**
 * A hash of everything a tree depends on besides its text: the parser's source files (this
 * folder, tests aside), chevrotain's version and V8's.
 */
function parserFingerprint(): string {
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of readdirSync(here).sort()) {
    if (name.includes('.test.') || !/\.[cm]?[jt]s$/.test(name)) continue;
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(join(here, name)))
      .update('\0');
  }
  hash.update(chevrotainVersion()).update('\0').update(process.versions.v8);
  return hash.digest('hex').slice(0, 24);
}

/**
 * Chevrotain's version, from the package.json of the nearest `node_modules/chevrotain` above
 * this folder (where Node's resolution finds it), read directly: resolving through the
 * loaders costs tens of milliseconds in a process that runs TypeScript through tsx.
 */
function chevrotainVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    try {
      const file = join(dir, 'node_modules', 'chevrotain', 'package.json');
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  }
}
