/**
 * A worker thread rebuilds the job graph by running the job's code again, so the graph it gets
 * must be the one that was submitted: same vertices, operators, parallelism and edges. The
 * fingerprint lists exactly what the deployment relies on; a difference (a job that names
 * operators after the clock, say) is reported instead of running a different dataflow.
 */
import type { JobGraph } from '../job-graph.js';

/** One line per vertex and edge; equal graphs give equal fingerprints. */
export function graphFingerprint(job: JobGraph): string {
  const lines: string[] = [];
  for (const v of job.vertices) {
    const operators = v.operators.map((op) => `${op.uid}:${op.name}`).join(', ');
    lines.push(`vertex ${v.id} '${v.name}' p=${v.parallelism}/${v.maxParallelism} [${operators}]`);
  }
  for (const e of job.edges) {
    lines.push(`edge ${e.id} ${e.source}->${e.target}#${e.targetInput} ${e.partitioner.kind}`);
  }
  return lines.join('\n');
}

/** The first line where two fingerprints differ, for the error message; undefined if equal. */
export function firstDifference(expected: string, actual: string): string | undefined {
  if (expected === actual) return undefined;
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `submitted ${a[i] ?? '(nothing)'}, rebuilt ${b[i] ?? '(nothing)'}`;
  }
  return 'the graphs differ';
}
