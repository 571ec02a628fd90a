/**
 * Table function calls (LATERAL TABLE): physical planning, DataStream translation and EXPLAIN
 * lines. A correlate is stateless, so it takes any input and passes its changes through, each
 * change's row expanded; a non-deterministic function over an updating input is refused, since
 * a retraction would not give back the rows its insertion gave.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { validationError } from '../../errors.js';
import { formatRex } from '../../expressions/rex.js';
import { isDeterministic } from '../../expressions/functions.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import { CorrelateFunction } from './correlate-function.js';
import type { CorrelateInvocation, LogicalCorrelate, PhysicalCorrelate } from './correlate-nodes.js';

/** The physical plan of a LATERAL TABLE node. */
export function toPhysicalCorrelate(node: LogicalCorrelate, recurse: PhysicalPlanner): PhysicalNode {
  const input = emittingChangedRows(recurse(node.input), node);
  const { fn, args, pos } = node.invocation;
  if (input.changelogMode !== 'insert-only' && (!fn.deterministic || !args.every(isDeterministic)))
    throw validationError(
      pos,
      `LATERAL TABLE(${fn.name}(…)) over an updating input needs a deterministic function, so retractions give back the same rows; declare it deterministic or make the input insert-only`,
    );
  const physical: PhysicalCorrelate = {
    kind: 'correlate',
    input,
    invocation: node.invocation,
    joinType: node.joinType,
    outputs: node.outputs,
    columns: node.columns,
    changelogMode: input.changelogMode,
  };
  return Object.freeze(physical);
}

/**
 * `input` set to emit only changed rows when it is a group aggregate of one table aggregate
 * call with `emitUpdateWithRetract` and `node` unnests that call's rows, as the Table
 * API's `flatAggregate` plans: then only the unnested rows read the call's value, so a change
 * can carry the rows that changed alone. Mini-batch applies a bundle at once, so it keeps
 * `emitValue`.
 */
function emittingChangedRows(input: PhysicalNode, node: LogicalCorrelate): PhysicalNode {
  // In batch mode such a call has no row over no rows to add: the aggregate is read alone.
  if (input.kind === 'globalOverNoRows') {
    const changed = emittingChangedRows(input.input, node);
    return changed === input.input ? input : changed;
  }
  if (input.kind !== 'groupAggregate' || input.miniBatch !== undefined || input.calls.length !== 1)
    return input;
  const call = input.calls[0]!;
  const { fn, args } = node.invocation;
  const element = call.type.element;
  // WITH ORDINALITY numbers a group's rows, which a one-row array would not.
  const fields = element?.root === 'ROW' ? element.fields!.length : 1;
  const unnestsCall =
    fn.name === '$UNNEST_ROWS$' &&
    args.length === 1 &&
    args[0]!.kind === 'field' &&
    args[0]!.name === call.name &&
    node.outputs.length === fields;
  if (!unnestsCall || call.distinct || call.definition.emitsChangedRows !== true) return input;
  return Object.freeze({ ...input, emitsChangedRows: true });
}

/** The DataStream operators of a physical LATERAL TABLE node. */
export function translateCorrelate(
  node: PhysicalCorrelate,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  return recurse(node.input)
    .flatMap(new CorrelateFunction(node))
    .name(`Correlate: ${node.invocation.fn.name}`);
}

function invocation(i: CorrelateInvocation): string {
  return `${i.fn.name}(${i.args.map(formatRex).join(', ')})`;
}

/** The node's line in EXPLAIN's logical plans. */
export function explainCorrelateLogical(node: LogicalCorrelate): string {
  return `LogicalCorrelate(invocation=[${invocation(node.invocation)}], joinType=[${node.joinType.toLowerCase()}], fields=[${node.outputs.map((c) => c.name).join(', ')}])`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainCorrelatePhysical(node: PhysicalCorrelate, mode: string): string {
  return `Correlate(invocation=[${invocation(node.invocation)}], select=[${node.columns.map((c) => c.name).join(', ')}], joinType=[${node.joinType}], ${mode})`;
}
