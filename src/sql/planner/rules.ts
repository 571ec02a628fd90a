/**
 * Rewrite rules on the logical plan. Each rule has a name and, applied to one node, returns
 * the rewritten node or undefined when it does not apply; the optimizer applies all rules
 * bottom-up until none changes the plan. Projection push-down is not among them: it runs once
 * after this fixed point (`projection-push-down.ts`, called by the planner), since it only
 * narrows what these rules have settled.
 */
import { isDeterministic } from '../expressions/functions.js';
import { call, fieldsOf, type Rex, substitute } from '../expressions/rex.js';
import { Types, withNullability } from '../catalog/types.js';
import { filter, inputsOf, type LogicalNode, project, withInputs } from './logical.js';
import { IntervalJoinRule } from './join/interval-join-rule.js';
import { FilterIntoJoinRule } from './join/join-rules.js';
import { RANK_RULES } from './over/rank-rules.js';
import { TemporalJoinRule } from './join/temporal-join-rule.js';
import { WindowJoinRule } from './join/window-join-rule.js';
import { TimeKeepingWindowAggregateRule } from './window/window-time-column.js';
import { DEFAULT_BUCKET_NUM, splitDistinctAggregateRule } from './aggregate/split-distinct.js';
import type { TableConfig } from '../config.js';

/** One named rewrite. */
export interface RewriteRule {
  readonly name: string;
  apply(node: LogicalNode): LogicalNode | undefined;
}

/** A column or a ROW field of one (`bid.price`): as cheap to read twice as to pass on. */
const isFieldAccess = (rex: Rex): boolean =>
  rex.kind === 'field' || (rex.kind === 'call' && rex.op === 'FIELD' && isFieldAccess(rex.args[0]!));

/** Project(Project(x)) → Project(x), inlining the inner expressions. */
export const ProjectMergeRule: RewriteRule = {
  name: 'ProjectMergeRule',
  apply(node) {
    if (node.kind !== 'project' || node.input.kind !== 'project') return undefined;
    const inner = new Map(node.input.projections.map((p) => [p.name, p.rex]));
    // Inlining an expression used twice computes it twice: only merge when that stays cheap.
    const uses = new Map<string, number>();
    for (const p of node.projections) for (const f of fieldsOf(p.rex)) uses.set(f, (uses.get(f) ?? 0) + 1);
    for (const [name, count] of uses) {
      const rex = inner.get(name)!;
      if (count > 1 && rex.kind === 'call' && !isFieldAccess(rex)) return undefined;
      if (!isDeterministic(rex) && count > 1) return undefined;
    }
    return project(
      node.input.input,
      node.projections.map((p) => ({ name: p.name, rex: substitute(p.rex, (f) => inner.get(f.name)!) })),
    );
  },
};

/** Project that passes every input column through unchanged → its input. */
export const ProjectRemoveRule: RewriteRule = {
  name: 'ProjectRemoveRule',
  apply(node) {
    if (node.kind !== 'project') return undefined;
    const input = node.input.columns;
    const identity =
      node.projections.length === input.length &&
      node.projections.every(
        (p, i) => p.rex.kind === 'field' && p.rex.name === input[i]!.name && p.name === input[i]!.name,
      );
    return identity ? node.input : undefined;
  },
};

/** Filter(Filter(x)) → Filter(x) with both conditions ANDed. */
export const FilterMergeRule: RewriteRule = {
  name: 'FilterMergeRule',
  apply(node) {
    if (node.kind !== 'filter' || node.input.kind !== 'filter') return undefined;
    const a = node.input.condition;
    const b = node.condition;
    return filter(
      node.input.input,
      call('AND', [a, b], withNullability(Types.BOOLEAN, a.type.nullable || b.type.nullable)),
    );
  },
};

/**
 * Filter(Project(x)) → Project(Filter(x)): filter push-down, so rows are dropped before they
 * are projected. Not past non-deterministic expressions, and never below a watermark assigner
 * (that would change the watermarks).
 */
export const FilterProjectTransposeRule: RewriteRule = {
  name: 'FilterProjectTransposeRule',
  apply(node) {
    if (node.kind !== 'filter' || node.input.kind !== 'project') return undefined;
    const p = node.input;
    const exprs = new Map(p.projections.map((x) => [x.name, x.rex]));
    const used = [...fieldsOf(node.condition)].map((f) => exprs.get(f)!);
    if (!used.every(isDeterministic)) return undefined;
    const pushed = substitute(node.condition, (f) => exprs.get(f.name)!);
    return project(filter(p.input, pushed), p.projections);
  },
};

/** The rules the optimizer runs, in order. */
export const DEFAULT_RULES: readonly RewriteRule[] = [
  FilterMergeRule,
  FilterProjectTransposeRule,
  ProjectMergeRule,
  ProjectRemoveRule,
  TemporalJoinRule,
  WindowJoinRule,
  TimeKeepingWindowAggregateRule,
  FilterIntoJoinRule,
  IntervalJoinRule,
  ...RANK_RULES,
];

/**
 * The rules for a session: {@link DEFAULT_RULES}, then the split-distinct rewrite when
 * `table.optimizer.distinct-agg.split.enabled` is true. It comes last so that an aggregate
 * another rule turns into a window aggregate is never split.
 */
export function rulesFor(config?: TableConfig): readonly RewriteRule[] {
  if (config?.get<boolean>('table.optimizer.distinct-agg.split.enabled') !== true) return DEFAULT_RULES;
  const buckets = config.get<number>('table.optimizer.distinct-agg.split.bucket-num') ?? DEFAULT_BUCKET_NUM;
  return [...DEFAULT_RULES, splitDistinctAggregateRule(buckets)];
}

/** The rewritten plan and the names of the rules that fired, in order. */
export interface OptimizeResult {
  readonly plan: LogicalNode;
  readonly fired: readonly string[];
}

/** Applies the rules bottom-up until the plan stops changing (at most 100 passes). */
export function optimize(plan: LogicalNode, rules: readonly RewriteRule[] = DEFAULT_RULES): OptimizeResult {
  const fired: string[] = [];
  const rewrite = (node: LogicalNode): LogicalNode => {
    let current = withInputs(node, inputsOf(node).map(rewrite));
    for (let changed = true; changed; ) {
      changed = false;
      for (const rule of rules) {
        const next = rule.apply(current);
        if (next !== undefined) {
          fired.push(rule.name);
          current = withInputs(next, inputsOf(next).map(rewrite));
          changed = true;
        }
      }
    }
    return current;
  };
  let plan2 = plan;
  for (let pass = 0; pass < 100; pass++) {
    const before = fired.length;
    plan2 = rewrite(plan2);
    if (fired.length === before) break;
  }
  return { plan: plan2, fired };
}
