/**
 * Runs one attempt of a job graph in this process: one task per subtask, connected by
 * same-thread channels. The first task failure cancels the others, and the attempt's result
 * rejects with that failure. Restarts and checkpoint coordination live above, in the
 * checkpoint layer, which starts a new attempt after a failure.
 */
import { LocalChannel } from '../exchange/local-channel.js';
import { stateBackendFactory } from '../state/backends.js';
import { createTimeServiceManager } from '../state/timer-service.js';
import { systemClock } from '../time/clock.js';
import { decode } from '../types/codec.js';
import type { AttemptOptions, ExecutionAttempt } from './attempt.js';
import { planChannels, taskKey } from './channel-plan.js';
import type { JobGraph } from './job-graph.js';
import type { TaskCheckpointAck } from './snapshot.js';
import { SourceCoordinator } from './source/source-coordinator.js';
import { Task } from './task.js';

/** Starts an attempt whose tasks all run on this thread, and returns its handle at once. */
export function startLocalAttempt(job: JobGraph, options: AttemptOptions = {}): ExecutionAttempt {
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

  const stateBackend = stateBackendFactory(job.config.stateBackend);
  const plan = planChannels(job);
  const channels = plan.channels.map(() => new LocalChannel(job.config.channelCapacity));

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
      const ids = plan.tasks.get(key)!;
      tasks.push(
        new Task({
          job,
          vertex,
          subtaskIndex: s,
          attemptNumber: options.attemptNumber ?? 0,
          attemptId,
          inputs: ids.inputs.map((input) => input.map((id) => channels[id]!.reader)),
          outputs: new Map(
            [...ids.outputs].map(([edge, out]) => [edge, out.map((id) => channels[id]!.writer)]),
          ),
          clock,
          stateBackend,
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
    tasks: () =>
      job.vertices.flatMap((vertex) => tasksByVertex.get(vertex.id)!.map((task) => task.snapshot())),
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
