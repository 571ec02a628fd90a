/**
 * Top-N over a regular join keyed by the same values, without a shuffle between them, as
 * Flink's planner adds no exchange when its input's hash distribution already satisfies the
 * consumer's. In `ROW_NUMBER() OVER (PARTITION BY A.id …)` over `A JOIN B ON A.id = B.auction`
 * (Nexmark q9) every joined row is already on the subtask that owns its partition key: the
 * join's keyBy hashed `A.id` or `B.auction`, equal in every row of an inner join. A second
 * keyBy would only serialize each joined row onto a network edge into another task.
 *
 * So the rank function runs inside the join's keyed operator ({@link JoinThenRankFunction}):
 * each joined row goes straight from the join's collector into the rank function, with the
 * join's key current. That key is the rank's own partition key (the same value of the same
 * type, hence the same canonical key and key group, see {@link rankKeyOfJoin}), so the rank's
 * keyed state sits under its own key and a restore at another parallelism redistributes it
 * with the join's state of the same key group.
 *
 * Taken only when that holds exactly: a join on one equi-key of a type whose values are
 * primitives (so both keyBys see the identical JS value), the rank partitioned by that key (from
 * either side of an inner join, from the preserved side of an outer one, through a Calc that
 * keeps it as a plain column), and a rank function without
 * timers (only the join's timers reach `onTimer`). EXPLAIN is unchanged: Weir's plans print no
 * exchanges.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type {
  Collector,
  KeyedProcessContext,
  OnTimerContext,
  RuntimeContext,
} from '../../../types/functions.js';
import { cloneUserFunction, openUserFunction } from '../../../runtime/operators/user-function.js';
import { KeyedCoProcessFunction } from '../../../types/functions.js';
import type { TypeRoot } from '../../catalog/types.js';
import { compileCalc, type Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../changelog.js';
import { joinKeys } from '../join/join-conditions.js';
import type { RegularJoinFunction } from '../join/join-function.js';
import type { PhysicalJoin } from '../join/join-nodes.js';
import {
  joinKeySelectors,
  joinRightInput,
  joinTypeName,
  projectedJoinOutput,
  regularJoinFunction,
} from '../join/join-planning.js';
import type { JoinOutputColumn } from '../join/join-rows.js';
import { readRight } from '../join/right-row-names.js';
import type { PhysicalCalc } from '../physical.js';
import type { QueryTranslator } from '../translate.js';
import type { PhysicalRank } from './over-nodes.js';
import { TopNFunction } from '../../runtime/over/rank-function.js';
import { rowComparator } from '../../runtime/over/sort-order.js';

/** Key types whose values are JS primitives: a join key and a rank key of them are identical. */
const PRIMITIVE_KEY_ROOTS: ReadonlySet<TypeRoot> = new Set<TypeRoot>([
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'CHAR',
  'VARCHAR',
  'DATE',
]);

/** Which sides' key columns hold the join key in every output row, by join type. */
const PRESERVED_SIDES: Record<PhysicalJoin['joinType'], { left: boolean; right: boolean }> = {
  inner: { left: true, right: true },
  left: { left: true, right: false },
  right: { left: false, right: true },
  full: { left: false, right: false },
  // Semi and anti joins emit left rows only, keyed by the left key.
  semi: { left: true, right: false },
  anti: { left: true, right: false },
};

/** A Top-N whose input is a join keyed by its partition key, and what lies between them. */
export interface RankOverJoin {
  readonly join: PhysicalJoin;
  /** The Calc between them, when there is one. */
  readonly calc?: PhysicalCalc;
}

/**
 * The join a Top-N may run in, or undefined: see the module comment for when. Exported for the
 * tests, which check that the rank's key and the join's key agree row by row.
 */
export function rankKeyOfJoin(rank: PhysicalRank): RankOverJoin | undefined {
  if (rank.partitionKeys.length !== 1 || rank.stateTtlMs !== undefined) return undefined;
  let column = rank.partitionKeys[0]!;
  let calc: PhysicalCalc | undefined;
  let join = rank.input;
  if (join.kind === 'calc') {
    calc = join;
    const projection = calc.projections.find((p) => p.name === column);
    if (projection === undefined || projection.rex.kind !== 'field') return undefined;
    column = projection.rex.name;
    join = calc.input;
  }
  if (join.kind !== 'join') return undefined;
  const keys = joinKeys(join.condition, join.left.columns, join.right.columns);
  if (keys.leftKeys.length !== 1) return undefined;
  const left = keys.leftKeys[0]!;
  const right = keys.rightKeys[0]!;
  if (left.kind !== 'field' || right.kind !== 'field') return undefined;
  // The same type on both sides: `A.id = B.auction` keys both inputs by one kind of value.
  if (left.type.root !== right.type.root || !PRIMITIVE_KEY_ROOTS.has(left.type.root)) return undefined;
  // An outer join pads its outer side with NULLs: only the preserved side's key is the join
  // key in every row (a left join's left key); a full join preserves neither.
  const sides = PRESERVED_SIDES[join.joinType];
  if (!((sides.left && column === left.name) || (sides.right && column === right.name))) return undefined;
  return calc === undefined ? { join } : { join, calc };
}

