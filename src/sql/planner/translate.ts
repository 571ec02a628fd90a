/**
 * Runs a physical plan: each node becomes DataStream calls on the environment, so SQL jobs use
 * the same operators, checkpoints and workers as DataStream jobs. Expressions are compiled here,
 * once per operator. A table's watermark becomes the SQL watermark assigner
 * (`runtime/watermark-assigner.ts`), fused with the Calcs around it where it can be
 * (`fused-source-chain.ts`).
 */
import type { DataStream, DataStreamSink } from '../../api/data-stream.js';
import type { StreamExecutionEnvironment } from '../../api/environment.js';
import type { FlatMapFunction } from '../../types/functions.js';
import {
  callsUserFunction,
  compileCalc,
  compileCalcProgram,
  compileExpression,
  type Row,
} from '../expressions/compiler.js';
import { UserFunctionCalc } from '../functions/calc-function.js';
import type { TableConfig } from '../config.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { SqlWatermarkAssigner } from '../runtime/watermark-assigner.js';
import { constraintEnforcerFunction, rowEnforcer } from '../runtime/constraint-enforcer.js';
import { constraintEnforcerName, type SinkConstraints, sinkConstraints } from './sink-constraints.js';
import type { ChangelogMode, ChangelogRow } from './changelog.js';
import { countConsumers } from './consumers.js';
import { explainPhysical } from './explain.js';
import { translateFusedSourceChain } from './fused-source-chain.js';
import { type PhysicalNode, physicalInputs } from './physical.js';
import { translateAggregate } from './aggregate/aggregate-planning.js';
import { translateProjectedAggregate } from './aggregate/projected-aggregate.js';
import { translateCorrelate } from './correlate/correlate-planning.js';
import { translateExpand } from './aggregate/expand-planning.js';
import { translateTemporalSort } from './sort/temporal-sort-planning.js';
import { translateMatch } from './match/match-planning.js';
import { callsCurrentWatermark } from '../expressions/current-watermark.js';
import { WatermarkCalc } from '../functions/watermark-calc.js';
import { translateIntervalJoin } from './join/interval-join-planning.js';
import { translateJoin, translateProjectedJoin } from './join/join-planning.js';
import { translateProjectedLookupJoin } from './join/lookup-join-planning.js';
import { translateTemporalJoin } from './join/temporal-join-planning.js';
import { translateWindowJoin } from './join/window-join-planning.js';
import { translateOver } from './over/over-planning.js';
import { translateWindow } from './window/window-planning.js';
import { rowtimeLag } from './watermark-lag.js';
import { localTimeZone, withSessionTimeZone } from '../expressions/time-zone.js';

/** Translates a physical subtree: what an operator family's translation calls for its inputs. */
export type QueryTranslator = (node: PhysicalNode) => DataStream<Row>;

/** What translation needs besides the plan. */
export interface TranslateContext {
  readonly env: StreamExecutionEnvironment;
  readonly registry: ConnectorRegistry;
  readonly printTarget?: { write(text: string): unknown };
  /** The session's options, for what translation reads (the source idle timeout). */
  readonly config?: TableConfig;
}

/** A table over a DataStream, as `fromDataStream` registers it. */
export interface DataStreamTableSource {
  readonly stream: DataStream<unknown>;
  /** Turns a stream element into a row; absent when the elements are rows already. */
  readonly toRow?: (element: unknown) => Row;
  /** `retract` for `fromChangelogStream`: the elements are {@link ChangelogRow}s. */
  readonly changelogMode?: ChangelogMode;
}

/**
 * The stream a non-sink plan produces: rows on insert-only edges, {@link ChangelogRow}
 * envelopes on the others (typed as rows here; the node's changelog mode says which).
 */
export function translateQuery(node: PhysicalNode, ctx: TranslateContext): DataStream<Row> {
  // Sub-plan reuse, as Flink's planner does: identical subtrees (a view read twice, as in
  // Nexmark q5 and q7) become one stream with several consumers, so a source is read once.
  let streams = translated.get(ctx);
  if (streams === undefined) translated.set(ctx, (streams = new Map()));
  const digest = explainPhysical(node);
  const known = streams.get(digest);
  if (known !== undefined) return known;
  // Expressions compiled and operators built here read the session time zone.
  const stream = withSessionTimeZone(localTimeZone(ctx.config), () => translateNode(node, ctx));
  streams.set(digest, stream);
  return stream;
}

/** The streams translated for one statement, by the EXPLAIN text of their subtree. */
const translated = new WeakMap<TranslateContext, Map<string, DataStream<Row>>>();

/**
 * Distinct consumers per subtree of the statement's plans, counted when its translation starts
 * (absent: every subtree counts as read once). A read chain with several consumers runs once
 * and fans out to them (`fused-source-chain.ts`).
 */
const consumerCounts = new WeakMap<TranslateContext, ReadonlyMap<string, number>>();

