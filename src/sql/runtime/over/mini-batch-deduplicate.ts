/**
 * Deduplication with `table.exec.mini-batch.enabled` (Flink's MiniBatchDeduplicate functions):
 * rows are gathered per key for a bundle (see {@link MiniBatchOperator}: closed by size,
 * latency, a watermark, the end of input, and always before a checkpoint barrier, so the bundle
 * is never part of a snapshot), and the key's state is read and written once per bundle.
 *
 * On processing time each key's bundle folds to the one row it would keep: keep last emits at
 * most one change per key and bundle (`+I`, or `-U`/`+U` of the row it replaces), keep first
 * emits each key's first row once.
 *
 * On event time (Flink's RowTimeMiniBatchDeduplicateFunction) every change the per-row function
 * would emit comes out, in arrival order: keep last a `-U`/`+U` for each row at least as new as
 * the kept one, keep first for each row strictly earlier than it. Flink keeps them all because a
 * versioned table (the build side of a temporal join) needs every version. Each of those changes
 * depends only on the rows before it, so a row is compared and its change emitted as it arrives,
 * against the key's kept row held in the bundle: the bundle is a write-back cache of the state,
 * read on a key's first row and written once when it closes. It holds one row per key rather than
 * every row until the flush, which would keep each buffered row alive past the young generation
 * only to emit the same changes later. With
 * `table.exec.deduplicate.mini-batch.compact-changes-enabled` (Flink's
 * RowTimeMiniBatchLatestChangeDeduplicateFunction) the rows of a key fold to its last winner at
 * the flush instead, and each key emits at most one change per bundle. Event-time keep first
 * here emits at once and updates, unlike the watermark-waiting per-row function
 * ({@link KeepFirstRowFunction}, insert-only); the watermark plays no part and no row is late.
 *
 * With several key columns keep last is keyed by the first, and the bundle and the state hold a
 * row per combination of the others (see {@link RestKey}).
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
 * One key's entry in the bundle: its key as the key selector gave it, and its row, or with
 * {@link RestKey} a row per value of the other key columns. When the bundle folds (processing
 * time, compact-changes) that is the row the bundle keeps, compared with the state at the flush;
 * otherwise it is the key's kept row as of the rows so far, written back at the flush.
 */
type Held = { key: unknown; row: Row | undefined; byRest: Map<CompactKey, Row> | undefined };

/** The keyed mini-batch deduplication operator; see the module comment. */
export class MiniBatchDeduplicateOperator extends MiniBatchOperator<Row, unknown> {
  private kept!: KeptRows;
  private seen!: ValueState<boolean>;
  private first!: ValueState<Row>;
  private readonly bundle = new Map<CanonicalKey, Held>();
  /** Whether a key's rows fold to one per bundle, compared with the state at the flush. */
  private readonly folds: boolean;
  private readonly time: string | undefined;
  /** Whether a replaced row is retracted (`-U`) before its successor's `+U`. */
  private readonly updateBefore: boolean;
  /** {@link replaceLast} as a Map.forEach callback, made once: no entry pair per key. */
  private readonly replaceLastOf = (row: Row, rest: CompactKey): void => this.replaceLast(rest, row);
  /** Writes a kept row back, as a Map.forEach callback. */
  private readonly putKept = (row: Row, rest: CompactKey): void => this.kept.put(rest, row);

  constructor(
    private readonly spec: MiniBatchDeduplicateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
    if (!spec.keepLast && spec.restKey !== undefined)
      throw new Error('mini-batch keep-first deduplication is keyed by all its key columns');
    this.folds = spec.timeColumn === undefined || spec.compactChanges === true;
    this.time = spec.timeColumn;
    this.updateBefore = spec.upsertOutput !== true;
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
    let held = this.bundle.get(id);
    const restKey = this.spec.restKey;
    if (restKey === undefined) {
      if (held === undefined)
        this.bundle.set(id, {
          key,
          row: this.folds ? row : this.replace(this.stored(), row),
          byRest: undefined,
        });
      else held.row = this.folds ? this.fold(held.row!, row) : this.replace(held.row, row);
      return;
    }
    if (held === undefined) {
      held = { key, row: undefined, byRest: new Map() };
      this.bundle.set(id, held);
    }
    const byRest = held.byRest!;
    const rest = restKey(row);
    const previous = byRest.get(rest);
    const next = this.folds
      ? previous === undefined
        ? row
        : this.fold(previous, row)
      : this.replace(previous ?? this.kept.get(rest), row);
    if (next !== previous) byRest.set(rest, next);
  }

