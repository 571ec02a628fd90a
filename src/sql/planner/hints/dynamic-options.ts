/**
 * Dynamic table options, `t /*+ OPTIONS('k' = 'v') *\/`: for this query only, the hint's options
 * override or add to the table's `WITH` options, on a table read in FROM or written by INSERT.
 * A hinted table is a copy of the catalog's with the merged options, made once per table and
 * option set, so two reads with the same options are the same table to scan sharing and two
 * with different options never are. The connector checks the merged options as it checks
 * `WITH`, when the plan is planned: that is where the session's
 * `table.dynamic-table-options.enabled` (true by default, as since Flink 1.15) is known.
 */
import type { TableConfig } from '../../config.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import type { ConnectorRegistry } from '../../connectors/registry.js';
import { validationError } from '../../errors.js';
import type { SourcePos, SqlHint } from '../../parser/ast.js';
import { inputsOf, type LogicalNode } from '../logical.js';
import { checkHintForm } from './hint-names.js';

/** The session option that allows OPTIONS hints. */
export const DYNAMIC_OPTIONS_ENABLED = 'table.dynamic-table-options.enabled';

interface HintOrigin {
  readonly options: Readonly<Record<string, string>>;
  readonly pos: SourcePos;
  readonly optionPos: ReadonlyMap<string, SourcePos>;
}

const copies = new WeakMap<CatalogTable, Map<string, CatalogTable>>();
const origins = new WeakMap<CatalogTable, HintOrigin>();

/**
 * The table as the hints after its name make it: itself without an OPTIONS hint, else its copy
 * with the hinted options merged in (later hints win, as in Flink). Throws for an unknown or
 * malformed hint; other known hints have no effect on a table.
 */
export function tableWithHints(table: CatalogTable, hints: readonly SqlHint[] | undefined): CatalogTable {
  const options = optionsHints(hints);
  if (options.length === 0) return table;
  const hinted: Record<string, string> = {};
  const optionPos = new Map<string, SourcePos>();
  for (const hint of options)
    for (const option of hint.kvOptions) {
      hinted[option.key] = option.value;
      optionPos.set(option.key, option.pos);
    }
  const key = JSON.stringify(Object.entries(hinted).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let byOptions = copies.get(table);
  if (byOptions === undefined) copies.set(table, (byOptions = new Map()));
  let copy = byOptions.get(key);
  if (copy === undefined) {
    copy = Object.freeze({ ...table, options: Object.freeze({ ...table.options, ...hinted }) });
    byOptions.set(key, copy);
    origins.set(copy, Object.freeze({ options: Object.freeze(hinted), pos: options[0]!.pos, optionPos }));
  }
  return copy;
}

/** Throws when a view or WITH query carries an OPTIONS hint: options belong to tables, as Flink says. */
export function refuseOptionsOnView(name: string, hints: readonly SqlHint[] | undefined): void {
  const options = optionsHints(hints);
  if (options.length > 0)
    throw validationError(
      options[0]!.pos,
      `view '${name}' cannot be enriched with new options; hints can only be applied to tables, so put OPTIONS after a table in the view's query`,
    );
}

/** The options a hint gave a table copy, for EXPLAIN; undefined for a table without. */
export function dynamicOptionsOf(table: CatalogTable): Readonly<Record<string, string>> | undefined {
  return origins.get(table)?.options;
}

/** EXPLAIN's `, hints=[[[OPTIONS options:{k=v}]]]` after a hinted table's fields, as Flink prints it. */
export function explainTableHints(table: CatalogTable): string {
  const options = dynamicOptionsOf(table);
  if (options === undefined) return '';
  const entries = Object.entries(options).map(([k, v]) => `${k}=${v}`);
  return `, hints=[[[OPTIONS options:{${entries.join(', ')}}]]]`;
}

/**
 * Checks every hinted table the plans read or write: OPTIONS must be enabled, and the merged
 * options must pass the connector's checks, with errors at the hint's options.
 */
export function validateDynamicOptions(
  plans: readonly LogicalNode[],
  registry: ConnectorRegistry,
  config: TableConfig | undefined,
): void {
  const seen = new Set<LogicalNode>();
  const checked = new Set<CatalogTable>();
  const visit = (node: LogicalNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if ((node.kind === 'scan' || node.kind === 'sink') && !checked.has(node.table)) {
      checked.add(node.table);
      const origin = origins.get(node.table);
      if (origin !== undefined) check(node.table, origin, registry, config);
    }
    inputsOf(node).forEach(visit);
  };
  plans.forEach(visit);
}

function check(
  table: CatalogTable,
  origin: HintOrigin,
  registry: ConnectorRegistry,
  config: TableConfig | undefined,
): void {
  if (config?.get<boolean>(DYNAMIC_OPTIONS_ENABLED) === false)
    throw validationError(
      origin.pos,
      `the 'OPTIONS' hint is allowed only when '${DYNAMIC_OPTIONS_ENABLED}' is true; SET '${DYNAMIC_OPTIONS_ENABLED}' = 'true' or put the options in the table's WITH`,
    );
  const physical = table.columns.filter((c) => c.computed === undefined && c.metadata === undefined);
  registry.validate(table, physical, (key) => origin.optionPos.get(key) ?? origin.pos, origin.pos);
}

function optionsHints(hints: readonly SqlHint[] | undefined): SqlHint[] {
  if (hints === undefined) return [];
  for (const hint of hints) checkHintForm(hint);
  return hints.filter((h) => h.name === 'OPTIONS');
}
