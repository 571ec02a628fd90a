/**
 * Runs a job graph in this process: one task per subtask, connected by same-thread channels.
 * The first task failure cancels the others, and the job's result rejects with that failure.
 */
import type { Channel } from '../exchange/channel.js';
import { LocalChannel } from '../exchange/local-channel.js';
import { isAllToAll, pointwiseTargets } from '../exchange/partitioner.js';
import type { KeyedStateBackendFactory } from '../state/backend.js';
import { heapStateBackendFactory } from '../state/heap/heap-backend.js';
import { createTimeServiceManager } from '../state/timer-service.js';
import { type Clock, systemClock } from '../time/clock.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import { type JobClient, JobExecutionResult, type JobStatus, type TaskSnapshot } from './job-client.js';
import type { JobGraph } from './job-graph.js';
import { SourceCoordinator } from './source/source-coordinator.js';
import { Task } from './task.js';

/** Options of {@link executeLocally}. */
export interface LocalExecutionOptions {
  readonly clock?: Clock;
  readonly stateBackend?: KeyedStateBackendFactory;
}

/** Starts a job and returns its client at once. */
export function executeLocally(job: JobGraph, options: LocalExecutionOptions = {}): JobClient {
  const clock = options.clock ?? systemClock;
  const startTime = Date.now();
  let status: JobStatus = 'running';
  const tasksByVertex = new Map<number, Task[]>();
  const allTasks: Task[] = [];
  const coordinators: SourceCoordinator[] = [];
  let failure: unknown;

  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = error;
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const task of allTasks) task.cancel(reason);
  };

  const inputs = new Map<string, Channel[][]>();
  const outputs = new Map<string, Map<number, Channel[]>>();
  const key = (vertex: number, subtask: number) => `${vertex}/${subtask}`;
  const vertexById = new Map(job.vertices.map((v) => [v.id, v]));
  for (const vertex of job.vertices) {
    for (let s = 0; s < vertex.parallelism; s++) {
      inputs.set(key(vertex.id, s), [[], []]);
      outputs.set(key(vertex.id, s), new Map());
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
        inputs.get(key(down.id, j))![edge.targetInput - 1]!.push(channel);
      }
      outputs.get(key(up.id, i))!.set(edge.id, writers);
    }
  }

  for (const vertex of job.vertices) {
    const head = vertex.operators[0]!;
    const coordinator =
      head.source === undefined
        ? undefined
        : new SourceCoordinator(head.source.source, vertex.parallelism, fail);
    if (coordinator !== undefined) coordinators.push(coordinator);
    const tasks: Task[] = [];
    for (let s = 0; s < vertex.parallelism; s++) {
      const taskInputs = inputs.get(key(vertex.id, s))!.filter((channels) => channels.length > 0);
      const taskOutputs = new Map<number, Channel[]>(outputs.get(key(vertex.id, s))!);
      tasks.push(
        new Task({
          job,
          vertex,
          subtaskIndex: s,
          attemptNumber: 0,
          inputs: taskInputs.map((channels) => channels.map((c) => c.reader)),
          outputs: new Map([...taskOutputs].map(([id, channels]) => [id, channels.map((c) => c.writer)])),
          clock,
          stateBackend: options.stateBackend ?? heapStateBackendFactory,
          timeServices: createTimeServiceManager,
          splitGateway: coordinator,
        }),
      );
    }
    coordinator?.connect(tasks);
    tasksByVertex.set(vertex.id, tasks);
    allTasks.push(...tasks);
  }

  const result = (async () => {
    try {
      for (const coordinator of coordinators) coordinator.start();
      const runs = allTasks.map((task) => task.run().catch((error: unknown) => fail(error)));
      await Promise.all(runs);
    } catch (error) {
      fail(error);
    } finally {
      for (const coordinator of coordinators) coordinator.close();
    }
    if (failure !== undefined) {
      status = isCancellation(failure) ? 'cancelled' : 'failed';
      throw failure;
    }
    status = 'finished';
    return new JobExecutionResult(job.jobId, job.jobName, Date.now() - startTime);
  })();
  // The caller may only poll status; an unobserved rejection must not crash the process.
  result.catch(() => {});

  return {
    jobId: job.jobId,
    jobName: job.jobName,
    startTime,
    status: () => status,
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
    cancel: () =>
      fail(new WeirError(ErrorCodes.CANCELLED, `job ${job.jobName} (${job.jobId}) was cancelled`)),
    result,
  };
}

function isCancellation(error: unknown): boolean {
  return error instanceof WeirError && error.code === ErrorCodes.CANCELLED;
}
