/**
 * Rules that recognise Top-N, deduplication and their window forms in OVER plans, as Flink's
 * planner does:
 *
 * - a filter bounding a ranking column (`rn <= N`, `rn < N`, `rn = N`, `rn BETWEEN a AND b`)
 *   over a ranking OVER node becomes a {@link LogicalRank};
 * - a projection that does not use the rank column drops it from the rank ("no ranking
 *   number"), so updates need not renumber rows that did not change; one that only renames it
 *   renames it in the rank, which then needs no Calc after it;
 * - Top-1 by ROW_NUMBER ordered by a time attribute, without the rank column, becomes a
 *   {@link LogicalDeduplicate} that keeps one row per key;
 * - a rank whose partition keys hold the window bounds of a windowing table function or window
 *   aggregate becomes a {@link LogicalWindowRank}, ranked once per window when it closes.
 */
import { call, fieldsOf, type Rex } from '../../expressions/rex.js';
import { Types, withNullability } from '../../catalog/types.js';
import { filter, type LogicalNode, project } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import type { LogicalDeduplicate, LogicalRank, LogicalWindowRank, RankSpec } from './over-nodes.js';

/** The conjuncts of an AND tree. */
function conjuncts(rex: Rex): Rex[] {
  if (rex.kind === 'call' && rex.op === 'AND') return rex.args.flatMap(conjuncts);
  return [rex];
}

const FLIPPED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

/** `[low, high]` bounds a conjunct puts on the rank column, or undefined if it is not such a bound. */
function rankBound(rex: Rex, rankColumn: string): { low?: number; high?: number } | undefined {
  if (rex.kind !== 'call' || rex.args.length !== 2 || FLIPPED[rex.op] === undefined) return undefined;
  let [a, b] = rex.args as [Rex, Rex];
  let op = rex.op;
  if (b.kind === 'field' && a.kind === 'literal') {
    [a, b] = [b, a];
    op = FLIPPED[op]!;
  }
  if (a.kind !== 'field' || a.name !== rankColumn || b.kind !== 'literal') return undefined;
  const n = b.value;
  if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
  switch (op) {
    case '<':
      return { high: n - 1 };
    case '<=':
      return { high: n };
    case '>':
      return { low: n + 1 };
    case '>=':
      return { low: n };
    default:
      return { low: n, high: n };
  }
}

/** Filter(Over(ROW_NUMBER …)) with an upper bound on the rank → Rank, plus any other conditions. */
export const OverToRankRule: RewriteRule = {
  name: 'OverToRankRule',
  apply(node) {
    if (node.kind !== 'filter' || node.input.kind !== 'over') return undefined;
    const over = node.input;
    if (over.rank === undefined) return undefined;
    let low = 1;
    let high = Number.POSITIVE_INFINITY;
    const rest: Rex[] = [];
    for (const c of conjuncts(node.condition)) {
      const bound = rankBound(c, over.rank.name);
      if (bound === undefined) {
        rest.push(c);
        continue;
      }
      low = Math.max(low, bound.low ?? low);
      high = Math.min(high, bound.high ?? high);
    }
    if (high === Number.POSITIVE_INFINITY) return undefined;
    const rank: LogicalRank = Object.freeze({
      kind: 'rank',
      input: over.input,
      partitionKeys: over.partitionKeys,
      orderBy: over.orderBy,
      rankType: over.rank.type,
      rankStart: low,
      rankEnd: high,
      rankColumn: over.rank.name,
      columns: over.columns,
    });
    if (rest.length === 0) return rank;
    const condition = rest.reduce((a, b) =>
      call('AND', [a, b], withNullability(Types.BOOLEAN, a.type.nullable || b.type.nullable)),
    );
    return filter(rank, condition);
  },
};

/** Project(Rank) that never reads the rank column → the rank without it. */
export const RankDropNumberRule: RewriteRule = {
  name: 'RankDropNumberRule',
  apply(node) {
    if (node.kind !== 'project') return undefined;
    const rank = node.input;
    if ((rank.kind !== 'rank' && rank.kind !== 'windowRank') || rank.rankColumn === undefined)
      return undefined;
    const used = new Set<string>();
    for (const p of node.projections) fieldsOf(p.rex, used);
    if (used.has(rank.rankColumn)) return undefined;
    const columns = rank.columns.filter((c) => c.name !== rank.rankColumn);
    const withoutNumber = { ...rank, rankColumn: undefined, columns };
    if (withoutNumber.kind === 'windowRank')
      return project(
        Object.freeze({ ...withoutNumber, deduplicate: isDeduplication(withoutNumber, rank.input, true) }),
        node.projections,
      );
    return project(Object.freeze(withoutNumber), node.projections);
  },
};

