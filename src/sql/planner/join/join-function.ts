/**
 * The regular streaming join, as a keyed co-process function over both inputs keyed by the
 * equi-join keys. Each side's rows live in map state, row → [count, matches]: `count` makes
 * duplicate rows and retractions exact, `matches` is how many rows of the other side the row
 * joins with (counted with multiplicity), which tells an outer join when a row's null-padded
 * result must be retracted (first match arrives) or emitted again (last match leaves). Semi
 * and anti joins use the same counts to emit or retract the left row alone.
 *
 * A side that is insert-only, not outer, and not a semi join's left side needs neither counts
 * nor match tracking: its rows are appended to list state, which spares hashing each row as a
 * map key and keeps snapshots small (Nexmark q20's bids).
 *
 * Accumulating input (+I, +U) produces +I, retracting input (-U, -D) produces -D, as Flink's
 * streaming join does. Rows with a NULL key never match anything: they are not stored and
 * only an outer side's padded row is emitted (and retracted) for them.
 */
import {
  type Collector,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import {
  type ListState,
  ListStateDescriptor,
  type MapState,
  MapStateDescriptor,
} from '../../../types/state.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import type { ChangelogRow, RowKind } from '../changelog.js';
import type { JoinType } from './join-nodes.js';

/** Per stored row: how many copies, and how many other-side rows it matches. */
type Entry = readonly [count: number, matches: number];

/** What the join function needs, compiled once when the job is built. */
export interface JoinSpec {
  readonly joinType: JoinType;
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  /** Null when a key value is NULL (the row matches nothing); compiled from the key expressions. */
  readonly leftHasNullKey: (row: Row) => boolean;
  readonly rightHasNullKey: (row: Row) => boolean;
  /** The non-equi part of the condition on the merged row; undefined when there is none. */
  readonly remaining?: RowFunction;
  /** Whether each input carries {@link ChangelogRow} envelopes. */
  readonly leftChangelog: boolean;
  readonly rightChangelog: boolean;
  /** Whether to emit plain rows (insert-only output) instead of envelopes. */
  readonly insertOnlyOutput: boolean;
}

const isAccumulate = (kind: RowKind) => kind === '+I' || kind === '+U';

/** The regular join of two keyed inputs. */
export class RegularJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private leftState!: MapState<Row, Entry>;
  private rightState!: MapState<Row, Entry>;
  /** Set instead of the map state for an append-only side (see the module comment). */
  private leftList: ListState<Row> | undefined;
  private rightList: ListState<Row> | undefined;
  private readonly leftOuter: boolean;
  private readonly rightOuter: boolean;
  private readonly semiOrAnti: boolean;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;

  constructor(private readonly spec: JoinSpec) {
    super();
    const t = spec.joinType;
    this.leftOuter = t === 'left' || t === 'full';
    this.rightOuter = t === 'right' || t === 'full';
    this.semiOrAnti = t === 'semi' || t === 'anti';
    this.leftNulls = Object.fromEntries(spec.leftColumns.map((c) => [c, null]));
    this.rightNulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
  }

  override open(ctx: RuntimeContext): void {
    this.leftState = ctx.getMapState(new MapStateDescriptor<Row, Entry>('join-left'));
    this.rightState = ctx.getMapState(new MapStateDescriptor<Row, Entry>('join-right'));
    if (!this.spec.leftChangelog && !this.leftOuter && !this.semiOrAnti)
      this.leftList = ctx.getListState(new ListStateDescriptor<Row>('join-left-rows'));
    if (!this.spec.rightChangelog && !this.rightOuter)
      this.rightList = ctx.getListState(new ListStateDescriptor<Row>('join-right-rows'));
  }

  processElement1(element: Row, _ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    const change = this.spec.leftChangelog ? (element as unknown as ChangelogRow) : undefined;
    const row = change === undefined ? element : change.row;
    const accumulate = change === undefined || isAccumulate(change.kind);
    if (this.semiOrAnti) this.semiLeft(row, accumulate, out);
    else this.process(row, accumulate, true, out);
  }

  processElement2(element: Row, _ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    const change = this.spec.rightChangelog ? (element as unknown as ChangelogRow) : undefined;
    const row = change === undefined ? element : change.row;
    const accumulate = change === undefined || isAccumulate(change.kind);
    if (this.semiOrAnti) this.semiRight(row, accumulate, out);
    else this.process(row, accumulate, false, out);
  }

  private emit(out: Collector<Row>, kind: '+I' | '-D', row: Row, times = 1): void {
    const element = this.spec.insertOnlyOutput ? row : ({ kind, row } as unknown as Row);
    for (let i = 0; i < times; i++) out.collect(element);
  }

  private matches(merged: Row): boolean {
    return this.spec.remaining === undefined || this.spec.remaining(merged) === true;
  }

  /** An inner or outer join's input row from one side. */
  private process(row: Row, accumulate: boolean, isLeft: boolean, out: Collector<Row>): void {
    const thisOuter = isLeft ? this.leftOuter : this.rightOuter;
    const otherOuter = isLeft ? this.rightOuter : this.leftOuter;
    const pad = (r: Row) => (isLeft ? { ...r, ...this.rightNulls } : { ...this.leftNulls, ...r });
    if ((isLeft ? this.spec.leftHasNullKey : this.spec.rightHasNullKey)(row)) {
      if (thisOuter) this.emit(out, accumulate ? '+I' : '-D', pad(row));
      return;
    }
    const own = isLeft ? this.leftState : this.rightState;
    const other = isLeft ? this.rightState : this.leftState;
    let matched = 0;
    const otherList = isLeft ? this.rightList : this.leftList;
    if (otherList !== undefined) {
      // An append-only other side is never outer: no padding to retract, no matches to count.
      for (const otherRow of otherList.get()) {
        const merged = isLeft ? { ...row, ...otherRow } : { ...otherRow, ...row };
        if (!this.matches(merged)) continue;
        matched++;
        this.emit(out, accumulate ? '+I' : '-D', merged);
      }
    }
    for (const [otherRow, [count, otherMatches]] of otherList === undefined ? other.entries() : []) {
      const merged = isLeft ? { ...row, ...otherRow } : { ...otherRow, ...row };
      if (!this.matches(merged)) continue;
      matched += count;
      const otherPadded = () =>
        isLeft ? { ...this.leftNulls, ...otherRow } : { ...otherRow, ...this.rightNulls };
      if (accumulate) {
        if (otherOuter && otherMatches === 0) this.emit(out, '-D', otherPadded(), count);
        this.emit(out, '+I', merged, count);
        if (otherOuter) other.put(otherRow, [count, otherMatches + 1]);
      } else {
        this.emit(out, '-D', merged, count);
        if (otherOuter) {
          const left = Math.max(0, otherMatches - 1);
          other.put(otherRow, [count, left]);
          if (left === 0) this.emit(out, '+I', otherPadded(), count);
        }
      }
    }
    if (matched === 0 && thisOuter) this.emit(out, accumulate ? '+I' : '-D', pad(row));
    const ownList = isLeft ? this.leftList : this.rightList;
    if (ownList !== undefined) {
      ownList.add(row);
      return;
    }
    const stored = own.get(row);
    if (accumulate) own.put(row, [(stored?.[0] ?? 0) + 1, matched]);
    else if (stored !== undefined) {
      if (stored[0] <= 1) own.remove(row);
      else own.put(row, [stored[0] - 1, stored[1]]);
    }
  }

  /** A semi or anti join's left row: emitted (semi: when it has a match; anti: when not). */
  private semiLeft(row: Row, accumulate: boolean, out: Collector<Row>): void {
    const anti = this.spec.joinType === 'anti';
    if (this.spec.leftHasNullKey(row)) {
      // A NULL key matches nothing: an anti join keeps the row, a semi join drops it.
      if (anti) this.emit(out, accumulate ? '+I' : '-D', row);
      return;
    }
    let matched = 0;
    if (this.rightList !== undefined) {
      for (const rightRow of this.rightList.get()) if (this.matches({ ...row, ...rightRow })) matched++;
    } else
      for (const [rightRow, [count]] of this.rightState.entries())
        if (this.matches({ ...row, ...rightRow })) matched += count;
    if (matched > 0 !== anti) this.emit(out, accumulate ? '+I' : '-D', row);
    const stored = this.leftState.get(row);
    if (accumulate) this.leftState.put(row, [(stored?.[0] ?? 0) + 1, matched]);
    else if (stored !== undefined) {
      if (stored[0] <= 1) this.leftState.remove(row);
      else this.leftState.put(row, [stored[0] - 1, stored[1]]);
    }
  }

  /** A semi or anti join's right row: the left rows whose match count leaves or reaches zero change. */
  private semiRight(row: Row, accumulate: boolean, out: Collector<Row>): void {
    if (this.spec.rightHasNullKey(row)) return;
    const anti = this.spec.joinType === 'anti';
    const stored = this.rightList === undefined ? this.rightState.get(row) : undefined;
    if (this.rightList !== undefined) this.rightList.add(row);
    else if (accumulate) this.rightState.put(row, [(stored?.[0] ?? 0) + 1, 0]);
    else if (stored === undefined) return;
    else if (stored[0] <= 1) this.rightState.remove(row);
    else this.rightState.put(row, [stored[0] - 1, 0]);
    for (const [leftRow, [count, matches]] of this.leftState.entries()) {
      if (!this.matches({ ...leftRow, ...row })) continue;
      const next = accumulate ? matches + 1 : Math.max(0, matches - 1);
      this.leftState.put(leftRow, [count, next]);
      if (accumulate && matches === 0) this.emit(out, anti ? '-D' : '+I', leftRow, count);
      if (!accumulate && next === 0) this.emit(out, anti ? '+I' : '-D', leftRow, count);
    }
  }
}
