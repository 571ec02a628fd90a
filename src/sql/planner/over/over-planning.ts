/**
 * OVER aggregation, Top-N, deduplication and their window forms: physical planning (changelog
 * modes, and the refusals of inputs an operator cannot take), DataStream translation (keyBy the
 * partition keys, then the keyed function from `src/sql/runtime/over/`) and EXPLAIN lines in
 * Flink's wording.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { formatAggregateCall } from '../../aggregates/aggregate-function.js';
import { unsupported, validationError } from '../../errors.js';
import { MiniBatchDeduplicateOperator } from '../../runtime/over/mini-batch-deduplicate.js';
import { aggregatePlanOptions } from '../aggregate/aggregate-planning.js';
import { idleStateRetentionMs, type TableConfig } from '../../config.js';
import {
  KeepFirstRowFunction,
  KeepLastRowFunction,
  ProcTimeKeepFirstRowFunction,
} from '../../runtime/over/deduplicate-function.js';
import { ProcTimeOverAggregate, RowTimeOverAggregate } from '../../runtime/over/over-aggregate-function.js';
import { TopNFunction, type TopNSpec } from '../../runtime/over/rank-function.js';
import { UpdateFastTopNFunction } from '../../runtime/over/update-fast-rank.js';
import { WindowTopNFunction } from '../../runtime/over/window-rank-function.js';
import { type ChangelogRow, isUpsert } from '../changelog.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import { columnsKey } from '../../runtime/compact-keys.js';
import { rankStrategy, rankStrategyText } from './rank-strategy.js';
import { translateRankOverJoin } from './rank-over-join.js';
import { refuseProcessingTimeWindows } from '../window/window-planning.js';
import { windowBoundsZone } from '../window/local-time-window.js';
import type {
  OverFrame,
  OverLogicalNode,
  OverPhysicalNode,
  PhysicalDeduplicate,
  PhysicalOverAggregate,
  PhysicalRank,
  PhysicalWindowRank,
  RankSpec,
  SortKey,
} from './over-nodes.js';

/** The physical plan of a OVER window node; `config` gives the idle state retention. */
export function toPhysicalOver(
  node: OverLogicalNode,
  recurse: PhysicalPlanner,
  config?: TableConfig,
): PhysicalNode {
  const stateTtlMs = idleStateRetentionMs(config);
  switch (node.kind) {
    case 'over': {
      if (node.rank !== undefined)
        throw unsupported(
          node.rank.pos,
          `${node.rank.type}() without a Top-N filter on its result`,
          `filter it in an outer query: SELECT * FROM (SELECT …, ${node.rank.type}() OVER (…) AS rn FROM t) WHERE rn <= 3`,
        );
      const input = recurse(node.input);
      if (input.changelogMode !== 'insert-only')
        throw unsupported(
          undefined,
          `OVER aggregation over an updating input (${input.changelogMode} changes)`,
          'apply OVER to an insert-only table',
        );
      const plan: PhysicalOverAggregate = {
        kind: 'overAggregate',
        input,
        partitionKeys: node.partitionKeys,
        orderBy: node.orderBy,
        frame: node.frame,
        calls: node.calls,
        proctime: node.input.columns.find((c) => c.name === node.orderBy[0]?.column)?.type.proctime === true,
        stateTtlMs,
        columns: node.columns,
        changelogMode: 'insert-only',
      };
      return Object.freeze(plan);
    }
    case 'rank': {
      const input = recurse(node.input);
      if (isUpsert(input.changelogMode))
        throw unsupported(
          undefined,
          'Top-N over an upsert input (updates without their old rows)',
          'feed it a retract or insert-only table',
        );
      const { kind: _k, input: _i, columns, ...spec } = node;
      // Without an order (LIMIT n alone) the first rows to arrive stay: nothing is ever retracted.
      const appendOnly =
        node.orderBy.length === 0 && node.rankColumn === undefined && input.changelogMode === 'insert-only';
      const plan: PhysicalRank = {
        ...spec,
        kind: 'rank',
        input,
        strategy: rankStrategy(input, node.rankType, node.partitionKeys, node.orderBy),
        columns,
        stateTtlMs,
        changelogMode: appendOnly ? 'insert-only' : 'retract',
      };
      return Object.freeze(plan);
    }
    case 'deduplicate': {
      const input = recurse(node.input);
      if (input.changelogMode !== 'insert-only')
        throw unsupported(
          undefined,
          `deduplication over an updating input (${input.changelogMode} changes)`,
          'deduplicate an insert-only table',
        );
      const type = node.input.columns.find((c) => c.name === node.timeColumn)?.type;
      const proctime = type?.proctime === true;
      const miniBatch = aggregatePlanOptions(config).miniBatch;
      const plan: PhysicalDeduplicate = {
        kind: 'deduplicate',
        input,
        keys: node.keys,
        keepLast: node.keepLast,
        timeColumn: node.timeColumn,
        proctime,
        stateTtlMs,
        miniBatch,
        ...(miniBatch !== undefined &&
        !proctime &&
        config?.get<boolean>('table.exec.deduplicate.mini-batch.compact-changes-enabled') === true
          ? { compactChanges: true }
          : {}),
        columns: node.columns,
        // Event-time keep first is insert-only, waiting for the watermark, unless in mini-batches,
        // where it emits at once and updates, as Flink's two functions for it do. An updating
        // form never deletes a key's row, but its mode lists deletes as Flink's changelog-mode
        // inference gives every updating Deduplicate all changes: plans and EXPLAIN then match
        // Flink's, and a consumer Flink refuses for it is refused here too.
        changelogMode: node.keepLast || (miniBatch !== undefined && !proctime) ? 'retract' : 'insert-only',
      };
      return Object.freeze(plan);
    }
    case 'windowRank': {
      refuseProcessingTimeWindows(node.input, node.deduplicate ? 'window deduplication' : 'window Top-N');
      const input = recurse(node.input);
      if (input.changelogMode !== 'insert-only')
        throw validationError(
          undefined,
          `window Top-N needs insert-only input, but its input produces ${input.changelogMode} changes`,
        );
      const { kind: _k, input: _i, columns, ...spec } = node;
      const plan: PhysicalWindowRank = {
        ...spec,
        kind: 'windowRank',
        input,
        columns,
        changelogMode: 'insert-only',
      };
      return Object.freeze(plan);
    }
  }
}

