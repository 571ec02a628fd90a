/**
 * Plans a SELECT whose list uses `… OVER (…)`: OVER aggregates (`RANGE`/`ROWS` frames) and
 * ranking functions (`ROW_NUMBER()`, which rules turn into Top-N or deduplication).
 */
import type { Select } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import type { PlanBuilder, Relation } from '../builder.js';
import type { LogicalNode } from '../logical.js';

/** The plan of a SELECT with OVER windows whose FROM and WHERE are already planned as `input`. */
export function buildOverSelect(select: Select, _input: Relation, _builder: PlanBuilder): LogicalNode {
  throw unsupported(select.pos, 'OVER windows');
}
