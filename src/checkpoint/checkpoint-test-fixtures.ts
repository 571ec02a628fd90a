/**
 * Fixtures for checkpoint tests: a checkpoint that exercises every part of the format (keyed
 * state, split and union operator state, subtasks without state, enumerator state), and job
 * graphs of operators that exist only to be matched by uid.
 */
import { DEFAULT_JOB_CONFIG, type JobGraph } from '../runtime/job-graph.js';
import { encode } from '../types/codec.js';
import type { CheckpointData } from './checkpoint-data.js';

/** A Uint8Array of the given bytes. */
export const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

/** Checkpoint `checkpointId` of `jobName`, with keyed state, split and union operator state, empty subtasks and an enumerator. */
export function sampleCheckpoint(checkpointId: number, jobName = 'orders job'): CheckpointData {
  return {
    jobName,
    jobId: 'job-1',
    checkpointId,
    timestamp: 1_700_000_000_000 + checkpointId,
    savepoint: false,
    operators: [
      {
        uid: 'source',
        name: 'Source: orders',
        parallelism: 2,
        maxParallelism: 128,
        subtasks: [
          {
            keyGroups: [],
            operatorState: { splits: { mode: 'split', entries: [encode({ offset: checkpointId })] } },
          },
          { keyGroups: [], operatorState: { splits: { mode: 'split', entries: [] } } },
        ],
        coordinatorState: encode({ assigned: ['a', 'b'], checkpointId }),
      },
      {
        uid: 'window/sum',
        name: 'Window(sum)',
        parallelism: 3,
        maxParallelism: 128,
        subtasks: [
          {
            keyGroups: [
              [3, bytes(1, 2, 3)],
              [40, bytes(checkpointId)],
            ],
            operatorState: {},
          },
          { keyGroups: [], operatorState: {} },
          {
            keyGroups: [[100, bytes(9)]],
            operatorState: { seen: { mode: 'union', entries: [bytes(7), bytes(8, 8)] } },
          },
        ],
      },
      {
        uid: 'stateless',
        name: 'Map',
        parallelism: 1,
        maxParallelism: 128,
        subtasks: [{ keyGroups: [], operatorState: {} }],
      },
    ],
  };
}

/** A vertex of {@link jobGraph}: its operators are given by uid. */
export interface VertexShape {
  readonly id: number;
  readonly parallelism: number;
  readonly maxParallelism?: number;
  readonly uids: readonly string[];
}

/** A job graph with the given vertices; operators are named after their uids. */
export function jobGraph(vertices: readonly VertexShape[]): JobGraph {
  return {
    jobId: 'job',
    jobName: 'job',
    edges: [],
    config: DEFAULT_JOB_CONFIG,
    vertices: vertices.map((v) => ({
      id: v.id,
      name: `vertex ${v.id}`,
      parallelism: v.parallelism,
      maxParallelism: v.maxParallelism ?? 128,
      operators: v.uids.map((uid) => ({
        uid,
        name: `op ${uid}`,
        source: undefined,
        createOperator: undefined,
        keySelectors: [],
        outputs: [],
      })),
    })),
  };
}
