/**
 * Regular joins: physical planning, DataStream translation and EXPLAIN lines. Both inputs are
 * keyed by the equi-join keys and joined by {@link RegularJoinFunction}; a join without equi
 * keys (a cross join, or a non-equi condition) keys every row by one constant, so it runs on a
 * single subtask and keeps both inputs whole: it is planned, but it is the costly shape.
 */
import type { DataStream } from '../../../api/data-stream.js';
import { compileExpression, type Row, type RowFunction } from '../../expressions/compiler.js';
import { formatRex, type Rex } from '../../expressions/rex.js';
import { withoutTimeAttribute } from '../../catalog/types.js';
import { idleStateRetentionMs, type TableConfig } from '../../config.js';
import { unsupported } from '../../errors.js';
import { type ChangelogMode, type ChangelogRow, isUpsert } from '../changelog.js';
import type { PhysicalCalc, PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import { joinKeys } from './join-conditions.js';
import { ExpiringJoinOperator } from './expiring-join-operator.js';
import { probeBounds } from './expiring-probe-bound.js';
import { mayAppendOnly, RegularJoinFunction } from './join-function.js';
import { type JoinOutputColumn, pairCondition } from './join-rows.js';
import type { JoinType, LogicalJoin, PhysicalJoin } from './join-nodes.js';
import { compoundKey } from '../../runtime/compact-keys.js';
import type { JoinViewLayout } from './join-state-views.js';
import { type RightInput, readFromRightRows, rightInputAsRead } from './right-row-names.js';
import { type JoinInputSpec, joinInputSpec } from './unique-keys.js';
import { formatStateCleanup, stateCleanups, watermarkCompleteColumns } from './watermark-complete.js';
import { explainJoinTtl } from '../hints/operator-hints.js';
import type { MiniBatchSpec } from '../aggregate/aggregate-nodes.js';
import { aggregatePlanOptions } from '../aggregate/aggregate-planning.js';
import { columnsKey } from '../../runtime/compact-keys.js';
import { MiniBatchJoinOperator } from './mini-batch-join-operator.js';

/**
 * The changelog mode of a join's output: insert-only only when both inputs are and no result
 * is ever withdrawn (inner and semi joins); outer and anti joins retract what they emitted.
 */
export function joinOutputMode(joinType: JoinType, left: ChangelogMode, right: ChangelogMode): ChangelogMode {
  if (left === 'insert-only' && right === 'insert-only' && (joinType === 'inner' || joinType === 'semi'))
    return 'insert-only';
  return 'retract';
}

/** Refuses an upsert input: the join needs every update's old row to retract its results. */
export function checkJoinInput(input: PhysicalNode, construct: string): void {
  if (isUpsert(input.changelogMode))
    throw unsupported(
      undefined,
      `${construct} over an upsert stream (no -U rows)`,
      'join the retracting changelog (e.g. a GROUP BY result) instead of an upsert source',
    );
}

/** The names of the key columns among a side's key expressions (computed keys are left out). */
function keyColumns(keys: readonly Rex[]): string[] {
  return keys.flatMap((k) => (k.kind === 'field' ? [k.name] : []));
}

/** The physical plan of a JOIN node. */
export function toPhysicalJoin(
  node: LogicalJoin,
  recurse: PhysicalPlanner,
  config?: TableConfig,
): PhysicalNode {
  if (node.temporal !== undefined)
    throw unsupported(
      undefined,
      'FOR SYSTEM_TIME AS OF on this join',
      'the right side must be a versioned table (PRIMARY KEY and WATERMARK) joined on its key',
    );
  const left = recurse(node.left);
  const right = recurse(node.right);
  checkJoinInput(left, 'a JOIN');
  checkJoinInput(right, 'a JOIN');
  const keys = joinKeys(node.condition, node.left.columns, node.right.columns);
  const stateTtlMs = idleStateRetentionMs(config);
  // Only an inner join of insert-only inputs drops rows by the watermark: see watermark-complete.ts.
  const cleanups =
    node.joinType === 'inner' && left.changelogMode === 'insert-only' && right.changelogMode === 'insert-only'
      ? stateCleanups(
          node.condition,
          node.left.columns,
          node.right.columns,
          watermarkCompleteColumns(node.left),
          watermarkCompleteColumns(node.right),
        )
      : {};
  const miniBatch = miniBatchOf(node.joinType, cleanups, config);
  return Object.freeze({
    kind: 'join',
    left: miniBatch === undefined ? left : miniBatchAssigner(left, miniBatch),
    right: miniBatch === undefined ? right : miniBatchAssigner(right, miniBatch),
    ...(miniBatch === undefined ? {} : { miniBatch }),
    joinType: node.joinType,
    condition: node.condition,
    leftInputSpec: joinInputSpec(node.left, keyColumns(keys.leftKeys)),
    rightInputSpec: joinInputSpec(node.right, keyColumns(keys.rightKeys)),
    ...(stateTtlMs === undefined ? {} : { stateTtlMs }),
    ...(node.hints === undefined ? {} : { hints: node.hints }),
    ...(cleanups.left === undefined ? {} : { leftCleanup: cleanups.left }),
    ...(cleanups.right === undefined ? {} : { rightCleanup: cleanups.right }),
    // A regular join's output is in no event-time order: its time attributes are plain TIMESTAMPs.
    columns: node.columns.map((c) => ({ name: c.name, type: withoutTimeAttribute(c.type) })),
    changelogMode: joinOutputMode(node.joinType, left.changelogMode, right.changelogMode),
  });
}

/**
 * The bundles a join runs in with `table.exec.mini-batch.enabled`, as Flink's mini-batch join:
 * inner and outer joins only (Flink keeps semi and anti joins row by row), and not a join with a
 * side cleaned by the watermark, whose operator holds that side in memory itself
 * (`expiring-join-operator.ts`).
 */
function miniBatchOf(
  joinType: JoinType,
  cleanups: { left?: unknown; right?: unknown },
  config: TableConfig | undefined,
): MiniBatchSpec | undefined {
  if (joinType === 'semi' || joinType === 'anti') return undefined;
  if (cleanups.left !== undefined || cleanups.right !== undefined) return undefined;
  return aggregatePlanOptions(config).miniBatch;
}

/** Flink's MiniBatchAssigner over a join input: where the input's rows start bundles. */
function miniBatchAssigner(input: PhysicalNode, miniBatch: MiniBatchSpec): PhysicalNode {
  return Object.freeze({
    kind: 'miniBatchAssigner',
    input,
    intervalMs: miniBatch.latencyMs,
    columns: input.columns,
    changelogMode: input.changelogMode,
  });
}

/** A join input under its MiniBatchAssigner, which runs as nothing. */
function belowAssigner(input: PhysicalNode): PhysicalNode {
  return input.kind === 'miniBatchAssigner' ? input.input : input;
}

const NO_UNIQUE_KEY: JoinInputSpec = { kind: 'NoUniqueKey' };

/**
 * How a side stores its rows: by the unique key it has, else as a value of rows per key (a list
 * with TTL) when it may, else a multiset. A side cleaned by the watermark (insert-only and inner) keeps its rows with its
 * cleanup timer in one value, or as a list when rows expire by TTL too (each on its own).
 */
function layoutOf(
  spec: JoinInputSpec = NO_UNIQUE_KEY,
  joinType: JoinType,
  isLeft: boolean,
  input: PhysicalNode,
  cleaned: boolean,
  ttl: boolean,
): JoinViewLayout {
  if (cleaned) return ttl ? { kind: 'appendOnly' } : { kind: 'expiring' };
  if (spec.kind === 'JoinKeyContainsUniqueKey') return { kind: 'joinKeyUnique' };
  const changelog = input.changelogMode !== 'insert-only';
  // A value of rows per key reads without a copy; with TTL, a list expires each row on its own.
  if (mayAppendOnly(joinType, isLeft, changelog)) return ttl ? { kind: 'appendOnly' } : { kind: 'rows' };
  if (spec.kind === 'HasUniqueKey') return { kind: 'uniqueKey', columns: spec.uniqueKey };
  return { kind: 'multiset', columns: input.columns.map((c) => c.name) };
}

/**
 * A key selector over rows (or envelopes): one value, one string for several keys (computed once
 * per row, where an array would be hashed field by field), 0 for none.
 */
function keySelector(keys: readonly Rex[], changelog: boolean): (element: Row) => unknown {
  const fns = keys.map((k) => compileExpression(k));
  const rowOf = changelog ? (e: Row) => (e as unknown as ChangelogRow).row : (e: Row) => e;
  if (fns.length === 0) return () => 0;
  if (fns.length === 1) {
    const f = fns[0]!;
    return (e) => f(rowOf(e)) ?? null;
  }
  return (e) => {
    const row = rowOf(e);
    return compoundKey(fns.map((f) => f(row) ?? null));
  };
}

/** Whether a row has a NULL in an `=` key, which matches nothing (an IS NOT DISTINCT FROM key's NULL matches NULL). */
function nullKeyTest(keys: readonly Rex[], nullSafe: readonly boolean[]): (row: Row) => boolean {
  const fns = keys.filter((k, i) => k.type.nullable && !nullSafe[i]).map((k) => compileExpression(k));
  if (fns.length === 0) return () => false;
  return (row) => {
    for (const f of fns) if (f(row) == null) return true;
    return false;
  };
}

/** The DataStream operators of a physical JOIN node. */
export function translateJoin(
  node: PhysicalJoin,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
  output?: readonly JoinOutputColumn[],
): DataStream<Row> {
  const [leftKey, rightKey] = joinKeySelectors(node);
  const keyed = recurse(node.left)
    .connect(recurse(joinRightInput(node).node))
    .keyBy(leftKey, rightKey);
  const fn = regularJoinFunction(node, output);
  const miniBatch = node.miniBatch;
  // A side cleaned by the watermark holds its rows in memory first, which its operator allows.
  const joined =
    miniBatch !== undefined
      ? keyed.transform('KeyedCoProcess', () => miniBatchJoinOperator(node, fn, miniBatch))
      : sideLayouts(node).some((layout) => layout.kind === 'expiring')
        ? keyed.transform('KeyedCoProcess', () => new ExpiringJoinOperator(fn))
        : keyed.process(fn);
  return joined.name(`Join(${JOIN_TYPE_NAMES[node.joinType]})`);
}

/**
 * The mini-batch operator of a join: a changelog side's rows compare by all their columns (as
 * its rows carry them) to fold a retraction into its accumulation; the non-outer side of a left
 * or right join goes first, as in Flink.
 */
function miniBatchJoinOperator(
  node: PhysicalJoin,
  fn: RegularJoinFunction,
  miniBatch: MiniBatchSpec,
): MiniBatchJoinOperator {
  const rowKey = (input: PhysicalNode) =>
    input.changelogMode === 'insert-only' ? undefined : columnsKey(input.columns.map((c) => c.name));
  return new MiniBatchJoinOperator(
    fn,
    miniBatch,
    rowKey(node.left),
    rowKey(joinRightInput(node).node),
    node.joinType === 'right',
  );
}

/**
 * The key selectors of a join's two inputs, by their equi-join keys: what the join's keyBy
 * hashes, and so what decides a joined row's subtask (a consumer keyed by the same values may
 * run in the join's operator, see `over/rank-over-join.ts`).
 */
export function joinKeySelectors(node: PhysicalJoin): [(element: Row) => unknown, (element: Row) => unknown] {
  const keys = joinKeys(node.condition, node.left.columns, node.right.columns);
  const { rowNames } = joinRightInput(node);
  return [
    keySelector(keys.leftKeys, node.left.changelogMode !== 'insert-only'),
    keySelector(readFromRightRows(keys.rightKeys, rowNames), node.right.changelogMode !== 'insert-only'),
  ];
}

const SAME_NAMES: RightInput['rowNames'] = new Map();

/**
 * The right input a join runs and the names its rows carry (see `right-row-names.ts`), for a
 * join that reads its right rows only by name: not a semi or anti join, and not a right side
 * stored in a map keyed by its columns' values (a multiset or a unique key), which keeps the
 * right rows' names as the join's.
 */
export function joinRightInput(node: PhysicalJoin): RightInput {
  if (node.joinType === 'semi' || node.joinType === 'anti') return { node: node.right, rowNames: SAME_NAMES };
  const kind = sideLayouts(node)[1].kind;
  if (kind === 'uniqueKey' || kind === 'multiset') return { node: node.right, rowNames: SAME_NAMES };
  return rightInputAsRead(belowAssigner(node.right));
}

/** How the left and the right side store their rows. */
function sideLayouts(node: PhysicalJoin): [JoinViewLayout, JoinViewLayout] {
  // Either side's TTL makes both sides store rows in a layout that can expire: a join never
  // mixes a list-cleaned side with an expiring-value one (see RegularJoinFunction.open).
  const ttls = [node.hints?.leftTtl?.ms ?? node.stateTtlMs, node.hints?.rightTtl?.ms ?? node.stateTtlMs];
  const ttl = ttls.some((t) => t !== undefined && t > 0);
  return [
    layoutOf(node.leftInputSpec, node.joinType, true, node.left, node.leftCleanup !== undefined, ttl),
    layoutOf(node.rightInputSpec, node.joinType, false, node.right, node.rightCleanup !== undefined, ttl),
  ];
}

/** The keyed function of a physical JOIN node; `output` picks and names its columns. */
export function regularJoinFunction(
  node: PhysicalJoin,
  output?: readonly JoinOutputColumn[],
): RegularJoinFunction {
  const keys = joinKeys(node.condition, node.left.columns, node.right.columns);
  const leftChangelog = node.left.changelogMode !== 'insert-only';
  const rightChangelog = node.right.changelogMode !== 'insert-only';
  const remaining: RowFunction | undefined =
    keys.remaining === undefined ? undefined : compileExpression(keys.remaining);
  const [leftLayout, rightLayout] = sideLayouts(node);
  const { rowNames } = joinRightInput(node);
  return new RegularJoinFunction({
    joinType: node.joinType,
    leftColumns: node.left.columns.map((c) => c.name),
    rightColumns: node.right.columns.map((c) => c.name),
    ...(rowNames.size === 0 ? {} : { rightRowNames: rowNames }),
    leftHasNullKey: nullKeyTest(keys.leftKeys, keys.nullSafe),
    rightHasNullKey: nullKeyTest(readFromRightRows(keys.rightKeys, rowNames), keys.nullSafe),
    remaining,
    ...(keys.remaining === undefined
      ? {}
      : { remainingPair: pairCondition(keys.remaining, node.left.columns, node.right.columns, rowNames) }),
    ...(output === undefined ? {} : { output }),
    leftChangelog,
    rightChangelog,
    insertOnlyOutput: node.changelogMode === 'insert-only',
    leftLayout,
    rightLayout,
    ...(node.stateTtlMs === undefined ? {} : { stateTtlMs: node.stateTtlMs }),
    ...(node.hints?.leftTtl === undefined ? {} : { leftStateTtlMs: node.hints.leftTtl.ms }),
    ...(node.hints?.rightTtl === undefined ? {} : { rightStateTtlMs: node.hints.rightTtl.ms }),
    ...(node.leftCleanup === undefined ? {} : { leftCleanup: node.leftCleanup }),
    ...(node.rightCleanup === undefined ? {} : { rightCleanup: node.rightCleanup }),
    probeBounds: probeBounds(node.condition, node.left.columns, node.right.columns),
  });
}

/**
 * A Calc that only picks and renames columns of a join's insert-only output (an inner join of
 * insert-only inputs: Nexmark q4 keeps three of seven columns, q20 renames), done by the join
 * itself: each output row is built once with the Calc's columns, instead of a joined row that
 * the Calc then copies. Undefined when the Calc filters or computes, or sits on another node.
 * EXPLAIN still shows the Calc: this is how it runs, not another plan.
 */
export function translateProjectedJoin(
  calc: PhysicalCalc,
  ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> | undefined {
  const output = projectedJoinOutput(calc);
  return output === undefined ? undefined : translateJoin(calc.input as PhysicalJoin, ctx, recurse, output);
}

/**
 * The output columns a join builds in place of a Calc over it that only picks and renames its
 * columns (see {@link translateProjectedJoin}); undefined for any other Calc.
 */
export function projectedJoinOutput(calc: PhysicalCalc): JoinOutputColumn[] | undefined {
  const join = calc.input;
  if (join.kind !== 'join' || join.joinType === 'semi' || join.joinType === 'anti') return undefined;
  if (calc.condition !== undefined || calc.changelogMode !== 'insert-only') return undefined;
  const rightNames = new Set(join.right.columns.map((c) => c.name));
  const joined = new Set(join.columns.map((c) => c.name));
  const output: JoinOutputColumn[] = [];
  for (const { name, rex } of calc.projections) {
    if (rex.kind !== 'field' || !joined.has(rex.name)) return undefined;
    output.push({ name, column: rex.name, right: rightNames.has(rex.name) });
  }
  return output;
}

const JOIN_TYPE_NAMES: Record<JoinType, string> = {
  inner: 'InnerJoin',
  left: 'LeftOuterJoin',
  right: 'RightOuterJoin',
  full: 'FullOuterJoin',
  semi: 'LeftSemiJoin',
  anti: 'LeftAntiJoin',
};

/** Flink's name for a join type in EXPLAIN: `InnerJoin`, `LeftOuterJoin`, `LeftSemiJoin`… */
export function joinTypeName(joinType: JoinType): string {
  return JOIN_TYPE_NAMES[joinType];
}

/** The node's line in EXPLAIN's logical plans. */
export function explainJoinLogical(node: LogicalJoin): string {
  const temporal = node.temporal === undefined ? '' : `, asOf=[${node.temporal.leftTime}]`;
  return `LogicalJoin(condition=[${formatRex(node.condition)}], joinType=[${node.joinType}]${temporal})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainJoinPhysical(node: PhysicalJoin, mode: string): string {
  return (
    `Join(joinType=[${joinTypeName(node.joinType)}], where=[${formatRex(node.condition)}], ` +
    `select=[${node.columns.map((c) => c.name).join(', ')}], leftInputSpec=[${(node.leftInputSpec ?? NO_UNIQUE_KEY).kind}], ` +
    `rightInputSpec=[${(node.rightInputSpec ?? NO_UNIQUE_KEY).kind}], ` +
    explainJoinTtl(node.hints) +
    (node.leftCleanup === undefined ? '' : `leftStateCleanup=[${formatStateCleanup(node.leftCleanup)}], `) +
    (node.rightCleanup === undefined
      ? ''
      : `rightStateCleanup=[${formatStateCleanup(node.rightCleanup)}], `) +
    `${mode})`
  );
}
