/**
 * Transformations are what the DataStream API records: a tree of nodes, each naming its
 * inputs. Physical ones become operators (source, one-input, two-input, sink); virtual ones
 * only shape the edges between operators (partition, union, side output). Name, uid,
 * parallelism and chaining may be set after creation, by the fluent API.
 */
import type { PartitionerSpec } from '../exchange/partitioner.js';
import type { AnyStreamOperator } from '../runtime/operator.js';
import type { WatermarkStrategy } from '../time/watermarks.js';
import type { KeySelector } from '../types/functions.js';
import type { Source, SourceSplit } from '../types/source.js';

/** The kinds of transformation; the first four are physical. */
export type TransformationKind =
  | 'source'
  | 'one-input'
  | 'two-input'
  | 'sink'
  | 'partition'
  | 'union'
  | 'side-output';

/** How an operator may be chained to its neighbours. */
export type ChainingStrategy = 'always' | 'head' | 'never';

/** Kind-specific parts of a transformation. */
export interface TransformationDetails {
  readonly source?: Source<unknown, SourceSplit, unknown>;
  readonly watermarkStrategy?: WatermarkStrategy<unknown>;
  readonly createOperator?: () => AnyStreamOperator;
  /** Per input, for keyed operators. */
  readonly keySelectors?: readonly (KeySelector<any, unknown> | undefined)[];
  readonly partitioner?: PartitionerSpec;
  /** Side-output tag id. */
  readonly tag?: string;
}

/**
 * The id of a transformation that takes none from the environment's id sequence, which names
 * operators without a uid: one that only some plans or parallelisms have (a two-phase
 * aggregate's local phase, a sink's shuffle above parallelism 1) would otherwise move the uid
 * of every operator after it. It must hold no state, or carry a uid of its own.
 */
export const OUTSIDE_ID_SEQUENCE = 0;

/** One node of the logical graph. */
export class Transformation {
  uid: string | undefined;
  parallelism: number | undefined;
  maxParallelism: number | undefined;
  chaining: ChainingStrategy = 'always';

  constructor(
    readonly id: number,
    readonly kind: TransformationKind,
    public name: string,
    readonly inputs: readonly Transformation[],
    readonly details: TransformationDetails = {},
  ) {}

  /** True for transformations that become operators. */
  get physical(): boolean {
    return (
      this.kind === 'source' || this.kind === 'one-input' || this.kind === 'two-input' || this.kind === 'sink'
    );
  }

  /**
   * The physical transformation whose parallelism a stream has (through virtual nodes); a
   * source without its own is capped by its source's maximum, as the job graph caps it.
   */
  effectiveParallelism(defaultParallelism: number): number {
    if (this.physical) {
      if (this.parallelism !== undefined) return this.parallelism;
      const sourceMax = this.kind === 'source' ? this.details.source?.maxParallelism : undefined;
      return sourceMax === undefined ? defaultParallelism : Math.min(sourceMax, defaultParallelism);
    }
    return this.inputs[0]!.effectiveParallelism(defaultParallelism);
  }
}
