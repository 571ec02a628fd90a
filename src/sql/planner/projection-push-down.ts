/**
 * Projection push-down: a required-columns pass over the rewritten logical plan. It walks the
 * plan top-down with the set of columns each consumer reads and narrows what flows below it:
 * existing projections drop the expressions nobody reads, scans of connectors that can project
 * produce only the columns asked for (`LogicalScan.projection`), and the inputs of stateful
 * operators (aggregates, joins, OVER, ranks) and of unions get a narrowing projection, so state
 * holds and shuffles carry only what the operator or its consumers need.
 *
 * Every node keeps what its own semantics read: join conditions and keys, time attributes of
 * watermarks, windows, temporal and interval joins, ORDER BY and PARTITION BY columns, and the
 * arguments of aggregate and table function calls. A watermark assigner keeps its rowtime and
 * the columns of its watermark expression, so its timestamps never change.
 *
 * It runs once, after the rewrite rules reach their fixed point, as its own named step: it
 * only removes columns and adds projections that no later rule sees, so it cannot ping-pong
 * with the filter and projection rules.
 */
import { matchInputColumns } from './match/match-planning.js';
import type { CatalogTable } from '../catalog/catalog.js';
import { field, fieldsOf, type Rex } from '../expressions/rex.js';
import { filter, type LogicalNode, type PlanColumn, project, union } from './logical.js';
import { pushDownNestedProjections } from './nested-projection.js';
import { expand } from './aggregate/expand-nodes.js';
import type { BoundAggregateCall } from '../aggregates/aggregate-function.js';

/** The name the step has among the fired rules. */
export const PROJECTION_PUSH_DOWN = 'ProjectionPushDownRule';

/** Whether a scan of the table may produce a subset of its physical columns. */
export type ScanProjectable = (table: CatalogTable) => boolean;

/**
 * The plan with every node's input narrowed to the columns read above it; the same plan object
 * when nothing could be pruned. The root keeps all its columns, in order.
 *
 * `canProjectScan` says which tables' sources can emit a subset of their columns; others keep
 * every column at the scan (a projection above a stateful consumer still narrows their rows).
 * DataStream-backed tables never project, since their rows are whatever the stream holds.
 */
export function pushDownProjections(
  plan: LogicalNode,
  canProjectScan: ScanProjectable = (table) => table.dataStream === undefined,
): LogicalNode {
  const pruned = new Pruner(canProjectScan).prune(plan, new Set(plan.columns.map((c) => c.name)));
  // ROW columns read in part are narrowed last, once the chains above the scans are final.
  return pushDownNestedProjections(pruned, canProjectScan);
}

const namesOf = (columns: readonly PlanColumn[]) => new Set(columns.map((c) => c.name));

function addFields(into: Set<string>, rex: Rex | undefined): Set<string> {
  if (rex !== undefined) fieldsOf(rex, into);
  return into;
}

function addCalls(into: Set<string>, calls: readonly BoundAggregateCall[]): Set<string> {
  for (const c of calls) {
    for (const arg of c.args) into.add(arg);
    if (c.filter !== undefined) into.add(c.filter);
  }
  return into;
}

/** The required names that are columns of `columns` (plus `extra`). */
function within(
  required: ReadonlySet<string>,
  columns: readonly PlanColumn[],
  ...extra: string[]
): Set<string> {
  const out = new Set<string>(extra);
  for (const c of columns) if (required.has(c.name)) out.add(c.name);
  return out;
}

/** `columns` without those the new inputs no longer produce (outputs of the node itself stay). */
function keptColumns(
  columns: readonly PlanColumn[],
  available: ReadonlySet<string>,
  ownOutputs: ReadonlySet<string>,
): readonly PlanColumn[] {
  return Object.freeze(columns.filter((c) => available.has(c.name) || ownOutputs.has(c.name)));
}

class Pruner {
  constructor(private readonly canProjectScan: ScanProjectable) {}

