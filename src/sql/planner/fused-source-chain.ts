/**
 * Runs a table's read chain, Calc (computed columns, pushed residual filter) → WatermarkAssigner
 * → Calc (the view's or query's filter and projection), as one operator instead of three. Each
 * operator in the chain costs a call, a collect and (for a Calc) a row object per event; on
 * Nexmark that chain sits under every query.
 *
 * Only the runtime chain changes: the physical plan and EXPLAIN stay as they are. When the lower
 * Calc only computes columns from its input (no user functions, nothing non-deterministic), the
 * upper Calc's expressions are rewritten over the lower Calc's input, so the operator builds one
 * row object per emitted event and none for events the upper Calc drops. The rowtime and the
 * watermark expression are rewritten likewise; the watermark still sees every row that passes
 * the lower Calc, including those the upper Calc filters out, as the unfused assigner does.
 *
 * Chains the rewrite cannot cover (user functions, CURRENT_WATERMARK, changelog edges,
 * non-deterministic lower Calcs) keep the unfused operators.
 *
 * A chain whose assigner several operators read (a view or scan reused, as in Nexmark q7) runs
 * as one operator too: the lower Calc, rowtime and watermark once per row, then each
 * consumer's Calc, its rows on an output of its own (`SharedSourceChain`), where one fused
 * operator per consumer would compute the shared part once per consumer.
 *
 * When the output row rebuilds a ROW column's value field by field, under the same names and in
 * the order the source promises that value has (`DynamicTableFactory.exactRowFields`: Nexmark's
 * bid view reading all of a bid), the value itself is the output row: an equal object with the
 * same keys in the same order, without a copy per event. Rows are never changed in place, so
 * the row and the source's value may be one object.
 */
import type { DataStream } from '../../api/data-stream.js';
import type { DynamicTableFactory } from '../connectors/factory.js';
import { callsUserFunction, compileCalc, compileExpression, type Row } from '../expressions/compiler.js';
import { callsCurrentWatermark } from '../expressions/current-watermark.js';
import { isDeterministic } from '../expressions/functions.js';
import { fieldsOf, type Rex, substitute } from '../expressions/rex.js';
import {
  FusedSourceChain,
  type FusedSourceChainSpec,
  type SharedChainOutput,
  SharedSourceChain,
} from '../runtime/watermark-assigner.js';
import { OutputTag } from '../../types/functions.js';
import { explainPhysical } from './explain.js';
import type { PhysicalNode } from './physical.js';
import type { QueryTranslator, TranslateContext } from './translate.js';
import { rowtimeLag } from './watermark-lag.js';

type CalcNode = Extract<PhysicalNode, { kind: 'calc' }>;
type WatermarkNode = Extract<PhysicalNode, { kind: 'watermarkAssigner' }>;

/** The parts of a fusable chain; `upper` absent when the assigner's consumer is not a Calc. */
interface Chain {
  readonly lower?: CalcNode;
  readonly assigner: WatermarkNode;
  readonly upper?: CalcNode;
}

/**
 * The fused operator for `node` when it tops a fusable chain (a Calc over a watermark assigner,
 * or an assigner over a Calc), else undefined and the caller translates `node` as usual.
 */
export function translateFusedSourceChain(
  node: PhysicalNode,
  ctx: TranslateContext,
  recurse: QueryTranslator,
  consumers: (node: PhysicalNode) => number = () => 1,
): DataStream<Row> | undefined {
  const idleTimeoutMs = ctx.config?.get<number>('table.exec.source.idle-timeout') ?? 0;
  const exactRowFieldsOf = (input: PhysicalNode): ExactRowFields | undefined => {
    if (input.kind !== 'sourceScan' || input.table.dataStream !== undefined) return undefined;
    const factory: DynamicTableFactory = ctx.registry.factoryFor(input.table);
    return factory.exactRowFields?.bind(factory);
  };
  if (sharedChain(node, consumers) !== undefined)
    return fanOut(node, ctx, recurse, idleTimeoutMs, exactRowFieldsOf);
  const fused = fusedSourceChain(node, idleTimeoutMs, exactRowFieldsOf);
  if (fused === undefined) return undefined;
  const { spec } = fused;
  return recurse(fused.input).transform('WatermarkAssigner', () => new FusedSourceChain(spec));
}

