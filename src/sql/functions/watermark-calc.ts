/**
 * A Calc whose expressions call `CURRENT_WATERMARK`: a process function, because only the
 * operator knows its current watermark, which the compiled Calc takes as its second argument.
 * Calcs without the call keep the map/filter paths in `translate.ts`, so reading the watermark
 * costs nothing where it is not used. User functions in the same Calc get their own instances,
 * opened and closed with the operator, as in {@link UserFunctionCalc}.
 */
import {
  type Collector,
  type ProcessContext,
  ProcessFunction,
  type RuntimeContext,
} from '../../types/functions.js';
import type { CalcFunction, CompiledProgram, Row } from '../expressions/compiler.js';
import type { ChangelogRow } from '../planner/changelog.js';
import { functionContext } from './calc-function.js';
import type { ScalarFunctionSpec } from './user-functions.js';

/** The compiled Calc with the watermark parameter its CURRENT_WATERMARK calls read. */
type WatermarkCalcFunction = (row: Row, watermark: number) => Row | undefined;

/**
 * Runs a compiled Calc with the operator's current watermark. On a changelog edge (`changelog`
 * true) each change keeps its kind and its row is filtered and projected.
 */
export class WatermarkCalc extends ProcessFunction<Row, Row> {
  private calc: WatermarkCalcFunction | undefined;
  private instances: readonly ScalarFunctionSpec[] = [];

  constructor(
    private readonly program: CompiledProgram<CalcFunction>,
    private readonly changelog: boolean,
  ) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    const { fn, instances } = this.program.instantiate();
    this.calc = fn as unknown as WatermarkCalcFunction;
    this.instances = instances;
    const context = functionContext(ctx);
    for (const instance of instances) instance.open?.(context);
  }

  override close(): void {
    for (const instance of this.instances) instance.close?.();
  }

  processElement(element: Row, ctx: ProcessContext<Row>, out: Collector<Row>): void {
    const watermark = ctx.timerService().currentWatermark();
    if (this.changelog) {
      const change = element as unknown as ChangelogRow;
      const row = this.calc!(change.row, watermark);
      if (row !== undefined) out.collect({ kind: change.kind, row } as unknown as Row);
      return;
    }
    const row = this.calc!(element, watermark);
    if (row !== undefined) out.collect(row);
  }
}
