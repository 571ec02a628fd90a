/**
 * `CURRENT_WATERMARK(rowtime)`, as Flink's: the watermark of the operator evaluating it, typed
 * as its rowtime argument (TIMESTAMP(3) or TIMESTAMP_LTZ(3), without the time attribute marker)
 * and NULL before the first watermark. The usual use drops late rows:
 * `WHERE ts > CURRENT_WATERMARK(ts) OR CURRENT_WATERMARK(ts) IS NULL`.
 *
 * The compiled code reads the watermark from the function's second parameter, which only a Calc
 * that calls CURRENT_WATERMARK passes (`functions/watermark-calc.ts`): other Calcs keep their
 * one-argument path and pay nothing. A table function's arguments (UNNEST(…), LATERAL TABLE) that
 * call it are computed by a Calc below the correlate; a join condition that calls it is refused
 * (the join operator's watermark is not the Calc's). The call is not deterministic, so rewrites
 * never move it to another operator.
 */
import type { SourcePos } from '../parser/ast.js';
import { formatType, withNullability, withoutTimeAttribute } from '../catalog/types.js';
import { unsupported, validationError } from '../errors.js';
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

/** Where the first CURRENT_WATERMARK call among the expressions is, or undefined for none. */
function firstCall(rexes: readonly (Rex | undefined)[]): { pos: SourcePos | undefined } | undefined {
  for (const rex of rexes) {
    if (rex === undefined || rex.kind !== 'call') continue;
    if (rex.op === 'CURRENT_WATERMARK') return { pos: rex.pos };
    const inner = firstCall(rex.args);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/**
 * Throws the one-line refusal for CURRENT_WATERMARK where no Calc evaluates it: a join's
 * condition runs in the join operator, whose watermark is the lesser of its inputs' and is not
 * passed to the compiled condition (Weir would read NULL there), so it is refused where written.
 */
export function refuseCurrentWatermarkInJoin(condition: Rex): void {
  const found = firstCall([condition]);
  if (found === undefined) return;
  throw unsupported(
    found.pos,
    'CURRENT_WATERMARK in a join condition',
    "select it on one side in a subquery (CURRENT_WATERMARK(ts) AS wm, that input's watermark) and compare that column",
  );
}

/** Whether any of the expressions calls CURRENT_WATERMARK. */
export function callsCurrentWatermark(rexes: readonly (Rex | undefined)[]): boolean {
  const visit = (rex: Rex | undefined): boolean =>
    rex !== undefined && rex.kind === 'call' && (rex.op === 'CURRENT_WATERMARK' || rex.args.some(visit));
  return rexes.some(visit);
}
