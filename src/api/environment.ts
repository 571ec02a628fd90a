/**
 * `StreamExecutionEnvironment`: where a job is built and run. It records transformations as
 * the DataStream API is called, and `execute()` turns them into a job graph and runs it.
 *
 * @example
 * const env = StreamExecutionEnvironment.getExecutionEnvironment();
 * env.fromElements(1, 2, 3).map((x) => x * 2).print();
 * await env.execute('doubling');
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { CollectionSource } from '../connectors/collection/index.js';
import { FileCheckpointStorage } from '../checkpoint/file-storage.js';
import { type RunOptions, runJob } from '../checkpoint/job-runner.js';
import { MemoryCheckpointStorage } from '../checkpoint/memory-storage.js';
import { buildJobGraph } from '../graph/job-graph-builder.js';
import {
  Transformation,
  type TransformationDetails,
  type TransformationKind,
} from '../graph/transformation.js';
import type { JobClient, JobExecutionResult } from '../runtime/job-client.js';
import type { ThreadedExecution } from '../runtime/attempt.js';
import { DEFAULT_JOB_CONFIG, type JobGraph } from '../runtime/job-graph.js';
import type { RuntimeMode } from '../runtime/operator.js';
import { checkMaxParallelism } from '../state/key-groups.js';
import { type Clock, systemClock } from '../time/clock.js';
import { WatermarkStrategy } from '../time/watermarks.js';
import { ErrorCodes, userError, WeirError } from '../types/errors.js';
import type { KeySelector } from '../types/functions.js';
import type { Source, SourceSplit } from '../types/source.js';
import { CollectSink } from './collect-sink.js';
import {
  CheckpointConfig,
  type CheckpointingMode,
  ExecutionConfig,
  type RestartStrategy,
  RestartStrategies,
} from './config.js';
import { ConnectedStreams } from './connected-streams.js';
import { getEnvironmentDefaults, type JobListener, nextSubmissionIndex } from './context.js';
import { DataStream } from './data-stream.js';
import type { JobModuleGraphArgs } from './job-module.js';
import { KeyedStream } from './keyed-stream.js';
import { rebuildMemo } from './rebuild-memo.js';
import { JOB_MODULE_PROVIDER } from './worker-threads.js';

/** State backends by name. */
export type StateBackendName = 'heap' | 'disk';

const STATE_BACKENDS: readonly string[] = ['heap', 'disk'];

/** Builds and runs jobs. */
export class StreamExecutionEnvironment {
  private parallelism = 1;
  private maxParallelism: number | undefined;
  private runtimeMode: RuntimeMode = 'streaming';
  private stateBackend: StateBackendName = 'heap';
  private restartStrategy: RestartStrategy | undefined;
  private bufferTimeout = DEFAULT_JOB_CONFIG.bufferTimeout;
  private chainingEnabled = true;
  private readonly executionConfig = new ExecutionConfig();
  private readonly checkpointConfig = new CheckpointConfig();
  private readonly listeners: JobListener[] = [];
  private sinks: Transformation[] = [];
  private nextId = 1;
  private clock: Clock = systemClock;
  private savepointRestore: { path: string; allowNonRestoredState: boolean } | undefined;
  /** @internal id of the next job; part files and the REST API use it. */
  jobId = newJobId();

  /** An environment configured by `weir run` when run from the CLI, or a local one. */
  static getExecutionEnvironment(): StreamExecutionEnvironment {
    const env = new StreamExecutionEnvironment();
    const defaults = getEnvironmentDefaults();
    if (defaults !== undefined) {
      if (defaults.parallelism !== undefined) env.setParallelism(defaults.parallelism);
      if (defaults.maxParallelism !== undefined) env.setMaxParallelism(defaults.maxParallelism);
      if (defaults.stateBackend !== undefined) env.setStateBackend(defaults.stateBackend as StateBackendName);
      if (defaults.checkpointInterval !== undefined) env.enableCheckpointing(defaults.checkpointInterval);
      if (defaults.checkpointDir !== undefined)
        env.getCheckpointConfig().setCheckpointStorage(defaults.checkpointDir);
      if (defaults.taskOldGenerationInitialMb !== undefined)
        env.getConfig().setTaskOldGenerationInitialSize(defaults.taskOldGenerationInitialMb);
      for (const listener of defaults.jobListeners ?? []) env.registerJobListener(listener);
    }
    return env;
  }