/** The DataStream operators of a physical OVER window node. */
export function translateOver(
  node: OverPhysicalNode,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  if (node.kind === 'rank') return translateRank(node, recurse);
  const input = recurse(node.input);
  switch (node.kind) {
    case 'overAggregate': {
      const spec = {
        timeColumn: node.orderBy[0]!.column,
        unit: node.frame.unit,
        preceding: node.frame.preceding,
        calls: node.calls,
        ttlMs: node.stateTtlMs,
      };
      return input
        .keyBy(columnsKey(node.partitionKeys))
        .process(node.proctime ? new ProcTimeOverAggregate(spec) : new RowTimeOverAggregate(spec))
        .name('OverAggregate');
    }
    case 'deduplicate': {
      // Keep last is keyed by its first key column, with a row per value of the others under it.
      const split = node.keepLast && node.keys.length > 1;
      const keyed = input.keyBy(columnsKey(split ? node.keys.slice(0, 1) : node.keys));
      const restKey = split ? columnsKey(node.keys.slice(1)) : undefined;
      const ttl = node.stateTtlMs;
      const miniBatch = node.miniBatch;
      if (miniBatch !== undefined) {
        const spec = {
          keepLast: node.keepLast,
          timeColumn: node.proctime ? undefined : node.timeColumn,
          ttlMs: ttl,
          upsertOutput: isUpsert(node.changelogMode),
          restKey,
          compactChanges: node.compactChanges,
        };
        return keyed
          .transform('Deduplicate', () => new MiniBatchDeduplicateOperator(spec, miniBatch))
          .name('Deduplicate') as unknown as DataStream<Row>;
      }
      if (node.keepLast)
        return keyed
          .process(
            new KeepLastRowFunction(
              node.proctime ? undefined : node.timeColumn,
              ttl,
              !isUpsert(node.changelogMode),
              restKey,
            ),
          )
          .name('Deduplicate') as unknown as DataStream<Row>;
      return keyed
        .process(
          node.proctime
            ? new ProcTimeKeepFirstRowFunction(ttl)
            : new KeepFirstRowFunction(node.timeColumn, ttl),
        )
        .name('Deduplicate');
    }
    case 'windowRank':
      return input
        .keyBy(columnsKey(node.partitionKeys))
        .process(
          new WindowTopNFunction({
            rankType: node.rankType,
            rankStart: node.rankStart,
            rankEnd: node.rankEnd,
            orderBy: node.orderBy,
            rankColumn: node.rankColumn,
            windowEnd: node.windowEnd,
            keepLastOnTies: node.deduplicate && node.orderBy[0]!.descending,
            zone: windowBoundsZone(node.input),
          }),
        )
        .name(node.deduplicate ? 'WindowDeduplicate' : 'WindowRank');
  }
}

