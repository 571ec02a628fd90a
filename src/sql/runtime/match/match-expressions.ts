/**
 * Evaluation of DEFINE conditions and MEASURES over a running match. Each expression and each
 * navigation's inner expression is compiled to a JS function once, when the operator is built;
 * evaluating one fills a scratch row with the navigations' values and calls the compiled
 * expression on it.
 *
 * In DEFINE the match includes the row being tried, mapped to the variable being tried, so
 * `A.price` in A's condition is the current row's price and `SUM(A.price)` includes it (Flink's
 * running semantics). In MEASURES the match is complete (FINAL semantics, the only ones Flink
 * has for ONE ROW PER MATCH).
 */
import type { Row, RowFunction } from '../../expressions/compiler.js';
import { compileExpression } from '../../expressions/compiler.js';
import type { MatchExpression, Navigation } from './match-spec.js';
import { navigationColumn } from './match-spec.js';

/** The rows of a (running) match and the variable of each; `row(k)` for k < length. */
export interface MatchView {
  readonly length: number;
  row(k: number): Row;
  variable(k: number): number;
}

/** A compiled navigation. */
type NavigationFunction = (view: MatchView) => unknown;

/** The index of the `offset`-th row of `variable` from the first (or, `fromEnd`, the last); -1 if none. */
function nth(view: MatchView, variable: number | undefined, offset: number, fromEnd: boolean): number {
  if (variable === undefined) {
    const k = fromEnd ? view.length - 1 - offset : offset;
    return k >= 0 && k < view.length ? k : -1;
  }
  let seen = 0;
  for (let i = 0; i < view.length; i++) {
    const k = fromEnd ? view.length - 1 - i : i;
    if (view.variable(k) === variable && seen++ === offset) return k;
  }
  return -1;
}

function compileNavigation(nav: Navigation): NavigationFunction {
  switch (nav.kind) {
    case 'first':
    case 'last': {
      const value = compileExpression(nav.value);
      const fromEnd = nav.kind === 'last';
      return (view) => {
        const k = nth(view, nav.variable, nav.offset, fromEnd);
        return k < 0 ? null : value(view.row(k));
      };
    }
    case 'prev': {
      const value = compileExpression(nav.value);
      return (view) => {
        const last = nth(view, nav.variable, 0, true);
        const k = last - nav.offset;
        return last < 0 || k < 0 ? null : value(view.row(k));
      };
    }
    case 'aggregate': {
      const fn = nav.call.definition.create(nav.call.argTypes);
      const args: RowFunction[] = nav.args.map((a) => compileExpression(a));
      // One argument array for every row: accumulate reads it before the next row fills it.
      const values: unknown[] = new Array(args.length);
      return (view) => {
        let acc = fn.createAccumulator();
        for (let k = 0; k < view.length; k++) {
          if (nav.variable !== undefined && view.variable(k) !== nav.variable) continue;
          const row = view.row(k);
          for (let i = 0; i < args.length; i++) values[i] = args[i]!(row);
          acc = fn.accumulate(acc, values);
        }
        return fn.getValue(acc);
      };
    }
    case 'matchRowtime': {
      const column = nav.column;
      return (view) => (view.length === 0 ? null : view.row(view.length - 1)[column]);
    }
  }
}

/** A DEFINE condition or a measure, compiled. */
export class CompiledMatchExpression {
  private readonly navigations: readonly NavigationFunction[];
  private readonly columns: readonly string[];
  private readonly body: RowFunction;

  constructor(expr: MatchExpression) {
    this.navigations = expr.navigations.map(compileNavigation);
    this.columns = expr.navigations.map((_, i) => navigationColumn(i));
    this.body = compileExpression(expr.rex);
  }

  /** The expression's value over the match `view`. */
  evaluate(view: MatchView): unknown {
    const scratch: Row = {};
    for (let i = 0; i < this.navigations.length; i++) scratch[this.columns[i]!] = this.navigations[i]!(view);
    return this.body(scratch);
  }
}

/** A view of `rows[0..vars.length)` mapped to `vars`, plus `row` mapped to `variable` when given. */
export class RunningMatch implements MatchView {
  rows: readonly Row[] = [];
  vars: readonly number[] = [];
  candidate: Row | undefined;
  candidateVariable = 0;

  get length(): number {
    return this.vars.length + (this.candidate === undefined ? 0 : 1);
  }

  row(k: number): Row {
    return k < this.vars.length ? this.rows[k]! : this.candidate!;
  }

  variable(k: number): number {
    return k < this.vars.length ? this.vars[k]! : this.candidateVariable;
  }
}