/** Counts the consumers of the statement's plans, unless its translation already started. */
function planned(ctx: TranslateContext, roots: readonly PhysicalNode[]): void {
  if (!consumerCounts.has(ctx) && !translated.has(ctx)) consumerCounts.set(ctx, countConsumers(roots));
}

function translateNode(node: PhysicalNode, ctx: TranslateContext): DataStream<Row> {
  const recurse: QueryTranslator = (input) => translateQuery(input, ctx);
  const consumers = (sub: PhysicalNode): number => consumerCounts.get(ctx)?.get(explainPhysical(sub)) ?? 1;
  switch (node.kind) {
    case 'groupAggregate':
    case 'miniBatchAssigner':
    case 'localGroupAggregate':
    case 'globalGroupAggregate':
    case 'emptyGroupingSets':
    case 'globalOverNoRows':
      return translateAggregate(node, recurse);
    case 'windowTableFunction':
    case 'windowAggregate':
    case 'localWindowAggregate':
      return translateWindow(node, ctx, recurse);
    case 'join':
      return translateJoin(node, ctx, recurse);
    case 'intervalJoin':
      return translateIntervalJoin(node, ctx, recurse);
    case 'temporalJoin':
      return translateTemporalJoin(node, ctx, recurse);
    case 'windowJoin':
      return translateWindowJoin(node, ctx, recurse);
    case 'overAggregate':
    case 'rank':
    case 'deduplicate':
    case 'windowRank':
      return translateOver(node, ctx, recurse);
    case 'correlate':
      return translateCorrelate(node, ctx, recurse);
    case 'expand':
      return translateExpand(node, ctx, recurse);
    case 'temporalSort':
      return translateTemporalSort(node, ctx, recurse);
    case 'match':
      return translateMatch(node, ctx, recurse);
    case 'sourceScan': {
      const source = node.table.dataStream as DataStreamTableSource | undefined;
      if (source !== undefined)
        return source.toRow === undefined
          ? (source.stream as DataStream<Row>)
          : source.stream.map(source.toRow).name(`Scan: ${node.table.name}`);
      const factory = ctx.registry.factoryFor(node.table);
      if (factory.createSource === undefined)
        throw new Error(`connector '${factory.identifier}' of table '${node.table.name}' cannot be read`);
      return factory.createSource({
        env: ctx.env,
        table: node.table,
        columns: node.table.columns.filter((c) => c.computed === undefined),
        ...(node.projection === undefined ? {} : { projection: node.projection }),
        ...(node.filters === undefined ? {} : { filters: node.filters }),
        ...(node.pos === undefined ? {} : { pos: node.pos }),
      });
    }
    case 'values': {
      const names = node.columns.map((c) => c.name);
      const rows = node.rows.map((values) => Object.fromEntries(names.map((n, i) => [n, values[i]])) as Row);
      return ctx.env.fromCollection(rows, 'Values');
    }
    case 'calc': {
      const fused = translateFusedSourceChain(node, ctx, recurse, consumers);
      if (fused !== undefined) return fused;
      const projectedJoin =
        translateProjectedLookupJoin(node, recurse, ctx.config) ?? translateProjectedJoin(node, ctx, recurse);
      if (projectedJoin !== undefined) return projectedJoin;
      const projectedAggregate = translateProjectedAggregate(node, recurse, consumers);
      if (projectedAggregate !== undefined) return projectedAggregate;
      const input = translateQuery(node.input, ctx);
      if (callsCurrentWatermark([...node.projections.map((p) => p.rex), node.condition]))
        return input
          .process(
            new WatermarkCalc(
              compileCalcProgram(node.projections, node.condition),
              node.changelogMode !== 'insert-only',
            ),
          )
          .name('Calc');
      if (callsUserFunction([...node.projections.map((p) => p.rex), node.condition])) {
        const program = compileCalcProgram(node.projections, node.condition);
        return input
          .flatMap(new UserFunctionCalc(program, node.changelogMode !== 'insert-only'))
          .name('Calc');
      }
      if (node.changelogMode !== 'insert-only')
        return changelogCalc(input as unknown as DataStream<ChangelogRow>, node);
      const inputColumns = physicalInputs(node)[0]!.columns;
      const identity =
        node.projections.length === inputColumns.length &&
        node.projections.every(
          (p, i) => p.rex.kind === 'field' && p.rex.name === p.name && p.name === inputColumns[i]!.name,
        );
      if (identity && node.condition !== undefined) {
        // A pure filter keeps the input row object: no copy per row.
        const condition = compileExpression(node.condition);
        return input.filter((row: Row) => condition(row) === true).name('Calc');
      }
      const calc = compileCalc(node.projections, node.condition);
      if (node.condition === undefined) return input.map((row: Row) => calc(row) as Row).name('Calc');
      const calcFunction: FlatMapFunction<Row, Row> = {
        flatMap(row, out) {
          const result = calc(row);
          if (result !== undefined) out.collect(result);
        },
      };
      return input.flatMap(calcFunction).name('Calc');
    }
    case 'watermarkAssigner': {
      const fused = translateFusedSourceChain(node, ctx, recurse, consumers);
      if (fused !== undefined) return fused;
      const input = translateQuery(node.input, ctx);
      const expression = compileExpression(node.rex);
      const rowtime = node.rowtime;
      // On changelog edges the row sits in its envelope.
      const rowOf: (element: Row) => Row =
        node.changelogMode === 'insert-only'
          ? (row) => row
          : (element) => (element as unknown as ChangelogRow).row;
      const spec = {
        rowtimeOf: (element: Row) => rowOf(element)[rowtime] as number,
        watermarkOf: (element: Row) => expression(rowOf(element)),
        idleTimeoutMs: ctx.config?.get<number>('table.exec.source.idle-timeout') ?? 0,
        rowtimeLag: rowtimeLag(node.rex, rowtime),
      };
      return input.transform('WatermarkAssigner', () => new SqlWatermarkAssigner(spec));
    }
    case 'union': {
      // When any input carries changes, all elements travel as envelopes: inserts become +I.
      const [first, ...rest] = node.inputs.map((input) => {
        const stream = translateQuery(input, ctx);
        if (node.changelogMode === 'insert-only' || input.changelogMode !== 'insert-only') return stream;
        return stream.map((row: Row) => ({ kind: '+I', row }) as unknown as Row).name('ToChangelog');
      });
      return first!.union(...rest!);
    }
    case 'sink':
      throw new Error('a sink has no output stream; use translateSink');
  }
}

