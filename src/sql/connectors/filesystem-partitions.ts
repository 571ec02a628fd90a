/**
 * Partitioned filesystem tables (`PARTITIONED BY (dt, hm)`), laid out as Flink lays them out:
 * a row goes to the directory `dt=2024-01-02/hm=10/` under the table's path, and the partition
 * columns are held by the directory names rather than written into the files. Values are
 * escaped as Flink's PartitionPathUtils does ('/', '=', '%' and the like become `%2F`, …), and
 * NULL or '' is `partition.default-name` (`__DEFAULT_PARTITION__`). Reading lists the partition
 * directories present when the job starts and adds each file's partition values to its rows.
 */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { LineDecoder, RecordFormat } from '../../connectors/file/index.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { CatalogColumn } from '../catalog/catalog.js';
import type { Row } from '../expressions/compiler.js';
import { csvFieldReader, csvFieldWriter } from './formats/csv-row-format.js';

/** Flink's name for the partition of NULL and empty values. */
export const DEFAULT_PARTITION_NAME = '__DEFAULT_PARTITION__';

/** Whether `c` is escaped in a partition directory name (Flink's set). */
function needsEscape(code: number): boolean {
  return code < 0x20 || code === 0x7f || '"#%\'*/:=?\\{[]^'.includes(String.fromCharCode(code));
}

/** A partition value as a directory name component. */
export function escapePartitionValue(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += ch.length === 1 && needsEscape(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

/** The value text of an escaped directory name component. */
export function unescapePartitionValue(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** How many distinct partitions {@link partitionPathOf} keeps the paths of before starting afresh. */
const MAX_CACHED_PARTITIONS = 10_000;

/**
 * The partition directory of a row: `k1=v1/k2=v2`. Each distinct partition's path is built once
 * and then found by its values (a map per key column); the last row's path is checked first,
 * since consecutive rows mostly share their partition (q10's go to the current minute). The
 * caches are a pure function's, harmless to share between operator instances of a thread.
 */
export function partitionPathOf(keys: readonly CatalogColumn[], defaultName: string): (row: Row) => string {
  const writers = keys.map((c) => ({ name: c.name, write: csvFieldWriter(c.type) }));
  const n = writers.length;
  const last: unknown[] = writers.map(() => Symbol('none'));
  const values: unknown[] = new Array(n);
  let lastPath = '';
  let paths = new Map<unknown, unknown>();
  let cached = 0;
  const build = () =>
    writers
      .map(({ name, write }, i) => {
        const value = values[i];
        const text = value === null || value === undefined ? '' : write(value);
        return `${name}=${text === '' ? defaultName : escapePartitionValue(text)}`;
      })
      .join('/');
  return (row) => {
    let same = true;
    for (let i = 0; i < n; i++) {
      const value = row[writers[i]!.name];
      values[i] = value;
      if (value !== last[i]) same = false;
    }
    if (same) return lastPath;
    if (cached >= MAX_CACHED_PARTITIONS) {
      paths = new Map();
      cached = 0;
    }
    // undefined and null name the same partition, so they share an entry.
    let node = paths;
    for (let i = 0; i < n - 1; i++) {
      const key = values[i] ?? null;
      let next = node.get(key) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(key, next);
      }
      node = next;
    }
    const leaf = values[n - 1] ?? null;
    let path = node.get(leaf) as string | undefined;
    if (path === undefined) {
      path = build();
      node.set(leaf, path);
      cached++;
    }
    for (let i = 0; i < n; i++) last[i] = values[i];
    lastPath = path;
    return path;
  };
}

/** The partition directories under `root` (depth = number of keys), present now; sorted. */
export function listPartitionDirs(root: string, keys: readonly string[]): string[] {
  let dirs = [root];
  for (const key of keys) {
    const next: string[] = [];
    for (const dir of dirs)
      for (const entry of readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory() && entry.name.startsWith(`${key}=`)) next.push(join(dir, entry.name));
    dirs = next;
  }
  return dirs.sort();
}

/**
 * Wraps the format of the data columns so each row also gets the partition values of the
 * directory its file is in (relative to `root`).
 */
export class PartitionedFormat implements RecordFormat<Row> {
  readonly name: string;
  readonly onMalformed: RecordFormat<Row>['onMalformed'];
  readonly splittable: boolean | undefined;
  private readonly readers: readonly { name: string; read: (text: string) => unknown }[];

  constructor(
    private readonly inner: RecordFormat<Row>,
    private readonly root: string,
    keys: readonly CatalogColumn[],
    private readonly defaultName: string,
  ) {
    this.name = inner.name;
    this.onMalformed = inner.onMalformed;
    this.splittable = inner.splittable;
    this.readers = keys.map((c) => ({ name: c.name, read: csvFieldReader(c.type) }));
  }

  get skippedCount(): number {
    return this.inner.skippedCount;
  }

  set skippedCount(count: number) {
    this.inner.skippedCount = count;
  }

  warn(message: string): void {
    this.inner.warn(message);
  }

  createDecoder(path: string, restored: unknown): LineDecoder<Row> {
    const values = this.partitionValues(path);
    const decoder = this.inner.createDecoder(path, restored);
    return {
      decode(line, terminator, lineNumber) {
        const row = decoder.decode(line, terminator, lineNumber);
        if (typeof row === 'symbol') return row;
        for (const [name, value] of values) row[name] = value;
        return row;
      },
      finish: () => decoder.finish(),
      reset: () => decoder.reset(),
      snapshot: () => decoder.snapshot(),
    };
  }

  private partitionValues(path: string): [string, unknown][] {
    const segments = new Map<string, string>();
    for (const segment of relative(this.root, path).split(sep)) {
      const eq = segment.indexOf('=');
      if (eq > 0) segments.set(segment.slice(0, eq), segment.slice(eq + 1));
    }
    return this.readers.map(({ name, read }) => {
      const raw = segments.get(name);
      if (raw === undefined || raw === this.defaultName) return [name, null];
      try {
        return [name, read(unescapePartitionValue(raw))];
      } catch (e) {
        throw userError(
          ErrorCodes.MALFORMED_RECORD,
          `partition directory of ${path}: column '${name}': ${(e as Error).message}; rename the directory or change the column's type`,
          e,
        );
      }
    });
  }
}
