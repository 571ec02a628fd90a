/**
 * Time attributes of comma and cross joins. `FROM a, b WHERE …` is built as an inner join on
 * TRUE, and only the WHERE clause (moved into it later by the FilterIntoJoinRule) decides whether
 * it is an interval join, which keeps its inputs' time attributes, or a regular join, whose
 * output has none (as an explicit `JOIN … ON` regular join's has none). Flink decides on the
 * join after the WHERE clause has moved in; Weir types the select list before rules run, so the
 * builder settles each such join here, once its WHERE clause is typed: the conditions that
 * would move into the join decide, and a join they leave regular loses its time attributes.
 */
import { withoutTimeAttribute } from '../../catalog/types.js';
import { fieldsOf, type Rex } from '../../expressions/rex.js';
import type { Relation } from '../builder.js';
import { keepJoinHints } from '../hints/operator-hints.js';
import type { LogicalNode } from '../logical.js';
import type { ScopeColumn } from '../scope.js';
import { intervalBounds } from './interval-join-rule.js';
import { andOf, conjunctsOf, sidesOf } from './join-conditions.js';
import { join, type LogicalJoin } from './join-nodes.js';
import { windowedColumns } from './window-join-rule.js';

/**
 * `from` with every inner join on TRUE at the top of its join tree settled against `where` (the
 * WHERE condition, or none): a join the conditions leave regular has its time attributes removed,
 * in its columns and in the scope.
 */
export function settleCrossJoins(from: Relation, where: Rex | undefined): Relation {
  const plan = settle(from.plan, where === undefined ? [] : conjunctsOf(where));
  if (plan === from.plan) return from;
  const types = new Map(plan.columns.map((c) => [c.name, c.type]));
  const scope = from.scope.map((c): ScopeColumn => {
    const type = types.get(c.internal);
    return type === undefined || type === c.type ? c : { ...c, type };
  });
  return { plan, scope };
}

/**
 * The plan with its undecided joins settled by `conjuncts`: each conjunct over one side goes
 * down to that side, as the FilterIntoJoinRule will move it, and those over both sides decide.
 */
function settle(node: LogicalNode, conjuncts: readonly Rex[]): LogicalNode {
  if (!undecided(node)) return node;
  const leftOnly: Rex[] = [];
  const rightOnly: Rex[] = [];
  const both: Rex[] = [];
  for (const c of conjuncts) {
    if (fieldsOf(c).size === 0) continue;
    const side = sidesOf(c, node.left.columns);
    if (side === 'left') leftOnly.push(c);
    else if (side === 'right') rightOnly.push(c);
    else if (side === 'both') both.push(c);
  }
  const left = settle(node.left, leftOnly);
  const right = settle(node.right, rightOnly);
  const joined =
    left === node.left && right === node.right
      ? node
      : keepJoinHints(node, join(left, right, 'inner', node.condition));
  return regular(left, right, both) ? withoutTimeAttributes(joined) : joined;
}

/** An inner join on TRUE that is no temporal join: a comma or cross join, or `JOIN … ON TRUE`. */
function undecided(node: LogicalNode): node is LogicalJoin {
  return (
    node.kind === 'join' &&
    node.joinType === 'inner' &&
    node.temporal === undefined &&
    node.condition.kind === 'literal' &&
    node.condition.value === true
  );
}

/**
 * Whether the join of `left` and `right` on `conditions` stays regular: they bound no rowtime
 * by the other side's (no interval join) and the sides are not both windowed (no window join).
 */
function regular(left: LogicalNode, right: LogicalNode, conditions: readonly Rex[]): boolean {
  if (conditions.length === 0) return true;
  if (intervalBounds(andOf(conditions), left.columns, right.columns) !== undefined) return false;
  return windowedColumns(left) === undefined || windowedColumns(right) === undefined;
}

/** The join with plain types for its time attributes: a regular join's output columns. */
export function withoutTimeAttributes(node: LogicalJoin): LogicalJoin {
  if (!node.columns.some((c) => c.type.rowtime || c.type.proctime)) return node;
  return Object.freeze({
    ...node,
    columns: Object.freeze(node.columns.map((c) => ({ name: c.name, type: withoutTimeAttribute(c.type) }))),
  });
}

/**
 * Whether `column` of `node` is a plain timestamp only because a regular join took its time
 * attribute away: following it down through projections (as a plain field) and filters, a join
 * outputs it without the time attribute one of its inputs gives it. For the error that names the
 * join rather than a missing WATERMARK.
 */
export function droppedByRegularJoin(node: LogicalNode, column: string): boolean {
  let current = node;
  let name = column;
  for (;;) {
    const own = current.columns.find((c) => c.name === name);
    if (own === undefined || own.type.rowtime || own.type.proctime) return false;
    if (current.kind === 'filter') current = current.input;
    else if (current.kind === 'project') {
      const rex = current.projections.find((p) => p.name === name)?.rex;
      if (rex?.kind !== 'field') return false;
      name = rex.name;
      current = current.input;
    } else if (current.kind === 'join') {
      const side = [current.left, current.right].find((input) => input.columns.some((c) => c.name === name));
      if (side === undefined) return false;
      const input = side.columns.find((c) => c.name === name)!;
      if (input.type.rowtime || input.type.proctime) return true;
      current = side;
    } else return false;
  }
}

/**
 * Whether `column` of `node` lost its time attribute in a UNION ALL whose inputs disagree (a
 * time attribute in one input, a plain timestamp or the other kind in another): the union keeps
 * a time attribute only when every input has one of the same kind.
 */
export function droppedByUnion(node: LogicalNode, column: string): boolean {
  let current = node;
  let name = column;
  for (;;) {
    const index = current.columns.findIndex((c) => c.name === name);
    const own = current.columns[index];
    if (own === undefined || own.type.rowtime || own.type.proctime) return false;
    if (current.kind === 'filter') current = current.input;
    else if (current.kind === 'project') {
      const rex = current.projections.find((p) => p.name === name)?.rex;
      if (rex?.kind !== 'field') return false;
      name = rex.name;
      current = current.input;
    } else if (current.kind === 'union')
      return current.inputs.some((input) => {
        const type = input.columns[index]?.type;
        return type?.rowtime === true || type?.proctime === true;
      });
    else return false;
  }
}
