/**
 * Which explicit casts are allowed, as Flink's are planned here, and the CAST that makes two
 * values comparable, which an error about incomparable operands names as its fix.
 */
import {
  countsInterval,
  formatType,
  isByteString,
  isNumeric,
  isString,
  isTimestamp,
  type SqlType,
  sameKind,
  withNullability,
} from '../catalog/types.js';

/**
 * Whether `CAST(x AS to)` is allowed for an `x` of type `from` (Flink's explicit casts, as
 * planned here); an error that suggests a CAST asks this first.
 */
export function castable(from: SqlType, to: SqlType): boolean {
  // Collections cast element by element, as in Flink.
  if (from.root === 'ARRAY' && to.root === 'ARRAY') return castable(from.element!, to.element!);
  if (from.root === 'MAP' && to.root === 'MAP')
    return sameKind(from, to) && castable(from.key!, to.key!) && castable(from.value!, to.value!);
  // Rows field by field, by position.
  if (from.root === 'ROW' && to.root === 'ROW')
    return (
      from.fields!.length === to.fields!.length &&
      from.fields!.every((f, i) => castable(f.type, to.fields![i]!.type))
    );
  if (from.root === 'NULL' || from.root === to.root) return true;
  const scalar = (t: SqlType) => isNumeric(t) || isString(t) || t.root === 'BOOLEAN';
  if (isString(to)) return from.root !== 'RAW';
  if (isByteString(to)) return isString(from) || isByteString(from);
  if (scalar(from) && scalar(to)) return true;
  if (temporal(to)) return temporal(from) || isString(from) || (isNumeric(from) && to.root !== 'DATE');
  if (isNumeric(to) && temporal(from)) return true;
  return countsInterval(from, to) || countsInterval(to, from);
}

const temporal = (t: SqlType) => isTimestamp(t) || t.root === 'DATE' || t.root === 'TIME';

/**
 * The fix for two operands that do not compare: `write CAST(<right operand> AS INT) to compare
 * them as INT`, or, where no CAST does, that none does. Operands are named by side (a column's
 * name here may be one the planner made, r0 for a joined r). The operand cast is the one that
 * reads as meant where there is a choice: a string to the other's type (as Calcite coerces text
 * compared with a number or a date), a DATE to the timestamp it is compared with (its midnight),
 * a timestamp to the TIME it is compared with (its time of day), else the right operand to the
 * left's type, else the left to the right's.
 */
export function comparisonFix(left: SqlType, right: SqlType): string {
  const castRight = castable(right, left);
  const castLeft = castable(left, right);
  const prefer = (from: SqlType, to: SqlType) =>
    (isString(from) && !isString(to)) ||
    (from.root === 'DATE' && isTimestamp(to)) ||
    (isTimestamp(from) && to.root === 'TIME');
  if (castLeft && (prefer(left, right) || !castRight)) return castText('left', right);
  if (castRight) return castText('right', left);
  return 'no CAST makes them comparable: compare values of one type';
}

function castText(side: 'left' | 'right', to: SqlType): string {
  const type = formatType(withNullability(to, true));
  return `write CAST(<${side} operand> AS ${type}) to compare them as ${type}`;
}