  /** A local environment with the given default parallelism. */
  static createLocalEnvironment(parallelism = 1): StreamExecutionEnvironment {
    return new StreamExecutionEnvironment().setParallelism(parallelism);
  }

  /**
   * Restores the jobs submitted from now on from a savepoint or checkpoint `path` (Flink's
   * `execution.savepoint.path`), in place of `weir run --restore`; undefined goes back to that.
   * `allowNonRestoredState` skips state of operators the job no longer has.
   */
  setSavepointRestore(path: string | undefined, allowNonRestoredState = false): this {
    this.savepointRestore = path === undefined ? undefined : { path, allowNonRestoredState };
    return this;
  }

  /** Default parallelism of operators that do not set their own. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw userError(ErrorCodes.INVALID_ARGUMENT, `parallelism must be an integer >= 1, got ${parallelism}`);
    }
    this.parallelism = parallelism;
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  /** Number of key groups: the upper limit for rescaling keyed state. Default 128. */
  setMaxParallelism(maxParallelism: number): this {
    this.maxParallelism = checkMaxParallelism(maxParallelism);
    return this;
  }

  /** The maxParallelism set on the environment, or the default 128. */
  getMaxParallelism(): number {
    return this.maxParallelism ?? 128;
  }

  /** 'streaming' (default) or 'batch' (bounded inputs only; watermarks only at the end). */
  setRuntimeMode(mode: RuntimeMode): this {
    if (mode !== 'streaming' && mode !== 'batch') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `runtime mode must be 'streaming' or 'batch', got '${String(mode)}'`,
      );
    }
    this.runtimeMode = mode;
    return this;
  }

  getRuntimeMode(): RuntimeMode {
    return this.runtimeMode;
  }

  /** Takes a checkpoint every `intervalMs`. */
  enableCheckpointing(intervalMs: number, mode: CheckpointingMode = 'exactly-once'): this {
    if (!(intervalMs > 0)) {
      throw userError(ErrorCodes.INVALID_ARGUMENT, `checkpoint interval must be > 0 ms, got ${intervalMs}`);
    }
    if (mode !== 'exactly-once' && mode !== 'at-least-once') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `checkpointing mode must be 'exactly-once' or 'at-least-once'`,
      );
    }
    this.checkpointConfig.interval = intervalMs;
    this.checkpointConfig.mode = mode;
    return this;
  }

  getCheckpointConfig(): CheckpointConfig {
    return this.checkpointConfig;
  }

  setRestartStrategy(strategy: RestartStrategy): this {
    this.restartStrategy = strategy;
    return this;
  }

  /**
   * The strategy set, or the default: with checkpointing, restart without limit every second
   * (as Flink does); without, do not restart.
   */
  getRestartStrategy(): RestartStrategy {
    if (this.restartStrategy !== undefined) return this.restartStrategy;
    return this.checkpointConfig.isCheckpointingEnabled()
      ? RestartStrategies.fixedDelay(Number.MAX_SAFE_INTEGER, 1000)
      : RestartStrategies.noRestart();
  }

  /** Where keyed state lives: 'heap' (default) or 'disk'. */
  setStateBackend(name: StateBackendName): this {
    if (!STATE_BACKENDS.includes(name)) {
      throw userError(ErrorCodes.INVALID_ARGUMENT, `unknown state backend '${name}'; use 'heap' or 'disk'`);
    }
    this.stateBackend = name;
    return this;
  }

  getConfig(): ExecutionConfig {
    return this.executionConfig;
  }

  /** Longest time a record waits in a partially filled batch before it is sent, ms. */
  setBufferTimeout(ms: number): this {
    if (!(ms >= 0)) throw userError(ErrorCodes.INVALID_ARGUMENT, `buffer timeout must be >= 0 ms, got ${ms}`);
    this.bufferTimeout = ms;
    return this;
  }

  /** Runs every operator as its own task (for debugging and measurements). */
  disableOperatorChaining(): this {
    this.chainingEnabled = false;
    return this;
  }

  registerJobListener(listener: JobListener): this {
    this.listeners.push(listener);
    return this;
  }

  /** @internal processing-time clock for tests */
  setClock(clock: Clock): this {
    this.clock = clock;
    return this;
  }

  /** A bounded stream of the given elements (parallelism 1). */
  fromElements<T>(...items: T[]): DataStream<T> {
    return this.fromCollection(items, 'Elements');
  }

  /** A bounded stream of a collection's elements (parallelism 1). */
  fromCollection<T>(items: Iterable<T>, name = 'Collection'): DataStream<T> {
    if (
      items === null ||
      items === undefined ||
      typeof (items as Iterable<T>)[Symbol.iterator] !== 'function'
    ) {
      throw userError(ErrorCodes.INVALID_ARGUMENT, 'fromCollection needs an iterable such as an array');
    }
    return this.fromSource(new CollectionSource<T>(items), WatermarkStrategy.noWatermarks<T>(), name);
  }

  /** A stream read from a source, with timestamps and watermarks from `strategy`. */
  fromSource<T>(source: Source<T, any, any>, strategy: WatermarkStrategy<T>, name = 'Source'): DataStream<T> {
    if (source === null || typeof source !== 'object' || typeof source.createReader !== 'function') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'fromSource needs a Source, e.g. new DataGeneratorSource(...)',
      );
    }
    if (!(strategy instanceof WatermarkStrategy)) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'fromSource needs a WatermarkStrategy as second argument, e.g. WatermarkStrategy.noWatermarks()',
      );
    }
    const t = this.newTransformation('source', `Source: ${name}`, [], {
      source: source as Source<unknown, SourceSplit, unknown>,
      watermarkStrategy: strategy as WatermarkStrategy<unknown>,
    });
    return new DataStream<T>(this, t);
  }

  /** Runs the job built so far and waits for it to finish (bounded jobs) or fail. */
  async execute(jobName = 'Weir Streaming Job'): Promise<JobExecutionResult> {
    const client = this.executeAsync(jobName);
    try {
      const result = await client.result;
      for (const listener of this.listeners) listener.onJobExecuted?.(result, undefined);
      return result;
    } catch (error) {
      for (const listener of this.listeners) listener.onJobExecuted?.(undefined, error);
      throw error;
    }
  }

  /** Starts the job built so far and returns its client at once. */
  executeAsync(jobName = 'Weir Streaming Job'): JobClient {
    return this.submit(jobName, 'threads-if-possible');
  }

  /**
   * Builds and starts the job. `this-thread` is for jobs whose results must land in this
   * thread's memory (`executeAndCollect`).
   */
  private submit(jobName: string, placement: 'threads-if-possible' | 'this-thread'): JobClient {
    const graph = buildJobGraph(this.sinks, {
      jobId: this.jobId,
      jobName,
      defaultParallelism: this.parallelism,
      defaultMaxParallelism: this.maxParallelism,
      chainingEnabled: this.chainingEnabled,
      config: {
        ...DEFAULT_JOB_CONFIG,
        runtimeMode: this.runtimeMode,
        autoWatermarkInterval: this.executionConfig.getAutoWatermarkInterval(),
        bufferTimeout: this.bufferTimeout,
        stateBackend: this.stateBackend,
        incrementalCheckpoints: this.checkpointConfig.incremental ?? this.stateBackend === 'disk',
        taskYoungGenerationMb: this.executionConfig.getTaskYoungGenerationSize(),
        taskOldGenerationInitialMb: this.executionConfig.getTaskOldGenerationInitialSize(),
      },
    });
    this.validate(graph.vertices.flatMap((v) => v.operators.map((op) => op.source?.source)));
    this.sinks = [];
    this.jobId = newJobId();
    const index = nextSubmissionIndex();
    const capture = getEnvironmentDefaults()?.graphCapture;
    if (capture !== undefined) return capture.submit(graph, index);
    const threads = placement === 'this-thread' ? undefined : this.threadedExecution(graph, index);
    const client = runJob(graph, { ...this.runOptions(), threads });
    for (const listener of this.listeners) listener.onJobSubmitted(client);
    return client;
  }

  private validate(sources: readonly (Source<unknown, SourceSplit, unknown> | undefined)[]): void {
    if (
      this.runtimeMode === 'batch' &&
      sources.some((s) => s !== undefined && s.getBoundedness() === 'unbounded')
    ) {
      throw userError(
        ErrorCodes.INVALID_GRAPH,
        "batch runtime mode needs bounded sources, but the job reads an unbounded one; use setRuntimeMode('streaming') or bound the source",
      );
    }
  }

  /**
   * How the job runs: checkpoints go to the configured directory, or stay in memory (enough to
   * recover from task failures) when none is set. A checkpoint directory alone, without an
   * interval, still allows savepoints and makes the end of a job a checkpoint.
   */
  private runOptions(): RunOptions {
    const config = this.checkpointConfig;
    const dir = config.storage;
    const defaults = getEnvironmentDefaults();
    const enabled = config.isCheckpointingEnabled() || dir !== undefined;
    const fileStorage = dir === undefined ? undefined : new FileCheckpointStorage(dir);
    const restorePath = this.savepointRestore?.path ?? defaults?.restorePath;
    if (restorePath === 'latest' && fileStorage === undefined) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        '--restore latest needs a checkpoint directory to look in; pass --checkpoint-dir DIR',
      );
    }
    return {
      clock: this.clock,
      restartStrategy: this.getRestartStrategy(),
      checkpointing: enabled
        ? {
            interval: config.isCheckpointingEnabled() ? config.interval : 0,
            mode: config.mode,
            minPause: config.minPauseBetweenCheckpoints,
            timeout: config.checkpointTimeout,
            tolerableFailures: config.tolerableFailures,
            maxConcurrent: config.maxConcurrentCheckpoints,
            maxRetained: config.maxRetainedCheckpoints,
            storage: fileStorage ?? new MemoryCheckpointStorage(),
            savepointDir: dir === undefined ? undefined : `${dir.replace(/\/+$/, '')}/savepoints`,
          }
        : undefined,
      restore:
        restorePath === undefined
          ? undefined
          : {
              from: restorePath,
              allowNonRestoredState:
                this.savepointRestore?.allowNonRestoredState ?? defaults?.allowNonRestoredState ?? false,
              storage: fileStorage ?? new FileCheckpointStorage('/'),
            },
    };
  }

  /**
   * Worker threads for the tasks when the job comes from a job file (the workers load it again to
   * rebuild the graph) and runs on the system clock; otherwise tasks run on this thread.
   */
  private threadedExecution(graph: JobGraph, jobIndex: number): ThreadedExecution | undefined {
    const defaults = getEnvironmentDefaults();
    const module = defaults?.jobModule;
    if (module === undefined || this.clock !== systemClock) return undefined;
    const args: JobModuleGraphArgs = {
      path: module.path,
      args: [...module.args],
      jobIndex,
      jobId: graph.jobId,
      defaultJobName: graph.jobName,
      defaults: {
        parallelism: defaults?.parallelism,
        maxParallelism: defaults?.maxParallelism,
        stateBackend: defaults?.stateBackend,
        checkpointDir: defaults?.checkpointDir,
        checkpointInterval: defaults?.checkpointInterval,
      },
      memo: rebuildMemo(),
    };
    return {
      provider: { module: JOB_MODULE_PROVIDER, args },
      slots: defaults?.slots ?? availableParallelism(),
    };
  }

  /** @internal runs the job and gathers `stream`'s records */
  async executeAndCollect<T>(stream: DataStream<T>, limit: number): Promise<T[]> {
    if (!(limit >= 0))
      throw userError(ErrorCodes.INVALID_ARGUMENT, `executeAndCollect limit must be >= 0, got ${limit}`);
    let client: JobClient | undefined;
    const sink = new CollectSink<T>(limit, () => client?.cancel());
    stream.sinkTo(sink, 'Collect').setParallelism(1);
    client = this.submit('Collect', 'this-thread');
    try {
      await client.result;
    } catch (error) {
      if (!(sink.stoppedByLimit && error instanceof WeirError && error.code === ErrorCodes.CANCELLED))
        throw error;
    }
    return sink.results;
  }

  /** @internal */
  newTransformation(
    kind: TransformationKind,
    name: string,
    inputs: readonly Transformation[],
    details?: TransformationDetails,
  ): Transformation {
    return new Transformation(this.nextId++, kind, name, inputs, details);
  }

  /** @internal */
  addSink(t: Transformation): void {
    this.sinks.push(t);
  }

  /** @internal */
  createKeyedStream<T, K>(input: DataStream<T>, keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    const t = this.newTransformation('partition', 'HASH', [input.transformation], {
      partitioner: { kind: 'hash', keySelector: keySelector as KeySelector<any, unknown> },
    });
    return new KeyedStream<T, K>(this, t, keySelector);
  }

  /** @internal */
  createConnectedStreams<A, B>(first: DataStream<A>, second: DataStream<B>): ConnectedStreams<A, B> {
    return new ConnectedStreams(first, second);
  }
}

/** A fresh job id; on a worker thread rebuilding a graph, the submitted job's id. */
function newJobId(): string {
  return getEnvironmentDefaults()?.graphCapture?.jobId ?? randomUUID().replaceAll('-', '');
}
