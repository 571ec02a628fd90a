/**
 * Building blocks of the decorrelated scalar subquery plans: the SINGLE_VALUE aggregate that
 * fails at a second row, a global aggregate's value over no rows (the "COUNT bug"), and the
 * CASE that reads that value where the LEFT join found no row.
 */
import type { Expr } from '../../parser/ast.js';
import { Types, withNullability } from '../../catalog/types.js';
import { lookupAggregate } from '../../aggregates/builtins.js';
import { compileExpression } from '../../expressions/compiler.js';
import { call, field, literal, type Rex, substitute } from '../../expressions/rex.js';
import { aggregate } from '../aggregate/aggregate-nodes.js';
import type { LogicalNode } from '../logical.js';

/** `CASE WHEN present IS NULL THEN absent ELSE value END`: `absent` where the join found no row. */
export function absentOr(present: string, absent: Rex, value: Rex): Rex {
  return call(
    'CASE',
    [call('IS NULL', [field(present, Types.BOOLEAN)], withNullability(Types.BOOLEAN, false)), absent, value],
    withNullability(value.type, value.type.nullable || absent.type.nullable),
  );
}

/** Whether a plan returns at most one row: a global aggregate under projections and filters. */
export function singleRow(plan: LogicalNode): boolean {
  if (plan.kind === 'project' || plan.kind === 'filter') return singleRow(plan.input);
  return plan.kind === 'aggregate' && plan.groupKeys.length === 0;
}

/** `SELECT keys…, SINGLE_VALUE(value) AS value… FROM plan GROUP BY keys…`. */
export function singleValue(
  plan: LogicalNode,
  keys: readonly string[],
  values: string | readonly string[],
  pos: Expr['pos'],
): LogicalNode {
  const definition = lookupAggregate('SINGLE_VALUE', undefined)!;
  return aggregate(
    plan,
    keys,
    (typeof values === 'string' ? [values] : values).map((value) => {
      const argType = plan.columns.find((c) => c.name === value)!.type;
      return {
        fn: 'SINGLE_VALUE',
        args: [value],
        argTypes: [argType],
        distinct: false,
        name: value,
        type: definition.resultType([argType], pos),
        pos,
        definition,
      };
    }),
  );
}

/**
 * The value of a global aggregate's select item over no rows (COUNT 0, SUM NULL), folded to a
 * literal; undefined when the plan is not a projection right over the aggregate.
 */
export function overNoRows(plan: LogicalNode, name: string): Rex | undefined {
  if (plan.kind !== 'project' || plan.input.kind !== 'aggregate') return undefined;
  const calls = plan.input.calls;
  const item = plan.projections.find((p) => p.name === name)!.rex;
  let known = true;
  const replaced = substitute(item, (f) => {
    const c = calls.find((call) => call.name === f.name);
    if (c === undefined) {
      known = false;
      return f;
    }
    const fn = c.definition.create(c.argTypes);
    return literal(fn.getValue(fn.createAccumulator()), c.type);
  });
  if (!known) return undefined;
  return literal(compileExpression(replaced)({}), item.type);
}
