/**
 * Update-kind inference: which changelog edges must carry update-before (-U) rows. Physical
 * planning gives every updating operator an output with -U (`retract`, or `retract-no-deletes`
 * for one that never deletes); this pass walks the plan from its root and drops the -U from an
 * output (`upsert`, `upsert-no-deletes`) when no consumer needs the old rows, so the operator
 * skips building them, as Flink's planner does with its update-kind trait.
 *
 * A consumer needs -U when it must undo an earlier row by its content: aggregates, Top-N,
 * joins, OVER and window operators over a changelog, a sink taking retract rows, and the
 * caller of a plan with no sink (`collect()`, `toChangelogStream`), which materialises every
 * change. Only a sink that declares it takes upserts lets its input drop them. A Calc passes
 * the requirement through, unless it filters: an update that stops matching the condition
 * would vanish, and only its -U tells the consumer to drop the old row (as Flink's FLINK-9528).
 *
 * The translation reuses identical subtrees (a view read twice), so a subtree's requirement
 * is the union of all its consumers', gathered by the subtree's EXPLAIN text before any node
 * is rewritten: one subtree keeps one form and is still translated once.
 */
import type { CatalogTable } from '../catalog/catalog.js';
import {
  type ChangelogMode,
  hasUpdateBefore,
  isUpsert,
  widestMode,
  withoutUpdateBefore,
} from './changelog.js';
import { explainPhysical } from './explain.js';
import { type PhysicalNode, physicalInputs } from './physical.js';

/**
 * How a node relates to update kinds: `producer` builds its own -U rows and can leave them out;
 * `passThrough` forwards its inputs' changes and their requirement; `filter` forwards its input's
 * changes but needs -U from it when it has a condition; `consumer` needs -U from its inputs and
 * keeps its own output; `sink` needs what its connector takes.
 */
type UpdateRole = 'producer' | 'passThrough' | 'filter' | 'consumer' | 'sink';

const ROLES: Readonly<Record<PhysicalNode['kind'], UpdateRole>> = {
  groupAggregate: 'producer',
  globalGroupAggregate: 'producer',
  rank: 'producer',
  deduplicate: 'producer',
  calc: 'filter',
  watermarkAssigner: 'passThrough',
  union: 'passThrough',
  miniBatchAssigner: 'passThrough',
  // Forwards the aggregate's rows and adds inserts: its watcher reads the changes as they are.
  emptyGroupingSets: 'passThrough',
  globalOverNoRows: 'passThrough',
  sink: 'sink',
  sourceScan: 'consumer',
  values: 'consumer',
  localGroupAggregate: 'consumer',
  windowTableFunction: 'consumer',
  windowAggregate: 'consumer',
  localWindowAggregate: 'consumer',
  join: 'consumer',
  intervalJoin: 'consumer',
  temporalJoin: 'consumer',
  windowJoin: 'consumer',
  overAggregate: 'consumer',
  windowRank: 'consumer',
  // A table function may emit no row for an update's new values: the old rows need their -U.
  correlate: 'consumer',
  // Each set's row of an update has other keys than the old row's: the aggregate needs the -U.
  expand: 'consumer',
  // Insert-only in and out: no updates to pass or drop.
  temporalSort: 'consumer',
  match: 'consumer',
};

/** Which changes a sink's connector takes; `upsert` lets its input leave out -U rows. */
export type SinkModeOf = (table: CatalogTable) => ChangelogMode;

/**
 * The plan with each updating producer's output narrowed to `upsert` where no consumer needs
 * its -U rows. A plan with no sink at its root keeps every -U: its caller sees all changes.
 * Nodes whose outputs do not change are returned as they were.
 */
export function inferUpdateKinds(root: PhysicalNode, sinkModeOf: SinkModeOf): PhysicalNode {
  return inferUpdateKindsOfSet([root], sinkModeOf)[0]!;
}