/** A Calc on a changelog edge: each change keeps its kind, its row is filtered and projected. */
function changelogCalc(
  input: DataStream<ChangelogRow>,
  node: Extract<PhysicalNode, { kind: 'calc' }>,
): DataStream<Row> {
  const calc = compileCalc(node.projections, node.condition);
  const calcFunction: FlatMapFunction<ChangelogRow, ChangelogRow> = {
    flatMap(change, out) {
      const row = calc(change.row);
      if (row !== undefined) out.collect({ kind: change.kind, row });
    },
  };
  // At its input's parallelism, so the edge is forward: a rebalance would let a row's -D
  // overtake its +I on another channel.
  return input
    .flatMap(calcFunction)
    .name('Calc')
    .setParallelism(input.getParallelism()) as unknown as DataStream<Row>;
}

/** Adds the jobs of a statement set's sink plans, translated together, to the environment. */
export function translateSinks(
  nodes: readonly Extract<PhysicalNode, { kind: 'sink' }>[],
  ctx: TranslateContext,
): DataStreamSink<unknown>[] {
  planned(ctx, nodes);
  return nodes.map((node) => translateSink(node, ctx));
}

/** Adds a sink plan's job to the environment. */
export function translateSink(
  node: Extract<PhysicalNode, { kind: 'sink' }>,
  ctx: TranslateContext,
): DataStreamSink<unknown> {
  planned(ctx, [node]);
  const input = translateQuery(node.input, ctx);
  const factory = ctx.registry.factoryFor(node.table);
  if (factory.createSink === undefined)
    throw new Error(`connector '${factory.identifier}' of table '${node.table.name}' cannot be written`);
  const sinkColumns = node.table.columns.filter((c) => c.computed === undefined);
  const createSink = factory.createSink.bind(factory);
  const checked =
    node.constraints === undefined
      ? input
      : enforceConstraints(input, node.input, node.constraints, `table '${node.table.name}'`);
  return withSessionTimeZone(localTimeZone(ctx.config), () =>
    createSink({ table: node.table, columns: sinkColumns, printTarget: ctx.printTarget })(
      checked as DataStream<unknown>,
    ),
  );
}

/**
 * The stream a query gives its caller (`collect()`, `toDataStream`): as {@link translateQuery},
 * with the length checks of `table.exec.sink.type-length-enforcer` applied, as Flink's collect
 * and DataStream sinks do.
 */
export function translateResult(node: PhysicalNode, ctx: TranslateContext): DataStream<Row> {
  planned(ctx, [node]);
  const stream = translateQuery(node, ctx);
  const constraints = sinkConstraints(node.columns, ctx.config, true);
  return constraints === undefined
    ? stream
    : enforceConstraints(stream, node, constraints, "the query's result");
}

/** `input` (the stream of `node`) with NOT NULL and length checks, as Flink's ConstraintEnforcer. */
function enforceConstraints(
  input: DataStream<Row>,
  node: PhysicalNode,
  constraints: SinkConstraints,
  target: string,
): DataStream<Row> {
  const enforce = rowEnforcer(constraints, target);
  // At its input's parallelism, so the edge is forward and a key's changes keep their order.
  return input
    .flatMap(constraintEnforcerFunction(enforce, node.changelogMode !== 'insert-only'))
    .name(constraintEnforcerName(constraints))
    .setParallelism(input.getParallelism()) as DataStream<Row>;
}
