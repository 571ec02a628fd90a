/**
 * The messages between the thread that runs an attempt (the coordinator side: checkpoint
 * coordinator, split enumerators, REST metrics) and its worker threads (the tasks). Everything
 * here is structured-cloneable; operators are not, which is why a worker rebuilds the job graph
 * itself (see `GraphProvider`) and only learns here which of its subtasks to run and how their
 * channels connect.
 */
import type { MessagePort } from 'node:worker_threads';
import type { BarrierEvent } from '../../types/elements.js';
import type { ErrorCode, ErrorDomain } from '../../types/errors.js';
import type { CheckpointingMode } from '../barrier-aligner.js';
import type { GraphProvider } from '../attempt.js';
import type { TaskSnapshot } from '../job-client.js';
import type { JobConfig } from '../job-graph.js';
import type { TaskCheckpointAck, TaskRestoreState } from '../snapshot.js';

/** What a worker learns first: which job it serves. */
export interface WorkerStart {
  readonly provider: GraphProvider;
  /** The fingerprint of the submitted graph; the rebuilt one must match it. */
  readonly fingerprint: string;
  /** The submitted graph's id, name and settings, which the rebuilt graph takes over. */
  readonly jobId: string;
  readonly jobName: string;
  readonly config: JobConfig;
  readonly threadIndex: number;
}

/** One end of a channel as a worker sees it. */
export type ChannelEndpoint =
  | { readonly kind: 'local'; readonly id: number }
  | { readonly kind: 'port'; readonly port: MessagePort };

/** One subtask a worker runs. */
export interface TaskAssignment {
  readonly vertexId: number;
  readonly subtaskIndex: number;
  readonly inputs: readonly (readonly ChannelEndpoint[])[];
  readonly outputs: readonly (readonly [edgeId: number, endpoints: readonly ChannelEndpoint[]])[];
  readonly restore: TaskRestoreState | undefined;
}

/** Everything a worker needs to start its subtasks. */
export interface WorkerDeployment {
  readonly attemptNumber: number;
  readonly attemptId: string;
  readonly checkpointingMode: CheckpointingMode | undefined;
  readonly tasks: readonly TaskAssignment[];
}

/** An error as it crosses threads: enough to rebuild a `WeirError` with its code. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: ErrorCode | undefined;
  readonly domain: ErrorDomain | undefined;
  readonly retriable: boolean | undefined;
}

/** From the coordinator side to a worker. */
export type ToWorker =
  | { readonly type: 'start'; readonly start: WorkerStart }
  | { readonly type: 'deploy'; readonly deployment: WorkerDeployment }
  | {
      readonly type: 'trigger';
      readonly vertexId: number;
      readonly subtaskIndex: number;
      readonly barrier: BarrierEvent;
    }
  | {
      readonly type: 'splits';
      readonly vertexId: number;
      readonly subtaskIndex: number;
      /** Encoded with the codec, so split classes and Maps survive. */
      readonly splits: Uint8Array;
    }
  | { readonly type: 'no-more-splits'; readonly vertexId: number; readonly subtaskIndex: number }
  | { readonly type: 'notify'; readonly checkpointId: number; readonly requestId: number }
  | { readonly type: 'finish-sources' }
  | { readonly type: 'cancel'; readonly reason: SerializedError };

/** From a worker to the coordinator side. */
export type FromWorker =
  | { readonly type: 'ack'; readonly ack: TaskCheckpointAck }
  | { readonly type: 'drained'; readonly vertexId: number; readonly subtaskIndex: number }
  | { readonly type: 'split-request'; readonly vertexId: number; readonly subtaskIndex: number }
  | { readonly type: 'register-reader'; readonly vertexId: number; readonly subtaskIndex: number }
  | { readonly type: 'notified'; readonly requestId: number; readonly error: SerializedError | undefined }
  | { readonly type: 'metrics'; readonly tasks: readonly TaskSnapshot[] }
  /** The first failure in this worker, sent at once so the others are cancelled early. */
  | { readonly type: 'failed'; readonly error: SerializedError }
  /** Every subtask of the worker stopped; the worker may now be terminated. */
  | { readonly type: 'done'; readonly tasks: readonly TaskSnapshot[] };