/** A read chain several consumers share: one operator, and the outputs its consumers asked for. */
interface SharedOperator {
  readonly stream: DataStream<Row>;
  /** Filled while the consumers are translated; the operator reads it when the job starts. */
  readonly outputs: SharedChainOutput[];
}

/** The shared chains of one statement's translation, by the EXPLAIN text of their assigner. */
const sharedOperators = new WeakMap<TranslateContext, Map<string, SharedOperator>>();

/**
 * The chain `node` belongs to when its watermark assigner has several consumers: `node` is the
 * assigner (read by a consumer that is not a plain Calc) or a plain Calc over it. Undefined
 * when the assigner is read once, or cannot run fused.
 */
function sharedChain(node: PhysicalNode, consumers: (node: PhysicalNode) => number): Chain | undefined {
  const assigner = node.kind === 'calc' ? node.input : node;
  if (assigner.kind !== 'watermarkAssigner' || consumers(assigner) < 2) return undefined;
  const below = assigner.input;
  const lower = below.kind === 'calc' && composable(below, assigner) ? below : undefined;
  if (lower === undefined && !plainAssigner(assigner)) return undefined;
  if (node.kind !== 'calc') return lower === undefined ? { assigner } : { lower, assigner };
  if (!plainCalc(node)) return undefined;
  return lower === undefined ? { assigner, upper: node } : { lower, assigner, upper: node };
}

/**
 * @internal For `consumer` of a watermark assigner other operators read too (a plain Calc over
 * it, or the assigner itself): the node below the shared chain, the shared part's spec, and the
 * consumer's own Calc over the prepared row (absent: the prepared row is its row). Undefined
 * when the chain cannot run fused. Exported for the equivalence tests.
 */
export function sharedSourceChain(
  consumer: PhysicalNode,
  idleTimeoutMs: number,
  exactRowFieldsOf?: (input: PhysicalNode) => ExactRowFields | undefined,
):
  | {
      readonly input: PhysicalNode;
      readonly spec: Omit<FusedSourceChainSpec, 'finish'>;
      readonly output: SharedChainOutput;
    }
  | undefined {
  const chain = sharedChain(consumer, () => 2);
  if (chain === undefined) return undefined;
  const { lower, assigner, upper } = chain;
  const input = lower?.input ?? assigner.input;
  const { spec, inline } = sharedSpec(chain, idleTimeoutMs);
  const { finish } = finishOf(lower, upper, inline, exactRowFieldsOf?.(input));
  return { input, spec, output: finish === undefined ? {} : { finish } };
}

/**
 * The stream of `consumer` (a plain Calc over a shared assigner, or the assigner itself): an
 * output of the one operator that runs the shared part, built when its first consumer is
 * translated.
 */
function fanOut(
  consumer: PhysicalNode,
  ctx: TranslateContext,
  recurse: QueryTranslator,
  idleTimeoutMs: number,
  exactRowFieldsOf: (input: PhysicalNode) => ExactRowFields | undefined,
): DataStream<Row> | undefined {
  const chain = sharedSourceChain(consumer, idleTimeoutMs, exactRowFieldsOf);
  if (chain === undefined) return undefined;
  let operators = sharedOperators.get(ctx);
  if (operators === undefined) sharedOperators.set(ctx, (operators = new Map()));
  const digest = explainPhysical(consumer.kind === 'calc' ? consumer.input : consumer);
  let shared = operators.get(digest);
  if (shared === undefined) {
    const { spec } = chain;
    const outputs: SharedChainOutput[] = [];
    const stream = recurse(chain.input).transform(
      'WatermarkAssigner',
      () => new SharedSourceChain(spec, outputs),
    );
    operators.set(digest, (shared = { stream, outputs }));
  }
  if (shared.outputs.length === 0) {
    shared.outputs.push(chain.output);
    return shared.stream;
  }
  const tag = new OutputTag<Row>(`consumer-${shared.outputs.length}`);
  shared.outputs.push({ ...chain.output, tag });
  return shared.stream.getSideOutput(tag);
}

/** The fields each non-null value of a ROW column of the chain's input holds, when its source promises them. */
export type ExactRowFields = (column: string) => readonly string[] | undefined;

