/**
 * The operator of a LATERAL TABLE join: for each input row (or each change's row on a
 * changelog edge, keeping the change's kind), compute the arguments, call the table function,
 * and emit the input row joined with each row it gives; a LEFT correlate emits the input row
 * with NULLs when it gives none. Each parallel instance opens its own copy of the table function
 * (and of any scalar functions in the arguments) with its subtask's context.
 */
import type { Collector, FlatMapFunction, RuntimeContext } from '../../../types/functions.js';
import { type CompiledProgram, compileTupleProgram, type Row } from '../../expressions/compiler.js';
import { functionContext } from '../../functions/calc-function.js';
import { instantiate } from '../../functions/definitions.js';
import {
  TableFunction,
  type TableFunctionSpec,
  type UserFunctionLifecycle,
} from '../../functions/user-functions.js';
import type { ChangelogRow, RowKind } from '../changelog.js';
import type { PhysicalCorrelate } from './correlate-nodes.js';

/** Builds an output row from the input row and one function row, in a fixed shape. */
type Joiner = (row: Row, value: unknown) => Row;

/**
 * The joiners of a correlate, generated once per operator: each builds the output row as one
 * object literal (a fixed shape, cheaper than adding properties one by one), from a function
 * row given as an object, an array, a single value, or none (the NULLs of a LEFT join).
 */
function joiners(
  inputNames: readonly string[],
  outputNames: readonly string[],
  fieldNames: readonly string[],
) {
  const key = (name: string) => JSON.stringify(name);
  const make = (read: (i: number) => string): Joiner => {
    const fields = [
      ...inputNames.map((n) => `${key(n)}: row[${key(n)}] ?? null`),
      ...outputNames.map((n, i) => `${key(n)}: ${read(i)}`),
    ];
    return new Function('row', 'value', `"use strict"; return { ${fields.join(', ')} };`) as Joiner;
  };
  return {
    object: make((i) => `value[${key(fieldNames[i]!)}] ?? null`),
    array: make((i) => `value[${i}] ?? null`),
    single: make(() => 'value ?? null'),
    nulls: make(() => 'null'),
  };
}

/** The flatMap function of one physical correlate. */
export class CorrelateFunction implements FlatMapFunction<Row, Row> {
  private readonly argsProgram: CompiledProgram<(row: Row) => unknown[]>;
  private readonly join: ReturnType<typeof joiners>;
  private readonly rowResult: boolean;
  private readonly left: boolean;
  private readonly changelog: boolean;

  private computeArgs: ((row: Row) => unknown[]) | undefined;
  private instances: UserFunctionLifecycle[] = [];
  private fn: TableFunctionSpec | undefined;
  /** The row, change kind and output of the eval call under way, for `collect`. */
  private current: Row = {};
  private kind: RowKind = '+I';
  private out: Collector<Row> | undefined;
  private emitted = 0;

  constructor(
    node: PhysicalCorrelate,
    private readonly template: TableFunctionSpec = node.invocation.fn.fn,
  ) {
    this.argsProgram = compileTupleProgram(node.invocation.args);
    this.join = joiners(
      node.input.columns.map((c) => c.name),
      node.outputs.map((c) => c.name),
      node.invocation.fn.fields.map((f) => f.name),
    );
    this.rowResult = node.invocation.fn.rowResult;
    this.left = node.joinType === 'LEFT';
    this.changelog = node.changelogMode !== 'insert-only';
  }

  open(ctx: RuntimeContext): void {
    const { fn, instances } = this.argsProgram.instantiate();
    this.computeArgs = fn;
    const tableFn = instantiate(this.template);
    this.fn = tableFn;
    // One collector per instance, reading the call under way from fields: no closure per row.
    const collect = (value: unknown) => this.emit(value);
    if (tableFn instanceof TableFunction) tableFn.setCollector(collect);
    this.instances = [...instances, tableFn as UserFunctionLifecycle];
    const context = functionContext(ctx);
    for (const instance of this.instances) instance.open?.(context);
  }

  close(): void {
    for (const instance of this.instances) instance.close?.();
  }

  flatMap(element: Row, out: Collector<Row>): void {
    const change = this.changelog ? (element as unknown as ChangelogRow) : undefined;
    const row = change === undefined ? element : change.row;
    this.current = row;
    this.kind = change?.kind ?? '+I';
    this.out = out;
    this.emitted = 0;
    const fn = this.fn!;
    const result = fn.eval.apply(fn, this.computeArgs!(row) as never[]);
    if (result !== undefined && result !== null) for (const value of result) this.emit(value);
    if (this.emitted === 0 && this.left) this.emit(undefined);
  }

  /** Joins the current input row with one function row (undefined: the NULL row of a LEFT join). */
  private emit(value: unknown): void {
    const row = this.current;
    const joined =
      value === undefined
        ? this.join.nulls(row, value)
        : !this.rowResult
          ? this.join.single(row, value)
          : Array.isArray(value)
            ? this.join.array(row, value)
            : this.join.object(row, value);
    this.emitted++;
    this.out!.collect(this.changelog ? ({ kind: this.kind, row: joined } as unknown as Row) : joined);
  }
}
