/**
 * Group aggregation: physical planning, DataStream translation and EXPLAIN lines.
 *
 * A group aggregate keys its input by the group keys (a global aggregate by one constant key,
 * so it runs on one subtask) and keeps each group's accumulators in keyed state. Its output is
 * a retract changelog, except SELECT DISTINCT over an insert-only input, whose groups never
 * change once they exist and so are plain inserts. It takes insert-only and retract input; an
 * upsert input lacks the old row an update replaces, so it is refused at planning time.
 *
 * With `table.exec.mini-batch.enabled` the aggregate buffers rows per group and applies them
 * once per bundle (Flink's MiniBatch aggregation). With mini-batch on, an insert-only input and
 * every call mergeable, `table.optimizer.agg-phase-strategy` AUTO or TWO_PHASE splits it into a
 * local phase before the shuffle and a global phase after it (Flink's Local-Global
 * aggregation); otherwise it stays one phase, as Flink falls back. Retract input stays one
 * phase: its local accumulators would have to merge retractions, which MIN and MAX cannot.
 * AUTO also stays one phase when a call is DISTINCT (see {@link phaseCount}); TWO_PHASE still
 * splits such an aggregate. With `table.optimizer.distinct-agg.split.enabled` a DISTINCT
 * aggregate is first rewritten into a partial and a final aggregate (`split-distinct.ts`); each
 * level is planned here like any other and prints its `partialFinalType`.
 *
 * The two-phase plan gives the global phase and every operator after it the uids the one-phase
 * plan gives them (`local-phase.ts`), so a savepoint restores across the phase strategy; the
 * split-distinct levels take uids no unsplit aggregate has ({@link splitLevelUid}).
 */
import type { DataStream } from '../../../api/data-stream.js';
import { formatAggregateCall } from '../../aggregates/aggregate-function.js';
import {
  GroupAggregateFunction,
  type GroupAggregateSpec,
  type GroupOutputColumn,
} from '../../aggregates/group-aggregate-function.js';
import { idleStateRetentionMs, type TableConfig } from '../../config.js';
import { explainAggregateTtl } from '../hints/operator-hints.js';
import { effectiveTtlMs } from '../hints/state-ttl.js';
import { unsupported, validationError } from '../../errors.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { formatRex } from '../../expressions/rex.js';
import type { SourcePos } from '../../parser/ast.js';
import {
  GlobalGroupAggregateOperator,
  groupKeyOf,
  LocalGroupAggregateOperator,
  type PartialAggregate,
} from '../../runtime/aggregate/local-global-aggregate.js';
import { EmptyInputAggregateOperator, groupOf } from '../../runtime/aggregate/empty-input-aggregate.js';
import { MiniBatchGroupAggregateOperator } from '../../runtime/aggregate/mini-batch-group-aggregate.js';
import { withLocalPhase } from '../local-phase.js';
import { type ChangelogRow, isUpsert } from '../changelog.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator } from '../translate.js';
import type {
  AggregateLogicalNode,
  AggregatePhysicalNode,
  MiniBatchSpec,
  PhysicalEmptyGroupingSets,
  PhysicalGlobalGroupAggregate,
  PhysicalGroupAggregate,
  PhysicalLocalGroupAggregate,
} from './aggregate-nodes.js';

/** The session options group aggregation plans by, read once per statement. */
export interface AggregatePlanOptions {
  readonly miniBatch?: MiniBatchSpec;
  readonly phase: 'auto' | 'one_phase' | 'two_phase';
  readonly stateTtlMs?: number;
  /** Whether jobs run in batch mode (`execution.runtime-mode`), where empty grouping sets give rows over no rows. */
  readonly batch?: boolean;
}

/**
 * `table.optimizer.agg-phase-strategy` of a session, lower case (AUTO by default): whether
 * aggregates whose calls merge may run in a local and a global phase.
 */
export function aggregatePhaseStrategy(config: TableConfig | undefined): AggregatePlanOptions['phase'] {
  return config?.get<AggregatePlanOptions['phase']>('table.optimizer.agg-phase-strategy') ?? 'auto';
}