/**
 * @internal The fused operator's spec for the chain `node` tops and the node below the chain,
 * or undefined when `node` tops none (exported for the equivalence tests). `exactRowFieldsOf`
 * gives, for the node below the chain, what its source promises of its ROW values.
 */
export function fusedSourceChain(
  node: PhysicalNode,
  idleTimeoutMs: number,
  exactRowFieldsOf?: (input: PhysicalNode) => ExactRowFields | undefined,
): { readonly input: PhysicalNode; readonly spec: FusedSourceChainSpec } | undefined {
  const chain = fusableChain(node);
  if (chain === undefined) return undefined;
  const input = chain.lower?.input ?? chain.assigner.input;
  return { input, spec: fusedSpec(chain, idleTimeoutMs, exactRowFieldsOf?.(input)) };
}

function fusableChain(node: PhysicalNode): Chain | undefined {
  if (node.kind === 'calc') {
    const assigner = node.input;
    if (assigner.kind !== 'watermarkAssigner' || !plainCalc(node)) return undefined;
    const lower = assigner.input.kind === 'calc' ? assigner.input : undefined;
    if (lower !== undefined)
      return composable(lower, assigner) ? { lower, assigner, upper: node } : undefined;
    return plainAssigner(assigner) ? { assigner, upper: node } : undefined;
  }
  if (node.kind === 'watermarkAssigner' && node.input.kind === 'calc' && composable(node.input, node))
    return { lower: node.input, assigner: node };
  return undefined;
}

/** A Calc on an insert-only edge that the plain compiled path runs (see `translate.ts`). */
function plainCalc(calc: CalcNode): boolean {
  const rexes = [...calc.projections.map((p) => p.rex), calc.condition];
  return calc.changelogMode === 'insert-only' && !callsUserFunction(rexes) && !callsCurrentWatermark(rexes);
}

function plainAssigner(assigner: WatermarkNode): boolean {
  return assigner.changelogMode === 'insert-only' && !callsUserFunction([assigner.rex]);
}

/** Whether the lower Calc's expressions may be inlined (evaluated again) above it. */
function composable(lower: CalcNode, assigner: WatermarkNode): boolean {
  if (!plainCalc(lower) || !plainAssigner(assigner)) return false;
  const rexes = [
    ...lower.projections.map((p) => p.rex),
    ...(lower.condition === undefined ? [] : [lower.condition]),
  ];
  return rexes.every(isDeterministic) && isDeterministic(assigner.rex);
}

function fusedSpec(
  chain: Chain,
  idleTimeoutMs: number,
  exactRowFields: ExactRowFields | undefined,
): FusedSourceChainSpec {
  const { spec, inline } = sharedSpec(chain, idleTimeoutMs);
  return { ...spec, ...finishOf(chain.lower, chain.upper, inline, exactRowFields) };
}

/**
 * The chain's part up to its assigner (the lower Calc's filter, the rowtime, the watermark),
 * and the rewrite of an expression over the lower Calc's output to one over its input.
 */
function sharedSpec(
  chain: Chain,
  idleTimeoutMs: number,
): { readonly spec: Omit<FusedSourceChainSpec, 'finish'>; readonly inline: (rex: Rex) => Rex } {
  const { lower, assigner } = chain;
  // Over the lower Calc's input: its columns replaced by the expressions computing them.
  const defining = new Map<string, Rex>((lower?.projections ?? []).map((p) => [p.name, p.rex]));
  const inline = (rex: Rex): Rex =>
    lower === undefined ? rex : substitute(rex, (f) => defining.get(f.name) ?? f);
  const rowtime = assigner.rowtime;
  const rowtimeRex = defining.get(rowtime);
  const rowtimeOf: (row: Row) => number =
    rowtimeRex === undefined || (rowtimeRex.kind === 'field' && rowtimeRex.name === rowtime)
      ? (row) => row[rowtime] as number
      : (compileExpression(rowtimeRex) as (row: Row) => number);
  const watermark = compileExpression(assigner.rex);
  const readsOnlyRowtime = [...fieldsOf(assigner.rex)].every((name) => name === rowtime);
  // The watermark expression over a one-column row holding the rowtime, reused for every row.
  const scratch: Row = { [rowtime]: undefined };
  const ofRowtime = (value: unknown): unknown => {
    scratch[rowtime] = value;
    return watermark(scratch);
  };
  const watermarkOfRowtime = isDeterministic(assigner.rex) ? lastValueMemo(ofRowtime) : ofRowtime;
  const watermarkOf = compileExpression(inline(assigner.rex));
  const lag = rowtimeLag(assigner.rex, rowtime);
  const condition = lower?.condition === undefined ? undefined : compileExpression(lower.condition);
  const prepare =
    condition === undefined ? undefined : (row: Row) => (condition(row) === true ? row : undefined);
  const spec = {
    rowtimeOf,
    watermarkOf,
    idleTimeoutMs,
    ...(prepare === undefined ? {} : { prepare }),
    ...(readsOnlyRowtime ? { watermarkOfRowtime } : {}),
    ...(lag === undefined ? {} : { rowtimeLag: lag }),
  };
  return { spec, inline };
}

