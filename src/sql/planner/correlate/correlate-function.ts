/**
 * The operator of a LATERAL TABLE join: for each input row (or each change's row on a
 * changelog edge, keeping the change's kind), compute the arguments, call the table function,
 * and emit the input row joined with each row it gives; a LEFT correlate emits the input row
 * with NULLs when it gives none. Each parallel instance opens its own copy of the table function
 * (and of any scalar functions in the arguments) with its subtask's context.
 */
import type { Collector, FlatMapFunction, RuntimeContext } from '../../../types/functions.js';
import {
  type CalcFunction,
  type CompiledProgram,
  compileCalcProgram,
  type Row,
} from '../../expressions/compiler.js';
import { functionContext } from '../../functions/calc-function.js';
import { instantiate } from '../../functions/definitions.js';
import {
  TableFunction,
  type TableFunctionSpec,
  type UserFunctionLifecycle,
} from '../../functions/user-functions.js';
import type { ChangelogRow, RowKind } from '../changelog.js';
import type { PhysicalCorrelate } from './correlate-nodes.js';

/** The flatMap function of one physical correlate. */
export class CorrelateFunction implements FlatMapFunction<Row, Row> {
  private readonly argsProgram: CompiledProgram<CalcFunction>;
  private readonly argNames: readonly string[];
  private readonly inputNames: readonly string[];
  /** For each output column, the function row's field it comes from. */
  private readonly fieldNames: readonly string[];
  private readonly outputNames: readonly string[];
  private readonly rowResult: boolean;
  private readonly left: boolean;
  private readonly changelog: boolean;

  private computeArgs: CalcFunction | undefined;
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
    this.argNames = node.invocation.args.map((_, i) => `a${i}`);
    this.argsProgram = compileCalcProgram(node.invocation.args.map((rex, i) => ({ name: `a${i}`, rex })));
    this.inputNames = node.input.columns.map((c) => c.name);
    this.fieldNames = node.invocation.fn.fields.map((f) => f.name);
    this.outputNames = node.outputs.map((c) => c.name);
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
    const argRow = this.computeArgs!(row)!;
    const args = this.argNames.map((n) => argRow[n]);
    const result = this.fn!.eval(...(args as never[]));
    if (result !== undefined && result !== null) for (const value of result) this.emit(value);
    if (this.emitted === 0 && this.left) this.emit(undefined);
  }

  /** Joins the current input row with one function row (undefined: the NULL row of a LEFT join). */
  private emit(value: unknown): void {
    const joined: Row = {};
    for (const name of this.inputNames) joined[name] = this.current[name];
    const names = this.outputNames;
    if (value === undefined) {
      for (const name of names) joined[name] = null;
    } else if (!this.rowResult) {
      joined[names[0]!] = value ?? null;
    } else if (Array.isArray(value)) {
      for (let i = 0; i < names.length; i++) joined[names[i]!] = value[i] ?? null;
    } else {
      const fields = value as Row;
      for (let i = 0; i < names.length; i++) joined[names[i]!] = fields[this.fieldNames[i]!] ?? null;
    }
    this.emitted++;
    this.out!.collect(this.changelog ? ({ kind: this.kind, row: joined } as unknown as Row) : joined);
  }
}
