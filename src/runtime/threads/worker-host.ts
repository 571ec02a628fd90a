/**
 * Runs the subtasks deployed on one worker thread and relays between them and the coordinator
 * side: checkpoint triggers, split assignments and completion notices come in; acknowledgements,
 * split requests, metrics and failures go out. A failure of one subtask cancels the others on
 * this thread and is reported at once, so the coordinator side cancels the other threads too.
 * When every subtask has stopped, the host reports `done` and closes its port, which lets the
 * thread exit.
 */
import type { ChannelReader, ChannelWriter } from '../../exchange/channel.js';
import { LocalChannel } from '../../exchange/local-channel.js';
import { PortChannelReader, PortChannelWriter } from '../../exchange/port-channel.js';
import { stateBackendFactory } from '../../state/backends.js';
import { createTimeServiceManager } from '../../state/timer-service.js';
import { systemClock } from '../../time/clock.js';
import { decode } from '../../types/codec.js';
import { ErrorCodes, WeirError } from '../../types/errors.js';
import type { SourceSplit } from '../../types/source.js';
import { taskKey } from '../channel-plan.js';
import type { TaskSnapshot } from '../job-client.js';
import type { JobGraph } from '../job-graph.js';
import { Task } from '../task.js';
import type { ChannelEndpoint, FromWorker, ToWorker, WorkerDeployment } from './protocol.js';
import { compactStates } from './state-transfer.js';
import { deserializeError, serializeError } from './thread-errors.js';

/** How often metrics go to the coordinator side, ms. */
const METRICS_INTERVAL_MS = 250;

/** The subtasks of one worker thread. */
export class WorkerHost {
  private readonly tasks = new Map<string, Task>();
  private readonly localChannels = new Map<number, LocalChannel>();
  private failed = false;
  private cancelReason: Error | undefined;
  private metricsTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly job: JobGraph,
    private readonly post: (message: FromWorker) => void,
    /** Called once every subtask stopped and `done` went out. */
    private readonly onStopped: () => void,
  ) {}

  /** Acts on one message from the coordinator side. */
  handle(message: ToWorker): void {
    switch (message.type) {
      case 'deploy':
        this.deploy(message.deployment);
        break;
      case 'trigger':
        this.task(message.vertexId, message.subtaskIndex)?.triggerCheckpoint(message.barrier);
        break;
      case 'splits':
        this.task(message.vertexId, message.subtaskIndex)?.assignSplits(
          decode<SourceSplit[]>(message.splits),
        );
        break;
      case 'no-more-splits':
        this.task(message.vertexId, message.subtaskIndex)?.signalNoMoreSplits();
        break;
      case 'notify': {
        const { checkpointId, requestId } = message;
        Promise.all([...this.tasks.values()].map((task) => task.notifyCheckpointComplete(checkpointId))).then(
          () => this.post({ type: 'notified', requestId, error: undefined }),
          (error: unknown) => this.post({ type: 'notified', requestId, error: serializeError(error) }),
        );
        break;
      }
      case 'finish-sources':
        for (const task of this.tasks.values()) if (task.isSource) task.finishSource();
        break;
      case 'cancel': {
        const reason = deserializeError(message.reason);
        this.cancelReason ??= reason;
        for (const task of this.tasks.values()) task.cancel(reason);
        break;
      }
    }
  }

  private task(vertexId: number, subtaskIndex: number): Task | undefined {
    return this.tasks.get(taskKey(vertexId, subtaskIndex));
  }

  private deploy(deployment: WorkerDeployment): void {
    const vertexById = new Map(this.job.vertices.map((v) => [v.id, v]));
    const capacity = this.job.config.channelCapacity;
    const stateBackend = stateBackendFactory(this.job.config.stateBackend);
    const reader = (end: ChannelEndpoint): ChannelReader =>
      end.kind === 'local' ? this.localChannel(end.id).reader : new PortChannelReader(end.port, capacity);
    const writer = (end: ChannelEndpoint): ChannelWriter =>
      end.kind === 'local' ? this.localChannel(end.id).writer : new PortChannelWriter(end.port, capacity);
    for (const assignment of deployment.tasks) {
      const vertex = vertexById.get(assignment.vertexId);
      if (vertex === undefined)
        throw new WeirError(ErrorCodes.INTERNAL, `no vertex ${assignment.vertexId} in the rebuilt graph`);
      const { vertexId, subtaskIndex } = assignment;
      const isSource = vertex.operators[0]!.source !== undefined;
      const task = new Task({
        job: this.job,
        vertex,
        subtaskIndex,
        attemptNumber: deployment.attemptNumber,
        attemptId: deployment.attemptId,
        inputs: assignment.inputs.map((input) => input.map(reader)),
        outputs: new Map(assignment.outputs.map(([edge, ends]) => [edge, ends.map(writer)])),
        clock: systemClock,
        stateBackend,
        timeServices: createTimeServiceManager,
        splitGateway: isSource
          ? {
              requestSplit: (subtask) =>
                this.post({ type: 'split-request', vertexId, subtaskIndex: subtask }),
              registerReader: (subtask) =>
                this.post({ type: 'register-reader', vertexId, subtaskIndex: subtask }),
            }
          : undefined,
        checkpointing:
          deployment.checkpointingMode === undefined
            ? undefined
            : {
                mode: deployment.checkpointingMode,
                acknowledge: (ack) =>
                  this.post({ type: 'ack', ack: { ...ack, operators: compactStates(ack.operators) } }),
                sourceDrained: () => this.post({ type: 'drained', vertexId, subtaskIndex }),
              },
        restore: assignment.restore,
      });
      this.tasks.set(taskKey(vertexId, subtaskIndex), task);
    }
    this.metricsTimer = setInterval(
      () => this.post({ type: 'metrics', tasks: this.snapshots() }),
      METRICS_INTERVAL_MS,
    );
    this.metricsTimer.unref();
    if (this.cancelReason !== undefined)
      for (const task of this.tasks.values()) task.cancel(this.cancelReason);
    const runs = [...this.tasks.values()].map((task) =>
      task.run().catch((error: unknown) => this.onTaskFailure(error)),
    );
    void Promise.all(runs).then(() => {
      clearInterval(this.metricsTimer);
      this.post({ type: 'done', tasks: this.snapshots() });
      this.onStopped();
    });
  }

  private onTaskFailure(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    // A task stopped by a cancel from the coordinator side reports nothing new.
    if (this.cancelReason === undefined) this.post({ type: 'failed', error: serializeError(error) });
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const task of this.tasks.values()) task.cancel(reason);
  }

  private localChannel(id: number): LocalChannel {
    let channel = this.localChannels.get(id);
    if (channel === undefined) {
      channel = new LocalChannel(this.job.config.channelCapacity);
      this.localChannels.set(id, channel);
    }
    return channel;
  }

  private snapshots(): TaskSnapshot[] {
    return [...this.tasks.values()].map((task) => task.snapshot());
  }
}
