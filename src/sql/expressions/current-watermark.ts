/**
 * `CURRENT_WATERMARK(rowtime)`, as Flink's: the watermark of the operator evaluating it, typed
 * as its rowtime argument (TIMESTAMP(3) or TIMESTAMP_LTZ(3), without the time attribute marker)
 * and NULL before the first watermark. The usual use drops late rows:
 * `WHERE ts > CURRENT_WATERMARK(ts) OR CURRENT_WATERMARK(ts) IS NULL`.
 *
 * The compiled code reads the watermark from the function's second parameter, which only a Calc
 * that calls CURRENT_WATERMARK passes (`functions/watermark-calc.ts`): other Calcs keep their
 * one-argument path and pay nothing. Elsewhere (a join condition, say) it reads NULL. The call
 * is not deterministic, so rewrites never move it to another operator.
 */
import type { SourcePos } from '../parser/ast.js';
import { formatType, withNullability, withoutTimeAttribute } from '../catalog/types.js';
import { validationError } from '../errors.js';
import { call, type Rex } from './rex.js';

/** The typed call of `CURRENT_WATERMARK(args)`; its one argument must be a rowtime attribute. */
export function currentWatermark(args: readonly Rex[], pos: SourcePos | undefined): Rex {
  if (args.length !== 1)
    throw validationError(
      pos,
      `CURRENT_WATERMARK takes 1 argument (a rowtime attribute), got ${args.length}`,
    );
  const arg = args[0]!;
  if (arg.type.rowtime !== true)
    throw validationError(
      pos,
      `CURRENT_WATERMARK needs a rowtime attribute (a column with a WATERMARK), not ${formatType(arg.type)}`,
    );
  return call('CURRENT_WATERMARK', [arg], withNullability(withoutTimeAttribute(arg.type), true), pos);
}

/** Whether any of the expressions calls CURRENT_WATERMARK. */
export function callsCurrentWatermark(rexes: readonly (Rex | undefined)[]): boolean {
  const visit = (rex: Rex | undefined): boolean =>
    rex !== undefined && rex.kind === 'call' && (rex.op === 'CURRENT_WATERMARK' || rex.args.some(visit));
  return rexes.some(visit);
}
