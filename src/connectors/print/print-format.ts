/** How PrintSink renders a line, kept apart so that it can be tested without a stream. */
import { inspect } from 'node:util';

/**
 * Flink's print prefix: `prefix:n> ` at parallelism above 1 (`n` = subtask + 1), `prefix> ` at 1,
 * `n> ` without a prefix at parallelism above 1, and nothing otherwise.
 */
export function printPrefix(prefix: string | undefined, subtaskIndex: number, parallelism: number): string {
  let out = prefix ?? '';
  if (parallelism > 1) out += (out.length > 0 ? ':' : '') + String(subtaskIndex + 1);
  return out.length > 0 ? out + '> ' : '';
}

/** A string as is; objects as JSON; anything JSON cannot show (bigint inside, cycles) as `inspect` does. */
export function formatPrintValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
  }
}
