/**
 * Runs one attempt of a job graph in this process: one task per subtask, connected by
 * same-thread channels. The first task failure cancels the others, and the attempt's result
 * rejects with that failure. Restarts and checkpoint coordination live above, in the
 * checkpoint layer, which starts a new attempt after a failure.
 */
import type { Channel } from '../exchange/channel.js';
import { LocalChannel } from '../exchange/local-channel.js';
import { isAllToAll, pointwiseTargets } from '../exchange/partitioner.js';
import type { KeyedStateBackendFactory } from '../state/backend.js';
import { heapStateBackendFactory } from '../state/heap/heap-backend.js';
import { createTimeServiceManager } from '../state/timer-service.js';
import { type Clock, systemClock } from '../time/clock.js';
import { decode } from '../types/codec.js';
import type { BarrierEvent } from '../types/elements.js';
import type { CheckpointingMode } from './barrier-aligner.js';
import type { TaskSnapshot } from './job-client.js';
import type { JobGraph } from './job-graph.js';
import type { TaskCheckpointAck, TaskRestoreState } from './snapshot.js';
import { SourceCoordinator } from './source/source-coordinator.js';
import { Task } from './task.js';

/** What an attempt starts from when it restores a checkpoint. */
export interface AttemptRestore {
  /** By task key (see {@link taskKey}). */
  readonly tasks: ReadonlyMap<string, TaskRestoreState>;
  /** Encoded enumerator state by source operator uid. */
  readonly coordinators: ReadonlyMap<string, Uint8Array>;
}

/** Receives an attempt's checkpoint events; called on the attempt's thread. */
export interface AttemptCheckpointListener {
  readonly mode: CheckpointingMode;
  onAcknowledge(ack: TaskCheckpointAck): void;
  /** Every source task has read all its input and waits for a final checkpoint. */
  onSourcesDrained(): void;
}

/** Options of {@link startAttempt}. */
export interface AttemptOptions {
  readonly clock?: Clock;
  readonly stateBackend?: KeyedStateBackendFactory;
  /** 0 for the first attempt, then counts restarts. */
  readonly attemptNumber?: number;
  /** Unique for this attempt. */
  readonly attemptId?: string;
  readonly restore?: AttemptRestore;
  /** Set when the job takes checkpoints. */
  readonly checkpointing?: AttemptCheckpointListener;
}

/** A running attempt of a job. */
export interface ExecutionAttempt {
  /** Current metrics of every subtask. */
  tasks(): TaskSnapshot[];
  /** Number of tasks, each of which acknowledges every checkpoint. */
  readonly taskCount: number;
  /**
   * Snapshots the source enumerators, then injects the barrier at every source task. Returns
   * the enumerators' encoded state by source uid.
   */
  triggerCheckpoint(barrier: BarrierEvent): Map<string, Uint8Array>;
  /** Tells every task that a checkpoint completed; resolves once sinks have committed. */
  notifyCheckpointComplete(checkpointId: number): Promise<void>;
  /** Lets drained sources end, after the final checkpoint. */
  finishSources(): void;
  /** Stops every task with `reason`. */
  cancel(reason: Error): void;
  /** Resolves when every task finished; rejects with the first failure. */
  readonly result: Promise<void>;
}

/** The key of a task in restore maps: `vertexId/subtaskIndex`. */
export function taskKey(vertexId: number, subtaskIndex: number): string {
  return `${vertexId}/${subtaskIndex}`;
}

