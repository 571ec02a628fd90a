/**
 * The hints Weir knows, as Flink registers them, and the form each takes. Flink refuses a hint
 * it has no strategy for and a hint of the wrong form (its hint table throws on both), so an
 * unknown name or a malformed hint is an error here too; a known hint where it has no effect
 * (a join hint in streaming mode, OPTIONS among query hints) is ignored, as Flink ignores it.
 */
import { validationError } from '../../errors.js';
import type { SqlHint } from '../../parser/ast.js';

/** Flink's join strategy hints: they only steer batch joins, so streaming plans ignore them. */
export const JOIN_HINTS: readonly string[] = ['BROADCAST', 'SHUFFLE_HASH', 'SHUFFLE_MERGE', 'NEST_LOOP'];

/** Every hint name Weir accepts. */
export const HINT_NAMES: readonly string[] = ['OPTIONS', 'LOOKUP', 'STATE_TTL', ...JOIN_HINTS];

/** Throws for a hint Flink does not know, or one whose options are not of its form. */
export function checkHintForm(hint: SqlHint): void {
  if (!HINT_NAMES.includes(hint.name))
    throw validationError(hint.pos, `unknown hint '${hint.name}'; the hints are ${HINT_NAMES.join(', ')}`);
  if (JOIN_HINTS.includes(hint.name)) {
    if (hint.listOptions.length === 0)
      throw validationError(
        hint.pos,
        `${hint.name} hint needs the tables it applies to, as in ${hint.name}(t1, t2)`,
      );
    return;
  }
  if (hint.kvOptions.length === 0)
    throw validationError(
      hint.pos,
      `${hint.name} hint needs 'key' = 'value' options, as in ${EXAMPLES[hint.name]}`,
    );
}

const EXAMPLES: Readonly<Record<string, string>> = {
  OPTIONS: "t /*+ OPTIONS('scan.startup.mode' = 'earliest-offset') */",
  LOOKUP: "LOOKUP('table' = 'Customers', 'async' = 'true')",
  STATE_TTL: "STATE_TTL('orders' = '1d')",
};