/**
 * The Top-N run in its join's operator, or undefined when {@link rankKeyOfJoin} refuses;
 * `rank` is the rank function the Top-N would run after its own keyBy.
 */
export function translateRankOverJoin(
  node: PhysicalRank,
  recurse: QueryTranslator,
  rank: KeyedRankFunction,
): DataStream<ChangelogRow> | undefined {
  const found = rankKeyOfJoin(node);
  if (found === undefined) return undefined;
  const { join, calc } = found;
  // A Calc that only picks columns is done by the join (see translateProjectedJoin).
  const output: readonly JoinOutputColumn[] | undefined =
    calc === undefined ? undefined : projectedJoinOutput(calc);
  const between = calc === undefined || output !== undefined ? undefined : betweenCalc(calc);
  const [leftKey, rightKey] = joinKeySelectors(join);
  const side = between === undefined ? orderBySide(node, join, output) : undefined;
  const right = joinRightInput(join);
  const ranked = side === 'right' ? rightRowComparator(node, right.rowNames) : undefined;
  return recurse(join.left)
    .connect(recurse(right.node))
    .keyBy(leftKey, rightKey)
    .process(
      new JoinThenRankFunction(
        regularJoinFunction(join, output),
        between,
        rank,
        side,
        ranked,
        join.joinType === 'inner',
      ),
    )
    .name(`Join(${joinTypeName(join.joinType)}) -> Rank`);
}

/**
 * The join input whose rows hold every order-by column of the Top-N under the column's own name
 * (`'left'` or `'right'`), when the join's output is insert-only: the Top-N's comparator can
 * then rank a pair from that side's row alone, before the joined row is built (Nexmark q9 orders
 * by the bid's price and time). Undefined otherwise.
 */
function orderBySide(
  rank: PhysicalRank,
  join: PhysicalJoin,
  output: readonly JoinOutputColumn[] | undefined,
): 'left' | 'right' | undefined {
  // The update-fast strategy ranks by its own path, which `admits` does not describe.
  if (
    join.changelogMode !== 'insert-only' ||
    rank.strategy.kind === 'updateFast' ||
    rank.orderBy.length === 0
  )
    return undefined;
  const rightNames = new Set(join.right.columns.map((c) => c.name));
  let side: 'left' | 'right' | undefined;
  for (const { column } of rank.orderBy) {
    // Without a projection the joined row's columns are both sides' columns, names unchanged.
    const source =
      output === undefined
        ? { column, right: rightNames.has(column) }
        : output.find((o) => o.name === column);
    if (source === undefined || source.column !== column) return undefined;
    const from = source.right ? 'right' : 'left';
    if (side !== undefined && side !== from) return undefined;
    side = from;
  }
  return side;
}

/**
 * The Top-N's ordering of a kept row (under the join's names) against a right row, when the
 * right rows carry some order-by column under another name than the join's (see
 * `right-row-names.ts`): read there under either name, as the join reads them. Undefined when
 * the right row reads as it is.
 */
function rightRowComparator(
  rank: PhysicalRank,
  rowNames: ReadonlyMap<string, string>,
): ((kept: Row, row: Row) => number) | undefined {
  if (!rank.orderBy.some((o) => rowNames.has(o.column))) return undefined;
  return rowComparator(rank.orderBy, (b, column) => readRight(b, column, rowNames));
}

