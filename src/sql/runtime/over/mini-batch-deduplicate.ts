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
 * Event-time keep first in mini-batches is Flink's RowTimeMiniBatchDeduplicateFunction, not the
 * watermark-waiting per-row function ({@link KeepFirstRowFunction}, insert-only): a key's first
 * row is emitted when its bundle closes (`+I`), and a later row with a strictly earlier rowtime
 * replaces it (`-U` old, `+U` new). As in Flink (without its compact-changes option), every
 * replacement within a bundle is emitted in arrival order, so the bundle keeps each key's chain
 * of ever earlier rows; the watermark plays no part and no row is late.
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

/**
 * One key's bundle: its key as the key selector gave it, and the rows the bundle keeps. For
 * event-time keep first, `chain` holds the rows that were the earliest so far when they came, in
 * arrival order (each strictly earlier than the one before it): the rows that may replace.
 */
type Kept = { key: unknown; row: Row; rows: Map<CompactKey, Row> | undefined; chain?: Row[] };

/** The keyed mini-batch deduplication operator; see the module comment. */
export class MiniBatchDeduplicateOperator extends MiniBatchOperator<Row, unknown> {
  private kept!: KeptRows;
  private seen!: ValueState<boolean>;
  private first!: ValueState<Row>;
  private readonly bundle = new Map<CanonicalKey, Kept>();

  constructor(
    private readonly spec: MiniBatchDeduplicateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
    if (!spec.keepLast && spec.restKey !== undefined)
      throw new Error('mini-batch keep-first deduplication is keyed by all its key columns');
  }

  override open(): void {
    super.open();
    const backend = this.keyedBackend;
    // The per-row functions' states, so a job may switch mini-batch on or off across a restore.
    if (this.spec.keepLast)
      this.kept = new KeptRows(stateGettersOf(backend), this.spec.restKey, this.spec.ttlMs);
    else if (this.spec.timeColumn !== undefined)
      this.first = backend.getOrCreateState(
        retainedFor(new ValueStateDescriptor<Row>('dedup-first-emitted'), this.spec.ttlMs),
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
    const restKey = this.spec.restKey;
    const time = this.spec.timeColumn;
    if (held === undefined) {
      const rows = restKey === undefined ? undefined : new Map([[restKey(row), row]]);
      const chain = this.spec.keepLast || time === undefined ? undefined : [row];
      this.bundle.set(id, { key, row, rows, chain });
    } else if (held.chain !== undefined) {
      // Only a strictly earlier row can replace; equal times keep the earlier arrival.
      if ((row[time!] as number) < (held.row[time!] as number)) {
        held.chain.push(row);
        held.row = row;
      }
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
    for (const { key, row, rows, chain } of this.bundle.values()) {
      backend.setCurrentKey(key);
      if (chain !== undefined) this.replaceFirst(chain);
      else if (!this.spec.keepLast) {
        if (this.seen.value() === true) continue;
        this.seen.update(true);
        this.output.collect(row, NO_TIMESTAMP);
      } else if (rows === undefined) this.replace(null, row);
      else for (const [rest, kept] of rows) this.replace(rest, kept);
    }
    this.bundle.clear();
  }

  /**
   * Event-time keep first: each row of the bundle's chain that is strictly earlier than the
   * key's kept row replaces it, with `+I` for a key's first row and `-U`/`+U` after.
   */
  private replaceFirst(chain: readonly Row[]): void {
    const out = this.output;
    const time = this.spec.timeColumn!;
    let previous = this.first.value();
    for (const row of chain) {
      if (previous !== undefined && (row[time] as number) >= (previous[time] as number)) continue;
      if (previous === undefined) out.collect({ kind: '+I', row }, NO_TIMESTAMP);
      else {
        if (this.spec.upsertOutput !== true) out.collect({ kind: '-U', row: previous }, NO_TIMESTAMP);
        out.collect({ kind: '+U', row }, NO_TIMESTAMP);
      }
      previous = row;
    }
    this.first.update(previous!);
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
