/**
 * Runs an attempt with its tasks on worker threads: the local mini-cluster. Each thread is a
 * slot, and subtask `i` of every vertex goes to slot `i mod slots` (slot sharing, as in Flink:
 * one slot holds a whole pipeline slice, so forward edges stay inside a thread). Channels
 * between tasks of one thread are in-thread rings; channels between threads are message ports
 * carrying serialized batches with credit-based flow control.
 *
 * This thread keeps what is global to the job: the split enumerators and the checkpoint
 * listener. Workers report acknowledgements, split requests and metrics here. The first failure
 * anywhere (a task, a worker's crash, an unexpected exit) cancels every worker; workers that do
 * not stop within a grace period are terminated, and the attempt settles only once every worker
 * thread has exited, so the next attempt never overlaps with this one and no thread leaks.
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { decode, encode } from '../../types/codec.js';
import type { SourceSplit } from '../../types/source.js';
import type { AttemptOptions, ExecutionAttempt, ThreadedExecution } from '../attempt.js';
import { planChannels, taskKey } from '../channel-plan.js';
import type { TaskSnapshot } from '../job-client.js';
import type { JobGraph } from '../job-graph.js';
import { SourceCoordinator } from '../source/source-coordinator.js';
import { initialTaskMetrics } from '../task.js';
import { graphFingerprint } from './graph-fingerprint.js';
import { compactRestore } from './state-transfer.js';
import type {
  ChannelEndpoint,
  FromWorker,
  TaskAssignment,
  ToWorker,
  WorkerDeployment,
  WorkerStart,
} from './protocol.js';
import { deserializeError, serializeError, workerDiedError } from './thread-errors.js';
import { takeWorker } from './worker-pool.js';

/** How long cancelled workers get to close their tasks before they are terminated, ms. */
const CANCEL_GRACE_MS = 5000;

/** How long a worker that reported it is done may take to exit by itself, ms. */
const EXIT_GRACE_MS = 5000;

interface WorkerSlot {
  readonly index: number;
  readonly worker: Worker;
  done: boolean;
  exited: boolean;
  killTimer: ReturnType<typeof setTimeout> | undefined;
}

interface PendingNotification {
  readonly waiting: Set<number>;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** The number of worker threads an attempt of `job` uses with `slots` slots. */
export function threadCount(job: JobGraph, slots: number): number {
  let parallelism = 1;
  for (const vertex of job.vertices) parallelism = Math.max(parallelism, vertex.parallelism);
  return Math.max(1, Math.min(slots, parallelism));
}

/** Starts an attempt whose tasks run on worker threads, and returns its handle at once. */
export function startThreadedAttempt(
  job: JobGraph,
  options: AttemptOptions,
  threads: ThreadedExecution,
): ExecutionAttempt {
  const slotCount = threadCount(job, threads.slots);
  const threadOf = (subtaskIndex: number): number => subtaskIndex % slotCount;
  const plan = planChannels(job);

  const writerEnds: ChannelEndpoint[] = [];
  const readerEnds: ChannelEndpoint[] = [];
  const transfers: MessagePort[][] = Array.from({ length: slotCount }, () => []);
  for (const channel of plan.channels) {
    const up = threadOf(channel.source.subtaskIndex);
    const down = threadOf(channel.target.subtaskIndex);
    if (up === down) {
      writerEnds.push({ kind: 'local', id: channel.id });
      readerEnds.push({ kind: 'local', id: channel.id });
    } else {
      const { port1, port2 } = new MessageChannel();
      writerEnds.push({ kind: 'port', port: port1 });
      readerEnds.push({ kind: 'port', port: port2 });
      transfers[up]!.push(port1);
      transfers[down]!.push(port2);
    }
  }

  const assignments: TaskAssignment[][] = Array.from({ length: slotCount }, () => []);
  const sourceTaskCount = new Map<number, number>();
  for (const vertex of job.vertices) {
    if (vertex.operators[0]!.source !== undefined) sourceTaskCount.set(vertex.id, vertex.parallelism);
    for (let s = 0; s < vertex.parallelism; s++) {
      const ids = plan.tasks.get(taskKey(vertex.id, s))!;
      assignments[threadOf(s)]!.push({
        vertexId: vertex.id,
        subtaskIndex: s,
        inputs: ids.inputs.map((input) => input.map((id) => readerEnds[id]!)),
        outputs: [...ids.outputs].map(([edge, out]) => [edge, out.map((id) => writerEnds[id]!)] as const),
        restore: compactRestore(options.restore?.tasks.get(taskKey(vertex.id, s))),
      });
    }
  }
  let sourceTasks = 0;
  for (const count of sourceTaskCount.values()) sourceTasks += count;

  let failure: Error | undefined;
  let drainedSources = 0;
  let nextRequestId = 0;
  const pendingNotifications = new Map<number, PendingNotification>();
  const metrics = new Map<string, TaskSnapshot>();
  const coordinators = new Map<number, { uid: string; coordinator: SourceCoordinator }>();
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const result = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may only poll; an unobserved rejection must not crash the process.
  result.catch(() => {});

  const slots: WorkerSlot[] = [];
  const post = (slot: WorkerSlot, message: ToWorker, transfer: MessagePort[] = []): void => {
    if (!slot.exited) slot.worker.postMessage(message, transfer);
  };

  const fail = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = error instanceof Error ? error : new Error(String(error));
    const reason = serializeError(failure);
    for (const slot of slots) {
      if (slot.exited) continue;
      post(slot, { type: 'cancel', reason });
      slot.killTimer ??= setTimeout(() => void slot.worker.terminate(), CANCEL_GRACE_MS);
    }
    for (const [id, pending] of pendingNotifications) {
      pendingNotifications.delete(id);
      pending.reject(failure);
    }
  };

