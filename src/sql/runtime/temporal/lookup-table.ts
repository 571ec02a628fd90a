/**
 * The table of a lookup join, read whole and synchronously when a join subtask opens: the
 * files of a bounded `filesystem` table decoded with the table's own format and options, then
 * the filters and projections the query put over it, then indexed by the lookup key. A
 * partitioned table's partition columns come from its directory names, as in a scan.
 *
 * Size: every join subtask holds the whole table in memory, which suits what lookup joins are
 * for (small dimension or side tables: Nexmark's q13 side input is 10,000 rows). A table's files
 * may total at most {@link LOOKUP_TABLE_MAX_BYTES}; a larger one is refused with a one-line error
 * rather than left to exhaust the heap of every worker.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MalformedLineError, PENDING, SKIP } from '../../../connectors/file/index.js';
import type { RecordFormat } from '../../../connectors/file/index.js';
import { canonicalKey } from '../../../state/key-groups.js';
import { ErrorCodes, userError } from '../../../types/errors.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import { MetadataFormat } from '../../connectors/filesystem-metadata.js';
import { readFilesystemOptions } from '../../connectors/filesystem-options.js';
import { listPartitionDirs, PartitionedFormat } from '../../connectors/filesystem-partitions.js';
import { CsvRowFormat } from '../../connectors/formats/csv-row-format.js';
import { JsonRowFormat } from '../../connectors/formats/json-row-format.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import type { LookupStep } from '../../planner/join/lookup-join-nodes.js';

/** The most bytes of files a lookup table may have: it is held whole by every join subtask. */
export const LOOKUP_TABLE_MAX_BYTES = 256 * 1024 * 1024;

/** The files of a path: itself, or a directory's visible files (not `.` or `_` names), recursively. */
function filesOf(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => !name.startsWith('.') && !name.startsWith('_'))
    .sort()
    .flatMap((name) => filesOf(join(path, name)));
}

/**
 * The rows of a bounded filesystem table, with its computed columns. A partitioned table's rows
 * come from the partition directories present now, each row with the partition values its
 * directory names (`dt=2024-01-02/`), as a scan reads them.
 */
export function readTableRows(table: CatalogTable): Row[] {
  const options = readFilesystemOptions(table.options);
  const path = resolve(options.path);
  // METADATA columns are not in the files: MetadataFormat adds them per file, as a scan does.
  const physical = table.columns.filter((c) => c.computed === undefined && c.metadata === undefined);
  const metadata = table.columns.filter((c) => c.metadata !== undefined);
  const partitionKeys = table.partitionKeys ?? [];
  let files: string[];
  try {
    const roots = partitionKeys.length === 0 ? [path] : listPartitionDirs(path, partitionKeys);
    files = roots.flatMap(filesOf);
  } catch {
    throw userError(
      ErrorCodes.IO,
      `the 'path' of lookup table '${table.name}' (${path}) cannot be read; create it or point 'path' at an existing file or directory`,
    );
  }
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  if (bytes > LOOKUP_TABLE_MAX_BYTES)
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `lookup table '${table.name}' has ${bytes} bytes of files, more than the ${LOOKUP_TABLE_MAX_BYTES} each join subtask may hold; join it as a stream with a PRIMARY KEY and 'source.monitor-interval' instead`,
    );
  // The files hold the data columns; the directories hold the partition columns.
  const data = physical.filter((c) => !partitionKeys.includes(c.name));
  const rowFormat: RecordFormat<Row> =
    options.format === 'json' ? new JsonRowFormat(data, options.json) : new CsvRowFormat(data, options.csv);
  const partitioned =
    partitionKeys.length === 0
      ? rowFormat
      : new PartitionedFormat(
          rowFormat,
          path,
          partitionKeys.map((k) => physical.find((c) => c.name === k)!),
          options.defaultPartitionName,
        );
  const format = metadata.length === 0 ? partitioned : new MetadataFormat(partitioned, metadata);
  const computed = table.columns
    .filter((c) => c.computed !== undefined)
    .map((c) => ({ name: c.name, fn: compileExpression(c.computed!.rex) }));
  const rows: Row[] = [];
  for (const file of files) {
    const decoder = format.createDecoder(file, undefined);
    const lines = readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      let terminator = i < lines.length - 1 || line.length === 0 ? '\n' : '';
      if (line.endsWith('\r')) {
        line = line.slice(0, -1);
        terminator = '\r\n';
      }
      let row: Row | typeof SKIP | typeof PENDING;
      try {
        row = decoder.decode(line, terminator, i + 1);
      } catch (error) {
        // With '<format>.ignore-parse-errors' the format throws this for a row to skip.
        if (!(error instanceof MalformedLineError)) throw error;
        decoder.reset();
        continue;
      }
      if (row === SKIP || row === PENDING) continue;
      for (const c of computed) row[c.name] = c.fn(row);
      rows.push(row);
    }
    decoder.finish();
  }
  return rows;
}

/**
 * The query's filters and projections over a table's rows as one function, compiled once: an
 * external table's rows arrive per lookup, so the steps run for every probe. Identity for none.
 */
export function compileSteps(steps: readonly LookupStep[]): (rows: readonly Row[]) => readonly Row[] {
  const compiled = steps.map((step) =>
    step.kind === 'filter'
      ? { keep: compileExpression(step.condition) }
      : { fns: step.projections.map((p) => ({ name: p.name, fn: compileExpression(p.rex) })) },
  );
  if (compiled.length === 0) return (rows) => rows;
  return (rows) => {
    let out = rows;
    for (const step of compiled) {
      if (step.keep !== undefined) {
        const keep = step.keep;
        out = out.filter((row) => keep(row) === true);
      } else {
        const fns = step.fns!;
        out = out.map((row) => {
          const projected: Row = {};
          for (const p of fns) projected[p.name] = p.fn(row);
          return projected;
        });
      }
    }
    return out;
  };
}

/** Applies the query's filters and projections over the table's rows, innermost first. */
export function applySteps(rows: Row[], steps: readonly LookupStep[]): Row[] {
  let out = rows;
  for (const step of steps) {
    if (step.kind === 'filter') {
      const keep = compileExpression(step.condition);
      out = out.filter((row) => keep(row) === true);
    } else {
      const fns = step.projections.map((p) => ({ name: p.name, fn: compileExpression(p.rex) }));
      out = out.map((row) => {
        const projected: Row = {};
        for (const p of fns) projected[p.name] = p.fn(row);
        return projected;
      });
    }
  }
  return out;
}

/**
 * The rows by lookup key: the value of the one key column, or the canonical key of several
 * (see {@link lookupKeyOf}). Rows with a NULL key are left out, since NULL equals nothing.
 */
export function indexRows(rows: readonly Row[], keyColumns: readonly string[]): Map<unknown, Row[]> {
  const index = new Map<unknown, Row[]>();
  for (const row of rows) {
    const key = lookupKeyOf(keyColumns.map((c) => row[c]));
    if (key === null) continue;
    const bucket = index.get(key);
    if (bucket === undefined) index.set(key, [row]);
    else bucket.push(row);
  }
  return index;
}

/**
 * The map key of key values: the value itself for one, a canonical string for several or for
 * an object (a byte string is equal to another by its bytes, not as the same object); null if
 * any is NULL.
 */
export function lookupKeyOf(values: readonly unknown[]): unknown {
  for (const v of values) if (v === null || v === undefined) return null;
  const first = values[0];
  return values.length === 1 && typeof first !== 'object' ? first : canonicalKey(values);
}
