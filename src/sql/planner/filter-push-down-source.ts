/**
 * Filter push-down into sources (Flink's `SupportsFilterPushDown`): the conjuncts of a WHERE
 * that a table's connector says it can apply move from the Filter into the scan
 * (`LogicalScan.filters`, EXPLAIN `filter=[…]`), so rows that fail them are never built. The
 * nexmark views are the case in point: `… FROM datagen WHERE event_type = 2` reads bids only,
 * and without push-down the source builds a row (and the computed `dateTime` column a second
 * one) for every person and auction too.
 *
 * A Filter reaches its scan through the table's computed-column projection and its watermark
 * assigner; a conjunct moves only when every column it reads is passed through unchanged from
 * the scan. The watermark is then generated from the rows the source emits, as Flink's does
 * when both are pushed into a source: it can only lag, so no row becomes late that was not.
 *
 * A pushed `col = literal` also tells the projections between the filter and the scan the
 * column's value: CASE branches on it fold away (the nexmark `dateTime` CASE becomes
 * `bid.dateTime`), so projection push-down, which runs next, drops the columns only the dead
 * branches read.
 */
import { callsCurrentWatermark } from '../expressions/current-watermark.js';
import type { CatalogTable } from '../catalog/catalog.js';
import { call, field, fieldsOf, literal, type Rex, substitute } from '../expressions/rex.js';
import { filter, inputsOf, type LogicalNode, type LogicalScan, project, withInputs } from './logical.js';

/** The name the step has among the fired rules, Flink's. */
export const FILTER_PUSH_DOWN_SOURCE = 'PushFilterIntoTableSourceScanRule';

/** Whether the table's source applies this condition (over its physical columns) itself. */
export type ScanFilterable = (table: CatalogTable, condition: Rex) => boolean;

/** The plan with every pushable conjunct moved into its scan; the same object when none moved. */
export function pushDownSourceFilters(plan: LogicalNode, accepts: ScanFilterable): LogicalNode {
  const inputs = inputsOf(plan).map((input) => pushDownSourceFilters(input, accepts));
  const node = withInputs(plan, inputs);
  return node.kind === 'filter' ? (pushFilter(node.condition, node.input, accepts) ?? node) : node;
}

/** The conjuncts of an AND tree. */
function conjuncts(rex: Rex): Rex[] {
  return rex.kind === 'call' && rex.op === 'AND' ? rex.args.flatMap(conjuncts) : [rex];
}

type Step = Extract<LogicalNode, { kind: 'project' | 'watermarkAssigner' }>;

/**
 * The Filter over `input` with its pushable conjuncts in the scan below, or undefined when the
 * input is not a scan reached through projections and watermark assigners, or nothing moves.
 */
function pushFilter(condition: Rex, input: LogicalNode, accepts: ScanFilterable): LogicalNode | undefined {
  const steps: Step[] = [];
  let below = input;
  while (below.kind === 'project' || below.kind === 'watermarkAssigner') {
    steps.push(below);
    below = below.input;
  }
  if (below.kind !== 'scan' || below.table.dataStream !== undefined) return undefined;
  const scan: LogicalScan = below;
  const scanColumns = new Set(scan.columns.map((c) => c.name));
  const pushed: Rex[] = [];
  const kept: Rex[] = [];
  for (const conjunct of conjuncts(condition)) {
    // CURRENT_WATERMARK reads the watermark of the Calc: below the watermark assigner it has none.
    const atScan = callsCurrentWatermark([conjunct]) ? undefined : throughSteps(conjunct, steps);
    const ok =
      atScan !== undefined &&
      [...fieldsOf(atScan)].every((n) => scanColumns.has(n)) &&
      accepts(scan.table, atScan);
    if (ok) pushed.push(atScan!);
    else kept.push(conjunct);
  }
  if (pushed.length === 0) return undefined;
  const known = knownValues(pushed);
  let rebuilt: LogicalNode = Object.freeze({
    ...scan,
    filters: Object.freeze([...(scan.filters ?? []), ...pushed]),
  });
  for (const step of [...steps].reverse()) {
    if (step.kind === 'watermarkAssigner') {
      rebuilt = Object.freeze({ ...step, input: rebuilt });
      continue;
    }
    rebuilt = project(
      rebuilt,
      step.projections.map((p) => ({
        name: p.name,
        rex: p.rex.kind === 'call' ? fold(p.rex, known) : p.rex,
      })),
    );
  }
  if (kept.length === 0) return rebuilt;
  const pos = condition.kind === 'call' ? condition.pos : undefined;
  const rest = kept.length === 1 ? kept[0]! : call('AND', kept, condition.type, pos);
  return filter(rebuilt, rest);
}