/** Starts an attempt and returns its handle at once. */
export function startAttempt(job: JobGraph, options: AttemptOptions = {}): ExecutionAttempt {
  const clock = options.clock ?? systemClock;
  const tasksByVertex = new Map<number, Task[]>();
  const allTasks: Task[] = [];
  const sourceTasks: Task[] = [];
  const coordinators = new Map<string, SourceCoordinator>();
  let failure: unknown;
  let drainedSources = 0;

  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = error;
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const task of allTasks) task.cancel(reason);
  };

  const inputs = new Map<string, Channel[][]>();
  const outputs = new Map<string, Map<number, Channel[]>>();
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
      const writers: Channel[] = [];
      for (const j of targets) {
        const channel = new LocalChannel(job.config.channelCapacity);
        writers.push(channel);
        inputs.get(taskKey(down.id, j))![edge.targetInput - 1]!.push(channel);
      }
      outputs.get(taskKey(up.id, i))!.set(edge.id, writers);
    }
  }

  const listener = options.checkpointing;
  const checkpointing =
    listener === undefined
      ? undefined
      : {
          mode: listener.mode,
          acknowledge: (ack: TaskCheckpointAck) => listener.onAcknowledge(ack),
          sourceDrained: () => {
            drainedSources++;
            if (drainedSources === sourceTasks.length) listener.onSourcesDrained();
          },
        };
  const attemptId = options.attemptId ?? `${job.jobId}-${options.attemptNumber ?? 0}`;

  for (const vertex of job.vertices) {
    const head = vertex.operators[0]!;
    let coordinator: SourceCoordinator | undefined;
    if (head.source !== undefined) {
      const restored = options.restore?.coordinators.get(head.uid);
      coordinator = new SourceCoordinator(
        head.source.source,
        vertex.parallelism,
        fail,
        restored === undefined ? undefined : { state: decode(restored) },
      );
      coordinators.set(head.uid, coordinator);
    }
    const tasks: Task[] = [];
    for (let s = 0; s < vertex.parallelism; s++) {
      const key = taskKey(vertex.id, s);
      const taskInputs = inputs.get(key)!.filter((channels) => channels.length > 0);
      const taskOutputs = outputs.get(key)!;
      tasks.push(
        new Task({
          job,
          vertex,
          subtaskIndex: s,
          attemptNumber: options.attemptNumber ?? 0,
          attemptId,
          inputs: taskInputs.map((channels) => channels.map((c) => c.reader)),
          outputs: new Map([...taskOutputs].map(([id, channels]) => [id, channels.map((c) => c.writer)])),
          clock,
          stateBackend: options.stateBackend ?? heapStateBackendFactory,
          timeServices: createTimeServiceManager,
          splitGateway: coordinator,
          checkpointing,
          restore: options.restore?.tasks.get(key),
        }),
      );
    }
    coordinator?.connect(tasks);
    if (coordinator !== undefined) sourceTasks.push(...tasks);
    tasksByVertex.set(vertex.id, tasks);
    allTasks.push(...tasks);
  }

  const result = (async () => {
    try {
      for (const coordinator of coordinators.values()) coordinator.start();
      const runs = allTasks.map((task) => task.run().catch((error: unknown) => fail(error)));
      await Promise.all(runs);
    } catch (error) {
      fail(error);
    } finally {
      for (const coordinator of coordinators.values()) coordinator.close();
    }
    if (failure !== undefined) throw failure;
  })();
  // The caller may only poll; an unobserved rejection must not crash the process.
  result.catch(() => {});

  return {
    taskCount: allTasks.length,
    tasks: () => {
      const snapshots: TaskSnapshot[] = [];
      for (const vertex of job.vertices) {
        tasksByVertex.get(vertex.id)!.forEach((task, subtaskIndex) => {
          snapshots.push({
            vertexId: vertex.id,
            vertexName: vertex.name,
            subtaskIndex,
            isSource: task.isSource,
            inputQueueLength: task.queuedInputEvents(),
            ...task.currentMetrics(),
          });
        });
      }
      return snapshots;
    },
    triggerCheckpoint: (barrier) => {
      const states = new Map<string, Uint8Array>();
      for (const [uid, coordinator] of coordinators)
        states.set(uid, coordinator.snapshotState(barrier.checkpointId));
      for (const task of sourceTasks) task.triggerCheckpoint(barrier);
      return states;
    },
    notifyCheckpointComplete: async (checkpointId) => {
      await Promise.all(allTasks.map((task) => task.notifyCheckpointComplete(checkpointId)));
    },
    finishSources: () => {
      for (const task of sourceTasks) task.finishSource();
    },
    cancel: (reason) => fail(reason),
    result,
  };
}
