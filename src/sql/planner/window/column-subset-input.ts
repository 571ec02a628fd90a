/**
 * A Calc that only keeps some of its input's columns under their own names (Nexmark q5's
 * `Calc(select=[num, window_start, window_end])` below the window aggregate of the per-window
 * maximum) builds a row per input row that an operator reading its input by column name does
 * not need: the input row has every column the Calc keeps, under the same name and with the
 * same value. A window aggregate is such an operator: its key selector, its aggregate calls,
 * its window bounds and its time column read named columns, and its result rows are built
 * from the accumulators, never from an input row. So it can read the Calc's input instead.
 * EXPLAIN still shows the Calc: it is how the plan reads, and only not run.
 */
import type { PhysicalNode } from '../physical.js';

/**
 * Inputs that are part of a source's read chain: the chain fuses the Calcs above them
 * (`fused-source-chain.ts`), a Calc included, and counts them as its consumers, so reading
 * below such a Calc would change the chain rather than save a row.
 */
const READ_CHAIN_KINDS: ReadonlySet<PhysicalNode['kind']> = new Set([
  'sourceScan',
  'values',
  'watermarkAssigner',
  'calc',
  'union',
]);

/**
 * The node whose rows an operator that reads its input only by column name can take in place
 * of `node`'s: `node`'s input when `node` is an insert-only Calc without a condition whose
 * every column is an input column of the same name, otherwise `node` itself.
 */
export function columnSubsetInput(node: PhysicalNode): PhysicalNode {
  if (node.kind !== 'calc' || node.condition !== undefined || node.changelogMode !== 'insert-only')
    return node;
  const input = node.input;
  if (READ_CHAIN_KINDS.has(input.kind) || input.changelogMode !== 'insert-only') return node;
  const inputColumns = new Set(input.columns.map((c) => c.name));
  const passesThrough = node.projections.every(
    (p) => p.rex.kind === 'field' && p.rex.name === p.name && inputColumns.has(p.name),
  );
  return passesThrough ? input : node;
}