/**
 * The aggregate options of a session; throws when mini-batch is on without a positive
 * allow-latency and size, as Flink validates.
 */
export function aggregatePlanOptions(config: TableConfig | undefined, pos?: SourcePos): AggregatePlanOptions {
  const phase = aggregatePhaseStrategy(config);
  const stateTtlMs = idleStateRetentionMs(config);
  const batch = config?.get<string>('execution.runtime-mode') === 'batch';
  if (config?.get<boolean>('table.exec.mini-batch.enabled') !== true) return { phase, stateTtlMs, batch };
  const latencyMs = config.get<number>('table.exec.mini-batch.allow-latency') ?? 0;
  const size = config.get<number>('table.exec.mini-batch.size');
  if (!(latencyMs > 0) || size === undefined)
    throw validationError(
      pos,
      "'table.exec.mini-batch.enabled' needs 'table.exec.mini-batch.allow-latency' > 0 and 'table.exec.mini-batch.size' set; SET both, e.g. '2 s' and '5000'",
    );
  return { miniBatch: { latencyMs, size }, phase, stateTtlMs, batch };
}

/** Whether every call's accumulators can merge, so a local phase may pre-aggregate them. */
function mergeable(node: AggregateLogicalNode): boolean {
  return node.calls.every((c) => c.distinct || c.definition.create(c.argTypes).merge !== undefined);
}

/**
 * How many phases a mini-batch aggregate over insert-only input runs in. AUTO picks one phase
 * when any call is DISTINCT, unlike Flink's AUTO: a local phase shrinks a bundle to one partial
 * per group, but a DISTINCT call's partial carries every distinct tuple of the bundle, so it
 * barely shrinks, and the global phase looks each tuple up again when it merges. Two phases then
 * double the hashing and allocation of the distinct maps for no saving in shuffled records
 * (on Nexmark q16, eight DISTINCT calls, two phases spent twice one phase's time in garbage
 * collection, and more CPU per event). With the split-distinct rewrite on (`split-distinct.ts`)
 * the partial level has DISTINCT calls and stays one phase under AUTO too, and the final level
 * reads a retract changelog, which is one phase anyway.
 */
function phaseCount(node: AggregateLogicalNode, options: AggregatePlanOptions, input: PhysicalNode): 1 | 2 {
  if (options.phase === 'one_phase' || input.changelogMode !== 'insert-only' || !mergeable(node)) return 1;
  if (options.phase === 'auto' && node.calls.some((c) => c.distinct)) return 1;
  return 2;
}

/**
 * The physical plan of a GROUP BY aggregation node; in batch mode, with the operator after it
 * that gives a global aggregate's row over no rows ({@link PhysicalGlobalOverNoRows}), or its
 * empty grouping sets' ({@link PhysicalEmptyGroupingSets}).
 */
export function toPhysicalAggregate(
  node: AggregateLogicalNode,
  recurse: PhysicalPlanner,
  options: AggregatePlanOptions = { phase: 'auto' },
): PhysicalNode {
  const aggregate = groupAggregate(node, recurse, options);
  if (options.batch !== true) return aggregate;
  if (node.groupKeys.length === 0)
    return Object.freeze({
      kind: 'globalOverNoRows',
      input: aggregate,
      columns: aggregate.columns,
      changelogMode: aggregate.changelogMode,
    });
  if (node.emptyGroups === undefined) return aggregate;
  return Object.freeze({
    kind: 'emptyGroupingSets',
    input: aggregate,
    groups: node.emptyGroups,
    columns: aggregate.columns,
    changelogMode: aggregate.changelogMode,
  });
}

