/**
 * What the Table API tests share: the check that a Table plans and runs as the SQL it stands
 * for, and Flink's Top-2 table aggregate function, emitting all its rows or only changed ones.
 */
import { expect } from 'vitest';
import {
  type RetractableCollector,
  type RowCollector,
  type Table,
  TableAggregateFunction,
  type TableEnvironment,
} from '../../src/index.js';

/** Rows as JSON text in sorted order, to compare rows regardless of their order. */
export const sorted = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

/** Checks that `table` has the EXPLAIN, schema and rows of `sql`; returns the table's rows. */
export async function expectSameAsSql(tEnv: TableEnvironment, table: Table, sql: string): Promise<unknown[]> {
  expect(table.explain()).toBe(tEnv.explainSql(sql));
  const query = tEnv.sqlQuery(sql);
  expect(table.getResolvedSchema()).toEqual(query.getResolvedSchema());
  const rows = await table.execute().collect();
  expect(sorted(rows)).toEqual(sorted(await query.execute().collect()));
  return rows;
}

/** The two largest values of a group with their rank, as Flink's Top2, kept whole so that a value can be retracted. */
export class Top2 extends TableAggregateFunction<{ values: number[] }> {
  readonly outputType = 'ROW<v BIGINT, `rank` INT>';
  createAccumulator() {
    return { values: [] as number[] };
  }
  accumulate(acc: { values: number[] }, v: number | null): void {
    if (v !== null) acc.values.push(v);
  }
  retract(acc: { values: number[] }, v: number | null): void {
    const i = v === null ? -1 : acc.values.indexOf(v);
    if (i >= 0) acc.values.splice(i, 1);
  }
  emitValue(acc: { values: number[] }, out: RowCollector): void {
    const top = [...acc.values].sort((a, b) => b - a).slice(0, 2);
    for (const [i, v] of top.entries()) out.collect({ v, rank: i + 1 });
  }
}

/**
 * {@link Top2} emitting incrementally, as Flink's IncrementalTop2 example: `accumulate` and
 * `retract` note the top two before they change them, and `emitUpdateWithRetract` retracts and
 * emits only the ranks whose value changed.
 */
export class IncrementalTop2 extends Top2 {
  override createAccumulator() {
    return { values: [] as number[], previous: [] as number[] };
  }
  override accumulate(acc: { values: number[]; previous?: number[] }, v: number | null): void {
    acc.previous = top2(acc.values);
    super.accumulate(acc, v);
  }
  override retract(acc: { values: number[]; previous?: number[] }, v: number | null): void {
    acc.previous = top2(acc.values);
    super.retract(acc, v);
  }
  override emitUpdateWithRetract(
    acc: { values: number[]; previous?: number[] },
    out: RetractableCollector,
  ): void {
    const before = acc.previous ?? [];
    const now = top2(acc.values);
    for (let i = 0; i < 2; i++) {
      if (before[i] === now[i]) continue;
      if (before[i] !== undefined) out.retract({ v: before[i], rank: i + 1 });
      if (now[i] !== undefined) out.collect({ v: now[i], rank: i + 1 });
    }
  }
}

const top2 = (values: readonly number[]) => [...values].sort((a, b) => b - a).slice(0, 2);