/**
 * Project(Rank) that passes the rank's columns through in order, renaming at most the rank
 * column → the rank with its rank column under the new name. The rank then builds each output
 * row once, where a Calc after it would copy every row it emits (Nexmark q19's `AS rank_number`).
 */
export const RankRenameNumberRule: RewriteRule = {
  name: 'RankRenameNumberRule',
  apply(node) {
    if (node.kind !== 'project' || node.input.kind !== 'rank') return undefined;
    const rank = node.input;
    const number = rank.rankColumn;
    if (number === undefined || node.projections.length !== rank.columns.length) return undefined;
    let renamed: string | undefined;
    for (let i = 0; i < rank.columns.length; i++) {
      const p = node.projections[i]!;
      const column = rank.columns[i]!.name;
      if (p.rex.kind !== 'field' || p.rex.name !== column) return undefined;
      if (p.name === column) continue;
      if (column !== number) return undefined;
      renamed = p.name;
    }
    if (renamed === undefined) return undefined;
    const columns = rank.columns.map((c) => (c.name === number ? { ...c, name: renamed } : c));
    return Object.freeze({ ...rank, rankColumn: renamed, columns });
  },
};

/**
 * Whether a rank is Top-1 by ROW_NUMBER ordered by one time attribute, without the number. Over
 * windowed input the row's time column is no time attribute any more (window_time is), so
 * there any timestamp column counts, as in Flink's window deduplication.
 */
function isDeduplication(spec: RankSpec, input: LogicalNode, windowed = false): boolean {
  if (spec.rankType !== 'ROW_NUMBER' || spec.rankStart !== 1 || spec.rankEnd !== 1) return false;
  if (spec.rankColumn !== undefined || spec.orderBy.length !== 1) return false;
  const type = input.columns.find((c) => c.name === spec.orderBy[0]!.column)?.type;
  if (windowed && (type?.root === 'TIMESTAMP' || type?.root === 'TIMESTAMP_LTZ')) return true;
  return type?.rowtime === true || type?.proctime === true;
}

/** Rank that is Top-1 by a time attribute, without its number → Deduplicate. */
export const RankToDeduplicateRule: RewriteRule = {
  name: 'RankToDeduplicateRule',
  apply(node) {
    if (node.kind !== 'rank' || !isDeduplication(node, node.input)) return undefined;
    const dedup: LogicalDeduplicate = Object.freeze({
      kind: 'deduplicate',
      input: node.input,
      keys: node.partitionKeys,
      keepLast: node.orderBy[0]!.descending,
      timeColumn: node.orderBy[0]!.column,
      columns: node.columns,
    });
    return dedup;
  },
};

/**
 * The columns of a node's output that hold window bounds of windowed input below it, followed
 * through projections that pass them on (possibly renamed) and through filters.
 */
export function windowBounds(node: LogicalNode): { start?: string; end?: string } {
  switch (node.kind) {
    case 'windowTableFunction':
      return { start: 'window_start', end: 'window_end' };
    case 'windowAggregate':
      return { start: node.windowColumns.start, end: node.windowColumns.end };
    case 'filter':
      return windowBounds(node.input);
    case 'project': {
      const below = windowBounds(node.input);
      const renamed = (name: string | undefined) =>
        name === undefined
          ? undefined
          : node.projections.find((p) => p.rex.kind === 'field' && p.rex.name === name)?.name;
      return { start: renamed(below.start), end: renamed(below.end) };
    }
    default:
      return {};
  }
}

/** Rank partitioned by the window bounds of windowed input → WindowRank. */
export const RankToWindowRankRule: RewriteRule = {
  name: 'RankToWindowRankRule',
  apply(node) {
    if (node.kind !== 'rank') return undefined;
    const bounds = windowBounds(node.input);
    if (bounds.start === undefined || bounds.end === undefined) return undefined;
    if (!node.partitionKeys.includes(bounds.start) || !node.partitionKeys.includes(bounds.end))
      return undefined;
    const { kind: _kind, ...spec } = node;
    const windowRank: LogicalWindowRank = Object.freeze({
      ...spec,
      kind: 'windowRank',
      windowStart: bounds.start,
      windowEnd: bounds.end,
      deduplicate: isDeduplication(node, node.input, true),
    });
    return windowRank;
  },
};

/** This feature's rules, in the order the optimizer tries them. */
export const RANK_RULES: readonly RewriteRule[] = [
  OverToRankRule,
  RankToWindowRankRule,
  RankDropNumberRule,
  RankRenameNumberRule,
  RankToDeduplicateRule,
];
