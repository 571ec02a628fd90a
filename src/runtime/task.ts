/**
 * A task runs one parallel subtask of a job vertex: its chain of operators, fed by input gates
 * or a source reader, writing to record writers. Everything happens in one loop (the mailbox
 * loop): run queued actions, then take one input step (a batch of records or one control
 * event) if every output has credit, else sleep until woken by input, credit or a new action.
 * The loop yields to the event loop every few milliseconds so that timers and I/O of other
 * tasks on the same thread proceed.
 *
 * Checkpoints: a source task takes its snapshot when the coordinator triggers it (through the
 * mailbox); other tasks when the barrier has arrived on all their channels (see
 * {@link BarrierAligner}). The snapshot is taken and encoded before the next record, then the
 * barrier goes downstream and the task acknowledges. With checkpointing on, a source that has
 * read everything does not end at once: it waits, still taking part in checkpoints, until the
 * coordinator has completed a final checkpoint and calls {@link Task.finishSource}, so that the
 * sinks commit everything before the job ends.
 *
 * End of input with checkpointing (Flink's FLIP-147 model): the final checkpoint's barrier makes
 * a drained source task finish its chain and send end-of-data ahead of the barrier. A task that
 * received end-of-data on every channel of an input ends that input (`endInput`); once all its
 * inputs ended it finishes its chain (`finish`, which flushes what operators hold) and sends
 * end-of-data on, after the records its operators emitted while finishing. It keeps running to
 * take its part of the final checkpoint, as a finished task: keyed state and timers, garbage by
 * now, are left out, and every operator's state carries {@link FINISHED_STATE}. Sinks commit
 * what they wrote while finishing through that checkpoint. When the sources end afterwards, a
 * finished task only closes. A task restored from such a checkpoint starts finished: it reads
 * nothing, ignores watermarks, and never finishes its operators again.
 */
import type { ChannelReader, ChannelWriter } from '../exchange/channel.js';
import { createChannelSelector } from '../exchange/partitioner.js';
import { RecordWriter } from '../exchange/record-writer.js';
import type { KeyedStateBackend, KeyedStateBackendFactory } from '../state/backend.js';
import { keyGroupRangeForSubtask } from '../state/key-groups.js';
import { restoreKeyedState, snapshotKeyedState } from '../state/keyed-snapshot.js';
import type { TimeServiceManager, TimeServiceManagerFactory } from '../state/timers.js';
import type { Clock } from '../time/clock.js';
import { decode, encode } from '../types/codec.js';
import type { BarrierEvent } from '../types/elements.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import type { KeySelector } from '../types/functions.js';
import type { SourceSplit } from '../types/source.js';
import { type AlignedBarrier, BarrierAligner, type CheckpointingMode } from './barrier-aligner.js';
import { IncrementalKeyGroups } from './incremental-key-groups.js';
import { InputGate } from './input-gate.js';
import type { TaskSnapshot } from './job-client.js';
import type { JobEdge, JobGraph, JobVertex } from './job-graph.js';
import { Mailbox } from './mailbox.js';
import {
  type AnyStreamOperator,
  isTwoInput,
  type OneInputStreamOperator,
  type Output,
  type ProcessingTimeService,
  type TwoInputStreamOperator,
} from './operator.js';
import { ChainingOutput, combineOutputs, NetworkOutput } from './outputs.js';
import { SinkOperator } from './operators/sink-operator.js';
import {
  FINISHED_STATE,
  keyGroupBytes,
  type OperatorStateEntries,
  type OperatorSubtaskState,
  type TaskCheckpointAck,
  type TaskRestoreState,
} from './snapshot.js';
import { SourceOperator, type SplitRequestGateway } from './source/source-operator.js';

/**
 * Processing time at the end of a batch job. Finite, so that a timer set relative to it
 * (`now + interval`) lies beyond it and does not fire again.
 */
const END_OF_TIME = Number.MAX_SAFE_INTEGER;

/** The longest delay `setTimeout` takes; a longer one fires at once, so it is re-armed in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The backpressure ratio is measured over windows at least this long, ms. */
const RATIO_WINDOW_MS = 1000;

/** How long the loop may run before yielding to the event loop, ms. */
const YIELD_AFTER_MS = 4;

/** The one entry of {@link FINISHED_STATE} a finished operator subtask snapshots. */
const FINISHED_ENTRY = encode(true);