  /** The current key's row in the state (one key column). */
  private stored(): Row | undefined {
    return this.spec.keepLast ? this.kept.get(null) : this.first.value();
  }

  /**
   * The row a bundle keeps of `previous` and a later `row`: keep last the later unless it is
   * older, keep first on event time the later only when strictly earlier (equal times keep the
   * earlier arrival), keep first on processing time the earlier.
   */
  private fold(previous: Row, row: Row): Row {
    const time = this.time;
    if (this.spec.keepLast) return losesToKept(row, previous, time) ? previous : row;
    return time !== undefined && (row[time] as number) < (previous[time] as number) ? row : previous;
  }

  /** Emits `row`'s change against the kept `previous` (event time); the row kept after. */
  private replace(previous: Row | undefined, row: Row): Row {
    return this.spec.keepLast ? this.replaceLastBy(previous, row) : this.replaceFirstBy(previous, row);
  }

  protected finishBundle(): void {
    const backend = this.keyedBackend;
    for (const held of this.bundle.values()) {
      backend.setCurrentKey(held.key);
      if (!this.folds) this.writeBack(held);
      else if (held.byRest !== undefined) held.byRest.forEach(this.replaceLastOf);
      else if (this.spec.keepLast) this.replaceLast(null, held.row!);
      else if (this.time !== undefined) this.replaceFirst(held.row!);
      else if (this.seen.value() !== true) {
        this.seen.update(true);
        // Processing-time keep first folds to the key's first row.
        this.output.collect(held.row!, NO_TIMESTAMP);
      }
    }
    this.bundle.clear();
  }

  /**
   * Writes the key's kept rows back. Flink's full-changelog function writes even a row that no
   * later row replaced, which restarts its idle-state TTL.
   */
  private writeBack(held: Held): void {
    if (held.byRest !== undefined) held.byRest.forEach(this.putKept);
    else if (this.spec.keepLast) this.kept.put(null, held.row!);
    else this.first.update(held.row!);
  }

  /** Event-time keep first, compacting: the bundle's earliest row against the key's kept row. */
  private replaceFirst(row: Row): void {
    const kept = this.first.value();
    const next = this.replaceFirstBy(kept, row);
    // The compacting function writes only a replacement.
    if (next !== kept) this.first.update(next);
  }

  /** Emits `row`'s change if it replaces `previous` under event-time keep first; the row kept after. */
  private replaceFirstBy(previous: Row | undefined, row: Row): Row {
    if (previous === undefined) this.output.collect({ kind: '+I', row }, NO_TIMESTAMP);
    else {
      const time = this.time!;
      if ((row[time] as number) >= (previous[time] as number)) return previous;
      this.emitUpdate(previous, row);
    }
    return row;
  }

  /**
   * Keep last, folding: the bundle's row for `rest` against the current key's kept row; the
   * state is written only when it is replaced.
   */
  private replaceLast(rest: CompactKey, row: Row): void {
    const kept = this.kept.get(rest);
    const next = this.replaceLastBy(kept, row);
    if (next !== kept) this.kept.put(rest, next);
  }

  /** Emits `row`'s change if it replaces `previous` under keep last; the row kept after. */
  private replaceLastBy(previous: Row | undefined, row: Row): Row {
    if (previous === undefined) this.output.collect({ kind: '+I', row }, NO_TIMESTAMP);
    else {
      if (losesToKept(row, previous, this.time)) return previous;
      this.emitUpdate(previous, row);
    }
    return row;
  }

  /** `-U` of the replaced row (unless the output is upsert) and `+U` of its successor. */
  private emitUpdate(previous: Row, row: Row): void {
    const out = this.output;
    if (this.updateBefore) out.collect({ kind: '-U', row: previous }, NO_TIMESTAMP);
    out.collect({ kind: '+U', row }, NO_TIMESTAMP);
  }
}