  /**
   * The node, rewritten so that it produces at least the `required` columns it has and as few
   * others as it cheaply can; the node itself when nothing changes below or in it.
   */
  prune(node: LogicalNode, required: ReadonlySet<string>): LogicalNode {
    switch (node.kind) {
      case 'scan': {
        if (!this.canProjectScan(node.table)) return node;
        let kept = node.columns.filter((c) => required.has(c.name));
        if (kept.length === node.columns.length) return node;
        // A row with no fields cannot be read from most formats; COUNT(*) still needs rows.
        if (kept.length === 0 && node.columns.length > 0) kept = [node.columns[0]!];
        return Object.freeze({
          ...node,
          columns: Object.freeze(kept),
          projection: Object.freeze(kept.map((c) => c.name)),
        });
      }
      case 'values':
        return node;
      case 'project': {
        let kept = node.projections.filter((p) => required.has(p.name));
        if (kept.length === 0 && node.projections.length > 0) kept = [node.projections[0]!];
        const need = new Set<string>();
        for (const p of kept) addFields(need, p.rex);
        const input = this.prune(node.input, need);
        if (input === node.input && kept.length === node.projections.length) return node;
        return project(input, kept);
      }
      case 'filter': {
        const input = this.prune(node.input, addFields(new Set(required), node.condition));
        return input === node.input ? node : filter(input, node.condition);
      }
      case 'watermarkAssigner': {
        // The rowtime and whatever the watermark expression reads stay: same timestamps.
        const need = addFields(new Set([...required, node.rowtime]), node.rex);
        const input = this.prune(node.input, need);
        if (input === node.input) return node;
        return Object.freeze({
          ...node,
          input,
          columns: keptColumns(node.columns, namesOf(input.columns), new Set()),
        });
      }
      case 'sink':
        return this.withInput(node, this.exact(node.input, namesOf(node.input.columns)));
      case 'union': {
        // All inputs must keep the same columns in the same order, so each gets exactly these.
        let kept = node.columns.filter((c) => required.has(c.name));
        if (kept.length === 0 && node.columns.length > 0) kept = [node.columns[0]!];
        if (kept.length === node.columns.length) {
          const inputs = node.inputs.map((i) => this.exact(i, namesOf(i.columns)));
          return inputs.every((i, n) => i === node.inputs[n]) ? node : union(inputs, node.columns);
        }
        const names = namesOf(kept);
        return union(
          node.inputs.map((i) => this.exact(i, names)),
          kept,
        );
      }
      case 'aggregate':
        return this.withInput(node, this.exact(node.input, addCalls(new Set(node.groupKeys), node.calls)));
      case 'windowTableFunction': {
        const window = node.window;
        const need = within(required, node.input.columns, window.timeColumn);
        if (window.kind === 'SESSION') for (const k of window.partitionKeys) need.add(k);
        const input = this.prune(node.input, need);
        if (input === node.input) return node;
        const own = new Set(node.columns.slice(node.input.columns.length).map((c) => c.name));
        return Object.freeze({
          ...node,
          input,
          columns: keptColumns(node.columns, namesOf(input.columns), own),
        });
      }
      case 'windowAggregate': {
        const need = addCalls(new Set(node.groupKeys), node.calls);
        const inputNames = namesOf(node.input.columns);
        if (node.inputWindow !== undefined) need.add(node.inputWindow.start).add(node.inputWindow.end);
        else need.add(node.window.timeColumn);
        if (node.window.kind === 'SESSION') for (const k of node.window.partitionKeys) need.add(k);
        for (const n of need) if (!inputNames.has(n)) need.delete(n);
        return this.withInput(node, this.exact(node.input, need));
      }
      case 'join':
      case 'intervalJoin':
      case 'temporalJoin':
      case 'windowJoin': {
        const needs = addFields(new Set(required), node.condition);
        if (node.kind === 'join' && node.temporal !== undefined) needs.add(node.temporal.leftTime);
        if (node.kind === 'temporalJoin') {
          for (const n of [node.leftTime, ...node.leftKeys, ...node.rightKeys]) needs.add(n);
          if (node.rightTime !== undefined) needs.add(node.rightTime);
          addFields(needs, node.residual);
        }
        if (node.kind === 'windowJoin') {
          const w = [node.leftWindow, node.rightWindow].flatMap((b) => [b.start, b.end]);
          for (const n of [...w, ...node.leftKeys, ...node.rightKeys]) needs.add(n);
          addFields(needs, node.residual);
        }
        // Semi and anti joins output only the left side: the right needs its condition columns.
        const rightNeeds =
          node.joinType === 'semi' || node.joinType === 'anti' ? addFields(new Set(), node.condition) : needs;
        const left = this.exact(node.left, within(needs, node.left.columns));
        const right = this.exact(node.right, within(rightNeeds, node.right.columns));
        if (left === node.left && right === node.right) return node;
        const available = new Set([...namesOf(left.columns), ...namesOf(right.columns)]);
        return Object.freeze({
          ...node,
          left,
          right,
          columns: keptColumns(node.columns, available, new Set()),
        });
      }
      case 'over': {
        const need = within(required, node.input.columns, ...node.partitionKeys);
        for (const k of node.orderBy) need.add(k.column);
        addCalls(need, node.calls);
        const own = new Set(node.calls.map((c) => c.name));
        if (node.rank !== undefined) own.add(node.rank.name);
        return this.withInput(node, this.exact(node.input, need), own);
      }
      case 'rank':
      case 'windowRank': {
        const need = within(required, node.input.columns, ...node.partitionKeys);
        for (const k of node.orderBy) need.add(k.column);
        if (node.kind === 'windowRank') need.add(node.windowStart).add(node.windowEnd);
        const own = new Set(node.rankColumn === undefined ? [] : [node.rankColumn]);
        return this.withInput(node, this.exact(node.input, need), own);
      }
      case 'deduplicate': {
        const need = within(required, node.input.columns, ...node.keys, node.timeColumn);
        return this.withInput(node, this.exact(node.input, need));
      }
      case 'match': {
        const input = this.exact(node.input, matchInputColumns(node));
        return input === node.input ? node : Object.freeze({ ...node, input });
      }
      case 'temporalSort': {
        const need = within(required, node.input.columns);
        for (const k of node.orderBy) need.add(k.column);
        return this.withInput(node, this.exact(node.input, need));
      }
      case 'expand': {
        // Keeps the outputs asked for, and the input columns their expressions read.
        let keep = node.columns.map((c, i) => (required.has(c.name) ? i : -1)).filter((i) => i >= 0);
        if (keep.length === 0) keep = [0];
        const need = new Set<string>();
        for (const list of node.projects) for (const i of keep) addFields(need, list[i]);
        const input = this.prune(node.input, need);
        if (input === node.input && keep.length === node.columns.length) return node;
        return expand(
          input,
          keep.map((i) => node.columns[i]!),
          node.projects.map((list) => keep.map((i) => list[i]!)),
        );
      }
      case 'correlate': {
        const need = within(required, node.input.columns);
        for (const arg of node.invocation.args) addFields(need, arg);
        // Stateless: the narrower input rows are enough, no projection of its own.
        const input = this.prune(node.input, need);
        if (input === node.input) return node;
        const own = new Set(node.outputs.map((c) => c.name));
        return Object.freeze({
          ...node,
          input,
          columns: keptColumns(node.columns, namesOf(input.columns), own),
        });
      }
    }
  }