/** The conjunct in terms of the scan's columns, or undefined when a column it reads is computed. */
function throughSteps(conjunct: Rex, steps: readonly Step[]): Rex | undefined {
  let rex: Rex | undefined = conjunct;
  for (const step of steps) {
    if (step.kind === 'watermarkAssigner') continue;
    const byName = new Map(step.projections.map((p) => [p.name, p.rex]));
    let computed = false;
    rex = substitute(rex, (f) => {
      const source = byName.get(f.name);
      if (source === undefined || source.kind !== 'field') {
        computed = true;
        return f;
      }
      return field(source.name, f.type);
    });
    if (computed) return undefined;
  }
  return rex;
}

/** Column values fixed by pushed `column = literal` conjuncts. */
function knownValues(pushed: readonly Rex[]): Map<string, unknown> {
  const known = new Map<string, unknown>();
  for (const c of pushed) {
    if (c.kind !== 'call' || c.op !== '=') continue;
    const [a, b] = c.args;
    if (a?.kind === 'field' && b?.kind === 'literal' && b.value !== null) known.set(a.name, b.value);
    else if (b?.kind === 'field' && a?.kind === 'literal' && a.value !== null) known.set(b.name, a.value);
  }
  return known;
}

/**
 * The expression with CASE branches decided by known column values folded away. Only the
 * conditions `column = literal` are decided; the result keeps the CASE's type, so the
 * projection's column types do not change.
 */
function fold(rex: Rex, known: ReadonlyMap<string, unknown>): Rex {
  if (rex.kind !== 'call' || known.size === 0) return rex;
  const args = rex.args.map((a) => fold(a, known));
  if (rex.op !== 'CASE' || args.length % 2 === 0) return call(rex.op, args, rex.type, rex.pos, rex.udf);
  const branches: Rex[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) {
    const decided = decide(args[i]!, known);
    if (decided === false) continue;
    if (decided === true && branches.length === 0) return withType(args[i + 1]!, rex);
    branches.push(args[i]!, args[i + 1]!);
  }
  if (branches.length === 0) return withType(args[args.length - 1]!, rex);
  return call('CASE', [...branches, args[args.length - 1]!], rex.type, rex.pos);
}

/** TRUE or FALSE when `cond` is `column = literal` of a known column; undefined otherwise. */
function decide(cond: Rex, known: ReadonlyMap<string, unknown>): boolean | undefined {
  if (cond.kind !== 'call' || cond.op !== '=') return undefined;
  const [a, b] = cond.args;
  const value = (r: Rex | undefined) =>
    r?.kind === 'literal'
      ? r.value
      : r?.kind === 'field' && known.has(r.name)
        ? known.get(r.name)
        : undefined;
  const left = value(a);
  const right = value(b);
  if (left === undefined || right === undefined || left === null || right === null) return undefined;
  if (typeof left !== typeof right || (typeof left !== 'number' && typeof left !== 'string'))
    return undefined;
  return left === right;
}

/** `rex` with the type of the expression it replaces. */
function withType(rex: Rex, of: Rex): Rex {
  if (rex.kind === 'field') return field(rex.name, of.type);
  if (rex.kind === 'literal') return literal(rex.value, of.type);
  return call(rex.op, rex.args, of.type, rex.pos, rex.udf);
}