  const onExit = (slot: WorkerSlot, code: number): void => {
    slot.exited = true;
    if (slot.killTimer !== undefined) clearTimeout(slot.killTimer);
    if (!slot.done) fail(workerDiedError(slot.index, `exited unexpectedly with code ${code}`));
    for (const [id, pending] of pendingNotifications) {
      pending.waiting.delete(slot.index);
      if (pending.waiting.size === 0) {
        pendingNotifications.delete(id);
        pending.resolve();
      }
    }
    if (slots.every((s) => s.exited)) {
      for (const { coordinator } of coordinators.values()) coordinator.close();
      if (failure === undefined) settle.resolve();
      else settle.reject(failure);
    }
  };

  const onMessage = (slot: WorkerSlot, message: FromWorker): void => {
    switch (message.type) {
      case 'ack':
        options.checkpointing?.onAcknowledge(message.ack);
        break;
      case 'drained':
        drainedSources++;
        if (drainedSources === sourceTasks) options.checkpointing?.onSourcesDrained();
        break;
      case 'split-request':
        coordinators.get(message.vertexId)?.coordinator.requestSplit(message.subtaskIndex);
        break;
      case 'register-reader':
        coordinators.get(message.vertexId)?.coordinator.registerReader(message.subtaskIndex);
        break;
      case 'notified': {
        const pending = pendingNotifications.get(message.requestId);
        if (pending === undefined) break;
        if (message.error !== undefined) {
          pendingNotifications.delete(message.requestId);
          pending.reject(deserializeError(message.error));
          break;
        }
        pending.waiting.delete(slot.index);
        if (pending.waiting.size === 0) {
          pendingNotifications.delete(message.requestId);
          pending.resolve();
        }
        break;
      }
      case 'metrics':
        for (const task of message.tasks) metrics.set(taskKey(task.vertexId, task.subtaskIndex), task);
        break;
      case 'failed':
        fail(deserializeError(message.error));
        break;
      case 'done':
        slot.done = true;
        for (const task of message.tasks) metrics.set(taskKey(task.vertexId, task.subtaskIndex), task);
        slot.killTimer ??= setTimeout(() => void slot.worker.terminate(), EXIT_GRACE_MS);
        break;
    }
  };

