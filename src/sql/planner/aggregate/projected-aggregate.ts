/**
 * A Calc over a group aggregate that only picks and renames the aggregate's columns
 * (`SELECT category AS id, EXPR$1 AS final` over `GROUP BY category`, as the planner puts above
 * nearly every GROUP BY to name its calls) is not run: the aggregate builds the Calc's rows
 * itself. Each change then builds one row instead of two and its changelog envelope once, and
 * skips an operator. The plan, and so EXPLAIN, keeps the Calc; only its translation changes,
 * as for a projecting Calc over a join.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { GroupOutputColumn } from '../../aggregates/group-aggregate-function.js';
import type { Row } from '../../expressions/compiler.js';
import type { PhysicalCalc, PhysicalNode } from '../physical.js';
import type { QueryTranslator } from '../translate.js';
import { translateAggregate } from './aggregate-planning.js';

/**
 * The aggregate under `calc` translated to build the Calc's rows; undefined when the Calc
 * filters or computes, when it is over anything else (batch mode's rows over no rows of empty
 * grouping sets, which watch the aggregate's own rows by their keys, among them), or when the
 * aggregate has other consumers (they read its own rows). `consumers` counts a sub-plan's consumers.
 */
export function translateProjectedAggregate(
  calc: PhysicalCalc,
  recurse: QueryTranslator,
  consumers: (node: PhysicalNode) => number,
): DataStream<Row> | undefined {
  const output = projectedAggregateOutput(calc);
  if (output === undefined || consumers(calc.input) > 1) return undefined;
  return translateAggregate(calc.input as Parameters<typeof translateAggregate>[0], recurse, output);
}

/**
 * The output columns a group aggregate builds in place of a Calc over it that only picks and
 * renames its columns; undefined for any other Calc. A table aggregate's rows are unnested by
 * the Calc's consumer and a local phase emits partials, so neither takes one.
 */
export function projectedAggregateOutput(calc: PhysicalCalc): GroupOutputColumn[] | undefined {
  const aggregate = calc.input;
  if (aggregate.kind !== 'groupAggregate' && aggregate.kind !== 'globalGroupAggregate') return undefined;
  if (aggregate.kind === 'groupAggregate' && aggregate.emitsChangedRows === true) return undefined;
  if (calc.condition !== undefined) return undefined;
  const names = new Set(aggregate.columns.map((c) => c.name));
  const output: GroupOutputColumn[] = [];
  for (const { name, rex } of calc.projections) {
    if (rex.kind !== 'field' || !names.has(rex.name)) return undefined;
    output.push({ name, from: rex.name });
  }
  return output;
}
