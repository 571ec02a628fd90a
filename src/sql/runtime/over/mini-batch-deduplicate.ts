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
 * With several key columns keep last is keyed by the first, and the bundle and the state hold a
 * row per combination of the others (see {@link RestKey}).
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
import type { CompactKey } from '../compact-keys.js';
import { retainedFor } from '../state-retention.js';
import { KeptRows, losesToKept, type RestKey } from './deduplicate-function.js';
import { stateGettersOf } from '../state-layout.js';

/** What a mini-batch deduplication keeps. */
export interface MiniBatchDeduplicateSpec {
  readonly keepLast: boolean;
  /** The rowtime column ordering the rows; undefined on processing time (arrival order). */
  readonly timeColumn?: string;
  readonly ttlMs?: number;
  /** Keep last emits a replacing row's +U alone, without the -U of the row it replaces. */
  readonly upsertOutput?: boolean;
  /** Keep last only: the key of the key columns after the first, as {@link KeepLastRowFunction}'s. */
  readonly restKey?: RestKey;
}

/** One key's bundle: its key as the key selector gave it, and the rows the bundle keeps. */
type Kept = { key: unknown; row: Row; rows: Map<CompactKey, Row> | undefined };

/** The keyed mini-batch deduplication operator; see the module comment. */
export class MiniBatchDeduplicateOperator extends MiniBatchOperator<Row, unknown> {
  private kept!: KeptRows;
  private seen!: ValueState<boolean>;
  private readonly bundle = new Map<CanonicalKey, Kept>();

  constructor(
    private readonly spec: MiniBatchDeduplicateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
    if (!spec.keepLast && spec.timeColumn !== undefined)
      throw new Error('mini-batch keep-first deduplication runs on processing time only');
    if (!spec.keepLast && spec.restKey !== undefined)
      throw new Error('mini-batch keep-first deduplication is keyed by all its key columns');
  }

  override open(): void {
    super.open();
    const backend = this.keyedBackend;
    // The per-row functions' states, so a job may switch mini-batch on or off across a restore.
    if (this.spec.keepLast)
      this.kept = new KeptRows(stateGettersOf(backend), this.spec.restKey, this.spec.ttlMs);
    else
      this.seen = backend.getOrCreateState(
        retainedFor(new ValueStateDescriptor<boolean>('dedup-seen'), this.spec.ttlMs),
      );
  }

  protected addToBundle(row: Row): void {
    const key = this.keyedBackend.getCurrentKey();
    const id = canonicalKey(key);
    const held = this.bundle.get(id);
    const restKey = this.spec.restKey;
    if (held === undefined) {
      const rows = restKey === undefined ? undefined : new Map([[restKey(row), row]]);
      this.bundle.set(id, { key, row, rows });
    } else if (!this.spec.keepLast) return;
    else if (restKey === undefined) {
      if (!losesToKept(row, held.row, this.spec.timeColumn)) held.row = row;
    } else {
      const rest = restKey(row);
      const other = held.rows!.get(rest);
      if (other === undefined || !losesToKept(row, other, this.spec.timeColumn)) held.rows!.set(rest, row);
    }
  }

  protected finishBundle(): void {
    const backend = this.keyedBackend;
    for (const { key, row, rows } of this.bundle.values()) {
      backend.setCurrentKey(key);
      if (!this.spec.keepLast) {
        if (this.seen.value() === true) continue;
        this.seen.update(true);
        this.output.collect(row, NO_TIMESTAMP);
      } else if (rows === undefined) this.replace(null, row);
      else for (const [rest, kept] of rows) this.replace(rest, kept);
    }
    this.bundle.clear();
  }

  /** Keep last: `row` replaces the current key's row under `rest` unless it loses to it. */
  private replace(rest: CompactKey, row: Row): void {
    const out = this.output;
    const previous = this.kept.get(rest);
    if (previous === undefined) out.collect({ kind: '+I', row }, NO_TIMESTAMP);
    else {
      if (losesToKept(row, previous, this.spec.timeColumn)) return;
      if (this.spec.upsertOutput !== true) out.collect({ kind: '-U', row: previous }, NO_TIMESTAMP);
      out.collect({ kind: '+U', row }, NO_TIMESTAMP);
    }
    this.kept.put(rest, row);
  }
}