/** The rank functions of `over-planning.ts`: keyed, one input, changelog output. */
export interface KeyedRankFunction {
  open(ctx: RuntimeContext): void;
  close(): void;
  setRuntimeContext?(ctx: RuntimeContext): void;
  processElement(
    element: Row,
    ctx: KeyedProcessContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void;
}

/** A Calc between join and rank as a function of a row or an envelope; undefined drops it. */
function betweenCalc(calc: PhysicalCalc): (element: Row) => Row | undefined {
  const fn = compileCalc(calc.projections, calc.condition);
  if (calc.changelogMode === 'insert-only') return (row) => fn(row);
  return (element) => {
    const change = element as unknown as ChangelogRow;
    const row = fn(change.row);
    return row === undefined ? undefined : ({ kind: change.kind, row } as unknown as Row);
  };
}

/**
 * A regular join whose output feeds a Top-N in the same keyed operator, under the same current
 * key (the Top-N's partition key: see the module comment). The join's timers are the only
 * timers; the rank keeps no timers of its own.
 */
export class JoinThenRankFunction extends KeyedCoProcessFunction<unknown, Row, Row, ChangelogRow> {
  private out!: Collector<ChangelogRow>;
  private ctx!: KeyedProcessContext<unknown, ChangelogRow>;
  private joined!: Collector<Row>;
  /**
   * Whether the Top-N refuses a row of the order-by side for good, asked before the join sees
   * it; undefined when the join must see every row. In an inner join whose output is
   * insert-only, such a row changes nothing there: each of its pairs would be skipped unbuilt
   * (the bar only rises while its pairs are made) and, still refused after them, it would not
   * be stored. The join's read of the other side's rows and its pair conditions are saved (in
   * Nexmark q9 most bids are below their auction's best and cost one read of the rank's row).
   */
  private refusedBefore: ((row: Row) => boolean) | undefined;

  /**
   * @param orderBySide the join input whose rows hold the Top-N's order-by columns (see
   *   `orderBySide`): a pair the Top-N would drop is then skipped before its row is built, and
   *   a row of that input the Top-N refuses for good is not stored (see
   *   `RegularJoinFunction.skipRefused`)
   * @param ranked the Top-N's ordering of a kept row against a row of that side, when its rows
   *   carry an order-by column under another name (see `rightRowComparator`); by default the
   *   Top-N's own
   * @param innerJoin whether the join is an inner join: a row of the order-by side that the
   *   Top-N refuses for good before its pairs then never reaches the join (see `refusedBefore`)
   */
  constructor(
    private join: RegularJoinFunction,
    private readonly between: ((element: Row) => Row | undefined) | undefined,
    private rank: KeyedRankFunction,
    private readonly orderBySide?: 'left' | 'right',
    private readonly ranked?: (kept: Row, row: Row) => number,
    private readonly innerJoin = false,
  ) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    // The runtime copies this function per subtask, field by field: the inner functions too,
    // so their state handles stay per subtask, and the collector binds to this copy.
    this.join = cloneUserFunction(this.join);
    this.rank = cloneUserFunction(this.rank);
    openUserFunction(this.join, ctx);
    openUserFunction(this.rank, ctx);
    const rank = this.rank;
    // Most pairs of a Top-1 (a bid below the auction's best) are dropped by the rank unseen:
    // asked first, they cost no joined row, and a row refused for good is not stored. The
    // rank's state is under the join's current key.
    if (this.orderBySide !== undefined && rank instanceof TopNFunction) {
      const top = rank;
      const ranked = this.ranked;
      const admits =
        ranked === undefined ? (row: Row) => top.admits(row) : (row: Row) => top.admits(row, ranked);
      const forGood = top.refusesForGood();
      // The join asks about a row again before storing it, after its pairs: a row refused for
      // good is refused then too, so the last one refused is remembered rather than ranked
      // again (in Nexmark q9, most bids are refused at their pair).
      let refused: Row | undefined;
      const refuses = forGood
        ? (row: Row) => {
            if (row === refused) return true;
            if (admits(row)) return false;
            refused = row;
            return true;
          }
        : (row: Row) => !admits(row);
      this.join.skipRefused(this.orderBySide, refuses, forGood);
      if (forGood && this.innerJoin) this.refusedBefore = refuses;
    }
    const between = this.between;
    this.joined =
      between === undefined
        ? { collect: (row) => rank.processElement(row, this.ctx, this.out) }
        : {
            collect: (row) => {
              const next = between(row);
              if (next !== undefined) rank.processElement(next, this.ctx, this.out);
            },
          };
  }

  override close(): void {
    this.join.close();
    this.rank.close();
  }

  processElement1(
    value: Row,
    ctx: KeyedProcessContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void {
    if (this.orderBySide === 'left' && this.refusedBefore?.(value)) return;
    this.ctx = ctx;
    this.out = out;
    this.join.processElement1(value, ctx as never, this.joined);
  }

  processElement2(
    value: Row,
    ctx: KeyedProcessContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void {
    if (this.orderBySide === 'right' && this.refusedBefore?.(value)) return;
    this.ctx = ctx;
    this.out = out;
    this.join.processElement2(value, ctx as never, this.joined);
  }

  override onTimer(
    timestamp: number,
    ctx: OnTimerContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void {
    this.ctx = ctx;
    this.out = out;
    this.join.onTimer(timestamp, ctx as never, this.joined);
  }
}