  const start: Omit<WorkerStart, 'threadIndex'> = {
    provider: threads.provider,
    fingerprint: graphFingerprint(job),
    jobId: job.jobId,
    jobName: job.jobName,
    config: job.config,
  };
  const attemptNumber = options.attemptNumber ?? 0;
  const deploymentBase: Omit<WorkerDeployment, 'tasks'> = {
    attemptNumber,
    attemptId: options.attemptId ?? `${job.jobId}-${attemptNumber}`,
    checkpointingMode: options.checkpointing?.mode,
  };
  for (let index = 0; index < slotCount; index++) {
    const worker = takeWorker(
      threads.provider.module,
      job.config.taskYoungGenerationMb,
      job.config.taskOldGenerationInitialMb,
    );
    const slot: WorkerSlot = { index, worker, done: false, exited: false, killTimer: undefined };
    slots.push(slot);
    worker.on('message', (message: FromWorker) => onMessage(slot, message));
    worker.on('error', (error) =>
      fail(workerDiedError(index, `crashed: ${error instanceof Error ? error.message : String(error)}`)),
    );
    worker.on('exit', (code) => onExit(slot, code));
    post(slot, { type: 'start', start: { ...start, threadIndex: index } });
    post(
      slot,
      { type: 'deploy', deployment: { ...deploymentBase, tasks: assignments[index]! } },
      transfers[index],
    );
  }

  for (const vertex of job.vertices) {
    const head = vertex.operators[0]!;
    if (head.source === undefined) continue;
    const restored = options.restore?.coordinators.get(head.uid);
    const coordinator = new SourceCoordinator(
      head.source.source,
      vertex.parallelism,
      fail,
      restored === undefined ? undefined : { state: decode(restored) },
    );
    coordinator.connect(
      Array.from({ length: vertex.parallelism }, (_, s) => ({
        assignSplits: (splits: SourceSplit[]) =>
          post(slots[threadOf(s)]!, {
            type: 'splits',
            vertexId: vertex.id,
            subtaskIndex: s,
            splits: encode(splits),
          }),
        signalNoMoreSplits: () =>
          post(slots[threadOf(s)]!, { type: 'no-more-splits', vertexId: vertex.id, subtaskIndex: s }),
      })),
    );
    coordinators.set(vertex.id, { uid: head.uid, coordinator });
  }
  try {
    for (const { coordinator } of coordinators.values()) coordinator.start();
  } catch (error) {
    fail(error);
  }

  return {
    taskCount: assignments.reduce((n, tasks) => n + tasks.length, 0),
    tasks: () => {
      const snapshots: TaskSnapshot[] = [];
      for (const vertex of job.vertices) {
        for (let s = 0; s < vertex.parallelism; s++) {
          snapshots.push(
            metrics.get(taskKey(vertex.id, s)) ?? {
              vertexId: vertex.id,
              vertexName: vertex.name,
              subtaskIndex: s,
              isSource: vertex.operators[0]!.source !== undefined,
              inputQueueLength: 0,
              ...initialTaskMetrics(),
            },
          );
        }
      }
      return snapshots;
    },
    triggerCheckpoint: (barrier) => {
      const states = new Map<string, Uint8Array>();
      for (const { uid, coordinator } of coordinators.values())
        states.set(uid, coordinator.snapshotState(barrier.checkpointId));
      for (const vertex of job.vertices) {
        if (!sourceTaskCount.has(vertex.id)) continue;
        for (let s = 0; s < vertex.parallelism; s++) {
          post(slots[threadOf(s)]!, { type: 'trigger', vertexId: vertex.id, subtaskIndex: s, barrier });
        }
      }
      return states;
    },
    notifyCheckpointComplete: (checkpointId) =>
      new Promise<void>((resolve, reject) => {
        const live = slots.filter((slot) => !slot.exited);
        if (live.length === 0 || failure !== undefined) {
          resolve();
          return;
        }
        const requestId = nextRequestId++;
        pendingNotifications.set(requestId, {
          waiting: new Set(live.map((slot) => slot.index)),
          resolve,
          reject,
        });
        for (const slot of live) post(slot, { type: 'notify', checkpointId, requestId });
      }),
    finishSources: () => {
      for (const slot of slots) post(slot, { type: 'finish-sources' });
    },
    cancel: (reason) => fail(reason),
    result,
  };
}
