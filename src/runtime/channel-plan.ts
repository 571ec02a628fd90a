/**
 * Which channels a job graph needs, and in which order each task sees them. Every executor
 * wires tasks from this one plan, so a task's input channel `i` means the same upstream
 * subtask whether its channels are in-thread rings or cross-thread ports, and restored
 * state, barrier alignment and watermark valves see the same channel indexes.
 */
import { isAllToAll, pointwiseTargets } from '../exchange/partitioner.js';
import type { JobGraph } from './job-graph.js';

/** One channel: from an upstream subtask to a downstream one, along one edge. */
export interface PlannedChannel {
  /** Index into {@link ChannelPlan.channels}. */
  readonly id: number;
  readonly edgeId: number;
  readonly source: { readonly vertexId: number; readonly subtaskIndex: number };
  readonly target: { readonly vertexId: number; readonly subtaskIndex: number };
}

/** The channels of one task, by id. */
export interface TaskChannelIds {
  /** Per input of the head operator that has channels (index 0 is the first such input). */
  readonly inputs: readonly (readonly number[])[];
  /** Per outgoing edge id, ordered by downstream subtask. */
  readonly outputs: ReadonlyMap<number, readonly number[]>;
}

/** Every channel of a job and each task's view of them. */
export interface ChannelPlan {
  readonly channels: readonly PlannedChannel[];
  /** By task key (see {@link taskKey}). */
  readonly tasks: ReadonlyMap<string, TaskChannelIds>;
}

/** The key of a task in plans and restore maps: `vertexId/subtaskIndex`. */
export function taskKey(vertexId: number, subtaskIndex: number): string {
  return `${vertexId}/${subtaskIndex}`;
}

/** Plans the channels of `job`: all-to-all edges connect every pair, pointwise ones a subset. */
export function planChannels(job: JobGraph): ChannelPlan {
  const channels: PlannedChannel[] = [];
  const inputs = new Map<string, number[][]>();
  const outputs = new Map<string, Map<number, number[]>>();
  const vertexById = new Map(job.vertices.map((v) => [v.id, v]));
  for (const vertex of job.vertices) {
    for (let s = 0; s < vertex.parallelism; s++) {
      inputs.set(taskKey(vertex.id, s), [[], []]);
      outputs.set(taskKey(vertex.id, s), new Map());
    }
  }
  for (const edge of job.edges) {
    const up = vertexById.get(edge.source)!;
    const down = vertexById.get(edge.target)!;
    for (let i = 0; i < up.parallelism; i++) {
      const targets = isAllToAll(edge.partitioner.kind)
        ? Array.from({ length: down.parallelism }, (_, j) => j)
        : pointwiseTargets(up.parallelism, down.parallelism, i);
      const ids: number[] = [];
      for (const j of targets) {
        const id = channels.length;
        channels.push({
          id,
          edgeId: edge.id,
          source: { vertexId: up.id, subtaskIndex: i },
          target: { vertexId: down.id, subtaskIndex: j },
        });
        ids.push(id);
        inputs.get(taskKey(down.id, j))![edge.targetInput - 1]!.push(id);
      }
      outputs.get(taskKey(up.id, i))!.set(edge.id, ids);
    }
  }
  const tasks = new Map<string, TaskChannelIds>();
  for (const [key, taskInputs] of inputs) {
    tasks.set(key, { inputs: taskInputs.filter((ids) => ids.length > 0), outputs: outputs.get(key)! });
  }
  return { channels, tasks };
}