/** The aggregate's own operators: one group aggregate, or a local and a global phase. */
function groupAggregate(
  node: AggregateLogicalNode,
  recurse: PhysicalPlanner,
  options: AggregatePlanOptions,
): PhysicalGroupAggregate | PhysicalGlobalGroupAggregate {
  const input = recurse(node.input);
  if (isUpsert(input.changelogMode))
    throw unsupported(
      node.calls[0]?.pos,
      'GROUP BY over an upsert changelog (updates without their old rows)',
      'aggregate a retract changelog or an insert-only table',
    );
  if (input.changelogMode !== 'insert-only')
    for (const call of node.calls)
      if (!call.definition.retractable)
        throw validationError(
          call.pos,
          `aggregate function ${call.fn} cannot retract rows, but its input is updated; aggregate an insert-only table or implement retract`,
        );
  // Over insert-only input a group's count only grows: its row is updated, never deleted.
  const changelogMode =
    input.changelogMode === 'insert-only'
      ? node.calls.length === 0
        ? 'insert-only'
        : 'retract-no-deletes'
      : 'retract';
  const { miniBatch } = options;
  const stateTtlMs = effectiveTtlMs(node.stateTtlHint, options.stateTtlMs);
  const ttlHint = node.stateTtlHint === undefined ? {} : { stateTtlHint: node.stateTtlHint };
  const split = node.partialFinal === undefined ? {} : { partialFinal: node.partialFinal };
  if (miniBatch === undefined)
    return Object.freeze({
      kind: 'groupAggregate',
      input,
      groupKeys: node.groupKeys,
      calls: node.calls,
      ...split,
      columns: node.columns,
      changelogMode,
      ...(stateTtlMs === undefined ? {} : { stateTtlMs }),
      ...ttlHint,
    });
  const assigner: PhysicalNode = Object.freeze({
    kind: 'miniBatchAssigner',
    input,
    intervalMs: miniBatch.latencyMs,
    columns: input.columns,
    changelogMode: input.changelogMode,
  });
  if (phaseCount(node, options, input) === 1)
    return Object.freeze({
      kind: 'groupAggregate',
      input: assigner,
      groupKeys: node.groupKeys,
      calls: node.calls,
      ...split,
      columns: node.columns,
      changelogMode,
      miniBatch,
      ...(stateTtlMs === undefined ? {} : { stateTtlMs }),
      ...ttlHint,
    });
  const local: PhysicalLocalGroupAggregate = Object.freeze({
    kind: 'localGroupAggregate',
    input: assigner,
    groupKeys: node.groupKeys,
    calls: node.calls,
    ...split,
    columns: node.columns,
    changelogMode: 'insert-only',
    miniBatch,
  });
  return Object.freeze({
    kind: 'globalGroupAggregate',
    input: local,
    groupKeys: node.groupKeys,
    calls: node.calls,
    ...split,
    columns: node.columns,
    changelogMode,
    miniBatch,
    ...(stateTtlMs === undefined ? {} : { stateTtlMs }),
    ...ttlHint,
  });
}

/**
 * The key of a row (in its changelog envelope, for retract input): the group's compact key,
 * as {@link groupKeyOf} gives it.
 */
function keySelector(keys: readonly string[], changelog: boolean): (element: unknown) => unknown {
  const keyOf = groupKeyOf(keys);
  return changelog ? (e) => keyOf((e as ChangelogRow).row) : (e) => keyOf(e as Row);
}

/** What the runtime operators of a node compute. */
function specOf(
  node: PhysicalGroupAggregate | PhysicalGlobalGroupAggregate,
  changelogInput: boolean,
  outputColumns: readonly GroupOutputColumn[] | undefined,
): GroupAggregateSpec {
  return {
    groupKeys: node.groupKeys,
    calls: node.calls,
    changelogInput,
    insertOnlyOutput: node.changelogMode === 'insert-only',
    upsertOutput: isUpsert(node.changelogMode),
    ...(node.stateTtlMs === undefined ? {} : { stateTtlMs: node.stateTtlMs }),
    ...(node.kind === 'groupAggregate' && node.emitsChangedRows === true ? { emitsChangedRows: true } : {}),
    ...(outputColumns === undefined ? {} : { outputColumns }),
  };
}

/**
 * The DataStream operators of a physical GROUP BY aggregation node. With `outputColumns` (a
 * group or global aggregate only), its rows are built with those columns, for a Calc over it
 * that only picks and renames them (`projected-aggregate.ts`).
 */