/**
 * {@link inferUpdateKinds} over the plans of one job (a statement set's INSERTs) in one pass: a
 * subtree they share (a view, a shared scan) is translated once, so it must carry -U when a
 * consumer in any of the plans needs it. Deciding per plan would give the shared subtree one
 * form per plan, and the job would run it twice.
 */
export function inferUpdateKindsOfSet(
  roots: readonly PhysicalNode[],
  sinkModeOf: SinkModeOf,
): PhysicalNode[] {
  const digests = new Map<PhysicalNode, string>();
  const digestOf = (node: PhysicalNode): string => {
    let digest = digests.get(node);
    if (digest === undefined) digests.set(node, (digest = explainPhysical(node)));
    return digest;
  };
  const needs = gatherRequirements(roots, digestOf, sinkModeOf);
  const rewritten = new Map<PhysicalNode, PhysicalNode>();
  const rewrite = (node: PhysicalNode): PhysicalNode => {
    const done = rewritten.get(node);
    if (done !== undefined) return done;
    const result = rewriteNode(node, needs.get(digestOf(node)) ?? true, rewrite);
    rewritten.set(node, result);
    return result;
  };
  return roots.map(rewrite);
}

/**
 * Whether each subtree's output must carry -U, by its digest: true if any consumer of any copy
 * needs it. Requirements only grow, so each subtree is walked at most twice.
 */
function gatherRequirements(
  roots: readonly PhysicalNode[],
  digestOf: (node: PhysicalNode) => string,
  sinkModeOf: SinkModeOf,
): Map<string, boolean> {
  const needs = new Map<string, boolean>();
  const walk = (node: PhysicalNode, needsBefore: boolean): void => {
    const digest = digestOf(node);
    const known = needs.get(digest);
    if (known === true || known === needsBefore) return;
    needs.set(digest, needsBefore);
    const fromInputs = inputRequirement(node, needsBefore, sinkModeOf);
    for (const input of physicalInputs(node)) walk(input, fromInputs);
  };
  for (const root of roots) walk(root, true);
  return needs;
}

/** Whether a node, itself required to carry -U or not, needs -U from its inputs. */
function inputRequirement(node: PhysicalNode, needsBefore: boolean, sinkModeOf: SinkModeOf): boolean {
  switch (ROLES[node.kind]) {
    case 'passThrough':
      return needsBefore;
    case 'filter':
      return needsBefore || (node.kind === 'calc' && node.condition !== undefined);
    case 'sink':
      return node.kind === 'sink' && !isUpsert(sinkModeOf(node.table));
    case 'producer':
    case 'consumer':
      return true;
  }
}

/** The node over its rewritten inputs, with the mode that follows from them and `needsBefore`. */
function rewriteNode(
  node: PhysicalNode,
  needsBefore: boolean,
  rewrite: (node: PhysicalNode) => PhysicalNode,
): PhysicalNode {
  const inputs = physicalInputs(node);
  const newInputs = inputs.map(rewrite);
  let mode = node.changelogMode;
  const role = ROLES[node.kind];
  if (role === 'producer' && !needsBefore && hasUpdateBefore(mode)) mode = withoutUpdateBefore(mode);
  else if (role === 'passThrough' || role === 'filter' || role === 'sink')
    mode =
      node.changelogMode === 'insert-only'
        ? 'insert-only'
        : widestMode(newInputs.map((i) => i.changelogMode));
  if (mode === node.changelogMode && newInputs.every((input, i) => input === inputs[i])) return node;
  const replaced: Record<string, unknown> = { ...node, changelogMode: mode };
  if ('inputs' in node) replaced.inputs = Object.freeze(newInputs);
  else if ('left' in node) {
    replaced.left = newInputs[0];
    replaced.right = newInputs[1];
  } else if ('input' in node) replaced.input = newInputs[0];
  return Object.freeze(replaced) as unknown as PhysicalNode;
}
