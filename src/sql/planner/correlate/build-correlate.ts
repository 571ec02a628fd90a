/**
 * Plans `left, LATERAL TABLE(f(…)) AS t(cols)` (and `[LEFT] JOIN LATERAL TABLE(…) ON TRUE`):
 * the user-defined table function is resolved in the catalog, its arguments typed against the
 * left side, and its output columns named by the alias list. An inner join's condition other
 * than TRUE becomes a filter above the correlate; a LEFT join takes only `ON TRUE`, as in Flink.
 */
import type { Expr, LateralTableRef } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { checkArguments, type TableUdf } from '../../functions/definitions.js';
import { callsCurrentWatermark } from '../../expressions/current-watermark.js';
import { field, type Rex } from '../../expressions/rex.js';
import { typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { filter, type PlanColumn, project } from '../logical.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';
import { correlate } from './correlate-nodes.js';
import { unnestFunction } from './unnest.js';

/** The relation of a table function joined to the rows on its left. */
export function buildCorrelate(
  left: Relation,
  right: LateralTableRef,
  joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'comma',
  on: Expr | undefined,
  builder: PlanBuilder,
): Relation {
  if (joinType === 'RIGHT' || joinType === 'FULL')
    throw unsupported(
      right.pos,
      `${joinType} JOIN LATERAL TABLE`,
      'use JOIN or LEFT JOIN LATERAL TABLE(…) ON TRUE',
    );
  const call = right.call;
  const leftScope = new ColumnScope(left.scope);
  if (right.unnest !== undefined) {
    const args = call.args.map((a) => typeExpression(a, leftScope));
    const fn = unnestFunction(
      args.map((a) => a.type),
      right.unnest.ordinality,
      call.args.map((a) => a.pos),
    );
    return joinFunction(left, right, joinType, on, fn, args, 'UNNEST');
  }
  const functions = builder.catalog.functions;
  const fn = functions.table(call.name);
  if (fn === undefined) {
    const kind = functions.kindOf(call.name);
    if (kind !== undefined)
      throw validationError(
        call.pos,
        `${call.name} is ${kind === 'aggregate' ? 'an aggregate' : 'a scalar'} function; LATERAL TABLE needs a table function`,
      );
    const tables = functions.names().filter((n) => functions.table(n) !== undefined);
    throw validationError(
      call.pos,
      `unknown table function ${call.name}; ${tables.length === 0 ? 'no table functions are registered' : `registered table functions: ${tables.join(', ')}`}`,
    );
  }
  if (call.distinct || call.filter !== undefined)
    throw validationError(call.pos, `DISTINCT and FILTER apply only to aggregate functions, not ${fn.name}`);
  const args = call.args.map((a) => typeExpression(a, leftScope));
  checkArguments(
    fn,
    args.map((a) => a.type),
    call.pos,
    call.args.map((a) => a.pos),
  );
  return joinFunction(left, right, joinType, on, fn, args, 'LATERAL TABLE');
}

/** The correlate of a resolved table function with typed arguments, its columns named by the aliases. */
function joinFunction(
  left: Relation,
  right: LateralTableRef,
  joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'comma',
  on: Expr | undefined,
  fn: TableUdf,
  args: readonly Rex[],
  what: string,
): Relation {
  const call = right.call;
  const aliases = right.columnAliases;
  if (aliases.length > 0 && aliases.length !== fn.fields.length)
    throw validationError(
      right.pos,
      `${aliases.length} column aliases given for the ${fn.fields.length} columns of ${fn.name} (${fn.fields.map((f) => f.name).join(', ')})`,
    );
  // Rows are keyed by column name: outputs whose names the left side uses get a suffix.
  const used = new Set([...left.plan.columns.map((c) => c.name), ...args.map((_, i) => `$arg${i}$`)]);
  const outputs: PlanColumn[] = [];
  const scope: ScopeColumn[] = [];
  fn.fields.forEach((field, i) => {
    const name = aliases[i] ?? field.name;
    let internal = name;
    for (let n = 0; used.has(internal); n++) internal = `${name}${n}`;
    used.add(internal);
    outputs.push({ name: internal, type: field.type });
    scope.push({
      qualifier: right.alias ?? (right.unnest ? 'UNNEST' : fn.name),
      name,
      internal,
      type: field.type,
    });
  });

  const isTrue = on === undefined || (on.kind === 'literal' && on.value === true);
  if (joinType === 'LEFT' && !isTrue)
    throw unsupported(on!.pos, `LEFT JOIN ${what} with a condition other than ON TRUE`, 'filter in WHERE');
  // CURRENT_WATERMARK has a value only in a Calc: arguments calling it are computed by one below
  // the correlate (same watermark, as the two are chained), in columns the scope does not show.
  let input = left.plan;
  let invocationArgs = args;
  if (callsCurrentWatermark(args)) {
    const computed = args
      .map((a, i) => ({ name: `$arg${i}$`, rex: a }))
      .filter((p) => callsCurrentWatermark([p.rex]));
    input = project(left.plan, [
      ...left.plan.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) as Rex })),
      ...computed,
    ]);
    invocationArgs = args.map((a, i) => (callsCurrentWatermark([a]) ? field(`$arg${i}$`, a.type) : a));
  }
  const plan = correlate(
    input,
    { fn, args: invocationArgs, pos: call.pos },
    joinType === 'LEFT' ? 'LEFT' : 'INNER',
    outputs,
  );
  const relationScope = [...left.scope, ...scope];
  if (isTrue) return { plan, scope: relationScope };
  const condition = typeCondition(on!, new ColumnScope(relationScope), 'ON');
  return { plan: filter(plan, condition), scope: relationScope };
}