export function translateAggregate(
  node: AggregatePhysicalNode,
  recurse: QueryTranslator,
  outputColumns?: readonly GroupOutputColumn[],
): DataStream<Row> {
  switch (node.kind) {
    case 'miniBatchAssigner':
      return recurse(node.input);
    case 'localGroupAggregate':
      throw new Error('a local group aggregate is translated with its global phase'); // unreachable
    case 'globalGroupAggregate': {
      const local = node.input;
      const localSpec: GroupAggregateSpec = {
        groupKeys: local.groupKeys,
        calls: local.calls,
        changelogInput: false,
        insertOnlyOutput: false,
      };
      const spec = specOf(node, false, outputColumns);
      const keyOf = groupKeyOf(node.groupKeys);
      return withLocalPhase(
        recurse(local.input),
        'LocalGroupAggregate',
        () => new LocalGroupAggregateOperator(localSpec, local.miniBatch),
        (partials: DataStream<PartialAggregate>) =>
          splitLevelUid(
            node,
            partials
              .keyBy((partial) => keyOf(partial.keys))
              .transform('GlobalGroupAggregate', () => new GlobalGroupAggregateOperator(spec, node.miniBatch))
              .name('GlobalGroupAggregate') as unknown as DataStream<Row>,
          ),
      );
    }
    case 'groupAggregate': {
      const input = recurse(node.input) as unknown as DataStream<unknown>;
      const changelogInput = node.input.changelogMode !== 'insert-only';
      const spec = specOf(node, changelogInput, outputColumns);
      const keyed = input.keyBy(keySelector(node.groupKeys, changelogInput));
      const miniBatch = node.miniBatch;
      const out =
        miniBatch !== undefined
          ? keyed.transform('GroupAggregate', () => new MiniBatchGroupAggregateOperator(spec, miniBatch))
          : keyed.process(new GroupAggregateFunction(spec));
      return splitLevelUid(node, out.name('GroupAggregate') as unknown as DataStream<Row>);
    }
    case 'emptyGroupingSets':
      return emptyGroupingSets(node, recurse);
    case 'globalOverNoRows': {
      const aggregate = node.input;
      const changelog = aggregate.changelogMode !== 'insert-only';
      return recurse(aggregate)
        .transform(
          'GlobalAggregateOverNoRows',
          () => new EmptyInputAggregateOperator(watchedSpec(aggregate), changelog),
        )
        .name('GlobalAggregateOverNoRows')
        .setParallelism(1) as unknown as DataStream<Row>;
    }
  }
}

/**
 * `aggregate` (the stream of a group aggregate or its global phase), with a uid of its own when
 * it is a level of the split-distinct rewrite: `one-input-<id>-partial` or `-final`. A level's
 * state is not an unsplit aggregate's (the partial level is keyed by the buckets too, the final
 * one holds other accumulators), yet it may take the id an unsplit plan gives its aggregate, so
 * without the suffix a savepoint taken with `table.optimizer.distinct-agg.split.enabled` off
 * would restore into it with the option on, and the groups would silently start over. With it
 * the unsplit aggregate's state finds no operator and the restore is refused, and the reverse.
 */
function splitLevelUid(
  node: PhysicalGroupAggregate | PhysicalGlobalGroupAggregate,
  aggregate: DataStream<Row>,
): DataStream<Row> {
  if (node.partialFinal === undefined) return aggregate;
  return aggregate.uid(`one-input-${aggregate.transformation.id}-${node.partialFinal.toLowerCase()}`);
}

/** What an aggregate computes, as the operator that watches its rows reads it. */
function watchedSpec(aggregate: PhysicalGroupAggregate | PhysicalGlobalGroupAggregate): GroupAggregateSpec {
  const changelogInput =
    aggregate.kind === 'groupAggregate' && aggregate.input.changelogMode !== 'insert-only';
  return specOf(aggregate, changelogInput, undefined);
}

