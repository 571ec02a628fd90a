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
 *
 * The aggregates of DEFINE conditions are running state of the matcher's branches
 * ({@link RunningAggregates}): each branch keeps their accumulators over its rows and a condition
 * reads them with the tried row added, so `AVG(A.price) < 10` over a match of n rows costs O(1)
 * per row, not O(n). MEASURES aggregate the complete match once.
 */
import type { SqlAggregateFunction } from '../../aggregates/aggregate-function.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import { compileExpression } from '../../expressions/compiler.js';
import type { MatchExpression, Navigation } from './match-spec.js';
import { navigationColumn } from './match-spec.js';
import { countOf, positionOf, variablesOf } from './match-paths.js';
import type { Branch, MatcherState, RunningState } from './pattern-matcher.js';

/** The rows of a (running) match and the variable of each; `row(k)` for k < length. */
export interface MatchView {
  readonly length: number;
  row(k: number): Row;
  /**
   * The position of the `offset`-th row of `variable` (of any variable when undefined) counted
   * from the match's first row, or (`fromEnd`) from its last; -1 if there is none.
   */
  position(variable: number | undefined, offset: number, fromEnd: boolean): number;
  /** The variable of every row, in order. */
  variables(): readonly number[];
}

/** A compiled navigation; `running` is the branch's {@link RunningAggregates} state, if any. */
type NavigationFunction = (view: MatchView, running: unknown) => unknown;

type AggregateNavigation = Extract<Navigation, { kind: 'aggregate' }>;

/** One aggregate kept by {@link RunningAggregates}. */
interface RunningSlot {
  readonly variable: number | undefined;
  readonly fn: SqlAggregateFunction;
  readonly args: readonly RowFunction[];
  /** One argument array for every row: accumulate reads it before the next row fills it. */
  readonly values: unknown[];
}

/**
 * The accumulators of the DEFINE conditions' aggregates as a branch's running state: one per
 * aggregate, in an array. Branches share these arrays, so extending one copies the accumulators
 * it changes before accumulating (functions may change accumulators in place).
 */
export class RunningAggregates implements RunningState {
  private readonly slots: RunningSlot[] = [];

  /** Whether any aggregate was added, i.e. whether the branches need this state at all. */
  get isEmpty(): boolean {
    return this.slots.length === 0;
  }

  /** Keeps `nav`'s accumulator from now on; returns the reader of its value from a state. */
  add(nav: AggregateNavigation): (running: unknown) => unknown {
    const fn = nav.call.definition.create(nav.call.argTypes);
    const slot = this.slots.length;
    const args = nav.args.map((a) => compileExpression(a));
    this.slots.push({ variable: nav.variable, fn, args, values: new Array(args.length) });
    return (running) => fn.getValue((running as readonly unknown[])[slot]);
  }

  initial(): unknown[] {
    return this.slots.map((s) => s.fn.createAccumulator());
  }

  extend(state: unknown, row: Row, variable: number): unknown[] {
    const next = [...(state as readonly unknown[])];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (slot.variable !== undefined && slot.variable !== variable) continue;
      for (let a = 0; a < slot.args.length; a++) slot.values[a] = slot.args[a]!(row);
      next[i] = slot.fn.accumulate(copyAccumulator(next[i]), slot.values);
    }
    return next;
  }
}

/** A copy of a plain-data accumulator that accumulating into leaves the original as it was. */
function copyAccumulator(acc: unknown): unknown {
  if (acc === null || typeof acc !== 'object') return acc;
  if (Array.isArray(acc)) {
    const copy = acc.slice();
    for (let i = 0; i < copy.length; i++)
      if (copy[i] !== null && typeof copy[i] === 'object') copy[i] = copyAccumulator(copy[i]);
    return copy;
  }
  return structuredClone(acc);
}

/** The position of the `offset`-th of `length` rows from the first (or, `fromEnd`, the last); -1 if none. */
function nthRow(length: number, offset: number, fromEnd: boolean): number {
  const k = fromEnd ? length - 1 - offset : offset;
  return k >= 0 && k < length ? k : -1;
}

