/**
 * The job graph a piece of test code submits, captured instead of run: the environment's
 * defaults hand the submission to a capture that keeps the graph and throws, so the code runs
 * up to its submission and no further.
 */
import { expect } from 'vitest';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import type { JobGraph } from '../../src/runtime/job-graph.js';

/**
 * The graph `submitOne` submits. It must create its environment inside (the defaults apply to
 * environments created while it runs) and submit exactly one job, as its last step.
 */
export function capturedJobGraph(submitOne: () => void): JobGraph {
  let graph: JobGraph | undefined;
  setEnvironmentDefaults({
    graphCapture: {
      jobId: 'captured',
      submit(submitted) {
        graph = submitted;
        throw new Error('captured');
      },
    },
  });
  try {
    expect(submitOne).toThrow('captured');
  } finally {
    setEnvironmentDefaults(undefined);
  }
  return graph!;
}

/** Each operator's name by its uid. */
export function operatorsByUid(graph: JobGraph): Map<string, string> {
  return new Map(graph.vertices.flatMap((v) => v.operators.map((op) => [op.uid, op.name] as const)));
}