  /**
   * The input pruned to `needed` and then projected to exactly those columns (in input order),
   * for consumers whose rows go into state or a shuffle. A windowing table function's extra
   * window columns are left alone: its consumer is the window operator right above it.
   */
  private exact(input: LogicalNode, needed: ReadonlySet<string>): LogicalNode {
    const pruned = this.prune(input, needed);
    let kept = pruned.columns.filter((c) => needed.has(c.name));
    if (kept.length === pruned.columns.length || pruned.kind === 'windowTableFunction') return pruned;
    if (kept.length === 0 && pruned.columns.length > 0) kept = [pruned.columns[0]!];
    return project(
      pruned,
      kept.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
    );
  }

  /** The node over a new input, with the columns that input no longer has dropped. */
  private withInput<N extends LogicalNode & { readonly input: LogicalNode }>(
    node: N,
    input: LogicalNode,
    own: ReadonlySet<string> = new Set(),
  ): LogicalNode {
    if (input === node.input) return node;
    const inputNames = namesOf(node.input.columns);
    // The node's own outputs (aggregate results, group keys) are whatever is not an input column.
    const outputs = new Set(own);
    for (const c of node.columns) if (!inputNames.has(c.name)) outputs.add(c.name);
    if (node.kind === 'aggregate' || node.kind === 'windowAggregate' || node.kind === 'sink')
      return Object.freeze({ ...(node as object), input }) as unknown as LogicalNode;
    return Object.freeze({
      ...(node as object),
      input,
      columns: keptColumns(node.columns, namesOf(input.columns), outputs),
    }) as unknown as LogicalNode;
  }
}
