/**
 * When a processing-time temporal join is a lookup join, as in Flink, where a lookupable table
 * source turns `FOR SYSTEM_TIME AS OF l.proctime` into a lookup: the right side is a bounded
 * `filesystem` table (no `source.monitor-interval`), possibly under filters and projections.
 * Such a table is loaded whole into each join subtask, so it must be small and finite; a
 * continuously read one is refused unless it has a primary key, which makes it a versioned
 * table for the streaming temporal join instead.
 *
 * The lookup keys are the condition's equalities between a right column and an expression over
 * left columns only (`mod(B.auction, 10000) = S.key`); every other conjunct is checked on each
 * joined row.
 */
import { unsupported, validationError } from '../../errors.js';
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
 * equality to look up by. A partitioned table is looked up in all its partitions (Flink's own
 * filesystem connector has no lookup source at all; Weir's reads the table whole, as a scan).
 */
export function lookupJoinOf(
  node: LogicalJoin,
  pos: SourcePos | undefined,
): { lookup: LookupSpec; residual: Rex | undefined } | undefined {
  const source = tableOf(node.right);
  // Flink looks a jdbc table up per row; Weir's lookup reads its table whole and synchronously
  // when the join opens, which a database does not allow, and a temporal join of its scan would
  // depend on timing: refused rather than joined differently.
  if (source?.table.options.connector === 'jdbc')
    throw unsupported(
      pos,
      `lookup join (FOR SYSTEM_TIME AS OF) against jdbc table '${source.table.name}'`,
      'join it with a regular JOIN, or export it to a bounded filesystem table and look that up',
    );
  if (source === undefined || source.table.options.connector !== 'filesystem') return undefined;
  const { table } = source;
  if (table.options['source.monitor-interval'] !== undefined) {
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
  for (const c of conjunctsOf(node.condition)) {
    const key =
      c.kind === 'call' && c.op === '='
        ? lookupKeyOf(c.args[0]!, c.args[1]!, leftNames, rightNames)
        : undefined;
    if (key === undefined) rest.push(c);
    else keys.push(key);
  }
  if (keys.length === 0)
    throw validationError(
      pos,
      `lookup join on '${table.name}' needs an equality between one of its columns and the left side; add ON <left expression> = ${table.name}.<column>`,
    );
  return {
    lookup: Object.freeze({ table, steps: source.steps, keys }),
    residual: rest.length === 0 ? undefined : andOf(rest),
  };
}

/** `left expression = right column` in either order, or undefined. */
function lookupKeyOf(
  a: Rex,
  b: Rex,
  leftNames: ReadonlySet<string>,
  rightNames: ReadonlySet<string>,
): LookupKey | undefined {
  const onlyLeft = (rex: Rex) => {
    const fields = fieldsOf(rex);
    return fields.size > 0 && [...fields].every((f) => leftNames.has(f));
  };
  if (b.kind === 'field' && rightNames.has(b.name) && onlyLeft(a)) return { left: a, right: b.name };
  if (a.kind === 'field' && rightNames.has(a.name) && onlyLeft(b)) return { left: b, right: a.name };
  return undefined;
}
