/**
 * One source per table and job (Flink's `ScanReuser`): after filter and projection push-down,
 * two reads of one table that pushed different conditions or columns are different scans, so
 * sub-plan reuse cannot share them and the job reads the table twice. Nexmark q8 is the case in
 * point: its `person` and `auction` views read the one `nexmark` table with `event_type = 0`
 * and `= 1` pushed, and each source generated every event.
 *
 * Here all scans of a table in a job (the plans of all INSERTs of a statement set together) are
 * replaced by one scan that pushes the OR of their conditions (none when one of them pushed
 * none, or when the connector does not take the OR) and emits the union of their columns. Each
 * read keeps what it pushed as a residual Filter above the shared scan, and a Project narrows
 * the row to its own columns where its parent does not pick columns by name anyway, so every
 * consumer sees exactly the rows it saw before. The watermark assigners sit above these
 * residual Calcs, so each read's watermarks come from the same rows as before.
 *
 * A ROW column read in part (nested projection) is read with the union of the fields the reads
 * need. Lookup-join tables are never touched: they are not read as sources.
 */
import type { CatalogTable } from '../catalog/catalog.js';
import { Types, withNullability } from '../catalog/types.js';
import { call, field, fieldsOf, formatRex, type Rex } from '../expressions/rex.js';
import type { ScanFilterable } from './filter-push-down-source.js';
import {
  filter,
  inputsOf,
  type LogicalProject,
  type LogicalNode,
  type LogicalScan,
  type PlanColumn,
  project,
  withInputs,
} from './logical.js';

/** The name the step has among the fired rules, Flink's. */
export const SCAN_SHARING = 'ScanReuser';

/**
 * The plans with every table that is scanned in more than one way read by one shared scan;
 * the same array when no table is.
 */
export function shareScans(plans: readonly LogicalNode[], accepts: ScanFilterable): readonly LogicalNode[] {
  const groups = new Map<CatalogTable, LogicalScan[]>();
  const seen = new Set<LogicalNode>();
  const collect = (node: LogicalNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind === 'scan') {
      if (node.table.dataStream === undefined)
        groups.set(node.table, [...(groups.get(node.table) ?? []), node]);
      return;
    }
    readInputs(node).forEach(collect);
  };
  plans.forEach(collect);

  const sharedOf = new Map<LogicalScan, LogicalScan>();
  for (const scans of groups.values()) {
    if (new Set(scans.map(signature)).size < 2) continue;
    const shared = sharedScan(scans, accepts);
    for (const scan of scans) sharedOf.set(scan, shared);
  }
  if (sharedOf.size === 0) return plans;

  const done = new Map<LogicalNode, LogicalNode>();
  /** A scan (under an optional Filter) of a shared table: its rows from the shared scan, unnarrowed. */
  const fromShared = (node: LogicalNode): LogicalNode | undefined => {
    const scan = node.kind === 'filter' ? node.input : node;
    const shared = scan.kind === 'scan' ? sharedOf.get(scan) : undefined;
    if (shared === undefined) return undefined;
    // The scan's own conditions first, as its source applied them, then the Filter's: one Calc.
    const own =
      filterText(scan as LogicalScan) === filterText(shared)
        ? undefined
        : conjunction((scan as LogicalScan).filters);
    const above = node.kind === 'filter' ? node.condition : undefined;
    const condition =
      own === undefined
        ? above
        : above === undefined
          ? own
          : call(
              'AND',
              [own, above],
              withNullability(Types.BOOLEAN, own.type.nullable || above.type.nullable),
            );
    return condition === undefined ? shared : filter(shared, condition);
  };
  const rewrite = (node: LogicalNode): LogicalNode => {
    const known = done.get(node);
    if (known !== undefined) return known;
    let result: LogicalNode;
    // A Project picks its columns by name, so it needs no narrowing below it.
    const below = node.kind === 'project' ? fromShared(node.input) : undefined;
    const here = node.kind === 'scan' || node.kind === 'filter' ? fromShared(node) : undefined;
    if (below !== undefined) result = project(below, (node as LogicalProject).projections);
    else if (here !== undefined) result = narrowed(node, here);
    else {
      const read = readInputs(node);
      result = withInputs(
        node,
        inputsOf(node).map((input) => (read.includes(input) ? rewrite(input) : input)),
      );
    }
    done.set(node, result);
    return result;
  };
  return plans.map(rewrite);
}

