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
 * A chain: in arrival order, the rows that replaced the one before them; it folds to the last
 * when the flush emits one change (processing time, compact-changes). Most chains hold one row
 * per bundle, so that is held as the row itself, and only a second row makes an array.
 */
type Chain = Row | Row[];

/**
 * One key's bundle: its key as the key selector gave it, and its chain, or with {@link RestKey}
 * a chain per value of the other key columns. Keep first on processing time holds the first row.
 */
type Kept = { key: unknown; chain: Chain | undefined; byRest: Map<CompactKey, Chain> | undefined };

/** The keyed mini-batch deduplication operator; see the module comment. */
export class MiniBatchDeduplicateOperator extends MiniBatchOperator<Row, unknown> {
  private kept!: KeptRows;
  private seen!: ValueState<boolean>;
  private first!: ValueState<Row>;
  private readonly bundle = new Map<CanonicalKey, Kept>();
  /** Whether a chain keeps only its last row. */
  private readonly folds: boolean;
  private readonly time: string | undefined;
  /** Whether a replaced row is retracted (`-U`) before its successor's `+U`. */
  private readonly updateBefore: boolean;
  /** {@link replaceLast} as a Map.forEach callback, made once: no entry pair per key. */
  private readonly replaceLastOf = (chain: Chain, rest: CompactKey): void => this.replaceLast(rest, chain);

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
    const held = this.bundle.get(id);
    const restKey = this.spec.restKey;
    if (restKey === undefined) {
      if (held === undefined) this.bundle.set(id, { key, chain: row, byRest: undefined });
      else held.chain = this.extend(held.chain!, row);
      return;
    }
    let byRest = held?.byRest;
    if (byRest === undefined) {
      byRest = new Map();
      this.bundle.set(id, { key, chain: undefined, byRest });
    }
    const rest = restKey(row);
    const chain = byRest.get(rest);
    if (chain === undefined) byRest.set(rest, row);
    else {
      const extended = this.extend(chain, row);
      if (extended !== chain) byRest.set(rest, extended);
    }
  }

  /**
   * The chain with `row` added when it would replace the chain's last row: keep last unless it
   * is older, keep first on event time when strictly earlier (equal times keep the earlier
   * arrival). An array chain grows in place and is returned itself.
   */
  private extend(chain: Chain, row: Row): Chain {
    const last = Array.isArray(chain) ? chain[chain.length - 1]! : chain;
    const time = this.time;
    if (this.spec.keepLast) {
      if (losesToKept(row, last, time)) return chain;
    } else if (time === undefined || (row[time] as number) >= (last[time] as number)) return chain;
    if (this.folds) return row;
    if (!Array.isArray(chain)) return [chain, row];
    chain.push(row);
    return chain;
  }

  protected finishBundle(): void {
    const backend = this.keyedBackend;
    for (const { key, chain, byRest } of this.bundle.values()) {
      backend.setCurrentKey(key);
      if (byRest !== undefined) byRest.forEach(this.replaceLastOf);
      else if (this.spec.keepLast) this.replaceLast(null, chain!);
      else if (this.time !== undefined) this.replaceFirst(chain!);
      else if (this.seen.value() !== true) {
        this.seen.update(true);
        // Processing-time keep first folds: the chain is the first row.
        this.output.collect(chain as Row, NO_TIMESTAMP);
      }
    }
    this.bundle.clear();
  }

  /**
   * Event-time keep first: each row of the bundle's chain that is strictly earlier than the
   * key's kept row replaces it, with `+I` for a key's first row and `-U`/`+U` after.
   */
  private replaceFirst(chain: Chain): void {
    const kept = this.first.value();
    let previous = kept;
    if (!Array.isArray(chain)) previous = this.replaceFirstBy(previous, chain);
    else for (let i = 0; i < chain.length; i++) previous = this.replaceFirstBy(previous, chain[i]!);
    // As in replaceLast: the compacting function writes only a replacement.
    if (previous !== kept || !this.folds) this.first.update(previous!);
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
   * Keep last: each row of the chain replaces the current key's row under `rest` unless it
   * loses to it, with `+I` for the first row and `-U`/`+U` after; the state is read once.
   */
  private replaceLast(rest: CompactKey, chain: Chain): void {
    const kept = this.kept.get(rest);
    let previous = kept;
    if (!Array.isArray(chain)) previous = this.replaceLastBy(previous, chain);
    else for (let i = 0; i < chain.length; i++) previous = this.replaceLastBy(previous, chain[i]!);
    // Flink's full-changelog function writes the kept row back even when no row replaced it,
    // which restarts its idle-state TTL; the compacting one writes only a replacement.
    if (previous !== kept || !this.folds) this.kept.put(rest, previous!);
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
