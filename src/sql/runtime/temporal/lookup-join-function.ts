/**
 * The runtime of lookup joins: a flat-map over the probe (left) stream that loads the lookup
 * table into a map from key to rows when its subtask opens (see lookup-table.ts for the size
 * assumption), then joins each probe row with the rows its key finds, in the order the table
 * holds them. An inner join drops a row that finds none (or none passing the rest of the
 * condition); a LEFT join pads it with NULLs.
 *
 * No state: the function keeps nothing that depends on the input, and the table is read again
 * whenever a subtask opens, after a restart too, so exactly-once needs nothing checkpointed. The
 * table is read as it is at open; like Flink's lookup of a file, later changes to its files are
 * seen only after a restart.
 */
import type { Collector, FlatMapFunction } from '../../../types/functions.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import type { LookupStep } from '../../planner/join/lookup-join-nodes.js';
import { applySteps, indexRows, lookupKeyOf, readTableRows } from './lookup-table.js';
import { sessionTimeZone, type TimeZone, withSessionTimeZone } from '../../expressions/time-zone.js';

/** What a lookup join function is configured with. */
export interface LookupJoinSpec {
  readonly joinType: 'inner' | 'left';
  readonly table: CatalogTable;
  readonly steps: readonly LookupStep[];
  /** The probe row's key values, one function per key. */
  readonly leftKeys: readonly RowFunction[];
  /** The right columns the keys look up, in key order. */
  readonly rightKeys: readonly string[];
  /** The left columns, which the output rows carry first. */
  readonly leftColumns: readonly string[];
  /** The right columns the output rows carry (the rest are dropped when the table is loaded). */
  readonly rightColumns: readonly string[];
  /** The rest of the join condition on the joined row; TRUE when absent. */
  readonly residual?: RowFunction;
  /**
   * The columns of the output rows when a projection above the join is done here, each taken
   * from a left or a right column (without `residual` only, which needs the whole joined row);
   * absent for the left columns and then the right ones, under their own names.
   */
  readonly output?: readonly LookupOutputColumn[];
}

/** One column of a lookup join's output row: its name and the joined column it copies. */
export interface LookupOutputColumn {
  readonly name: string;
  readonly column: string;
  /** Whether `column` is a right (table) column; those are NULL in a LEFT join's padded rows. */
  readonly right: boolean;
}

/**
 * `(left, right) => joined row` as one object literal over the output columns, built once: every
 * output row then has the same shape, which `Object.assign` onto `{}` does not give V8. A null
 * `right` pads with NULLs.
 */
export function rowJoiner(output: readonly LookupOutputColumn[]): (l: Row, r: Row | null) => Row {
  const fields = output.map(({ name, column, right }) => {
    const read = `[${JSON.stringify(column)}]`;
    return `${JSON.stringify(name)}: ${right ? `r === null ? null : r${read}` : `l${read}`}`;
  });
  // Built once per operator from column names (JSON-quoted), never from data.
  return new Function('l', 'r', `return { ${fields.join(', ')} };`) as (l: Row, r: Row | null) => Row;
}

/** Joins each probe row with the lookup table's rows for its key. */
export class LookupJoinFunction implements FlatMapFunction<Row, Row> {
  private index = new Map<unknown, Row[]>();
  private readonly join: (l: Row, r: Row | null) => Row;
  /** The probe row's lookup key; null matches nothing. */
  private readonly keyOf: (left: Row) => unknown;
  /**
   * The session zone at planning: the table's computed columns and steps compile when the
   * table loads, in `open`, after translation has put its zone away.
   */
  private readonly zone: TimeZone = sessionTimeZone();

  constructor(private readonly spec: LookupJoinSpec) {
    const { leftKeys } = spec;
    const single = leftKeys.length === 1 ? leftKeys[0]! : undefined;
    this.keyOf =
      single !== undefined
        ? (left) => single(left) ?? null
        : (left) => lookupKeyOf(leftKeys.map((k) => k(left)));
    this.join = rowJoiner(
      spec.output ?? [
        ...spec.leftColumns.map((c) => ({ name: c, column: c, right: false })),
        ...spec.rightColumns.map((c) => ({ name: c, column: c, right: true })),
      ],
    );
  }

  open(): void {
    const { table, steps, rightKeys } = this.spec;
    this.index = withSessionTimeZone(this.zone, () =>
      indexRows(applySteps(readTableRows(table), steps), rightKeys),
    );
  }

  flatMap(left: Row, out: Collector<Row>): void {
    const residual = this.spec.residual;
    const key = this.keyOf(left);
    const matches = key === null ? undefined : this.index.get(key);
    let found = false;
    if (matches !== undefined)
      for (let i = 0; i < matches.length; i++) {
        const joined = this.join(left, matches[i]!);
        if (residual !== undefined && residual(joined) !== true) continue;
        found = true;
        out.collect(joined);
      }
    if (!found && this.spec.joinType === 'left') out.collect(this.join(left, null));
  }
}
