/**
 * Deduplication with `table.exec.mini-batch.enabled` (Flink's MiniBatchDeduplicate functions):
 * rows are buffered per key for a bundle (see {@link MiniBatchOperator}: closed by size,
 * latency, a watermark, the end of input, and always before a checkpoint barrier, so the bundle
 * is never part of a snapshot), and the key's state is read and written once per bundle.
 *
 * On processing time each key's bundle folds to the one row it would keep: keep last emits at
 * most one change per key and bundle (`+I`, or `-U`/`+U` of the row it replaces), keep first
 * emits each key's first row once.
 *
 * On event time (Flink's RowTimeMiniBatchDeduplicateFunction) the flush emits every change the
 * per-row function would have emitted for the bundle's rows, in arrival order: keep last a
 * `-U`/`+U` for each row at least as new as the newest before it, keep first for each row
 * strictly earlier than the earliest before it. Flink keeps them all because a versioned table
 * (the build side of a temporal join) needs every version. So the bundle holds each key's chain
 * of rows that replaced the one before, not one row; a row that loses to an earlier row of its
 * bundle is dropped at once, since it loses to the key's state as well. With
 * `table.exec.deduplicate.mini-batch.compact-changes-enabled` (Flink's
 * RowTimeMiniBatchLatestChangeDeduplicateFunction) the chain folds to its last row, and each key
 * emits at most one change per bundle. Event-time keep first here emits at once and updates,
 * unlike the watermark-waiting per-row function ({@link KeepFirstRowFunction}, insert-only); the
 * watermark plays no part and no row is late.
 *
 * With several key columns keep last is keyed by the first, and the bundle and the state hold a
 * row (or chain) per combination of the others (see {@link RestKey}).
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
  /**
   * Event time only: `table.exec.deduplicate.mini-batch.compact-changes-enabled` (default false),
   * one change per key and bundle instead of every replacement.
   */
  readonly compactChanges?: boolean;
}

/**
 * One key's bundle: its key as the key selector gave it, and its chain of rows, or with
 * {@link RestKey} a chain per value of the other key columns. A chain holds, in arrival order,
 * the rows that replaced the one before them; it folds to the last when the flush emits one
 * change (processing time, compact-changes). Keep first on processing time holds the first row.
 */
type Kept = { key: unknown; chain: Row[] | undefined; byRest: Map<CompactKey, Row[]> | undefined };

/** The keyed mini-batch deduplication operator; see the module comment. */
export class MiniBatchDeduplicateOperator extends MiniBatchOperator<Row, unknown> {
  private kept!: KeptRows;
  private seen!: ValueState<boolean>;
  private first!: ValueState<Row>;
  private readonly bundle = new Map<CanonicalKey, Kept>();
  /** Whether a chain keeps only its last row. */
  private readonly folds: boolean;

  constructor(
    private readonly spec: MiniBatchDeduplicateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
    if (!spec.keepLast && spec.restKey !== undefined)
      throw new Error('mini-batch keep-first deduplication is keyed by all its key columns');
    this.folds = spec.timeColumn === undefined || spec.compactChanges === true;
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
    if (restKey === undefined) {
      if (held === undefined) this.bundle.set(id, { key, chain: [row], byRest: undefined });
      else this.extend(held.chain!, row);
      return;
    }
    let byRest = held?.byRest;
    if (byRest === undefined) {
      byRest = new Map();
      this.bundle.set(id, { key, chain: undefined, byRest });
    }
    const rest = restKey(row);
    const chain = byRest.get(rest);
    if (chain === undefined) byRest.set(rest, [row]);
    else this.extend(chain, row);
  }

  /**
   * Adds `row` to a chain when it would replace the chain's last row: keep last unless it is
   * older, keep first on event time when strictly earlier (equal times keep the earlier arrival).
   */
  private extend(chain: Row[], row: Row): void {
    const last = chain[chain.length - 1]!;
    const time = this.spec.timeColumn;
    if (this.spec.keepLast) {
      if (losesToKept(row, last, time)) return;
    } else if (time === undefined || (row[time] as number) >= (last[time] as number)) return;
    if (this.folds) chain[chain.length - 1] = row;
    else chain.push(row);
  }

  protected finishBundle(): void {
    const backend = this.keyedBackend;
    for (const { key, chain, byRest } of this.bundle.values()) {
      backend.setCurrentKey(key);
      if (byRest !== undefined) for (const [rest, rows] of byRest) this.replaceLast(rest, rows);
      else if (this.spec.keepLast) this.replaceLast(null, chain!);
      else if (this.spec.timeColumn !== undefined) this.replaceFirst(chain!);
      else if (this.seen.value() !== true) {
        this.seen.update(true);
        this.output.collect(chain![0]!, NO_TIMESTAMP);
      }
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
    const kept = this.first.value();
    let previous = kept;
    for (const row of chain) {
      if (previous !== undefined && (row[time] as number) >= (previous[time] as number)) continue;
      if (previous === undefined) out.collect({ kind: '+I', row }, NO_TIMESTAMP);
      else {
        if (this.spec.upsertOutput !== true) out.collect({ kind: '-U', row: previous }, NO_TIMESTAMP);
        out.collect({ kind: '+U', row }, NO_TIMESTAMP);
      }
      previous = row;
    }
    // As in replaceLast: the compacting function writes only a replacement.
    if (previous !== kept || !this.folds) this.first.update(previous!);
  }

  /**
   * Keep last: each row of the chain replaces the current key's row under `rest` unless it
   * loses to it, with `+I` for the first row and `-U`/`+U` after; the state is read once.
   */
  private replaceLast(rest: CompactKey, chain: readonly Row[]): void {
    const out = this.output;
    const time = this.spec.timeColumn;
    const kept = this.kept.get(rest);
    let previous = kept;
    for (const row of chain) {
      if (previous === undefined) out.collect({ kind: '+I', row }, NO_TIMESTAMP);
      else {
        if (losesToKept(row, previous, time)) continue;
        if (this.spec.upsertOutput !== true) out.collect({ kind: '-U', row: previous }, NO_TIMESTAMP);
        out.collect({ kind: '+U', row }, NO_TIMESTAMP);
      }
      previous = row;
    }
    // Flink's full-changelog function writes the kept row back even when no row replaced it,
    // which restarts its idle-state TTL; the compacting one writes only a replacement.
    if (previous !== kept || !this.folds) this.kept.put(rest, previous!);
  }
}