/**
 * `f` computed again only when its argument differs from the previous call's (`===`, so NaN
 * always computes). Rows of one event time come in runs (Nexmark's generator gives 10,000 events
 * the same millisecond at its default rate), and the watermark of a deterministic expression of
 * the rowtime alone is the same for the whole run: one call and one number object per run, not
 * per row. The memo holds one pair, replaced within a call, so operators sharing it stay exact.
 */
export function lastValueMemo(f: (value: unknown) => unknown): (value: unknown) => unknown {
  let seen = false;
  let last: unknown;
  let result: unknown;
  return (value) => {
    if (seen && value === last) return result;
    result = f(value);
    last = value;
    seen = true;
    return result;
  };
}

/** The output row from the lower Calc's input: the upper Calc over the inlined lower one. */
function finishOf(
  lower: CalcNode | undefined,
  upper: CalcNode | undefined,
  inline: (rex: Rex) => Rex,
  exactRowFields: ExactRowFields | undefined,
): Pick<FusedSourceChainSpec, 'finish'> {
  if (upper === undefined) return lower === undefined ? {} : { finish: compileCalc(lower.projections) };
  const projections = upper.projections.map((p) => ({ name: p.name, rex: inline(p.rex) }));
  const condition = upper.condition === undefined ? undefined : inline(upper.condition);
  const inputNames = (lower ?? upper.input).columns.map((c) => c.name);
  const identity =
    lower === undefined &&
    projections.length === inputNames.length &&
    projections.every((p, i) => p.rex.kind === 'field' && p.rex.name === p.name && p.name === inputNames[i]);
  if (identity) {
    // A pure filter over the assigner's input keeps the row object, as the unfused Calc does.
    if (condition === undefined) return {};
    const keep = compileExpression(condition);
    return { finish: (row) => (keep(row) === true ? row : undefined) };
  }
  const calc = compileCalc(projections, condition);
  const column = rebuiltRowColumn(projections, exactRowFields);
  if (column === undefined) return { finish: calc };
  // A NULL value gives the Calc's row of NULLs; the condition is the Calc's to test.
  const keep = condition === undefined ? undefined : compileExpression(condition);
  return {
    finish: (row) => {
      const value = row[column];
      if (value === null || value === undefined) return calc(row);
      return keep === undefined || keep(row) === true ? (value as Row) : undefined;
    },
  };
}

/**
 * The input column whose value the projections rebuild, `FIELD(col, f) AS f` for each of the
 * fields its source promises every value of `col` holds, in that order; else undefined. The
 * projections read the chain's input (the lower Calc inlined), whose columns are the source's.
 */
function rebuiltRowColumn(
  projections: readonly { readonly name: string; readonly rex: Rex }[],
  exactRowFields: ExactRowFields | undefined,
): string | undefined {
  const first = projections[0]?.rex;
  if (exactRowFields === undefined || first?.kind !== 'call' || first.op !== 'FIELD') return undefined;
  const source = first.args[0];
  if (source?.kind !== 'field') return undefined;
  const fields = exactRowFields(source.name);
  if (fields === undefined || fields.length !== projections.length) return undefined;
  const rebuilds = projections.every(({ name, rex }, i) => {
    if (name !== fields[i] || rex.kind !== 'call' || rex.op !== 'FIELD' || rex.udf !== undefined)
      return false;
    const [value, field] = rex.args;
    return (
      value?.kind === 'field' &&
      value.name === source.name &&
      field?.kind === 'literal' &&
      field.value === name
    );
  });
  return rebuilds ? source.name : undefined;
}
