/**
 * STATE_TTL: a state time-to-live per input of a regular join or a group aggregate, overriding
 * `table.exec.state.ttl` for that operator only (`SELECT /*+ STATE_TTL('orders' = '1d') *\/`).
 */
import { parseDuration } from '../../config.js';
import { validationError } from '../../errors.js';
import type { SourcePos } from '../../parser/ast.js';

/** One input's TTL: milliseconds, and the text as written, which EXPLAIN shows. */
export interface TtlHint {
  readonly ms: number;
  readonly text: string;
}

/** A STATE_TTL option's duration; throws naming the table and the form expected. */
export function stateTtlOf(option: { key: string; value: string; pos: SourcePos }): TtlHint {
  const ms = parseDuration(option.value);
  if (ms === undefined)
    throw validationError(
      option.pos,
      `invalid STATE_TTL '${option.value}' for '${option.key}'; expected a duration such as '1d', '12h', '10 min' or '500 ms'`,
    );
  return Object.freeze({ ms, text: option.value });
}

/** The TTL a hint gives, in milliseconds, or the session's when there is none; 0 keeps state forever. */
export function effectiveTtlMs(hint: TtlHint | undefined, sessionMs: number | undefined): number | undefined {
  if (hint === undefined) return sessionMs;
  return hint.ms > 0 ? hint.ms : undefined;
}
