/**
 * Query hints (`SELECT /*+ … *\/`) act on their query block only: the SELECT they follow and
 * the joins and aggregate of its FROM, not subqueries, views or outer queries (Flink's "query
 * block"). The builder plans a block inside {@link withQueryBlock}, which resolves its hints
 * once; the join and aggregate builders ask {@link currentQueryBlock} for what applies to them.
 * Planning is synchronous and a nested SELECT enters a block of its own, so a stack suffices.
 */
import { validationError } from '../../errors.js';
import type { FromItem, Select, SqlHint } from '../../parser/ast.js';
import { checkHintForm, JOIN_HINTS } from './hint-names.js';
import { type LookupHint, lookupHintOf } from './lookup-hint.js';
import { stateTtlOf, type TtlHint } from './state-ttl.js';

/** What a query block's hints ask for, by the names of its FROM items. */
export interface QueryBlockHints {
  /** STATE_TTL, by table, view or alias name. */
  readonly stateTtl: ReadonlyMap<string, TtlHint>;
  /** LOOKUP, by the lookup table's name. */
  readonly lookup: ReadonlyMap<string, LookupHint>;
}

const NONE: QueryBlockHints = Object.freeze({ stateTtl: new Map(), lookup: new Map() });
const blocks: QueryBlockHints[] = [];

/** Runs `build` (the planning of `select`) with its query hints resolved and current. */
export function withQueryBlock<T>(select: Select, build: () => T): T {
  blocks.push(select.hints === undefined ? NONE : resolve(select.hints, select.from));
  try {
    return build();
  } finally {
    blocks.pop();
  }
}

/** The hints of the query block being planned; none outside of one. */
export function currentQueryBlock(): QueryBlockHints {
  return blocks[blocks.length - 1] ?? NONE;
}

/** The name a FROM item answers to in hints: its alias, else a table's or view's own name. */
export function hintNameOf(item: FromItem): string | undefined {
  if (item.kind === 'join') return undefined;
  if ('alias' in item && item.alias !== undefined) return item.alias;
  return item.kind === 'tableRef' ? item.name[item.name.length - 1] : undefined;
}

function resolve(hints: readonly SqlHint[], from: FromItem | undefined): QueryBlockHints {
  const names = new Set<string>();
  // LOOKUP names the table as FROM does, never an alias (as in Flink).
  const tables = new Set<string>();
  const collect = (item: FromItem): void => {
    if (item.kind === 'join') {
      collect(item.left);
      collect(item.right);
      return;
    }
    if (item.kind === 'tableRef') {
      names.add(item.name[item.name.length - 1]!);
      tables.add(item.name[item.name.length - 1]!);
    }
    const name = hintNameOf(item);
    if (name !== undefined) names.add(name);
  };
  if (from !== undefined) collect(from);
  const known = (name: string, hint: SqlHint, pos = hint.pos, among = names) => {
    if (!among.has(name))
      throw validationError(
        pos,
        `${hint.name} hint names '${name}', which is no table or view of this query's FROM (${[...among].join(', ') || 'none'})`,
      );
  };
  const stateTtl = new Map<string, TtlHint>();
  const lookup = new Map<string, LookupHint>();
  for (const hint of hints) {
    checkHintForm(hint);
    if (hint.name === 'STATE_TTL')
      for (const option of hint.kvOptions) {
        known(option.key, hint, option.pos);
        // The first hint for a name wins, as Flink takes the first of conflicting hints.
        if (!stateTtl.has(option.key)) stateTtl.set(option.key, stateTtlOf(option));
      }
    else if (hint.name === 'LOOKUP') {
      const parsed = lookupHintOf(hint);
      known(parsed.table, hint, hint.pos, tables);
      if (!lookup.has(parsed.table)) lookup.set(parsed.table, parsed);
    } else if (JOIN_HINTS.includes(hint.name)) for (const table of hint.listOptions) known(table, hint);
  }
  return Object.freeze({ stateTtl, lookup });
}