/** The DataStream operators of a Top-N. */
function translateRank(node: PhysicalRank, recurse: QueryTranslator): DataStream<Row> {
  const changelogInput = node.input.changelogMode !== 'insert-only';
  const spec: TopNSpec = {
    rankType: node.rankType,
    rankStart: node.rankStart,
    rankEnd: node.rankEnd,
    orderBy: node.orderBy,
    rankColumn: node.rankColumn,
    changelogInput,
    inputColumns: node.input.columns.map((c) => c.name),
    ttlMs: node.stateTtlMs,
    upsertOutput: isUpsert(node.changelogMode),
  };
  const strategy = node.strategy;
  const fn =
    strategy.kind === 'updateFast'
      ? new UpdateFastTopNFunction(spec, strategy.uniqueKey)
      : new TopNFunction(spec);
  // Over a join keyed by the same values, the rank runs in the join's operator: no shuffle.
  const changes = translateRankOverJoin(node, recurse, fn) ?? keyedRank(recurse(node.input), node, fn);
  if (node.changelogMode === 'insert-only') return changes.map((c: ChangelogRow) => c.row).name('Rows');
  return changes as unknown as DataStream<Row>;
}

/** A Top-N after its own keyBy on the partition keys. */
function keyedRank(input: DataStream<Row>, node: PhysicalRank, fn: TopNFunction): DataStream<ChangelogRow> {
  const key = columnsKey(node.partitionKeys);
  const keyed =
    node.input.changelogMode !== 'insert-only'
      ? input.keyBy((element: Row) => key((element as unknown as ChangelogRow).row))
      : input.keyBy(key);
  return keyed.process(fn).name('Rank');
}

const orderText = (keys: readonly SortKey[]) =>
  keys.map((k) => `${k.column} ${k.descending ? 'DESC' : 'ASC'}`).join(', ');

const frameText = (frame: OverFrame) =>
  `${frame.unit} BETWEEN ${frame.preceding === undefined ? 'UNBOUNDED' : frame.unit === 'RANGE' ? `${frame.preceding} ms` : frame.preceding} PRECEDING AND CURRENT ROW`;

const rankText = (spec: RankSpec, select: readonly { name: string }[]) =>
  `rankType=[${spec.rankType}], rankRange=[rankStart=${spec.rankStart}, rankEnd=${spec.rankEnd}], partitionBy=[${spec.partitionKeys.join(', ')}], orderBy=[${orderText(spec.orderBy)}], select=[${select.map((c) => c.name).join(', ')}]`;

/** The node's line in EXPLAIN's logical plans. */
export function explainOverLogical(node: OverLogicalNode): string {
  switch (node.kind) {
    case 'over': {
      const calls =
        node.rank === undefined
          ? node.calls.map(formatAggregateCall)
          : [`${node.rank.type}() AS ${node.rank.name}`];
      return `LogicalOver(partitionBy=[${node.partitionKeys.join(', ')}], orderBy=[${orderText(node.orderBy)}]${node.rank === undefined ? `, window=[${frameText(node.frame)}]` : ''}, calls=[${calls.join(', ')}])`;
    }
    case 'rank':
      return `LogicalRank(${rankText(node, node.columns)})`;
    case 'deduplicate':
      return `LogicalDeduplicate(keep=[${node.keepLast ? 'LastRow' : 'FirstRow'}], key=[${node.keys.join(', ')}], order=[${node.timeColumn}])`;
    case 'windowRank':
      return `LogicalWindowRank(${rankText(node, node.columns)}, windowEnd=[${node.windowEnd}])`;
  }
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainOverPhysical(node: OverPhysicalNode, mode: string): string {
  switch (node.kind) {
    case 'overAggregate':
      return `OverAggregate(partitionBy=[${node.partitionKeys.join(', ')}], orderBy=[${orderText(node.orderBy)}], window=[${frameText(node.frame)}], select=[${node.columns.map((c) => c.name).join(', ')}], calls=[${node.calls.map(formatAggregateCall).join(', ')}], ${mode})`;
    case 'rank': {
      return `Rank(strategy=[${rankStrategyText(node.strategy)}], ${rankText(node, node.columns)}, ${mode})`;
    }
    case 'deduplicate':
      return `Deduplicate(keep=[${node.keepLast ? 'LastRow' : 'FirstRow'}], key=[${node.keys.join(', ')}], order=[${node.proctime ? 'PROCTIME' : 'ROWTIME'}], ${mode})`;
    case 'windowRank':
      if (node.deduplicate)
        return `WindowDeduplicate(window=[${node.windowStart}, ${node.windowEnd}], keep=[${node.orderBy[0]!.descending ? 'LastRow' : 'FirstRow'}], partitionKeys=[${node.partitionKeys.join(', ')}], orderKey=[${node.orderBy[0]!.column}], ${mode})`;
      return `WindowRank(window=[${node.windowStart}, ${node.windowEnd}], ${rankText(node, node.columns)}, ${mode})`;
  }
}
