/**
 * Which operand of an AND or OR the compiled code evaluates first. Both connectives are
 * commutative in SQL's three-valued logic, and the compiled code skips the second operand once
 * the first decides the result, so putting the cheaper operand first saves the dearer one
 * whenever the cheaper decides (Nexmark q21: `REGEXP_EXTRACT(url, …) IS NOT NULL OR
 * lower(channel) IN (…)` runs the regular expression only for the rows whose channel is not in
 * the list). The operands swap only when neither can raise an error: an operand that may fail
 * is skipped or run exactly as written, so a query fails on the same rows either way.
 */
import { isCompositeType } from './array-map-functions.js';
import type { Rex } from './rex.js';

/**
 * Operators that give a value, never an error, for any arguments that themselves give one.
 * Comparisons of ARRAY, MAP or ROW values are left out (they call a comparison function);
 * casts and arithmetic are left out (overflow, bad input); so is anything not listed.
 */
const TOTAL_OPS: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  'NOT',
  'IS NULL',
  'IS NOT NULL',
  'IS TRUE',
  'IS FALSE',
  'IS NOT TRUE',
  'IS NOT FALSE',
  'IS UNKNOWN',
  'IS NOT UNKNOWN',
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  'IN',
  'CASE',
  'COALESCE',
  'FIELD',
  'LOWER',
  'UPPER',
  'CHAR_LENGTH',
  'CHARACTER_LENGTH',
]);

/** Regular-expression operators: each row runs a match, which costs what many plain operators do. */
const REGEX_OPS: ReadonlySet<string> = new Set(['REGEXP_EXTRACT', 'LIKE', 'ILIKE']);

/** What running a regular expression costs, in plain operators (an estimate, used for ordering only). */
const REGEX_COST = 20;

const isComposite = (rex: Rex): boolean => isCompositeType(rex.type);

/** A pattern the compiler turns into a RegExp once, which therefore cannot fail on a row. */
function isValidLiteralPattern(rex: Rex | undefined): boolean {
  if (rex === undefined || rex.kind !== 'literal' || typeof rex.value !== 'string') return false;
  try {
    new RegExp(rex.value);
    return true;
  } catch {
    return false;
  }
}

/** Whether evaluating `rex` on any row gives a value and never raises an error. */
export function cannotFail(rex: Rex): boolean {
  if (rex.kind !== 'call') return true;
  if (rex.udf !== undefined) return false;
  if (!rex.args.every(cannotFail)) return false;
  if (TOTAL_OPS.has(rex.op)) {
    const compares = rex.op === '=' || rex.op === '<>' || rex.op === '<' || rex.op === '<=';
    return !(
      (compares || rex.op === '>' || rex.op === '>=' || rex.op === 'IN') &&
      rex.args.some(isComposite)
    );
  }
  // A literal pattern is compiled once; a group past the pattern's groups gives NULL.
  if (rex.op === 'REGEXP_EXTRACT') return isValidLiteralPattern(rex.args[1]);
  // A literal LIKE pattern is compiled to a RegExp when the code is built.
  if (rex.op === 'LIKE' || rex.op === 'ILIKE') return rex.args.slice(1).every((a) => a.kind === 'literal');
  return false;
}

/** A rough cost of evaluating `rex` once, in plain operators. */
export function evaluationCost(rex: Rex): number {
  if (rex.kind === 'literal') return 0;
  if (rex.kind === 'field') return 1;
  let cost = REGEX_OPS.has(rex.op) ? REGEX_COST : 1;
  for (const a of rex.args) cost += evaluationCost(a);
  return cost;
}

/**
 * How much dearer the first operand must be for the second to go first. Between operands of
 * similar cost the written order stands: it may put the more selective test first, which no
 * estimate here knows, so only a regular expression's worth of difference overrides it.
 */
const SWAP_MARGIN = REGEX_COST / 2;

/**
 * The two operands of an AND or OR in the order to evaluate them: the second first when it is
 * much cheaper ({@link SWAP_MARGIN}) and neither can fail, otherwise as written.
 */
export function operandOrder(left: Rex, right: Rex): readonly [Rex, Rex] {
  if (evaluationCost(left) >= evaluationCost(right) + SWAP_MARGIN && cannotFail(left) && cannotFail(right))
    return [right, left];
  return [left, right];
}
