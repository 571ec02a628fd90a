/**
 * Pulls the conditions every branch of an OR shares out of it, as Calcite's RexUtil.pullFactors
 * does for Flink's join conditions: `(b.k = a.k AND b.v < a.v) OR (b.k = a.k AND b.v IS NULL)`
 * is `b.k = a.k AND (b.v < a.v OR b.v IS NULL)`. A shared equality between the two sides of a
 * join is then a conjunct of its own, which keys the join, where inside the OR it keyed nothing
 * and every row met under one key.
 *
 * Branches are compared as typed expressions, so names are already resolved (`k` and `b.k` are
 * one column) and the text's spacing, case and parentheses are gone, and in a normal form, as
 * Calcite compares RexNodes after RexNormalize: the operands of a symmetric operator (`=`, `<>`,
 * AND, OR, `+`, `*`, IS [NOT] DISTINCT FROM) in a canonical order, and a comparison written the
 * other way round (`a.v > b.v`) as its mirror (`b.v < a.v`). An expression that may give another
 * value for the same row (`RAND()`) is never pulled out, as each branch draws its own.
 */
import { formatType, Types, withNullability } from '../../catalog/types.js';
import { isDeterministic } from '../../expressions/functions.js';
import { call, formatRex, type Rex } from '../../expressions/rex.js';
import { andOf, conjunctsOf } from './join-conditions.js';

/** A condition as AND-ed parts, with the parts common to every branch of an OR pulled out of it. */
export function pullCommonFactors(rex: Rex): Rex[] {
  const branches = flatten('OR', rex);
  if (branches.length < 2) return [rex];
  const parts = branches.map((b) => conjunctsOf(b).map((p) => ({ rex: p, key: normalForm(p) })));
  const keyed = parts.map((ps) => new Set(ps.map((p) => p.key)));
  const seen = new Set<string>();
  const common = parts[0]!.filter((p) => {
    if (seen.has(p.key) || !keyed.every((set) => set.has(p.key)) || !isDeterministic(p.rex)) return false;
    seen.add(p.key);
    return true;
  });
  if (common.length === 0) return [rex];
  const rest = parts.map((ps) => ps.filter((p) => !seen.has(p.key)).map((p) => p.rex));
  // A branch holding only shared parts is TRUE once they hold, and so is the OR.
  if (rest.some((r) => r.length === 0)) return common.map((p) => p.rex);
  const or = rest
    .map(andOf)
    .reduce((a, b) => call('OR', [a, b], withNullability(Types.BOOLEAN, a.type.nullable || b.type.nullable)));
  return [...common.map((p) => p.rex), or];
}

/** The operands of nested calls of an associative operator (`a OR (b OR c)` → `[a, b, c]`). */
function flatten(op: 'AND' | 'OR', rex: Rex): Rex[] {
  return rex.kind === 'call' && rex.op === op ? rex.args.flatMap((a) => flatten(op, a)) : [rex];
}

/** Operators whose operands may be given in any order. */
const SYMMETRIC: ReadonlySet<string> = new Set([
  '=',
  '<>',
  'AND',
  'OR',
  '+',
  '*',
  'IS DISTINCT FROM',
  'IS NOT DISTINCT FROM',
]);

/** Each comparison's mirror: `a < b` is `b > a`. */
const MIRROR: Readonly<Record<string, string>> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/**
 * A text equal for two expressions that give the same value for every row by the identities
 * above (and for no two others): fields by their resolved names, literals with their types,
 * AND and OR flattened, a symmetric operator's operands sorted, a comparison turned so its
 * operands are in order.
 */
export function normalForm(rex: Rex): string {
  if (rex.kind === 'field') return JSON.stringify(['field', rex.name]);
  if (rex.kind === 'literal') return JSON.stringify(['literal', formatRex(rex), formatType(rex.type)]);
  const op = rex.udf === undefined ? rex.op : `udf:${rex.op}`;
  const args = (rex.op === 'AND' || rex.op === 'OR' ? flatten(rex.op, rex) : rex.args).map(normalForm);
  if (SYMMETRIC.has(rex.op)) return JSON.stringify([op, ...args.sort()]);
  const mirror = MIRROR[rex.op];
  // Equal operands (`x > x` is `x < x`) turn to `<` or `<=` as well.
  if (
    mirror !== undefined &&
    args.length === 2 &&
    (args[0]! > args[1]! || (args[0] === args[1] && mirror < rex.op))
  )
    return JSON.stringify([mirror, args[1], args[0]]);
  // A cast's result depends on its target as well as its operand.
  return JSON.stringify([op, ...args, ...(rex.op === 'CAST' ? [formatType(rex.type)] : [])]);
}
