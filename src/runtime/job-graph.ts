/**
 * The job graph the runtime executes: vertices (chains of operators run as one task per
 * parallel subtask) connected by edges with a partitioner. The graph layer builds it from the
 * API's transformations; the runtime only reads it. Operator factories are called once per
 * subtask, so every subtask has its own operator and function instances.
 */
import type { PartitionerSpec } from '../exchange/partitioner.js';
import type { StateBackendName } from '../state/backends.js';
import type { WatermarkStrategy } from '../time/watermarks.js';
import type { KeySelector } from '../types/functions.js';
import type { Source, SourceSplit } from '../types/source.js';
import type { AnyStreamOperator, RuntimeMode } from './operator.js';

/** Where an operator's output goes: a chained operator in the same task, or an outgoing edge. */
export type OperatorOutputSpec =
  | { readonly kind: 'chained'; readonly target: number; readonly tag: string | undefined }
  | { readonly kind: 'network'; readonly edge: number; readonly tag: string | undefined };

/** A source at the head of a chain. */
export interface SourceSpec {
  readonly source: Source<unknown, SourceSplit, unknown>;
  readonly watermarkStrategy: WatermarkStrategy<unknown>;
}

/** One operator of a chain. */
export interface ChainedOperatorSpec {
  /** Stable id mapping state across restarts. */
  readonly uid: string;
  readonly name: string;
  /** Set for the head of a source chain instead of `createOperator`. */
  readonly source: SourceSpec | undefined;
  readonly createOperator: (() => AnyStreamOperator) | undefined;
  /** Key selectors per input (index 0 is input 1); set only for keyed chain heads. */
  readonly keySelectors: readonly (KeySelector<any, unknown> | undefined)[];
  readonly outputs: readonly OperatorOutputSpec[];
}

/** A chain of operators that runs as one task per subtask. */
export interface JobVertex {
  readonly id: number;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Head first; a chained operator's index is larger than its producer's. */
  readonly operators: readonly ChainedOperatorSpec[];
}

/** An edge between vertices. */
export interface JobEdge {
  readonly id: number;
  readonly source: number;
  readonly target: number;
  /** 1 or 2: which input of the target's head operator this edge feeds. */
  readonly targetInput: number;
  readonly partitioner: PartitionerSpec;
}

/** Settings that apply to the whole job. */
export interface JobConfig {
  readonly runtimeMode: RuntimeMode;
  /** Periodic watermark interval in ms; 0 disables it. */
  readonly autoWatermarkInterval: number;
  /** Longest time a record waits in a partial batch, ms. */
  readonly bufferTimeout: number;
  /** Records per batch. */
  readonly batchSize: number;
  /** Events a channel holds before its sender is backpressured. */
  readonly channelCapacity: number;
  /** Where keyed state lives: on the JS heap, or in an embedded store on local disk. */
  readonly stateBackend: StateBackendName;
  /** Checkpoints carry only the key groups that changed since the last completed one. */
  readonly incrementalCheckpoints: boolean;
  /**
   * Young generation of each task worker thread, MB (`worker-pool.ts`); undefined takes the
   * engine's default. Tasks run on the submitting thread keep that thread's heap.
   */
  readonly taskYoungGenerationMb?: number;
  /**
   * Initial old generation of each task worker thread, MB (`worker-pool.ts`); undefined takes
   * the engine's default (`old-generation.ts`), 0 V8's own start.
   */
  readonly taskOldGenerationInitialMb?: number;
}

/** A job ready to run. */
export interface JobGraph {
  readonly jobId: string;
  readonly jobName: string;
  /** In topological order: producers before consumers. */
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
  readonly config: JobConfig;
}

/** Defaults for {@link JobConfig}. */
export const DEFAULT_JOB_CONFIG: JobConfig = {
  runtimeMode: 'streaming',
  autoWatermarkInterval: 200,
  bufferTimeout: 5,
  batchSize: 512,
  channelCapacity: 16,
  stateBackend: 'heap',
  incrementalCheckpoints: false,
};
