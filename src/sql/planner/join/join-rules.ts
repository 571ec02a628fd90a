/**
 * FilterIntoJoinRule: a filter over an inner join (the WHERE clause of `FROM a, b WHERE …`)
 * moves into the join. Conditions over one side become a filter below the join on that side,
 * conditions over both sides join the join's condition, where the equalities become keys.
 * Without this a comma join would be a cross join on one constant key.
 */
import { fieldsOf, type Rex } from '../../expressions/rex.js';
import { filter, type LogicalNode } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import { andOf, conjunctsOf, sidesOf } from './join-conditions.js';
import { withoutTimeAttributes } from './join-time-attributes.js';
import { keepJoinHints } from '../hints/operator-hints.js';
import { join } from './join-nodes.js';

const deterministic = (rex: Rex): boolean =>
  rex.kind !== 'call' || (rex.op !== 'CURRENT_TIMESTAMP' && rex.args.every(deterministic));

/** Filter(inner Join(l, r)) → Join(Filter(l), Filter(r)) with the two-sided conditions ANDed in. */
export const FilterIntoJoinRule: RewriteRule = {
  name: 'FilterIntoJoinRule',
  apply(node) {
    if (node.kind !== 'filter' || node.input.kind !== 'join' || node.input.joinType !== 'inner')
      return undefined;
    const j = node.input;
    const leftOnly: Rex[] = [];
    const rightOnly: Rex[] = [];
    const both: Rex[] = [];
    const above: Rex[] = [];
    for (const c of conjunctsOf(node.condition)) {
      if (!deterministic(c) || fieldsOf(c).size === 0) {
        above.push(c);
        continue;
      }
      const side = sidesOf(c, j.left.columns);
      if (side === 'left') leftOnly.push(c);
      else if (side === 'right') rightOnly.push(c);
      else both.push(c);
    }
    if (leftOnly.length + rightOnly.length + both.length === 0) return undefined;
    const pushed = (input: LogicalNode, conjuncts: Rex[]) =>
      conjuncts.length === 0 ? input : filter(input, andOf(conjuncts));
    const joined = keepJoinHints(
      j,
      join(
        pushed(j.left, leftOnly),
        pushed(j.right, rightOnly),
        j.joinType,
        andOf([...conjunctsOf(j.condition), ...both]),
        j.temporal,
      ),
    );
    // With no condition over both sides it stays a cross join: regular, without time attributes.
    const settled =
      conjunctsOf(joined.condition).length === 0 && j.temporal === undefined
        ? withoutTimeAttributes(joined)
        : joined;
    return above.length === 0 ? settled : filter(settled, andOf(above));
  },
};