/**
 * The aggregate's rows as they are, and a copy of those of the empty grouping sets' groups going
 * to the over-no-rows operator at parallelism 1, which only watches them and adds the rows the
 * groups lack at the end of input, so the grouped rows keep their parallelism.
 */
function emptyGroupingSets(node: PhysicalEmptyGroupingSets, recurse: QueryTranslator): DataStream<Row> {
  const aggregate = node.input;
  const out = recurse(aggregate);
  const spec = watchedSpec(aggregate);
  const changelog = aggregate.changelogMode !== 'insert-only';
  const groups = node.groups.map((keys) =>
    Object.fromEntries(aggregate.groupKeys.map((k, i) => [k, compileExpression(keys[i]!)({})])),
  );
  // Only the rows of those groups reach the watcher.
  const ofEmptySet = (element: unknown) =>
    groupOf(aggregate.groupKeys, groups, changelog ? (element as ChangelogRow).row : (element as Row)) >= 0;
  const watched = (out as DataStream<unknown>)
    .filter(ofEmptySet)
    .name('EmptyGroupingSetRows')
    .transform(
      'EmptyGroupingSetOverNoRows',
      () => new EmptyInputAggregateOperator(spec, changelog, groups, false),
    )
    .name('EmptyGroupingSetOverNoRows')
    .setParallelism(1) as unknown as DataStream<Row>;
  return out.union(watched);
}

const selectText = (node: { groupKeys: readonly string[]; calls: AggregateLogicalNode['calls'] }) =>
  [...node.groupKeys, ...node.calls.map(formatAggregateCall)].join(', ');
const groupText = (node: { groupKeys: readonly string[]; partialFinal?: string }) =>
  (node.groupKeys.length === 0 ? '' : `groupBy=[${node.groupKeys.join(', ')}], `) +
  (node.partialFinal === undefined ? '' : `partialFinalType=[${node.partialFinal}], `);

/** The node's line in EXPLAIN's logical plans: `LogicalAggregate(group=[a], select=[a, COUNT(*) AS cnt])`. */
export function explainAggregateLogical(node: AggregateLogicalNode): string {
  return `LogicalAggregate(group=[${node.groupKeys.join(', ')}], select=[${selectText(node)}])`;
}

/**
 * The node's line in EXPLAIN's physical plan, as Flink's `GroupAggregate(groupBy=[a], select=[…],
 * changelogMode=[…])`, `MiniBatchAssigner(interval=[2000ms], mode=[ProcTime])`,
 * `LocalGroupAggregate(…)` and `GlobalGroupAggregate(…)`; batch mode's rows over no rows as
 * `GlobalAggregateOverNoRows(select=[…])`, and for empty grouping sets as
 * `EmptyGroupingSetOverNoRows(groupBy=[a, $e], groups=[{null, 1}])`, the keys of the groups it watches.
 */
export function explainAggregatePhysical(node: AggregatePhysicalNode, mode: string): string {
  switch (node.kind) {
    case 'miniBatchAssigner':
      return `MiniBatchAssigner(interval=[${node.intervalMs}ms], mode=[ProcTime], ${mode})`;
    case 'localGroupAggregate':
      return `LocalGroupAggregate(${groupText(node)}select=[${selectText(node)}], ${mode})`;
    case 'globalGroupAggregate':
      return `GlobalGroupAggregate(${groupText(node)}select=[${selectText(node)}], ${explainAggregateTtl(node.stateTtlHint)}${mode})`;
    case 'groupAggregate':
      return `GroupAggregate(${groupText(node)}select=[${selectText(node)}], ${explainAggregateTtl(node.stateTtlHint)}${node.emitsChangedRows === true ? 'emit=[updateWithRetract], ' : ''}${mode})`;
    case 'globalOverNoRows':
      return `GlobalAggregateOverNoRows(select=[${selectText(node.input)}], ${mode})`;
    case 'emptyGroupingSets':
      return `EmptyGroupingSetOverNoRows(groupBy=[${node.input.groupKeys.join(', ')}], groups=[${node.groups.map((g) => `{${g.map(formatRex).join(', ')}}`).join(', ')}], ${mode})`;
  }
}