/** The inputs read as streams: all but a lookup join's table, which is queried by key. */
function readInputs(node: LogicalNode): readonly LogicalNode[] {
  if (node.kind === 'temporalJoin' && node.lookup !== undefined) return [node.left];
  return inputsOf(node);
}

/** What distinguishes two scans of one table: the conditions and columns they pushed. */
function signature(scan: LogicalScan): string {
  return JSON.stringify([scan.columns.map((c) => c.name), filterText(scan), scan.nestedProjection ?? null]);
}

/** The pushed conditions as text, for comparing them; empty for none. */
function filterText(scan: LogicalScan): string {
  return (scan.filters ?? []).map(formatRex).join(' AND ');
}

/** The conjunction of a scan's pushed conditions; undefined for none. */
function conjunction(filters: readonly Rex[] | undefined): Rex | undefined {
  if (filters === undefined || filters.length === 0) return undefined;
  if (filters.length === 1) return filters[0];
  return call(
    'AND',
    filters,
    withNullability(
      Types.BOOLEAN,
      filters.some((f) => f.type.nullable),
    ),
  );
}

/** The one scan that serves all of `scans`: the OR of their conditions, the union of their columns. */
function sharedScan(scans: readonly LogicalScan[], accepts: ScanFilterable): LogicalScan {
  const first = scans[0]!;
  const table = first.table;
  let filters: readonly Rex[] | undefined;
  const texts = new Set(scans.map(filterText));
  if (texts.size === 1) filters = first.filters;
  else if (!texts.has('')) {
    const distinct = [...new Map(scans.map((s) => [filterText(s), conjunction(s.filters)!])).values()];
    const either = call(
      'OR',
      distinct,
      withNullability(
        Types.BOOLEAN,
        distinct.some((d) => d.type.nullable),
      ),
    );
    // Without the connector's word the rows all come through and each read filters its own.
    if (accepts(table, either)) filters = [either];
  }
  const wanted = new Set(scans.flatMap((s) => s.columns.map((c) => c.name)));
  // A read whose conditions the shared scan does not apply checks them above it.
  const sharedText = (filters ?? []).map(formatRex).join(' AND ');
  for (const scan of scans)
    if (filterText(scan) !== sharedText)
      for (const f of scan.filters ?? []) for (const n of fieldsOf(f)) wanted.add(n);
  const physical = table.columns.filter((c) => c.computed === undefined);
  const columns: PlanColumn[] = [];
  const nested: Record<string, readonly string[]> = {};
  for (const column of physical) {
    if (!wanted.has(column.name)) continue;
    // A ROW column is narrowed to the fields the reads need; whole if one reads it whole (or
    // only a residual condition reads it).
    const reads = scans.filter((s) => s.columns.some((c) => c.name === column.name));
    const parts = reads.map((s) => s.nestedProjection?.[column.name]);
    const fields = column.type.fields ?? [];
    if (parts.length === 0 || parts.some((p) => p === undefined)) {
      columns.push({ name: column.name, type: column.type });
      continue;
    }
    const kept = fields.filter((f) => parts.some((p) => p!.includes(f.name)));
    if (kept.length === fields.length) {
      columns.push({ name: column.name, type: column.type });
      continue;
    }
    nested[column.name] = kept.map((f) => f.name);
    columns.push({ name: column.name, type: Object.freeze({ ...column.type, fields: Object.freeze(kept) }) });
  }
  const projection =
    scans.some((s) => s.projection === undefined) || columns.length === physical.length
      ? undefined
      : columns.map((c) => c.name);

  return Object.freeze({
    kind: 'scan',
    table,
    columns: Object.freeze([...columns]),
    ...(projection === undefined ? {} : { projection: Object.freeze(projection) }),
    ...(filters === undefined || filters.length === 0 ? {} : { filters }),
    ...(Object.keys(nested).length === 0 ? {} : { nestedProjection: Object.freeze(nested) }),
    ...(first.pos === undefined ? {} : { pos: first.pos }),
  });
}

/** `rows` (of the shared scan) narrowed to the columns `node` had, when they differ. */
function narrowed(node: LogicalNode, rows: LogicalNode): LogicalNode {
  const same =
    rows.columns.length === node.columns.length &&
    rows.columns.every((c, i) => c.name === node.columns[i]!.name);
  return same
    ? rows
    : project(
        rows,
        node.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
      );
}
