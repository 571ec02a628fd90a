/**
 * Nested projection push-down (the nested half of Flink's `SupportsProjectionPushDown`): a ROW
 * column that the query reads only through some of its fields (`bid.auction`, `bid.price`) is
 * narrowed at the scan to those fields: its type loses the others and EXPLAIN lists them,
 * `project=[bid.auction, bid.price]`. It runs after projection push-down, on the chain of
 * projections, filters and watermark assigners right above each scan; a ROW column that leaves
 * that chain (a join or a sink could read it whole), or is read whole inside it, keeps all
 * its fields.
 */
import type { SqlType } from '../catalog/types.js';
import type { Rex } from '../expressions/rex.js';
import { inputsOf, type LogicalNode, type LogicalScan, withInputs } from './logical.js';
import type { ScanProjectable } from './projection-push-down.js';

/** The plan with partly read ROW columns narrowed at their scans; the same object when none is. */
export function pushDownNestedProjections(plan: LogicalNode, canProject: ScanProjectable): LogicalNode {
  const inputs = inputsOf(plan).map((input) => pushDownNestedProjections(input, canProject));
  // Each node is tried as the top of a chain; a chain whose top still passes a ROW column on
  // is left alone, and is narrowed from the node above it instead.
  return narrowChain(withInputs(plan, inputs), canProject);
}

type Step = Extract<LogicalNode, { kind: 'project' | 'filter' | 'watermarkAssigner' }>;

/** The chain from `top` down to its scan, narrowed; `top` itself when nothing narrows. */
function narrowChain(top: LogicalNode, canProject: ScanProjectable): LogicalNode {
  const steps: Step[] = [];
  let below = top;
  while (below.kind === 'project' || below.kind === 'filter' || below.kind === 'watermarkAssigner') {
    steps.push(below);
    below = below.input;
  }
  if (below.kind !== 'scan' || steps.length === 0 || !canProject(below.table)) return top;
  const scan: LogicalScan = below;
  const nested: Record<string, readonly string[]> = {};
  const columns = scan.columns.map((column) => {
    if (column.type.root !== 'ROW' || scan.nestedProjection?.[column.name] !== undefined) return column;
    const read = fieldsRead(column.name, steps);
    const fields = column.type.fields ?? [];
    if (read === undefined || read.size === 0 || read.size >= fields.length) return column;
    const kept = fields.filter((f) => read.has(f.name));
    nested[column.name] = Object.freeze(kept.map((f) => f.name));
    const type: SqlType = Object.freeze({ ...column.type, fields: Object.freeze(kept) });
    return Object.freeze({ name: column.name, type });
  });
  if (Object.keys(nested).length === 0) return top;
  let rebuilt: LogicalNode = Object.freeze({
    ...scan,
    columns: Object.freeze(columns),
    nestedProjection: Object.freeze({ ...scan.nestedProjection, ...nested }),
  });
  for (const step of [...steps].reverse()) rebuilt = Object.freeze({ ...step, input: rebuilt });
  return rebuilt;
}

/**
 * The fields of ROW column `column` the chain reads (bottom step last in `steps`), or undefined
 * when something reads it whole or it leaves the chain.
 */
function fieldsRead(column: string, steps: readonly Step[]): Set<string> | undefined {
  let live = new Set([column]);
  const read = new Set<string>();
  for (const step of [...steps].reverse()) {
    const exprs: Rex[] =
      step.kind === 'project'
        ? step.projections.map((p) => p.rex)
        : step.kind === 'filter'
          ? [step.condition]
          : [step.rex];
    if (step.kind === 'watermarkAssigner' && live.has(step.rowtime)) return undefined;
    const passed = new Set<string>();
    if (step.kind === 'project') {
      for (const p of step.projections)
        if (p.rex.kind === 'field' && live.has(p.rex.name)) passed.add(p.name);
    }
    for (const rex of exprs) {
      // A projection that only passes the column on is followed up the chain instead.
      if (step.kind === 'project' && rex.kind === 'field') continue;
      if (!collect(rex, live, read)) return undefined;
    }
    if (step.kind === 'project') live = passed;
  }
  const top = steps[0]!;
  return top.columns.some((c) => live.has(c.name)) ? undefined : read;
}

/** Adds the fields `rex` reads of the live names; false when it reads one of them whole. */
function collect(rex: Rex, live: ReadonlySet<string>, read: Set<string>): boolean {
  if (rex.kind === 'field') return !live.has(rex.name);
  if (rex.kind === 'literal') return true;
  const [target, name] = rex.args;
  if (rex.op === 'FIELD' && target?.kind === 'field' && live.has(target.name) && name?.kind === 'literal') {
    read.add(name.value as string);
    return true;
  }
  return rex.args.every((a) => collect(a, live, read));
}