/** Everything a task needs from the executor. */
export interface TaskDeployment {
  readonly job: JobGraph;
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  /** Channel readers per input: index 0 is input 1. */
  readonly inputs: readonly (readonly ChannelReader[])[];
  /** Channel writers per outgoing edge id, ordered by downstream subtask. */
  readonly outputs: ReadonlyMap<number, readonly ChannelWriter[]>;
  readonly clock: Clock;
  readonly stateBackend: KeyedStateBackendFactory;
  readonly timeServices: TimeServiceManagerFactory;
  readonly splitGateway: SplitRequestGateway | undefined;
  /** Unique for this run of the job. */
  readonly attemptId: string;
  /** Set when the job takes checkpoints. */
  readonly checkpointing: TaskCheckpointing | undefined;
  /** The state to start from, when restoring. */
  readonly restore: TaskRestoreState | undefined;
}

/** How a task takes part in checkpoints. */
export interface TaskCheckpointing {
  readonly mode: CheckpointingMode;
  /** The task finished its part of a checkpoint. Called from the task loop. */
  acknowledge(ack: TaskCheckpointAck): void;
  /** A source task read all its input and waits for the final checkpoint. */
  sourceDrained(task: Task): void;
}

/** Counters a task keeps for progress reports and the REST API. */
export interface TaskMetrics {
  recordsIn: number;
  recordsOut: number;
  /** The head operator's input watermark (for sources, the emitted watermark). */
  watermark: number;
  /** Time spent asleep because an output had no credit, ms. */
  backpressuredMs: number;
  /** Share of the last second or so spent blocked on outputs without credit, 0..1. */
  backpressureRatio: number;
  /** Queued input events over the credit granted for them, 0..1 (may briefly exceed 1). */
  inputBufferUsage: number;
  /** Records written by the sinks in this task's chain. */
  sinkRecordsIn: number;
}

/** The metrics of a task that has not done anything yet. */
export function initialTaskMetrics(): TaskMetrics {
  return {
    recordsIn: 0,
    recordsOut: 0,
    watermark: Number.NEGATIVE_INFINITY,
    backpressuredMs: 0,
    backpressureRatio: 0,
    inputBufferUsage: 0,
    sinkRecordsIn: 0,
  };
}

type StepResult = 'more' | 'nothing' | 'end';