function compileNavigation(nav: Navigation, running: RunningAggregates | undefined): NavigationFunction {
  switch (nav.kind) {
    case 'first':
    case 'last': {
      const value = compileExpression(nav.value);
      const fromEnd = nav.kind === 'last';
      return (view) => {
        const k = view.position(nav.variable, nav.offset, fromEnd);
        return k < 0 ? null : value(view.row(k));
      };
    }
    case 'aggregate': {
      if (running !== undefined) {
        const value = running.add(nav);
        return (_view, state) => value(state);
      }
      const fn = nav.call.definition.create(nav.call.argTypes);
      const args: RowFunction[] = nav.args.map((a) => compileExpression(a));
      // One argument array for every row: accumulate reads it before the next row fills it.
      const values: unknown[] = new Array(args.length);
      return (view) => {
        let acc = fn.createAccumulator();
        const vars = view.variables();
        for (let k = 0; k < view.length; k++) {
          if (nav.variable !== undefined && vars[k] !== nav.variable) continue;
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

  /**
   * With `running`, the expression's aggregates are kept there and read from the branch's
   * running state passed to {@link evaluate} (DEFINE); without, they aggregate the view (MEASURES).
   */
  constructor(expr: MatchExpression, running?: RunningAggregates) {
    this.navigations = expr.navigations.map((nav) => compileNavigation(nav, running));
    this.columns = expr.navigations.map((_, i) => navigationColumn(i));
    this.body = compileExpression(expr.rex);
  }

  /** The expression's value over the match `view`, whose branch has running state `running`. */
  evaluate(view: MatchView, running?: unknown): unknown {
    const scratch: Row = {};
    for (let i = 0; i < this.navigations.length; i++)
      scratch[this.columns[i]!] = this.navigations[i]!(view, running);
    return this.body(scratch);
  }
}

/** A complete match: `rows` mapped to `vars` (MEASURES read it once per match). */
export class CompleteMatch implements MatchView {
  constructor(
    private readonly rows: readonly Row[],
    private readonly vars: readonly number[],
  ) {}

  get length(): number {
    return this.vars.length;
  }

  row(k: number): Row {
    return this.rows[k]!;
  }

  position(variable: number | undefined, offset: number, fromEnd: boolean): number {
    const length = this.vars.length;
    if (variable === undefined) return nthRow(length, offset, fromEnd);
    let seen = 0;
    for (let i = 0; i < length; i++) {
      const k = fromEnd ? length - 1 - i : i;
      if (this.vars[k] === variable && seen++ === offset) return k;
    }
    return -1;
  }

  variables(): readonly number[] {
    return this.vars;
  }
}

/**
 * A branch's rows (the first `branch.length` of the state's rows, their variables in its
 * shared buffer), plus `candidate` mapped to `candidateVariable`: the running match a DEFINE
 * condition reads. Its navigations follow the buffer's pointers instead of scanning the rows.
 */
export class RunningMatch implements MatchView {
  state!: MatcherState;
  branch!: Branch;
  candidate!: Row;
  candidateVariable = 0;

  get length(): number {
    return this.branch.length + 1;
  }

  row(k: number): Row {
    return k < this.branch.length ? this.state.rows[k]! : this.candidate;
  }

  position(variable: number | undefined, offset: number, fromEnd: boolean): number {
    const { paths } = this.state;
    const { path, length } = this.branch;
    if (variable === undefined) return nthRow(length + 1, offset, fromEnd);
    if (variable !== this.candidateVariable) return positionOf(paths, path, variable, offset, fromEnd);
    // The candidate is the variable's last row.
    if (fromEnd) return offset === 0 ? length : positionOf(paths, path, variable, offset - 1, true);
    const before = countOf(paths, path, variable);
    if (offset < before) return positionOf(paths, path, variable, offset, false);
    return offset === before ? length : -1;
  }

  variables(): readonly number[] {
    const vars = variablesOf(this.state.paths, this.branch.path, this.branch.length);
    vars.push(this.candidateVariable);
    return vars;
  }
}
