/**
 * How many distinct operators read each sub-plan of a job. Sub-plan reuse (`translate.ts`)
 * turns identical subtrees into one stream, so a subtree's consumers are the distinct parents
 * (by EXPLAIN text) of all its copies across the job's plans; the fused source chain uses the
 * count to run a reused read chain once and fan its rows out to each consumer.
 */
import { explainPhysical } from './explain.js';
import { type PhysicalNode, physicalInputs } from './physical.js';

/** Distinct consumers per sub-plan, by the sub-plan's EXPLAIN text (its reuse digest). */
export function countConsumers(roots: readonly PhysicalNode[]): ReadonlyMap<string, number> {
  const parents = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const visit = (node: PhysicalNode, digest: string): void => {
    if (seen.has(digest)) return;
    seen.add(digest);
    for (const input of physicalInputs(node)) {
      const inputDigest = explainPhysical(input);
      let set = parents.get(inputDigest);
      if (set === undefined) parents.set(inputDigest, (set = new Set()));
      set.add(digest);
      visit(input, inputDigest);
    }
  };
  for (const root of roots) visit(root, explainPhysical(root));
  return new Map([...parents].map(([digest, set]) => [digest, set.size]));
}
