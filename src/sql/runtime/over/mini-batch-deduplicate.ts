/**
 * Deduplication with `table.exec.mini-batch.enabled` (Flink's MiniBatchDeduplicate functions):
 * rows are buffered per key for a bundle (see {@link MiniBatchOperator}: closed by size,
 * latency, a watermark, the end of input, and always before a checkpoint barrier, so the bundle
 * is never part of a snapshot), and each key's bundle is folded to the one row it would keep
 * before the key's state is read and written once. Keep last emits at most one change per key
 * and bundle (`+I`, or `-U`/`+U` of the row it replaces); processing-time keep first emits each
 * key's first row once. Final results equal the per-row functions'; the replacements within a
 * bundle are folded away, which shortens the changelog downstream.
 *
 * Event-time keep first waits for the watermark per row anyway, so it keeps its per-row
 * function ({@link KeepFirstRowFunction}).
 */
import type { CanonicalKey } from '../../../state/key-groups.js';
import { canonicalKey } from '../../../state/key-groups.js';
import { NO_TIMESTAMP } from '../../../types/elements.js';
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import type { Row } from '../../expressions/compiler.js';
import { MiniBatchOperator, type MiniBatchOptions } from '../aggregate/mini-batch.js';
import { retainedFor } from '../state-retention.js';

/** What a mini-batch deduplication keeps. */
export interface MiniBatchDeduplicateSpec {
  readonly keepLast: boolean;
  /** The rowtime column ordering the rows; undefined on processing time (arrival order). */
  readonly timeColumn?: string;
  readonly ttlMs?: number;
  /** Keep last emits a replacing row's +U alone, without the -U of the row it replaces. */
  readonly upsertOutput?: boolean;
}

/** One key's bundle: its key as the key selector gave it, and the row the bundle keeps. */
type Kept = { key: unknown; row: Row };

/** The keyed mini-batch deduplication operator; see the module comment. */
export class MiniBatchDeduplicateOperator extends MiniBatchOperator<Row, unknown> {
  private kept!: ValueState<Row>;
  private seen!: ValueState<boolean>;
  private readonly bundle = new Map<CanonicalKey, Kept>();

  constructor(
    private readonly spec: MiniBatchDeduplicateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
    if (!spec.keepLast && spec.timeColumn !== undefined)
      throw new Error('mini-batch keep-first deduplication runs on processing time only');
  }

  override open(): void {
    super.open();
    const backend = this.keyedBackend;
    // The per-row functions' state names, so a job may switch mini-batch on or off across a restore.
    if (this.spec.keepLast)
      this.kept = backend.getOrCreateState(
        retainedFor(new ValueStateDescriptor<Row>('dedup-last'), this.spec.ttlMs),
      );
    else
      this.seen = backend.getOrCreateState(
        retainedFor(new ValueStateDescriptor<boolean>('dedup-seen'), this.spec.ttlMs),
      );
  }

  protected addToBundle(row: Row): void {
    const key = this.keyedBackend.getCurrentKey();
    const id = canonicalKey(key);
    const held = this.bundle.get(id);
    if (held === undefined) this.bundle.set(id, { key, row });
    else if (this.spec.keepLast && !this.older(row, held.row)) held.row = row;
  }

  /** Whether `row` loses to `than` under keep last: an earlier rowtime (ties go to the later arrival). */
  private older(row: Row, than: Row): boolean {
    const time = this.spec.timeColumn;
    return time !== undefined && (row[time] as number) < (than[time] as number);
  }

  protected finishBundle(): void {
    const backend = this.keyedBackend;
    const out = this.output;
    for (const { key, row } of this.bundle.values()) {
      backend.setCurrentKey(key);
      if (!this.spec.keepLast) {
        if (this.seen.value() === true) continue;
        this.seen.update(true);
        out.collect(row, NO_TIMESTAMP);
        continue;
      }
      const previous = this.kept.value();
      if (previous === undefined) out.collect({ kind: '+I', row }, NO_TIMESTAMP);
      else {
        if (this.older(row, previous)) continue;
        if (this.spec.upsertOutput !== true) out.collect({ kind: '-U', row: previous }, NO_TIMESTAMP);
        out.collect({ kind: '+U', row }, NO_TIMESTAMP);
      }
      this.kept.update(row);
    }
    this.bundle.clear();
  }
}
