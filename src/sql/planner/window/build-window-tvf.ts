/**
 * Plans `TABLE(TUMBLE|HOP|CUMULATE|SESSION(TABLE t, DESCRIPTOR(ts), …))` in FROM: matches the
 * arguments to the function's parameters (by position, or by name as `SIZE => …`), checks
 * them (the descriptor must name a time attribute, sizes must be positive intervals) and makes
 * a windowing table function node. Its columns are the input's, with the time column demoted to
 * a plain timestamp, followed by `window_start`, `window_end` and the new time attribute
 * `window_time` (rowtime, or proctime over a `PROCTIME()` column), as in Flink. TUMBLE, HOP and
 * CUMULATE take either kind of time attribute; SESSION takes event time only.
 */
import type { Expr, SourcePos, TvfArgValue, TvfRef } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import {
  formatType,
  type SqlType,
  Types,
  withNullability,
  withoutTimeAttribute,
} from '../../catalog/types.js';
import { compileExpression } from '../../expressions/compiler.js';
import { typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { droppedByRegularJoin, droppedByUnion } from '../join/join-time-attributes.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import { ColumnScope, type ScopeColumn, scopeOf } from '../scope.js';
import {
  WINDOW_END,
  WINDOW_START,
  WINDOW_TIME,
  type WindowSpec,
  windowTableFunction,
} from './window-nodes.js';

type Kind = WindowSpec['kind'];

/** Each function's parameters in positional order; optional ones last. */
const PARAMETERS: Readonly<
  Record<Kind, { readonly required: readonly string[]; readonly optional: readonly string[] }>
> = {
  TUMBLE: { required: ['DATA', 'TIMECOL', 'SIZE'], optional: ['OFFSET'] },
  HOP: { required: ['DATA', 'TIMECOL', 'SLIDE', 'SIZE'], optional: ['OFFSET'] },
  CUMULATE: { required: ['DATA', 'TIMECOL', 'STEP', 'SIZE'], optional: ['OFFSET'] },
  SESSION: { required: ['DATA', 'TIMECOL', 'GAP'], optional: [] },
};

const isKind = (name: string): name is Kind => Object.hasOwn(PARAMETERS, name);

/** The relation of a windowing table function call. */
export function buildWindowTvf(item: TvfRef, builder: PlanBuilder): Relation {
  if (!isKind(item.name))
    throw unsupported(
      item.pos,
      `the table function ${item.name}`,
      'the windowing table functions are TUMBLE, HOP, CUMULATE and SESSION',
    );
  const kind = item.name;
  const args = bindArguments(kind, item);
  const data = args.get('DATA')!;
  if (data.kind !== 'tableArg')
    throw validationError(
      data.pos,
      `${kind}'s DATA argument must be a table: ${kind}(TABLE t, DESCRIPTOR(ts), …)`,
    );
  if (data.partitionBy.length > 0 && kind !== 'SESSION')
    throw validationError(data.pos, `PARTITION BY applies to SESSION windows only; remove it from ${kind}`);
  const input = builder.named(data.name, data.pos);
  for (const key of data.partitionBy)
    if (!input.columns.some((c) => c.name === key))
      throw validationError(
        data.pos,
        `PARTITION BY ${key} names no column of ${data.name.join('.')}; its columns are ${input.columns.map((c) => c.name).join(', ')}`,
      );
  const timeColumn = timeAttribute(args.get('TIMECOL')!, input, data.name.join('.'), kind);
  for (const name of [WINDOW_START, WINDOW_END, WINDOW_TIME])
    if (input.columns.some((c) => c.name === name))
      throw validationError(
        data.pos,
        `${data.name.join('.')} already has a column named ${name}, which ${kind} adds; rename it in a view`,
      );

  const duration = (name: string) => positiveInterval(args.get(name)!, kind, name);
  // Spread into the aligned windows: the key is absent over event time, so plans print as before.
  const proctime = timeColumn.type.proctime ? ({ proctime: true } as const) : {};
  const offset = args.has('OFFSET') ? interval(args.get('OFFSET')!, kind, 'OFFSET') : 0;
  let window: WindowSpec;
  switch (kind) {
    case 'TUMBLE':
      window = { kind, timeColumn: timeColumn.name, size: duration('SIZE'), offset, ...proctime };
      break;
    case 'HOP':
      // Flink's window TVF takes any slide; its slicing window aggregate needs size to be a
      // multiple of slide, but Weir's sliding windows do not, so neither is refused here.
      window = {
        kind,
        timeColumn: timeColumn.name,
        slide: duration('SLIDE'),
        size: duration('SIZE'),
        offset,
        ...proctime,
      };
      break;
    case 'CUMULATE': {
      const step = duration('STEP');
      const size = duration('SIZE');
      if (size % step !== 0)
        throw validationError(
          (args.get('SIZE') as Expr).pos,
          `CUMULATE's SIZE (${size} ms) must be a whole multiple of its STEP (${step} ms)`,
        );
      window = { kind, timeColumn: timeColumn.name, step, size, offset, ...proctime };
      break;
    }
    case 'SESSION':
      window = {
        kind,
        timeColumn: timeColumn.name,
        gap: duration('GAP'),
        partitionKeys: [...data.partitionBy],
      };
      break;
  }

  const plan = windowTableFunction(
    input,
    Object.freeze({ ...window, pos: item.pos }),
    windowedColumns(input.columns, timeColumn),
  );
  return { plan, scope: aliased(scopeOf(plan.columns, item.alias), item.columnAliases, item.pos) };
}

/**
 * The columns of a windowing table function over `columns`: the time column demoted to a plain
 * timestamp, then `window_start` and `window_end` (TIMESTAMP(3), local times over an LTZ time,
 * as in Flink) and `window_time`, a time attribute of the time column's type and kind (rowtime
 * or proctime).
 */
export function windowedColumns(columns: readonly PlanColumn[], timeColumn: PlanColumn): PlanColumn[] {
  const time: SqlType = withNullability(
    Object.freeze({ root: timeColumn.type.root, nullable: false, precision: 3 }) as SqlType,
    false,
  );
  const bound = withNullability(Types.timestamp(3), false);
  return [
    ...columns.map((c) =>
      c.name === timeColumn.name ? { name: c.name, type: withoutTimeAttribute(c.type) } : c,
    ),
    { name: WINDOW_START, type: bound },
    { name: WINDOW_END, type: bound },
    {
      name: WINDOW_TIME,
      type: Object.freeze(
        timeColumn.type.proctime ? { ...time, proctime: true } : { ...time, rowtime: true },
      ),
    },
  ];
}

/** Matches positional and `NAME =>` arguments to the function's parameters. */
function bindArguments(kind: Kind, item: TvfRef): Map<string, TvfArgValue> {
  const { required, optional } = PARAMETERS[kind];
  const all = [...required, ...optional];
  const signature = `${kind}(${required.join(', ')}${optional.map((o) => `[, ${o}]`).join('')})`;
  const bound = new Map<string, TvfArgValue>();
  let named = false;
  item.args.forEach((arg, i) => {
    const pos = arg.value.pos;
    let name: string;
    if (arg.name !== undefined) {
      named = true;
      name = arg.name.toUpperCase();
      if (!all.includes(name))
        throw validationError(pos, `${kind} has no parameter ${arg.name}; its parameters are ${signature}`);
    } else {
      if (named)
        throw validationError(
          pos,
          `a positional argument cannot follow a named one in ${kind}; name it or move it first`,
        );
      if (i >= all.length)
        throw validationError(pos, `${kind} takes at most ${all.length} arguments: ${signature}`);
      name = all[i]!;
    }
    if (bound.has(name)) throw validationError(pos, `${kind}'s ${name} is given twice`);
    bound.set(name, arg.value);
  });
  for (const name of required)
    if (!bound.has(name))
      throw validationError(item.pos, `${kind} is missing its ${name} argument: ${signature}`);
  return bound;
}

/**
 * The column a `DESCRIPTOR(ts)` argument names, which must be a time attribute: event time for
 * any window, processing time for all but SESSION.
 */
function timeAttribute(arg: TvfArgValue, input: LogicalNode, table: string, kind: Kind): PlanColumn {
  const columns = input.columns;
  if (arg.kind !== 'descriptor' || arg.columns.length !== 1)
    throw validationError(
      arg.pos,
      `${kind}'s TIMECOL argument must be DESCRIPTOR(column) naming one time attribute`,
    );
  const name = arg.columns[0]!;
  const column = columns.find((c) => c.name === name);
  if (column === undefined)
    throw validationError(
      arg.pos,
      `DESCRIPTOR(${name}) names no column of ${table}; its columns are ${columns.map((c) => c.name).join(', ')}`,
    );
  if (column.type.proctime && kind === 'SESSION')
    throw unsupported(
      arg.pos,
      `processing-time SESSION windows (DESCRIPTOR(${name}) is a PROCTIME() column)`,
      'declare a WATERMARK and use event time, or use TUMBLE, HOP or CUMULATE on processing time',
    );
  if (!column.type.rowtime && !column.type.proctime && droppedByRegularJoin(input, name))
    throw validationError(
      arg.pos,
      `DESCRIPTOR(${name}) names no time attribute: ${table} is a regular join's output, whose rows leave in no time order and so have no time attributes; join with an interval join (a BETWEEN bound on both sides' time attributes) or a window join, or take the time attribute from a source table before the join`,
    );
  if (!column.type.rowtime && !column.type.proctime && droppedByUnion(input, name))
    throw validationError(
      arg.pos,
      `DESCRIPTOR(${name}) names no time attribute: ${table} is a UNION ALL whose inputs are not all the same kind of time attribute in this column; make ${name} a rowtime (or a PROCTIME()) column in every input of the union`,
    );
  if (!column.type.rowtime && !column.type.proctime)
    throw validationError(
      arg.pos,
      `DESCRIPTOR(${name}) must name a time attribute column of the input, but ${name} is ${formatType(column.type)}; declare WATERMARK FOR ${name} AS … on ${table}`,
    );
  return column;
}

/** A constant day-time interval argument, in milliseconds. */
export function interval(arg: TvfArgValue, kind: string, name: string): number {
  if (arg.kind === 'tableArg' || arg.kind === 'descriptor')
    throw validationError(arg.pos, `${kind}'s ${name} must be an interval such as INTERVAL '10' SECOND`);
  const rex = typeExpression(arg, new ColumnScope([]));
  if (rex.type.root !== 'INTERVAL_DAY_TIME')
    throw validationError(
      arg.pos,
      `${kind}'s ${name} must be a day-time interval such as INTERVAL '10' SECOND, not ${formatType(rex.type)}`,
    );
  const value = compileExpression(rex)({});
  if (typeof value !== 'number') throw validationError(arg.pos, `${kind}'s ${name} must not be NULL`);
  return value;
}

/** A constant positive day-time interval argument, in milliseconds. */
export function positiveInterval(arg: TvfArgValue, kind: string, name: string): number {
  const value = interval(arg, kind, name);
  if (value <= 0)
    throw validationError(arg.pos, `${kind}'s ${name} must be a positive interval, got ${value} ms`);
  return value;
}

function aliased(scope: ScopeColumn[], aliases: readonly string[], pos: SourcePos): ScopeColumn[] {
  if (aliases.length === 0) return scope;
  if (aliases.length !== scope.length)
    throw validationError(pos, `${aliases.length} column aliases given for ${scope.length} columns`);
  return scope.map((c, i) => ({ ...c, name: aliases[i]! }));
}
