/**
 * Reading a join condition: its conjuncts, the equalities between a left and a right
 * expression (the keys both inputs are partitioned and stored by), and what remains to be
 * checked on each candidate pair. Shared by the regular and the interval join.
 */
import { isNumeric, isString, type SqlType, Types, withNullability } from '../../catalog/types.js';
import { call, fieldsOf, literal, type Rex } from '../../expressions/rex.js';
import type { PlanColumn } from '../logical.js';

/** TRUE, the condition of a cross join. */
export const TRUE_REX = literal(true, withNullability(Types.BOOLEAN, false));

/** The conjuncts of a condition (`a AND (b AND c)` → `[a, b, c]`); none for TRUE. */
export function conjunctsOf(rex: Rex): Rex[] {
  if (rex.kind === 'call' && rex.op === 'AND') return rex.args.flatMap(conjunctsOf);
  if (rex.kind === 'literal' && rex.value === true) return [];
  return [rex];
}

/**
 * The operands of a `<`, `<=`, `>` or `>=` conjunct as `[small, large]`, the way round in which
 * `small <= large` holds when it is true (`<` included, which `<=` bounds); undefined otherwise.
 */
export function orderedOperands(c: Rex): readonly [small: Rex, large: Rex] | undefined {
  if (c.kind !== 'call' || c.args.length !== 2) return undefined;
  const [a, b] = c.args as [Rex, Rex];
  if (c.op === '<=' || c.op === '<') return [a, b];
  if (c.op === '>=' || c.op === '>') return [b, a];
  return undefined;
}

/** The conjunction of conditions; TRUE for none. */
export function andOf(conjuncts: readonly Rex[]): Rex {
  if (conjuncts.length === 0) return TRUE_REX;
  return conjuncts.reduce((a, b) =>
    call('AND', [a, b], withNullability(Types.BOOLEAN, a.type.nullable || b.type.nullable)),
  );
}

/** A join condition split into key pairs and the rest. */
export interface JoinKeys {
  /** Expressions over the left row, one per key, paired with `rightKeys`. */
  readonly leftKeys: readonly Rex[];
  readonly rightKeys: readonly Rex[];
  /**
   * Per key, whether it came from `IS NOT DISTINCT FROM`: NULL is then a key value of its own,
   * which matches NULL, where a NULL of an `=` key matches nothing.
   */
  readonly nullSafe: readonly boolean[];
  /** The conjuncts that are not key equalities, ANDed; undefined when there are none. */
  readonly remaining?: Rex;
}

/** Whether two types hold values that compare equal as JavaScript values of the same kind. */
function keyCompatible(a: SqlType, b: SqlType): boolean {
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isString(a) && isString(b)) return a.root === b.root;
  return a.root === b.root && a.root !== 'ROW' && a.root !== 'ARRAY' && a.root !== 'MAP';
}

/** The side a set of column names belongs to, or undefined when it mixes both or is empty. */
function sideOf(names: Set<string>, left: Set<string>, right: Set<string>): 'left' | 'right' | undefined {
  if (names.size === 0) return undefined;
  const all = [...names];
  if (all.every((n) => left.has(n))) return 'left';
  if (all.every((n) => right.has(n))) return 'right';
  return undefined;
}

/**
 * Splits a join condition into equi-join keys and the remaining predicate. `l = r` and
 * `l IS NOT DISTINCT FROM r` between a left and a right expression are keys: rows are keyed by
 * the value, and for the latter a NULL is one more value, so rows whose keys are both NULL meet
 * under it (as Flink's join keys with filterNulls off) and a NULL-keyed row's state is one key's.
 */
export function joinKeys(
  condition: Rex,
  leftColumns: readonly PlanColumn[],
  rightColumns: readonly PlanColumn[],
): JoinKeys {
  const left = new Set(leftColumns.map((c) => c.name));
  const right = new Set(rightColumns.map((c) => c.name));
  const leftKeys: Rex[] = [];
  const rightKeys: Rex[] = [];
  const nullSafe: boolean[] = [];
  const remaining: Rex[] = [];
  for (const c of conjunctsOf(condition)) {
    if (
      c.kind === 'call' &&
      (c.op === '=' || c.op === 'IS NOT DISTINCT FROM') &&
      keyCompatible(c.args[0]!.type, c.args[1]!.type)
    ) {
      const a = sideOf(fieldsOf(c.args[0]!), left, right);
      const b = sideOf(fieldsOf(c.args[1]!), left, right);
      if ((a === 'left' && b === 'right') || (a === 'right' && b === 'left')) {
        leftKeys.push(c.args[a === 'left' ? 0 : 1]!);
        rightKeys.push(c.args[a === 'left' ? 1 : 0]!);
        nullSafe.push(c.op !== '=');
        continue;
      }
    }
    remaining.push(c);
  }
  return {
    leftKeys,
    rightKeys,
    nullSafe,
    remaining: remaining.length === 0 ? undefined : andOf(remaining),
  };
}

/** Which side's columns an expression reads: 'left', 'right', 'both' or 'none'. */
export function sidesOf(rex: Rex, leftColumns: readonly PlanColumn[]): 'left' | 'right' | 'both' | 'none' {
  const left = new Set(leftColumns.map((c) => c.name));
  const names = [...fieldsOf(rex)];
  if (names.length === 0) return 'none';
  const l = names.filter((n) => left.has(n)).length;
  if (l === names.length) return 'left';
  return l === 0 ? 'right' : 'both';
}
