/**
 * Flink's older group window syntax, `GROUP BY k, SESSION(ts, INTERVAL '10' SECOND)` with
 * `SESSION_START(ts, …)` / `SESSION_END` / `SESSION_ROWTIME` in the select list (and the same
 * for TUMBLE and HOP), as Nexmark q11 writes it. It means the same as grouping a windowing
 * table function by its bounds, so the query is rewritten into that form: the FROM relation
 * gets the window columns of a TVF over it, the group window call becomes `window_start,
 * window_end`, and the auxiliary functions become those columns. The GROUP BY builder then
 * plans it, and the WindowAggregateRule makes it a window aggregate. As in Flink, a SESSION
 * group window has sessions per group key.
 */
import type { Call, Expr, Select, SourcePos } from '../../parser/ast.js';
import { validationError } from '../../errors.js';
import { typeExpression } from '../../expressions/typer.js';
import type { Relation } from '../builder.js';
import { ColumnScope, scopeOf } from '../scope.js';
import { positiveInterval, windowedColumns } from './build-window-tvf.js';
import {
  WINDOW_END,
  WINDOW_START,
  WINDOW_TIME,
  type WindowSpec,
  windowTableFunction,
} from './window-nodes.js';
import { droppedByRegularJoin } from '../join/join-time-attributes.js';

const GROUP_WINDOWS = new Set(['TUMBLE', 'HOP', 'SESSION']);
const AUXILIARY: Readonly<Record<string, string>> = {
  START: WINDOW_START,
  END: WINDOW_END,
  ROWTIME: WINDOW_TIME,
};

const isGroupWindow = (e: Expr): e is Call =>
  e.kind === 'call' && GROUP_WINDOWS.has(e.name) && e.over === undefined;

/**
 * The select and its input rewritten onto a windowing table function when its GROUP BY holds
 * a group window (`TUMBLE(ts, size)`, `HOP(ts, slide, size)`, `SESSION(ts, gap)`); undefined
 * when it holds none.
 */
export function groupWindowSelect(
  s: Select,
  input: Relation,
): { select: Select; input: Relation } | undefined {
  const windows = s.groupBy.filter(isGroupWindow);
  if (windows.length === 0) return undefined;
  if (windows.length > 1)
    throw validationError(windows[1]!.pos, 'GROUP BY may hold one group window function');
  const call = windows[0]!;
  const kind = call.name as 'TUMBLE' | 'HOP' | 'SESSION';
  const arity = kind === 'HOP' ? 3 : 2;
  if (call.args.length !== arity)
    throw validationError(
      call.pos,
      `${kind} group window takes ${arity} arguments: ${kind}(time_attr, ${kind === 'HOP' ? 'slide, size' : kind === 'TUMBLE' ? 'size' : 'gap'})`,
    );
  const timeArg = call.args[0]!;
  const time = typeExpression(timeArg, new ColumnScope(input.scope));
  const timeColumn = time.kind === 'field' ? input.plan.columns.find((c) => c.name === time.name) : undefined;
  if (
    timeColumn !== undefined &&
    !timeColumn.type.rowtime &&
    droppedByRegularJoin(input.plan, timeColumn.name)
  )
    throw validationError(
      timeArg.pos,
      `${kind}(…) must group by a time attribute, but ${timeColumn.name} comes from a regular join's output, whose rows leave in no time order and so have no time attributes; join with an interval join (a BETWEEN bound on both sides' time attributes) or a window join, or take the time attribute from a source table before the join`,
    );
  if (timeColumn === undefined || !timeColumn.type.rowtime)
    throw validationError(
      timeArg.pos,
      `${kind}(…) must group by a time attribute column (one with a WATERMARK) as its first argument`,
    );
  const duration = (i: number, name: string) => positiveInterval(call.args[i]!, kind, name);
  let window: WindowSpec;
  if (kind === 'TUMBLE') window = { kind, timeColumn: timeColumn.name, size: duration(1, 'size'), offset: 0 };
  else if (kind === 'HOP')
    window = {
      kind,
      timeColumn: timeColumn.name,
      slide: duration(1, 'slide'),
      size: duration(2, 'size'),
      offset: 0,
    };
  else window = { kind, timeColumn: timeColumn.name, gap: duration(1, 'gap'), partitionKeys: [] };
  for (const name of [WINDOW_START, WINDOW_END, WINDOW_TIME])
    if (input.plan.columns.some((c) => c.name === name))
      throw validationError(
        call.pos,
        `the input already has a column named ${name}; rename it to use ${kind}(…) in GROUP BY`,
      );

  const plan = windowTableFunction(
    input.plan,
    Object.freeze({ ...window, pos: call.pos }),
    windowedColumns(input.plan.columns, timeColumn),
  );
  const added = scopeOf(plan.columns.slice(input.plan.columns.length));
  const scope = [
    ...input.scope.map((c) =>
      c.internal === timeColumn.name
        ? { ...c, type: plan.columns.find((p) => p.name === c.internal)!.type }
        : c,
    ),
    ...added,
  ];

  let rowtimeUsed = false;
  const column = (name: string, pos: SourcePos): Expr =>
    Object.freeze({ kind: 'column', pos, path: [name] }) as Expr;
  const replace = (e: unknown): unknown => {
    if (Array.isArray(e)) return e.map(replace);
    if (e === null || typeof e !== 'object') return e;
    const node = e as { kind?: string; name?: string; pos: SourcePos };
    if (node.kind === 'call' && typeof node.name === 'string') {
      const [prefix, suffix] = splitAuxiliary(node.name);
      if (prefix !== undefined) {
        if (prefix !== kind)
          throw validationError(node.pos, `${node.name} does not match the ${kind} group window in GROUP BY`);
        if (suffix === 'ROWTIME') rowtimeUsed = true;
        return column(AUXILIARY[suffix!]!, node.pos);
      }
    }
    return Object.freeze(Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replace(v)])));
  };
  const items = replace(s.items) as Select['items'];
  const having = s.having === undefined ? undefined : (replace(s.having) as Expr);
  const groupBy = s.groupBy.flatMap((e) =>
    e === call
      ? [
          column(WINDOW_START, call.pos),
          column(WINDOW_END, call.pos),
          ...(rowtimeUsed ? [column(WINDOW_TIME, call.pos)] : []),
        ]
      : [e],
  );
  return { select: Object.freeze({ ...s, items, having, groupBy }), input: { plan, scope } };
}

/** `SESSION_START` → [`SESSION`, `START`]; [undefined] for other names. */
function splitAuxiliary(name: string): [string | undefined, string | undefined] {
  const at = name.lastIndexOf('_');
  if (at < 0) return [undefined, undefined];
  const prefix = name.slice(0, at);
  const suffix = name.slice(at + 1);
  return GROUP_WINDOWS.has(prefix) && suffix in AUXILIARY ? [prefix, suffix] : [undefined, undefined];
}
