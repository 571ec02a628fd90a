/**
 * The Table API's intermediate tables, as Flink's: a `GroupedTable` (after `groupBy`), a
 * `GroupWindowedTable` and `WindowGroupedTable` (after `window(Tumble…)` and its `groupBy`),
 * an `OverWindowedTable` (after `window(Over…)`) and an `AggregatedTable` (after `aggregate`),
 * each finished by a `select`.
 */
import type { Table } from '../table.js';
import { tableApiError } from './errors.js';
import type { Expression } from './expression.js';
import { type TableExpression, tableExpression } from './expressions.js';
import type { WindowColumns } from './render.js';
import {
  expandRowStep,
  expandRowsStep,
  groupedCallStep,
  windowAggregatedSelectStep,
  windowAggregateStep,
} from './row-steps.js';
import { groupedSelectStep, selectStep } from './column-steps.js';
import type { GroupWindow, OverWindow } from './windows.js';

/** A table grouped by keys; `select` its keys and aggregates. */
export class GroupedTable {
  /** @internal */
  constructor(
    private readonly table: Table,
    private readonly keys: readonly Expression[],
  ) {}

  /** One row per group: `select($('k'), $('v').sum().as('total'))`; updated as rows arrive. */
  select(...fields: TableExpression[]): Table {
    return this.table.step(
      'select',
      groupedSelectStep(this.keys, fields, this.table.columnNames(), { op: 'select' }),
    );
  }

  /**
   * One row per group: its keys, then the columns of an aggregate function's ROW result
   * (`.as('a', 'b')` on the call names them), continued by `select`.
   */
  aggregate(aggregateFunctionCall: Expression): AggregatedTable {
    return new AggregatedTable(aggregateRow(this.table, 'aggregate', this.keys, aggregateFunctionCall));
  }

  /**
   * Per group, its keys with each row a table aggregate function (a `TableAggregateFunction`)
   * emits, continued by `select`; a group's change retracts the rows it emitted before (only
   * the changed ones with `emitUpdateWithRetract`).
   */
  flatAggregate(tableAggregateCall: Expression): AggregatedTable {
    return new AggregatedTable(flatAggregateRows(this.table, 'flatAggregate', this.keys, tableAggregateCall));
  }
}

/**
 * A table after `aggregate(…)` or `flatAggregate(…)`: the group keys and the function's
 * columns, to `select` from.
 */
export class AggregatedTable {
  /** @internal */
  constructor(
    private readonly table: Table,
    /** After a windowed aggregate, the columns holding its window's bounds. */
    private readonly window?: WindowColumns,
  ) {}

  /** The columns of the aggregated rows: `select($('k'), $('a'))`, or `select('*')` for all. */
  select(...fields: TableExpression[]): Table {
    if (this.window !== undefined)
      return this.table.step(
        'select',
        windowAggregatedSelectStep(fields, this.window, this.table.columnNames()),
      );
    return this.table.select(...fields);
  }
}

/** A table with a group window, to be grouped by it: `groupBy($('w'), …)`. */
export class GroupWindowedTable {
  /** @internal */
  constructor(
    private readonly table: Table,
    private readonly window: GroupWindow,
  ) {}

  /** Groups by the window (named by its alias) and, optionally, other keys. */
  groupBy(...fields: TableExpression[]): WindowGroupedTable {
    const alias = this.window.alias;
    const keys = fields.map(tableExpression);
    const named = keys.filter(
      (f) => f.node.kind === 'column' && f.node.path.length === 1 && f.node.path[0] === alias,
    );
    if (named.length !== 1)
      throw tableApiError(
        'groupBy',
        `a windowed table is grouped by its window once: groupBy($('${alias}'), …)`,
      );
    return new WindowGroupedTable(this.table, this.window, keys);
  }
}

/** A table grouped by a group window and keys; `select` the keys, window bounds and aggregates. */
export class WindowGroupedTable {
  /** @internal */
  constructor(
    private readonly table: Table,
    private readonly window: GroupWindow,
    private readonly keys: readonly Expression[],
  ) {}

  /**
   * One row per window and key, when the watermark passes the window's end:
   * `select($('k'), $('w').start(), $('w').end(), $('v').count())`.
   */
  select(...fields: TableExpression[]): Table {
    const ctx = { op: 'select', groupWindow: this.window.toSql('select') };
    return this.table.step('select', groupedSelectStep(this.keys, fields, this.table.columnNames(), ctx));
  }

  /**
   * One row per window and key: the keys, then the columns of an aggregate function's ROW
   * result, continued by `select`, where `$('w').start()` and `.end()` read the window.
   */
  aggregate(aggregateFunctionCall: Expression): AggregatedTable {
    return this.aggregated('aggregate', aggregateFunctionCall);
  }

  /** Per window and key, its keys with each row a table aggregate function emits, continued by `select`. */
  flatAggregate(tableAggregateCall: Expression): AggregatedTable {
    return this.aggregated('flatAggregate', tableAggregateCall);
  }

  private aggregated(op: string, call: Expression): AggregatedTable {
    const flat = op === 'flatAggregate';
    const fn = this.table.functionCall(op, call, flat ? 'tableAggregate' : 'aggregate');
    const columns = this.table.columnNames();
    const aggregated = windowAggregateStep(op, this.window.toSql(op), this.keys, fn.call, columns);
    const grouped = this.table.step(op, aggregated.step);
    const expand = flat ? expandRowsStep : expandRowStep;
    return new AggregatedTable(grouped.step(op, expand(op, fn.names, grouped.columns())), aggregated.window);
  }
}

/** A table with over windows; `select` its columns and aggregates over them. */
export class OverWindowedTable {
  /** @internal */
  constructor(
    private readonly table: Table,
    private readonly windows: readonly OverWindow[],
  ) {}

  /** One row per input row: `select($('k'), $('v').sum().over($('o')))`. */
  select(...fields: TableExpression[]): Table {
    const overWindows = new Map(this.windows.map((w) => [w.alias, w.toSql('select')]));
    return this.table.step(
      'select',
      selectStep(fields, this.table.columnNames(), { op: 'select', overWindows }),
    );
  }
}

/**
 * @internal `groupBy(keys).aggregate(call)`: the keys' columns, then the fields of the
 * aggregate function's ROW result, as `SELECT k, r.x, r.y FROM (SELECT k, f(v) AS r … GROUP BY k)`.
 */
export function aggregateRow(
  table: Table,
  op: string,
  keys: readonly TableExpression[],
  fnCall: Expression,
): Table {
  const { call, names } = table.functionCall(op, fnCall, 'aggregate');
  const grouped = table.step(op, groupedCallStep(op, keys, call, table.columnNames()));
  return grouped.step(op, expandRowStep(op, names, grouped.columns()));
}

/**
 * @internal `groupBy(keys).flatAggregate(call)`: the keys' columns with each row of the ARRAY a
 * table aggregate function gives, as `SELECT k, x, y FROM (SELECT k, f(v) AS r … GROUP BY k),
 * UNNEST(r) AS T(x, y)`.
 */
export function flatAggregateRows(
  table: Table,
  op: string,
  keys: readonly TableExpression[],
  fnCall: Expression,
): Table {
  const { call, names } = table.functionCall(op, fnCall, 'tableAggregate');
  const grouped = table.step(op, groupedCallStep(op, keys, call, table.columnNames()));
  return grouped.step(op, expandRowsStep(op, names, grouped.columns()));
}
