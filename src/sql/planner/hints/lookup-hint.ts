/**
 * LOOKUP: per lookup join, the async options Flink otherwise takes from the session
 * (`table.exec.async-lookup.*`) and a delayed retry of lookups that find no rows. `'table'`
 * names the lookup table as FROM does; `'async'` only suggests a mode, and a connector that
 * has one mode keeps it (Weir's jdbc lookup is always async, the bounded filesystem one never).
 *
 * Retry options have no defaults: enabling retry takes all four, `'retry-predicate' =
 * 'lookup_miss'` (retry a key that found no rows), `'retry-strategy' = 'fixed_delay'`,
 * `'fixed-delay'` and `'max-attempts'` (retries after the first lookup).
 */
import { parseDuration } from '../../config.js';
import { validationError } from '../../errors.js';
import type { SqlHint } from '../../parser/ast.js';

/** A delayed retry of lookups that found no rows. */
export interface LookupRetry {
  readonly delayMs: number;
  /** Retries after the first lookup: 1 means at most two lookups of a key. */
  readonly maxAttempts: number;
}

/** A LOOKUP hint, read and checked. */
export interface LookupHint {
  readonly table: string;
  readonly async?: boolean;
  readonly outputMode?: 'ordered' | 'allow_unordered';
  readonly capacity?: number;
  readonly timeoutMs?: number;
  readonly retry?: LookupRetry;
}

const KEYS = [
  'table',
  'async',
  'output-mode',
  'capacity',
  'timeout',
  'retry-predicate',
  'retry-strategy',
  'fixed-delay',
  'max-attempts',
];
const RETRY_KEYS = ['retry-predicate', 'retry-strategy', 'fixed-delay', 'max-attempts'];

/** The LOOKUP hint's options; throws naming the option and what it takes. */
export function lookupHintOf(hint: SqlHint): LookupHint {
  const options = new Map(hint.kvOptions.map((o) => [o.key, o]));
  const bad = (key: string, expected: string): never => {
    const option = options.get(key)!;
    throw validationError(
      option.pos,
      `invalid LOOKUP hint value '${option.value}' for '${key}'; expected ${expected}`,
    );
  };
  for (const option of hint.kvOptions)
    if (!KEYS.includes(option.key))
      throw validationError(
        option.pos,
        `unknown LOOKUP hint option '${option.key}'; the options are ${KEYS.join(', ')}`,
      );
  const table = options.get('table')?.value;
  if (table === undefined)
    throw validationError(
      hint.pos,
      "LOOKUP hint needs 'table', the lookup table's name: LOOKUP('table' = 'Customers')",
    );
  const text = (key: string) => options.get(key)?.value.trim();
  const result: {
    -readonly [K in keyof LookupHint]: LookupHint[K];
  } = { table };
  const async = text('async')?.toLowerCase();
  if (async !== undefined)
    result.async = async === 'true' ? true : async === 'false' ? false : bad('async', "'true' or 'false'");
  const mode = text('output-mode')?.toLowerCase();
  if (mode !== undefined)
    result.outputMode =
      mode === 'ordered' || mode === 'allow_unordered'
        ? mode
        : bad('output-mode', "'ordered' or 'allow_unordered'");
  const capacity = text('capacity');
  if (capacity !== undefined)
    result.capacity =
      /^\d+$/.test(capacity) && Number(capacity) >= 1
        ? Number(capacity)
        : bad('capacity', 'a whole number >= 1');
  const timeout = text('timeout');
  if (timeout !== undefined)
    result.timeoutMs = parseDuration(timeout) ?? bad('timeout', "a duration such as '180s' or '3 min'");
  const given = RETRY_KEYS.filter((k) => options.has(k));
  if (given.length > 0) {
    const missing = RETRY_KEYS.filter((k) => !options.has(k));
    if (missing.length > 0)
      throw validationError(
        options.get(given[0]!)!.pos,
        `LOOKUP hint retry needs all of ${RETRY_KEYS.map((k) => `'${k}'`).join(', ')}; missing ${missing.map((k) => `'${k}'`).join(', ')}`,
      );
    if (text('retry-predicate')!.toLowerCase() !== 'lookup_miss') bad('retry-predicate', "'lookup_miss'");
    if (text('retry-strategy')!.toLowerCase() !== 'fixed_delay') bad('retry-strategy', "'fixed_delay'");
    const delayMs = parseDuration(text('fixed-delay')!);
    if (delayMs === undefined || delayMs <= 0) bad('fixed-delay', "a duration above 0 such as '10s'");
    const attempts = text('max-attempts')!;
    if (!/^\d+$/.test(attempts) || Number(attempts) < 1) bad('max-attempts', 'a whole number >= 1');
    result.retry = Object.freeze({ delayMs: delayMs!, maxAttempts: Number(attempts) });
  }
  return Object.freeze(result);
}

/**
 * What EXPLAIN adds to an async lookup join for its hint: the async options it set, then the
 * retry as Flink prints it (`retry=[lookup_miss, FIXED_DELAY, 10000ms, 3]`); '' without a hint.
 */
export function explainLookupHint(hint: LookupHint | undefined): string {
  if (hint === undefined) return '';
  const options = [
    ...(hint.outputMode === undefined ? [] : [`output-mode=${hint.outputMode.toUpperCase()}`]),
    ...(hint.capacity === undefined ? [] : [`capacity=${hint.capacity}`]),
    ...(hint.timeoutMs === undefined ? [] : [`timeout=${hint.timeoutMs}ms`]),
  ];
  const retry = hint.retry;
  return (
    (options.length === 0 ? '' : `, asyncOptions=[${options.join(', ')}]`) +
    (retry === undefined
      ? ''
      : `, retry=[lookup_miss, FIXED_DELAY, ${retry.delayMs}ms, ${retry.maxAttempts}]`)
  );
}
