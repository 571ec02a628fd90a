/**
 * A Calc (fused filter and projection) whose expressions call user-defined scalar functions:
 * a rich flatMap function, so each parallel instance compiles its own copy of the functions in
 * `open` (with the subtask's context), and closes them in `close`. Calcs without user
 * functions keep the plain map/filter path in `translate.ts`.
 */
import type { Collector, FlatMapFunction, RuntimeContext } from '../../types/functions.js';
import type { CalcFunction, CompiledProgram, Row } from '../expressions/compiler.js';
import type { ChangelogRow } from '../planner/changelog.js';
import type { FunctionContext, ScalarFunctionSpec } from './user-functions.js';

/** The context `open` gives user functions, from the operator's runtime context. */
export function functionContext(ctx: RuntimeContext): FunctionContext {
  return { subtaskIndex: ctx.getIndexOfThisSubtask(), parallelism: ctx.getNumberOfParallelSubtasks() };
}

/**
 * Runs a compiled Calc with its own user function instances. On a changelog edge (`changelog`
 * true) each change keeps its kind and its row is filtered and projected.
 */
export class UserFunctionCalc implements FlatMapFunction<Row, Row> {
  private calc: CalcFunction | undefined;
  private instances: readonly ScalarFunctionSpec[] = [];

  constructor(
    private readonly program: CompiledProgram<CalcFunction>,
    private readonly changelog: boolean,
  ) {}

  open(ctx: RuntimeContext): void {
    const { fn, instances } = this.program.instantiate();
    this.calc = fn;
    this.instances = instances;
    const context = functionContext(ctx);
    for (const instance of instances) instance.open?.(context);
  }

  close(): void {
    for (const instance of this.instances) instance.close?.();
  }

  flatMap(element: Row, out: Collector<Row>): void {
    if (this.changelog) {
      const change = element as unknown as ChangelogRow;
      const row = this.calc!(change.row);
      if (row !== undefined) out.collect({ kind: change.kind, row } as unknown as Row);
      return;
    }
    const row = this.calc!(element);
    if (row !== undefined) out.collect(row);
  }
}
