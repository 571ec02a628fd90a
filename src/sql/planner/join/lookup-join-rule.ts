/**
 * When a processing-time temporal join is a lookup join, as in Flink, where a lookupable table
 * source turns `FOR SYSTEM_TIME AS OF l.proctime` into a lookup: the right side is a `jdbc`
 * table, queried per probe key, or a bounded `filesystem` table (no `source.monitor-interval`),
 * possibly under filters and projections. A filesystem table is loaded whole into each join
 * subtask, so it must be small and finite; a continuously read one is refused unless it has a
 * primary key, which makes it a versioned table for the streaming temporal join instead.
 *
 * The lookup keys are the condition's equalities between a right column and an expression over
 * left columns only (`mod(B.auction, 10000) = S.key`); for a jdbc table also those between a
 * right column and a constant (`c.region = 'EU'`), which Flink pushes into the lookup key too.
 * At least one key must read the left side. Every other conjunct is checked on each joined row.
 * A jdbc table's keys must be its own physical columns (through the right side's projections),
 * since they become the query's `WHERE`.
 */
import { validationError } from '../../errors.js';
import { fieldsOf, type Rex } from '../../expressions/rex.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import type { SourcePos } from '../../parser/ast.js';
import type { LogicalNode } from '../logical.js';
import type { LogicalJoin } from './join-nodes.js';
import type { LookupKey, LookupSpec, LookupStep } from './lookup-join-nodes.js';
import { andOf, conjunctsOf } from './join-conditions.js';

/** The table under a right plan of filters, projections and watermark assigners, and those steps. */
function tableOf(
  node: LogicalNode,
  steps: LookupStep[] = [],
): { table: CatalogTable; steps: LookupStep[] } | undefined {
  switch (node.kind) {
    case 'scan':
      return { table: node.table, steps: steps.reverse() };
    case 'filter':
      return tableOf(node.input, [...steps, { kind: 'filter', condition: node.condition }]);
    case 'project':
      return tableOf(node.input, [...steps, { kind: 'project', projections: node.projections }]);
    case 'watermarkAssigner':
      // The right side's event time plays no part in a processing-time lookup.
      return tableOf(node.input, steps);
    default:
      return undefined;
  }
}

/**
 * The lookup spec and residual condition of a processing-time temporal join, or undefined when
 * its right side is not a lookup table (the streaming temporal join applies). Throws for a
 * lookup table that cannot be looked up: read continuously without a primary key, or with no
 * equality to look up by, or a jdbc table by a column it computes. A partitioned filesystem
 * table is looked up in all its partitions (Flink's own
 * filesystem connector has no lookup source at all; Weir's reads the table whole, as a scan).
 */
export function lookupJoinOf(
  node: LogicalJoin,
  pos: SourcePos | undefined,
): { lookup: LookupSpec; residual: Rex | undefined } | undefined {
  const source = tableOf(node.right);
  const connector = source?.table.options.connector;
  if (source === undefined || (connector !== 'filesystem' && connector !== 'jdbc')) return undefined;
  const { table } = source;
  if (connector === 'filesystem' && table.options['source.monitor-interval'] !== undefined) {
    if (table.primaryKey !== undefined) return undefined;
    throw validationError(
      pos,
      `lookup join needs a bounded table, but '${table.name}' is read continuously ('source.monitor-interval'); remove that option to load it whole into each join subtask, or declare PRIMARY KEY (…) NOT ENFORCED to join its versions`,
    );
  }
  const leftNames = new Set(node.left.columns.map((c) => c.name));
  const rightNames = new Set(node.right.columns.map((c) => c.name));
  const keys: LookupKey[] = [];
  const rest: Rex[] = [];
  const keyConditions: Rex[] = [];
  for (const c of conjunctsOf(node.condition)) {
    const key =
      c.kind === 'call' && c.op === '='
        ? lookupKeyOf(c.args[0]!, c.args[1]!, leftNames, rightNames, connector === 'jdbc')
        : undefined;
    if (key === undefined) rest.push(c);
    else {
      keys.push(key);
      keyConditions.push(c);
    }
  }
  if (!keys.some((k) => fieldsOf(k.left).size > 0))
    throw validationError(
      pos,
      `lookup join on '${table.name}' needs an equality between one of its columns and the left side; add ON <left expression> = ${table.name}.<column>`,
    );
  let tableKeys: string[] | undefined;
  if (connector === 'jdbc') {
    tableKeys = [];
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const column = tableColumnOf(key.right, source.steps, table);
      if (column !== undefined) tableKeys.unshift(column);
      else if (fieldsOf(key.left).size === 0) {
        // A constant the database cannot be asked by is tested on the joined rows instead.
        keys.splice(i, 1);
        rest.push(keyConditions[i]!);
      } else
        throw validationError(
          pos,
          `lookup join on jdbc table '${table.name}' looks up by '${key.right}', which is not a column of the PostgreSQL table; look it up by a plain column of '${table.name}' and test '${key.right}' in the WHERE clause`,
        );
    }
  }
  return {
    lookup: Object.freeze({
      table,
      steps: source.steps,
      keys,
      ...(tableKeys === undefined ? {} : { tableKeys: Object.freeze(tableKeys) }),
      ...(node.hints?.lookup === undefined ? {} : { hint: node.hints.lookup }),
    }),
    residual: rest.length === 0 ? undefined : andOf(rest),
  };
}

/**
 * `left expression = right column` in either order, or undefined; with `constants`, also
 * `constant = right column` (a literal, possibly cast).
 */
function lookupKeyOf(
  a: Rex,
  b: Rex,
  leftNames: ReadonlySet<string>,
  rightNames: ReadonlySet<string>,
  constants: boolean,
): LookupKey | undefined {
  const probe = (rex: Rex) => {
    const fields = fieldsOf(rex);
    if (fields.size === 0) return constants && isConstant(rex);
    return [...fields].every((f) => leftNames.has(f));
  };
  if (b.kind === 'field' && rightNames.has(b.name) && probe(a)) return { left: a, right: b.name };
  if (a.kind === 'field' && rightNames.has(a.name) && probe(b)) return { left: b, right: a.name };
  return undefined;
}

/** A literal, or a cast of one: the same value for every probe row. */
function isConstant(rex: Rex): boolean {
  if (rex.kind === 'literal') return true;
  return rex.kind === 'call' && rex.op === 'CAST' && rex.args.length === 1 && isConstant(rex.args[0]!);
}

/**
 * The physical column of `table` a right-side column is, through the projections of `steps`
 * (outermost first); undefined when it is computed, since the database cannot be asked by it.
 */
function tableColumnOf(name: string, steps: readonly LookupStep[], table: CatalogTable): string | undefined {
  let column: string | undefined = name;
  for (let i = steps.length - 1; i >= 0 && column !== undefined; i--) {
    const step = steps[i]!;
    if (step.kind !== 'project') continue;
    const rex = step.projections.find((p) => p.name === column)?.rex;
    column = rex?.kind === 'field' ? rex.name : undefined;
  }
  return table.columns.find((c) => c.name === column && c.computed === undefined && c.metadata === undefined)
    ?.name;
}
