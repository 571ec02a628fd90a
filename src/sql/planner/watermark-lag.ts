/**
 * Recognises the common watermark expressions, `rowtime` and `rowtime - INTERVAL '…' <day-time
 * unit>`, whose value is the rowtime less a constant. Subtracting a constant is monotone, so the
 * largest value over the rows is the largest rowtime less the constant: the assigner can keep
 * the maximum of the rowtime and subtract once when it emits, instead of evaluating the
 * expression per row (see `runtime/watermark-assigner.ts`).
 */
import { isTimestamp } from '../catalog/types.js';
import type { Rex } from '../expressions/rex.js';

/**
 * The constant the watermark expression `rex` subtracts from the column `rowtime` (0 for the
 * column alone), or undefined for any other expression, which the assigner evaluates per row.
 * A year-month interval is not constant in milliseconds, so it is not recognised.
 */
export function rowtimeLag(rex: Rex, rowtime: string): number | undefined {
  if (rex.kind === 'field') return rex.name === rowtime ? 0 : undefined;
  if (rex.kind !== 'call' || rex.op !== '-' || rex.udf !== undefined || rex.args.length !== 2)
    return undefined;
  const [column, interval] = rex.args as [Rex, Rex];
  if (column.kind !== 'field' || column.name !== rowtime || !isTimestamp(column.type)) return undefined;
  if (interval.kind !== 'literal' || interval.type.root !== 'INTERVAL_DAY_TIME') return undefined;
  const value = interval.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
