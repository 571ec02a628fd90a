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
 * The value of column `name` of a plan's one row over no input rows (COUNT 0, SUM NULL), folded
 * to a literal: NULL where a HAVING filter rejects that row. The plan is projections and
 * filters over an aggregate that is global, or grouped only by correlation columns, whose
 * values over no rows are unknown; undefined for any other plan, or a value that needs one.
 */
export function overNoRows(plan: LogicalNode, name: string): Rex | undefined {
  const row = rowOverNoRows(plan);
  if (row === undefined) return undefined;
  const column = plan.columns.find((c) => c.name === name)!;
  return row === null ? literal(null, withNullability(column.type, true)) : row.get(name);
}

/**
 * The row a plan gives over no input rows, each column folded to a literal or undefined where
 * it is unknown; null when a filter rejects it; undefined when its filters cannot be decided.
 */
function rowOverNoRows(plan: LogicalNode): Map<string, Rex | undefined> | null | undefined {
  if (plan.kind === 'aggregate')
    return new Map(
      plan.calls.map((c) => {
        const fn = c.definition.create(c.argTypes);
        return [c.name, literal(fn.getValue(fn.createAccumulator()), c.type)];
      }),
    );
  if (plan.kind !== 'project' && plan.kind !== 'filter') return undefined;
  const input = rowOverNoRows(plan.input);
  if (input === undefined || input === null) return input;
  const fold = (rex: Rex): Rex | undefined => {
    let known = true;
    const replaced = substitute(rex, (f) => {
      const value = input.get(f.name);
      if (value === undefined) known = false;
      return value ?? f;
    });
    if (!known) return undefined;
    try {
      return literal(compileExpression(replaced)({}), rex.type);
    } catch {
      // Failing over no rows (1 / COUNT(*)) is left to the rows that reach it at run time.
      return undefined;
    }
  };
  if (plan.kind === 'project') return new Map(plan.projections.map((p) => [p.name, fold(p.rex)]));
  const kept = fold(plan.condition);
  if (kept === undefined) return undefined;
  return kept.kind === 'literal' && kept.value === true ? input : null;
}