/** One subtask of a vertex. */
export class Task {
  readonly name: string;
  readonly mailbox = new Mailbox();
  readonly metrics: TaskMetrics = initialTaskMetrics();
  /** When the current wait for credit started, or -1. */
  private blockedSince = -1;
  /** Start of the window the backpressure ratio is measured over: time and blocked ms then. */
  private ratioWindow = { at: performance.now(), blockedMs: 0 };
  private readonly sinks: SinkOperator<unknown>[] = [];
  /**
   * The operators that may hold input back: sinks whose writers say so (see
   * `SinkWriter.isAvailable`) and operators with `isAvailable` (async I/O); mostly none.
   */
  private throttling: AnyStreamOperator[] = [];
  private readonly operators: AnyStreamOperator[] = [];
  private readonly writers: RecordWriter[] = [];
  private readonly gates: InputGate[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly processingTime: ProcessingTimeService;
  private sourceOperator: SourceOperator<unknown> | undefined;
  private backend: KeyedStateBackend | undefined;
  private timeServiceManager: TimeServiceManager | undefined;
  private recordProcessors: ((values: unknown[], timestamps: number[]) => void)[] = [];
  private cancelled: Error | undefined;
  private aligner: BarrierAligner | undefined;
  /** Set for a keyed task of a job with incremental checkpoints. */
  private incremental: IncrementalKeyGroups | undefined;
  /** Barriers the coordinator injected at this source task, not yet taken. */
  private readonly triggers: BarrierEvent[] = [];
  /**
   * Split events that arrived after `triggers[k]` was injected, run once it is taken. The
   * enumerator's state for a checkpoint is snapshotted when the barrier is injected, so a split
   * it assigns later belongs to the reader only after the barrier; added before it, the split
   * would be in both snapshots and read twice after a restore.
   */
  private readonly afterTriggers: (() => void)[][] = [];
  /** Work started by notifications (sink commits) that must finish before the task does. */
  private readonly inFlight = new Set<Promise<void>>();
  /** A source that read everything and waits for the final checkpoint. */
  private drained = false;
  /**
   * Every operator of the chain has finished (or the task was restored finished): snapshots
   * leave keyed state out, and end of input does not finish the chain again.
   */
  private finished: boolean;
  /** Restored from a checkpoint taken after the input ended: nothing is read or processed. */
  private readonly restoredFinished: boolean;
  /** End-of-data went downstream. */
  private endOfDataSent = false;
  private finishRequested = false;
  /** Set once the loop has stopped: mailbox actions no longer run. */
  private stopped = false;
  /** Notifications posted but not yet run; released when the task stops. */
  private readonly waitingNotifications = new Set<() => void>();
  /** Batch mode, after the input ended: processing time stands at {@link END_OF_TIME}. */
  private endOfTime = false;
  private nextGate = 0;

  constructor(private readonly deployment: TaskDeployment) {
    const { vertex, subtaskIndex } = deployment;
    this.restoredFinished = deployment.restore?.finished === true;
    this.finished = this.restoredFinished;
    this.name = `${vertex.name} (${subtaskIndex + 1}/${vertex.parallelism})`;
    this.processingTime = {
      now: () => deployment.clock.now(),
      schedule: (time, callback) => this.schedule(time, callback),
    };
  }

  /** Runs the task to completion; rejects if it fails or is cancelled. */
  async run(): Promise<void> {
    try {
      this.build();
      await this.restoreState();
      for (let i = this.operators.length - 1; i >= 0; i--) this.operators[i]!.open();
      this.throttling = this.operators.filter((op) =>
        op instanceof SinkOperator
          ? op.throttles
          : op !== (this.sourceOperator as unknown) && op.isAvailable !== undefined,
      );
      await this.loop();
    } finally {
      await this.shutdown();
    }
  }

  /** True for tasks whose chain starts with a source. */
  get isSource(): boolean {
    return this.deployment.vertex.operators[0]!.source !== undefined;
  }

  /** The metrics, with the sink counters, backpressure and buffer usage brought up to date. */
  currentMetrics(): TaskMetrics {
    let written = 0;
    for (const sink of this.sinks) written += sink.recordsWritten;
    this.metrics.sinkRecordsIn = written;
    const now = performance.now();
    const blockedMs = this.metrics.backpressuredMs + (this.blockedSince < 0 ? 0 : now - this.blockedSince);
    const window = this.ratioWindow;
    if (now - window.at >= RATIO_WINDOW_MS) {
      this.metrics.backpressureRatio = Math.min(1, (blockedMs - window.blockedMs) / (now - window.at));
      this.ratioWindow = { at: now, blockedMs };
    }
    let granted = 0;
    for (const channels of this.deployment.inputs)
      for (const channel of channels) granted += channel.capacity;
    this.metrics.inputBufferUsage = granted === 0 ? 0 : this.queuedInputEvents() / granted;
    return this.metrics;
  }

  /** The metrics with the subtask's identity, as reports and the REST API show them. */
  snapshot(): TaskSnapshot {
    const { vertex, subtaskIndex } = this.deployment;
    return {
      vertexId: vertex.id,
      vertexName: vertex.name,
      subtaskIndex,
      isSource: this.isSource,
      inputQueueLength: this.queuedInputEvents(),
      ...this.currentMetrics(),
    };
  }

  /** Events waiting in this task's input channels. */
  queuedInputEvents(): number {
    let total = 0;
    for (const gate of this.gates) total += gate.queued();
    return total;
  }

  /** Stops the task at its next step with `reason`. */
  cancel(reason: Error): void {
    if (this.cancelled === undefined) this.cancelled = reason;
    this.mailbox.wake();
  }

  /** Delivers splits from the enumerator (through the mailbox). */
  assignSplits(splits: SourceSplit[]): void {
    this.mailbox.post(() => this.afterPendingBarriers(() => this.sourceOperator?.addSplits(splits)));
  }

  /** Tells the reader no more splits will come (through the mailbox). */
  signalNoMoreSplits(): void {
    this.mailbox.post(() => this.afterPendingBarriers(() => this.sourceOperator?.noMoreSplits()));
  }

  /** Runs a split event now, or after the last barrier injected before it is taken. */
  private afterPendingBarriers(event: () => void): void {
    if (this.triggers.length === 0) event();
    else this.afterTriggers[this.triggers.length - 1]!.push(event);
  }

  /** Injects a checkpoint barrier at this source task (through the mailbox). */
  triggerCheckpoint(barrier: BarrierEvent): void {
    this.mailbox.post(() => {
      this.triggers.push(barrier);
      this.afterTriggers.push([]);
    });
  }

  /**
   * Tells every operator that checkpoint `checkpointId` is complete; resolves once they have
   * acted on it (sinks have committed).
   */
  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waitingNotifications.add(resolve);
      this.mailbox.post(() => {
        this.waitingNotifications.delete(resolve);
        this.incremental?.completed(checkpointId);
        const work = (async () => {
          for (const op of this.operators) await op.notifyCheckpointComplete?.(checkpointId);
        })();
        this.track(work);
        work.then(resolve, reject);
      });
    });
  }

  /** Lets a drained source task end, after the final checkpoint completed. */
  finishSource(): void {
    this.mailbox.post(() => {
      this.finishRequested = true;
    });
  }

  /** Keeps `work` until it settles; a failure fails the task. */
  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    work.then(
      () => this.inFlight.delete(work),
      (error: unknown) => {
        this.inFlight.delete(work);
        this.cancel(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }

  private build(): void {
    const { job, vertex, subtaskIndex } = this.deployment;
    const specs = vertex.operators;
    const head = specs[0]!;
    const keySelectors = head.keySelectors;
    if (keySelectors.some((k) => k !== undefined)) {
      const keyGroupRange = keyGroupRangeForSubtask(vertex.maxParallelism, vertex.parallelism, subtaskIndex);
      this.backend = this.deployment.stateBackend.create({
        maxParallelism: vertex.maxParallelism,
        keyGroupRange,
        now: () => this.deployment.clock.now(),
      });
      const manager = this.deployment.timeServices(this.backend, {
        now: () => (this.endOfTime ? END_OF_TIME : this.deployment.clock.now()),
        requestWakeUp: (time) => this.requestTimerWakeUp(time),
      });
      this.timeServiceManager = manager;
      if (job.config.incrementalCheckpoints) this.incremental = new IncrementalKeyGroups();
    }
    for (const spec of specs) {
      if (spec.source !== undefined) {
        const gateway = this.deployment.splitGateway;
        if (gateway === undefined)
          throw new WeirError(ErrorCodes.INTERNAL, 'source task without split gateway');
        this.sourceOperator = new SourceOperator(
          spec.source.source,
          spec.source.watermarkStrategy,
          gateway,
          this.deployment.clock,
        );
        this.operators.push(this.sourceOperator as unknown as AnyStreamOperator);
      } else {
        const op = spec.createOperator!();
        if (op instanceof SinkOperator) {
          // The final checkpoint commits what the sink wrote while finishing.
          if (this.deployment.checkpointing !== undefined) op.commitThroughCheckpoints();
          op.jobName = job.jobName;
          this.sinks.push(op);
        }
        this.operators.push(op);
      }
    }
    const writersByEdge = new Map<number, RecordWriter>();
    for (const edge of job.edges) {
      if (edge.source !== vertex.id) continue;
      const writer = this.createWriter(edge);
      writersByEdge.set(edge.id, writer);
      this.writers.push(writer);
    }
    for (let i = specs.length - 1; i >= 0; i--) {
      const spec = specs[i]!;
      const outputs: Output<unknown>[] = spec.outputs.map((out) =>
        out.kind === 'chained'
          ? new ChainingOutput(
              this.operators[out.target] as OneInputStreamOperator<unknown, unknown>,
              out.tag,
            )
          : new NetworkOutput(writersByEdge.get(out.edge)!, out.tag),
      );
      this.operators[i]!.setup({
        name: spec.name,
        uid: spec.uid,
        subtaskIndex,
        parallelism: vertex.parallelism,
        maxParallelism: vertex.maxParallelism,
        attemptNumber: this.deployment.attemptNumber,
        attemptId: this.deployment.attemptId,
        restoredCheckpointId: this.deployment.restore?.checkpointId,
        output: combineOutputs(outputs),
        keyedBackend: i === 0 ? this.backend : undefined,
        timeServiceManager: i === 0 ? this.timeServiceManager : undefined,
        processingTime: this.processingTime,
        runtimeMode: job.config.runtimeMode,
        autoWatermarkInterval: job.config.autoWatermarkInterval,
        mailbox: this.mailbox,
      });
    }
    if (this.sourceOperator === undefined) this.buildInputs(this.operators[0]!, keySelectors);
    const checkpointing = this.deployment.checkpointing;
    if (checkpointing !== undefined && this.sourceOperator === undefined) {
      const gates = this.gates;
      this.aligner = new BarrierAligner(checkpointing.mode, {
        block: (gate, channel) => gates[gate]!.block(channel),
        unblockAll: () => {
          for (const gate of gates) gate.unblockAll();
        },
        openChannels: () => {
          let open = 0;
          for (const gate of gates) open += gate.openChannels();
          return open;
        },
      });
    }
  }

  /** Loads restored keyed state, then gives every operator its operator state (empty on a fresh start). */
  private async restoreState(): Promise<void> {
    const restore = this.deployment.restore;
    const specs = this.deployment.vertex.operators;
    for (let i = 0; i < this.operators.length; i++) {
      const state = restore?.operators.get(specs[i]!.uid);
      if (i === 0 && state !== undefined && state.keyGroups.length > 0) {
        if (this.backend === undefined) {
          throw new WeirError(
            ErrorCodes.INVALID_GRAPH,
            `operator ${specs[0]!.name} (uid ${specs[0]!.uid}) has keyed state in the checkpoint but is not keyed in this job; keep the keyBy before it or give the new operator another uid`,
          );
        }
        restoreKeyedState(
          this.backend,
          this.timeServiceManager,
          state.keyGroups.map(([group, part]) => [group, keyGroupBytes(group, part)] as const),
        );
      }
      const restored = new Map<string, unknown[]>();
      if (state !== undefined) {
        for (const name in state.operatorState) {
          if (name === FINISHED_STATE) continue;
          restored.set(
            name,
            state.operatorState[name]!.entries.map((bytes) => decode(bytes)),
          );
        }
      }
      await this.operators[i]!.initializeState?.(restored);
    }
  }

  private createWriter(edge: JobEdge): RecordWriter {
    const { job, subtaskIndex } = this.deployment;
    const channels = this.deployment.outputs.get(edge.id) ?? [];
    const target = job.vertices.find((v) => v.id === edge.target)!;
    const selector = createChannelSelector(
      edge.partitioner,
      channels.length,
      subtaskIndex,
      target.maxParallelism,
    );
    const writer = new RecordWriter(channels, selector, job.config.batchSize);
    for (const channel of channels) channel.setCreditListener(() => this.mailbox.wake());
    return writer;
  }

  private buildInputs(
    head: AnyStreamOperator,
    keySelectors: readonly (KeySelector<any, unknown> | undefined)[],
  ): void {
    const wake = () => this.mailbox.wake();
    this.deployment.inputs.forEach((channels, i) => {
      const inputIndex = i + 1;
      for (const channel of channels) channel.setDataListener(wake);
      const gate = new InputGate(inputIndex, channels, {
        emitWatermark: (watermark) => {
          // Restored finished: the end of input's watermark already passed before the checkpoint.
          if (this.restoredFinished) return;
          head.processWatermark(watermark, inputIndex);
          this.metrics.watermark = this.headWatermark();
        },
        emitWatermarkStatus: (idle) => head.processWatermarkStatus(idle, inputIndex),
      });
      this.gates.push(gate);
      this.recordProcessors.push(this.recordProcessor(head, inputIndex, keySelectors[i]));
    });
  }

  private headWatermark(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const gate of this.gates) min = Math.min(min, gate.valve.currentWatermark());
    return min;
  }

  /** One specialised loop per input, chosen once, so the per-record path has no branches. */
  private recordProcessor(
    head: AnyStreamOperator,
    inputIndex: number,
    keySelector: KeySelector<any, unknown> | undefined,
  ): (values: unknown[], timestamps: number[]) => void {
    const backend = this.backend;
    if (isTwoInput(head)) {
      const op = head as TwoInputStreamOperator<unknown, unknown, unknown>;
      const process = inputIndex === 1 ? op.processElement1.bind(op) : op.processElement2.bind(op);
      if (keySelector !== undefined && backend !== undefined) {
        return (values, timestamps) => {
          for (let i = 0; i < values.length; i++) {
            backend.setCurrentKey(keySelector(values[i]));
            process(values[i], timestamps[i]!);
          }
        };
      }
      return (values, timestamps) => {
        for (let i = 0; i < values.length; i++) process(values[i], timestamps[i]!);
      };
    }
    const op = head as OneInputStreamOperator<unknown, unknown>;
    if (keySelector !== undefined && backend !== undefined) {
      return (values, timestamps) => {
        for (let i = 0; i < values.length; i++) {
          backend.setCurrentKey(keySelector(values[i]));
          op.processElement(values[i], timestamps[i]!);
        }
      };
    }
    return (values, timestamps) => {
      for (let i = 0; i < values.length; i++) op.processElement(values[i], timestamps[i]!);
    };
  }

  private async loop(): Promise<void> {
    const bufferTimeout = this.deployment.job.config.bufferTimeout;
    // Time since the loop last gave the event loop a turn. A sleep does not count as one: tasks
    // on one thread wake each other through promises, so a producer and a consumer that take
    // turns on credit never leave the microtask queue, and timers and I/O (the checkpoint
    // coordinator, storage) would starve.
    let sliceStart = performance.now();
    for (;;) {
      if (this.cancelled !== undefined) throw this.cancelled;
      this.mailbox.clearWake();
      this.mailbox.drain();
      if (this.triggers.length > 0) {
        const barrier = this.triggers.shift()!;
        if (barrier.final === true && this.drained) await this.endOfData();
        await this.checkpoint(barrier, 0);
        for (const event of this.afterTriggers.shift()!) event();
        continue;
      }
      if (!this.outputsHaveCredit()) {
        await this.waitBackpressured(undefined);
        continue;
      }
      if (this.throttling.length > 0) {
        const busy = this.operatorsBusy();
        if (busy !== undefined) {
          await this.waitBackpressured(busy);
          continue;
        }
      }
      let step = this.step();
      if (step instanceof Promise) step = await step;
      if (step === 'end') {
        await this.endOfInput();
        return;
      }
      if (step === 'nothing') {
        this.flushWriters();
        if (this.sourceOperator !== undefined && !this.drained) {
          this.sourceOperator.isAvailable().then(
            () => this.mailbox.wake(),
            (error: unknown) => this.cancel(error instanceof Error ? error : new Error(String(error))),
          );
        }
        await this.mailbox.sleep();
        continue;
      }
      const now = performance.now();
      if (now - sliceStart >= YIELD_AFTER_MS) {
        for (const writer of this.writers) writer.flushIfOlderThan(bufferTimeout, now);
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
  }

  private step(): StepResult | Promise<StepResult> {
    if (this.sourceOperator !== undefined) {
      if (this.drained) return this.finishRequested ? 'end' : 'nothing';
      if (this.restoredFinished) {
        // Its input was read to the end before the checkpoint: read nothing, wait for the final one.
        this.sourceOperator.endOfSource(false);
        this.metrics.watermark = Number.POSITIVE_INFINITY;
        const checkpointing = this.deployment.checkpointing;
        if (checkpointing === undefined) return 'end';
        this.drained = true;
        checkpointing.sourceDrained(this);
        return 'nothing';
      }
      const before = this.sourceOperator.recordsOut;
      const status = this.sourceOperator.emitNext();
      const emitted = this.sourceOperator.recordsOut - before;
      this.metrics.recordsIn += emitted;
      this.metrics.recordsOut += emitted;
      this.metrics.watermark = this.sourceOperator.outputWatermark;
      if (status === 'end-of-input') {
        this.sourceOperator.endOfSource();
        this.metrics.watermark = Number.POSITIVE_INFINITY;
        const checkpointing = this.deployment.checkpointing;
        if (checkpointing === undefined) return 'end';
        this.drained = true;
        checkpointing.sourceDrained(this);
        return 'nothing';
      }
      return status === 'more-available' ? 'more' : 'nothing';
    }
    const gates = this.gates;
    for (let attempt = 0; attempt < gates.length; attempt++) {
      const g = this.nextGate;
      this.nextGate = g + 1 === gates.length ? 0 : g + 1;
      const gate = gates[g]!;
      if (gate.isFinished()) continue;
      const event = gate.pollNext();
      if (event === undefined) continue;
      switch (event.kind) {
        case 'records':
          this.metrics.recordsIn += event.values.length;
          this.recordProcessors[g]!(event.values, event.timestamps);
          break;
        case 'watermark':
          gate.valve.inputWatermark(event.timestamp, gate.lastChannel);
          break;
        case 'status':
          gate.valve.inputWatermarkStatus(event.idle, gate.lastChannel);
          break;
        case 'barrier': {
          if (this.aligner === undefined) {
            throw new WeirError(
              ErrorCodes.INTERNAL,
              'a checkpoint barrier reached a task without checkpointing',
            );
          }
          const aligned = this.aligner.onBarrier(event, g, gate.lastChannel);
          if (aligned !== undefined) return this.checkpointAligned(aligned);
          break;
        }
        case 'end-of-data':
          if (gate.channelDataEnded(gate.lastChannel)) return this.inputEnded(gate);
          break;
        case 'end': {
          if (gate.channelDataEnded(gate.lastChannel) && !this.finished) {
            this.operators[0]!.endInput(gate.inputIndex);
          }
          gate.channelEnded(gate.lastChannel);
          const aligned = this.aligner?.onChannelEnded(g, gate.lastChannel);
          if (aligned !== undefined) return this.checkpointAligned(aligned);
          break;
        }
      }
      return 'more';
    }
    return gates.every((gate) => gate.isFinished()) ? 'end' : 'nothing';
  }

  /**
   * Every channel of `gate` sent end-of-data: the head's input ends, and once every input has,
   * the chain finishes and end-of-data goes on.
   */
  private async inputEnded(gate: InputGate): Promise<StepResult> {
    if (!this.finished) this.operators[0]!.endInput(gate.inputIndex);
    if (this.gates.every((g) => g.isDataFinished())) await this.endOfData();
    return 'more';
  }

  /**
   * Finishes the chain (unless it already finished) and sends end-of-data downstream, after
   * everything the operators emitted.
   */
  private async endOfData(): Promise<void> {
    if (this.endOfDataSent) return;
    await this.finishChain();
    this.flushWriters();
    for (const writer of this.writers) writer.broadcastEvent({ kind: 'end-of-data' });
    this.endOfDataSent = true;
  }

  private async checkpointAligned(aligned: AlignedBarrier): Promise<StepResult> {
    await this.checkpoint(aligned.barrier, aligned.alignmentDurationMs);
    return 'more';
  }

  /**
   * Takes this task's part of a checkpoint: keyed state and timers of the head, then every
   * operator's own state, all encoded at once so later records cannot change them; then the
   * barrier goes downstream and the coordinator is told. A finished task leaves keyed state and
   * timers out and marks every operator's state finished.
   */
  private async checkpoint(barrier: BarrierEvent, alignmentDurationMs: number): Promise<void> {
    const checkpointing = this.deployment.checkpointing!;
    const started = performance.now();
    const { checkpointId } = barrier;
    const specs = this.deployment.vertex.operators;
    const states = new Map<string, OperatorSubtaskState>();
    const finished = this.finished;
    // Buffers are emitted first, head first, so each operator's output reaches the next one
    // (and the writers) before any state is taken. Finished operators emptied theirs.
    if (!finished) for (const op of this.operators) op.prepareSnapshotPreBarrier?.(checkpointId);
    for (let i = 0; i < this.operators.length; i++) {
      // Savepoints stay full and self-contained.
      const keyGroups =
        i !== 0 || this.backend === undefined || finished
          ? []
          : this.incremental === undefined || barrier.savepoint
            ? snapshotKeyedState(this.backend, this.timeServiceManager)
            : this.incremental.snapshot(checkpointId, this.backend, this.timeServiceManager);
      const snapshot = await this.operators[i]!.snapshotState?.(checkpointId);
      const operatorState: Record<string, OperatorStateEntries> = {};
      let entries = 0;
      if (snapshot !== undefined) {
        for (const name in snapshot) {
          const { mode, entries: values } = snapshot[name]!;
          operatorState[name] = { mode, entries: values.map((value) => encode(value)) };
          entries += values.length;
        }
      }
      if (finished) operatorState[FINISHED_STATE] = { mode: 'union', entries: [FINISHED_ENTRY] };
      if (keyGroups.length > 0 || entries > 0 || finished)
        states.set(specs[i]!.uid, { keyGroups, operatorState });
    }
    const syncDurationMs = performance.now() - started;
    this.flushWriters();
    for (const writer of this.writers) writer.broadcastEvent(barrier);
    checkpointing.acknowledge({
      checkpointId,
      vertexId: this.deployment.vertex.id,
      subtaskIndex: this.deployment.subtaskIndex,
      operators: states,
      syncDurationMs,
      alignmentDurationMs,
    });
  }

  /**
   * Sleeps until woken by credit, a mailbox action or `until`, counting the time as
   * backpressure. A sink's availability that arrives after the check still wakes the task:
   * `clearWake` ran before it.
   */
  private async waitBackpressured(until: Promise<void> | undefined): Promise<void> {
    this.flushWriters();
    until?.then(
      () => this.mailbox.wake(),
      (error: unknown) => this.cancel(error instanceof Error ? error : new Error(String(error))),
    );
    this.blockedSince = performance.now();
    await this.mailbox.sleep();
    this.metrics.backpressuredMs += performance.now() - this.blockedSince;
    this.blockedSince = -1;
  }

  /** The first operator (or sink writer) that takes no records now: what to wait for; undefined if none. */
  private operatorsBusy(): Promise<void> | undefined {
    // A finished chain reads no more records: nothing to hold back, and barriers must pass.
    if (this.finished) return undefined;
    for (const op of this.throttling) {
      const busy = op.isAvailable!();
      if (busy !== undefined) return busy;
    }
    return undefined;
  }

  private outputsHaveCredit(): boolean {
    for (const writer of this.writers) if (!writer.hasCredit()) return false;
    return true;
  }

  private flushWriters(): void {
    let out = 0;
    for (const writer of this.writers) {
      writer.flushAll();
      out += writer.recordsOut;
    }
    if (this.sourceOperator === undefined && this.writers.length > 0) this.metrics.recordsOut = out;
  }

  /**
   * Ends the task after its channels ended: finishes the chain unless it already finished
   * (end-of-data came first), waits for commits in flight, and ends the outputs.
   */
  private async endOfInput(): Promise<void> {
    await this.finishChain();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.cancelled !== undefined) throw this.cancelled;
    this.flushWriters();
    for (const writer of this.writers) writer.broadcastEvent({ kind: 'end' });
  }

  /**
   * Finishes the chain in order (each operator's input ends after its producer finished), once.
   * In batch mode processing time then jumps to the end, so processing-time timers (and windows)
   * fire once with everything the input held, as in Flink's batch execution.
   */
  private async finishChain(): Promise<void> {
    if (this.finished) return;
    if (this.deployment.job.config.runtimeMode === 'batch' && this.timeServiceManager !== undefined) {
      this.endOfTime = true;
      this.timeServiceManager.onProcessingTime(END_OF_TIME);
    }
    for (let i = 0; i < this.operators.length; i++) {
      const op = this.operators[i]!;
      if (i > 0) op.endInput(1);
      this.mailbox.drain();
      await op.finish();
    }
    this.finished = true;
  }

  private async shutdown(): Promise<void> {
    this.stopped = true;
    for (const release of this.waitingNotifications) release();
    this.waitingNotifications.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // After a normal end the `end` events went out, so closing is clean; after a failure it
    // tells readers on other threads that nothing more will come.
    for (const writer of this.writers) for (const channel of writer.channels) channel.close();
    for (const channels of this.deployment.inputs) for (const channel of channels) channel.close();
    let firstError: unknown;
    for (const op of this.operators) {
      try {
        await op.close();
      } catch (error) {
        firstError ??= error;
      }
    }
    this.backend?.dispose();
    if (firstError !== undefined && this.cancelled === undefined) throw firstError;
  }

  /**
   * Runs `callback` in the mailbox once the clock has reached `time`. A timeout can fire a
   * millisecond before the clock agrees, so an early wake-up waits for the rest.
   */
  private schedule(time: number, callback: (time: number) => void): () => void {
    let active = true;
    let timer: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      timer = setTimeout(
        () => {
          this.timers.delete(timer);
          if (!active) return;
          if (this.deployment.clock.now() < time) {
            arm();
            return;
          }
          this.mailbox.post(() => {
            // Finished operators emit nothing more: what a timer would add after end-of-data
            // would miss the final checkpoint.
            if (active && !this.finished) callback(time);
          });
        },
        Math.min(MAX_TIMEOUT_MS, Math.max(0, time - this.deployment.clock.now())),
      );
      this.timers.add(timer);
    };
    arm();
    return () => {
      active = false;
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  private pendingWakeUp = Number.POSITIVE_INFINITY;

  /**
   * Fires the processing-time timers for `time` and before once the clock has passed `time`, one
   * millisecond later, as Flink's processing-time service does: an element processed while the
   * clock still reads `time` belongs to whatever a timer for `time` closes (a window whose
   * `maxTimestamp()` it is), so that timer must not have fired yet. Firing at `time` itself let
   * such an element reopen the fired window, which then fired a second time.
   */
  private requestTimerWakeUp(time: number): void {
    if (time >= this.pendingWakeUp) return;
    this.pendingWakeUp = time;
    this.schedule(time + 1, () => {
      this.pendingWakeUp = Number.POSITIVE_INFINITY;
      this.timeServiceManager?.onProcessingTime(this.deployment.clock.now() - 1);
    });
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
