/**
 * Plans a SELECT that aggregates: `GROUP BY`, `HAVING`, `SELECT DISTINCT`, or aggregate calls
 * in the select list. Aggregate arguments and FILTER conditions are projected into columns
 * below the aggregate; the select list and HAVING are then typed against the aggregate's
 * output, with each aggregate call replaced by its result column.
 */
import type { Select } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import type { PlanBuilder, Relation } from '../builder.js';
import type { LogicalNode } from '../logical.js';

/** The plan of an aggregating SELECT whose FROM and WHERE are already planned as `input`. */
export function buildAggregateSelect(select: Select, _input: Relation, _builder: PlanBuilder): LogicalNode {
  throw unsupported(select.pos, 'GROUP BY aggregation');
}
