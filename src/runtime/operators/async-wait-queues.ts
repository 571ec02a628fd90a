/**
 * The queues of the async wait operator, in the model of Flink's ordered and unordered stream
 * element queues. A queue holds the records whose requests have not been emitted yet (waiting to
 * start, running, or done but held back) and the watermarks between them, and emits through
 * {@link QueueEmitter} whatever may go once a request completes:
 * - ordered: results leave in input order, so a slow request holds back everything after it;
 * - unordered: results leave as they complete, but the watermarks split the input into
 *   segments and a segment's results may only leave once every earlier segment has left with
 *   its watermark, so no record ever moves across a watermark.
 * A watermark that arrives while the queue holds no record goes straight out. A checkpoint keeps
 * the records not yet emitted together with the watermarks held among them, in input order
 * ({@link AsyncResultQueue.elements}), so a restore rebuilds the same queue.
 */

/**
 * Where a request stands: 'waiting' (capacity was full when it arrived, or it was restored: not
 * started yet), 'running', or 'done' (its results are known, or its timeout fired, and wait for
 * their turn).
 */
export type EntryState = 'waiting' | 'running' | 'done';

/** One input record and its request. */
export class AsyncEntry<IN, OUT> {
  state: EntryState = 'waiting';
  /** Set when the request's promise settled (outside the task loop), until the loop takes it. */
  settled = false;
  results: Iterable<OUT> | undefined;
  error: unknown;
  /** When the request times out, `performance.now()` ms; set when it starts. */
  deadline = 0;
  /** The unordered queue's segment this record belongs to. */
  segment: Segment<IN, OUT> | undefined;

  constructor(
    readonly input: IN,
    readonly timestamp: number,
  ) {}
}

/** What a queue emits through: the operator's output. */
export interface QueueEmitter<IN, OUT> {
  /** `entry` is done and its turn has come: emit its results. */
  emitResults(entry: AsyncEntry<IN, OUT>): void;
  emitWatermark(watermark: number): void;
}

/** The common shape of both queues. */
export interface AsyncResultQueue<IN, OUT> {
  /** Records in the queue, whatever their state. */
  readonly size: number;
  add(entry: AsyncEntry<IN, OUT>): void;
  /** Emits the watermark now if no record is queued, else once every record before it has left. */
  addWatermark(watermark: number): void;
  /** `entry` just became done: emits everything whose turn has come. */
  completed(entry: AsyncEntry<IN, OUT>): void;
  /**
   * What a checkpoint keeps: the records not yet emitted and the watermarks held among them, in
   * input order. Fed back in this order (records with `add`, watermarks with `addWatermark`),
   * it rebuilds a queue that emits what this one would.
   */
  elements(): (AsyncEntry<IN, OUT> | HeldWatermark)[];
}

/** A watermark waiting behind records in a queue. */
export class HeldWatermark {
  constructor(readonly watermark: number) {}
}

/** Results in input order; watermarks keep their place among them. */
export class OrderedQueue<IN, OUT> implements AsyncResultQueue<IN, OUT> {
  private items: (AsyncEntry<IN, OUT> | HeldWatermark)[] = [];
  private head = 0;
  size = 0;

  constructor(private readonly emitter: QueueEmitter<IN, OUT>) {}

  add(entry: AsyncEntry<IN, OUT>): void {
    this.items.push(entry);
    this.size++;
  }

  addWatermark(watermark: number): void {
    if (this.head === this.items.length) this.emitter.emitWatermark(watermark);
    else this.items.push(new HeldWatermark(watermark));
  }

  completed(_entry: AsyncEntry<IN, OUT>): void {
    const items = this.items;
    while (this.head < items.length) {
      const item = items[this.head]!;
      if (item instanceof HeldWatermark) this.emitter.emitWatermark(item.watermark);
      else if (item.state === 'done') {
        this.size--;
        this.emitter.emitResults(item);
      } else break;
      this.head++;
    }
    // Drop the emitted prefix now and then rather than shifting per record.
    if (this.head === items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }

  elements(): (AsyncEntry<IN, OUT> | HeldWatermark)[] {
    return this.items.slice(this.head);
  }
}

/** The records between two watermarks, and the watermark that closes them (once it came). */
class Segment<IN, OUT> {
  /** Not yet emitted, in input order. */
  readonly entries = new Set<AsyncEntry<IN, OUT>>();
  watermark: number | undefined;
}

/** Results as they complete, within the segment between two watermarks. */
export class UnorderedQueue<IN, OUT> implements AsyncResultQueue<IN, OUT> {
  /** Oldest first; the first segment's results leave as they complete. */
  private readonly segments: Segment<IN, OUT>[] = [];
  size = 0;

  constructor(private readonly emitter: QueueEmitter<IN, OUT>) {}

  add(entry: AsyncEntry<IN, OUT>): void {
    let last = this.segments[this.segments.length - 1];
    if (last === undefined || last.watermark !== undefined) {
      last = new Segment();
      this.segments.push(last);
    }
    last.entries.add(entry);
    entry.segment = last;
    this.size++;
  }

  addWatermark(watermark: number): void {
    if (this.size === 0) {
      this.emitter.emitWatermark(watermark);
      return;
    }
    // A later watermark closing the same records supersedes the earlier one.
    this.segments[this.segments.length - 1]!.watermark = watermark;
  }

  completed(entry: AsyncEntry<IN, OUT>): void {
    const first = this.segments[0];
    if (entry.segment !== first || first === undefined) return;
    first.entries.delete(entry);
    this.size--;
    this.emitter.emitResults(entry);
    this.advance();
  }

  /** While the first segment is emptied and closed: its watermark goes, and the next one's done results. */
  private advance(): void {
    for (;;) {
      const first = this.segments[0];
      if (first === undefined || first.entries.size > 0 || first.watermark === undefined) return;
      this.segments.shift();
      this.emitter.emitWatermark(first.watermark);
      const next = this.segments[0];
      if (next === undefined) return;
      for (const entry of next.entries) {
        if (entry.state !== 'done') continue;
        next.entries.delete(entry);
        this.size--;
        this.emitter.emitResults(entry);
      }
    }
  }

  /**
   * Each segment's records, then the watermark that closes it. Restored, a segment's records
   * again leave only after every earlier segment's watermark, whatever order they complete in.
   */
  elements(): (AsyncEntry<IN, OUT> | HeldWatermark)[] {
    const out: (AsyncEntry<IN, OUT> | HeldWatermark)[] = [];
    for (const segment of this.segments) {
      for (const entry of segment.entries) out.push(entry);
      if (segment.watermark !== undefined) out.push(new HeldWatermark(segment.watermark));
    }
    return out;
  }
}
