/**
 * Windows of the Table API, with Flink's builders: group windows (`Tumble`, `Slide`,
 * `Session`) for `table.window(w).groupBy($('w'), …).select(…)`, and over windows (`Over`) for
 * `table.window(o).select($('x').sum().over($('o')))`. A group window is Flink SQL's group
 * window function (`GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE)`), an over window an `OVER (…)`
 * clause, so both plan exactly as their SQL does.
 *
 * @example
 * Tumble.over(lit(10).minutes()).on($('ts')).as('w');
 * Slide.over(lit(10).minutes()).every(lit(5).minutes()).on($('ts')).as('w');
 * Session.withGap(lit(30).seconds()).on($('ts')).as('w');
 * Over.partitionBy($('k')).orderBy($('ts')).preceding(UNBOUNDED_RANGE).as('o');
 */
import { tableApiError } from './errors.js';
import { type Expression, type ExpressionArg, toExpression } from './expression.js';
import {
  CURRENT_RANGE,
  CURRENT_ROW,
  type TableExpression,
  tableExpression,
  UNBOUNDED_RANGE,
} from './expressions.js';
import { type GroupWindowSql, type RenderContext, renderExpression, renderOrderKey } from './render.js';

/** A group window with its alias, for `Table.window`. */
export class GroupWindow {
  /** @internal */
  constructor(
    private readonly fn: GroupWindowSql['fn'],
    private readonly time: Expression,
    /** TUMBLE: size; HOP: slide, size; SESSION: gap. */
    private readonly lengths: readonly Expression[],
    /** The name `groupBy` and `select` know the window by. */
    readonly alias: string,
  ) {}

  /** @internal The window as its SQL group window function's parts. */
  toSql(op: string): GroupWindowSql {
    if (this.time.node.kind !== 'column')
      throw tableApiError(
        op,
        `a group window is on a time attribute column: on($('ts')), not on(${this.time})`,
      );
    // Flink sizes group windows by rows too; Weir's SQL has no count windows to plan them as.
    if (this.lengths.some((l) => l.node.kind === 'bound'))
      throw tableApiError(
        op,
        `row-count group windows (rowInterval) are not supported, as SQL has no count windows; size the window by time: Tumble.over(lit(10).seconds())`,
      );
    const ctx: RenderContext = { op };
    const args = [this.time, ...this.lengths].map((e) => renderExpression(e, ctx)).join(', ');
    return { alias: this.alias, fn: this.fn, args };
  }
}

/** Tumbling windows: fixed size, not overlapping. */
export const Tumble = Object.freeze({
  /** Windows of this size: `Tumble.over(lit(10).minutes())`. */
  over: (size: ExpressionArg) => ({
    /** The time attribute (rowtime or proctime) that places rows in windows. */
    on: (time: TableExpression) => ({
      /** Names the window for groupBy and select. */
      as: (alias: string) => new GroupWindow('TUMBLE', tableExpression(time), [toExpression(size)], alias),
    }),
  }),
});

/** Sliding (hopping) windows: fixed size, a new one every `slide`, overlapping. */
export const Slide = Object.freeze({
  /** Windows of this size. */
  over: (size: ExpressionArg) => ({
    /** How often a window starts. */
    every: (slide: ExpressionArg) => ({
      /** The time attribute that places rows in windows. */
      on: (time: TableExpression) => ({
        /** Names the window for groupBy and select. */
        as: (alias: string) =>
          new GroupWindow('HOP', tableExpression(time), [toExpression(slide), toExpression(size)], alias),
      }),
    }),
  }),
});

/** Session windows: rows closer than the gap share a window, per group key. */
export const Session = Object.freeze({
  /** The inactivity that ends a session. */
  withGap: (gap: ExpressionArg) => ({
    /** The time attribute that places rows in windows. */
    on: (time: TableExpression) => ({
      /** Names the window for groupBy and select. */
      as: (alias: string) => new GroupWindow('SESSION', tableExpression(time), [toExpression(gap)], alias),
    }),
  }),
});

/** An over window with its alias, for `Table.window`. */
export class OverWindow {
  /** @internal */
  constructor(
    private readonly partitionBy: readonly Expression[],
    private readonly orderBy: Expression,
    private readonly preceding: Expression,
    private readonly following: Expression,
    /** The name `over($('o'))` knows the window by. */
    readonly alias: string,
  ) {}

  /** @internal The window as SQL: `(PARTITION BY … ORDER BY … ROWS|RANGE BETWEEN … AND …)`. */
  toSql(op: string): string {
    const ctx: RenderContext = { op };
    const preceding = this.preceding.node;
    const rows = preceding.kind === 'bound' && preceding.rows;
    const start =
      preceding.kind === 'bound' ? preceding.sql : `${renderExpression(this.preceding, ctx)} PRECEDING`;
    const following = this.following.node;
    if (following.kind !== 'bound' || following.unbounded || following.sql !== 'CURRENT ROW')
      throw tableApiError(
        op,
        `an over window ends at the current row: following(CURRENT_ROW) or following(CURRENT_RANGE)`,
      );
    if (following.rows !== rows)
      throw tableApiError(
        op,
        `over window '${this.alias}' counts ${rows ? 'rows' : 'time'} before the current row, so it ends at ${rows ? 'CURRENT_ROW' : 'CURRENT_RANGE'}`,
      );
    const partition =
      this.partitionBy.length === 0
        ? ''
        : `PARTITION BY ${this.partitionBy.map((e) => renderExpression(e, ctx)).join(', ')} `;
    return `(${partition}ORDER BY ${renderOrderKey(this.orderBy, ctx)} ${rows ? 'ROWS' : 'RANGE'} BETWEEN ${start} AND CURRENT ROW)`;
  }
}

/** An over window's partitioning and order, before its bounds. */
export interface OverWindowOrdered {
  /** The frame's start: `UNBOUNDED_RANGE`, `UNBOUNDED_ROW`, `rowInterval(n)` or an interval. */
  preceding(bound: Expression): OverWindowBounded;
  /** Names the window, from the partition's first row (`UNBOUNDED_RANGE`). */
  as(alias: string): OverWindow;
}

/** An over window with its start, before its alias. */
export interface OverWindowBounded {
  /** The frame's end: `CURRENT_ROW` or `CURRENT_RANGE`, the only ones a stream allows. */
  following(bound: Expression): { as(alias: string): OverWindow };
  /** Names the window. */
  as(alias: string): OverWindow;
}

function ordered(partitionBy: readonly Expression[], orderBy: Expression): OverWindowOrdered {
  const bounded = (preceding: Expression): OverWindowBounded => {
    const node = preceding.node;
    const defaultEnd = node.kind === 'bound' && node.rows ? CURRENT_ROW : CURRENT_RANGE;
    return {
      following: (end) => ({ as: (alias) => new OverWindow(partitionBy, orderBy, preceding, end, alias) }),
      as: (alias) => new OverWindow(partitionBy, orderBy, preceding, defaultEnd, alias),
    };
  };
  return { preceding: bounded, as: (alias) => bounded(UNBOUNDED_RANGE).as(alias) };
}

/** Over windows: an aggregate over rows related to each row, one result per row. */
export const Over = Object.freeze({
  /** Rows of the same key only. */
  partitionBy: (...keys: TableExpression[]) => ({
    /** The time attribute that orders the rows. */
    orderBy: (time: TableExpression) => ordered(keys.map(tableExpression), tableExpression(time)),
  }),
  /** All rows, ordered by a time attribute. */
  orderBy: (time: TableExpression) => ordered([], tableExpression(time)),
});
