/**
 * The keyed function behind SQL's `GROUP BY` on a stream: one state entry per group holding
 * the group's row count and its accumulators, updated by each input row, and a retract
 * changelog out: `+I` for a group's first row, `-U old` / `+U new` when its result changes
 * (nothing when it does not, unless idle state retention is on: see {@link skipsUnchanged}),
 * `-D` when its last row is retracted. The row count, not the
 * calls, says when a group is empty, so `SELECT a, MAX(b) … GROUP BY a` deletes a group even
 * when all its `b` are NULL.
 *
 * Input is either insert-only (rows) or a retract changelog (`{kind, row}` envelopes: +I and
 * +U add a row, -U and -D take one away). A retraction for a group that holds nothing is
 * ignored, as Flink does: its row was counted before state expired or never reached us.
 */
import { canonicalKey } from '../../state/key-groups.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type RuntimeContext,
} from '../../types/functions.js';
import type { ValueState } from '../../types/state.js';
import { openGroupState } from '../runtime/aggregate/group-state.js';
import type { Row } from '../expressions/compiler.js';
import type { ChangelogRow } from '../planner/changelog.js';
import type { BoundAggregateCall } from './aggregate-function.js';
import { type AccumulatorList, RowAggregates } from './row-aggregates.js';

/** What a group aggregate computes and how its input and output travel. */
export interface GroupAggregateSpec {
  /** Input columns the rows are grouped by; they are copied into each output row. */
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
  /** The input is a retract changelog of envelopes, not plain rows. */
  readonly changelogInput: boolean;
  /**
   * Emit plain rows, each group's once (SELECT DISTINCT over an insert-only input: with no
   * calls and no retractions, a group's row never changes).
   */
  readonly insertOnlyOutput: boolean;
  /**
   * Emit an upsert changelog: a changed group's +U alone, without the -U of its old result,
   * when no consumer needs it (the planner's update-kind inference decides). Absent: retract.
   */
  readonly upsertOutput?: boolean;
  /**
   * `table.exec.state.ttl`: a group's state expires this many milliseconds of processing time
   * after it was last written, as Flink's idle state retention; absent or 0 keeps it forever.
   */
  readonly stateTtlMs?: number;
  /**
   * The one call is a table aggregate whose rows are unnested right after: a change emits only
   * the rows its `emitUpdateWithRetract` gives, each as a one-row array (-U to retract, +U to
   * add; +I for a new group's, -D for an emptied one's).
   */
  readonly emitsChangedRows?: boolean;
  /**
   * The columns of each output row, when a Calc above the aggregate only picks and renames its
   * columns (`SELECT category AS id, EXPR$1 AS final`): the aggregate builds the Calc's row
   * itself, one row per change instead of two. Absent: its own columns, keys then calls.
   */
  readonly outputColumns?: readonly GroupOutputColumn[];
}

/** One column of a group aggregate's output row: `name`, holding its key or call `from`. */
export interface GroupOutputColumn {
  readonly name: string;
  /** A group key or a call's name. */
  readonly from: string;
}

/** A group's state: `[rows in the group, accumulators]`. */
export type GroupState = [number, AccumulatorList];

type OutputRowBuilder = (input: Row, values: readonly unknown[]) => Row;

/** Each spec's compiled {@link groupOutputRow}, built at its first row. */
const outputRowBuilders = new WeakMap<GroupAggregateSpec, OutputRowBuilder>();

/**
 * A function building a spec's output rows as one object literal, so every row gets the same
 * shape at once instead of growing property by property (two rows per changed group and bundle).
 */
function compileOutputRow(spec: GroupAggregateSpec): OutputRowBuilder {
  const columns: readonly GroupOutputColumn[] = spec.outputColumns ?? [
    ...spec.groupKeys.map((k) => ({ name: k, from: k })),
    ...spec.calls.map((c) => ({ name: c.name, from: c.name })),
  ];
  const callIndex = new Map(spec.calls.map((c, i) => [c.name, i]));
  // A call's value where a key and a call share a name, as the Calc above reads the row the
  // aggregate built without it (keys first, then calls, the later property winning).
  const source = (from: string) => {
    const i = callIndex.get(from);
    if (i !== undefined) return { call: i };
    if (spec.groupKeys.includes(from)) return { key: from };
    throw new Error(`group aggregate output column ${from} is neither a group key nor a call`);
  };
  const sources = columns.map((c) => ({ name: c.name, ...source(c.from) }));
  // A literal `"__proto__": v` would set the prototype; such a column takes the loop.
  if (sources.some((c) => c.name === '__proto__' || c.key === '__proto__'))
    return (input, values) => {
      const row: Row = {};
      for (const c of sources) row[c.name] = c.call === undefined ? (input[c.key!] ?? null) : values[c.call];
      return row;
    };
  const fields = sources.map(
    (c) =>
      `${JSON.stringify(c.name)}: ${c.call === undefined ? `input[${JSON.stringify(c.key)}] ?? null` : `values[${c.call}]`}`,
  );
  return new Function('input', 'values', `return {${fields.join(', ')}};`) as OutputRowBuilder;
}

/** The output row of a group: its keys (from any of its input rows), then the calls' values. */
export function groupOutputRow(spec: GroupAggregateSpec, input: Row, values: readonly unknown[]): Row {
  let build = outputRowBuilders.get(spec);
  if (build === undefined) {
    build = compileOutputRow(spec);
    outputRowBuilders.set(spec, build);
  }
  return build(input, values);
}

/** Adds a row to a group's state, or retracts it, keeping the state's row count. */
export function applyRow(aggs: RowAggregates, state: GroupState, row: Row, add: boolean): void {
  if (add) {
    aggs.accumulate(state[1], row);
    state[0]++;
  } else {
    aggs.retract(state[1], row);
    state[0]--;
  }
}

/**
 * Whether two results are the same SQL value, so an update that changes nothing is skipped.
 * Flink compares the old and new result rows (fresh generic rows, not binary ones) field by
 * field, numbers with Java's `==`: -0.0 equals 0.0, so that change emits nothing, and NaN equals
 * nothing, so a result that stays NaN emits a -U/+U pair; JavaScript's `===` is the same.
 */
export function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (x instanceof Map || y instanceof Map) {
      if (!sameMaps(x, y)) return false;
    } else if (canonicalKey(x) !== canonicalKey(y)) return false;
  }
  return true;
}

/**
 * Whether an update from `before` to `after` is left out: one that changes no value, as Flink's
 * group aggregates skip it, but only without idle state retention (`table.exec.state.ttl`).
 * With it Flink emits the unchanged row all the same, so that the state downstream operators
 * hold for it is written again and does not expire while the group is still being updated.
 */
export function skipsUnchanged(
  spec: GroupAggregateSpec,
  before: readonly unknown[],
  after: readonly unknown[],
): boolean {
  return !(spec.stateTtlMs !== undefined && spec.stateTtlMs > 0) && sameValues(before, after);
}

/** Whether two MAP or MULTISET values (COLLECT's) hold the same entries; canonicalKey refuses Maps. */
function sameMaps(x: object, y: object): boolean {
  if (!(x instanceof Map) || !(y instanceof Map) || x.size !== y.size) return false;
  for (const [k, v] of x) {
    const w = y.get(k);
    if (w === v) continue;
    if (w === undefined || !sameValues([v], [w])) return false;
  }
  return true;
}

/** One group aggregation operator instance; see the module comment for what it emits. */
export class GroupAggregateFunction extends KeyedProcessFunction<unknown, unknown, unknown> {
  private aggs!: RowAggregates;
  private state!: ValueState<GroupState>;

  constructor(private readonly spec: GroupAggregateSpec) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.aggs = new RowAggregates(this.spec.calls, { retraction: this.spec.changelogInput });
    this.state = openGroupState(ctx, this.spec);
  }

  processElement(
    element: unknown,
    _ctx: KeyedProcessContext<unknown, unknown>,
    out: Collector<unknown>,
  ): void {
    let row: Row;
    let add = true;
    if (this.spec.changelogInput) {
      const change = element as ChangelogRow;
      row = change.row;
      add = change.kind === '+I' || change.kind === '+U';
    } else row = element as Row;

    let state = this.state.value();
    if (state === undefined) {
      if (!add) return;
      state = [0, this.aggs.createAccumulators()];
    }
    const aggs = this.aggs;
    const hadRows = state[0] > 0;
    if (this.spec.emitsChangedRows === true) {
      this.emitChangedRows(state, row, add, hadRows, out);
      return;
    }
    const before = hadRows ? aggs.values(state[1]) : undefined;
    applyRow(aggs, state, row, add);

    if (state[0] <= 0) {
      this.state.clear();
      if (before !== undefined) out.collect({ kind: '-D', row: this.output(row, before) });
      return;
    }
    this.state.update(state);
    if (before === undefined) {
      const values = aggs.values(state[1]);
      out.collect(
        this.spec.insertOnlyOutput ? this.output(row, values) : { kind: '+I', row: this.output(row, values) },
      );
      return;
    }
    const after = aggs.values(state[1]);
    if (skipsUnchanged(this.spec, before, after)) return;
    if (this.spec.upsertOutput !== true) out.collect({ kind: '-U', row: this.output(row, before) });
    out.collect({ kind: '+U', row: this.output(row, after) });
  }

  /**
   * Applies the row, then emits what the table aggregate's `emitUpdateWithRetract` gives, each
   * row as its own one-row array for the UNNEST after: retractions always, since they take back
   * single rows the group's key does not identify.
   */
  private emitChangedRows(
    state: GroupState,
    row: Row,
    add: boolean,
    hadRows: boolean,
    out: Collector<unknown>,
  ): void {
    applyRow(this.aggs, state, row, add);
    const emptied = state[0] <= 0;
    if (emptied) this.state.clear();
    else this.state.update(state);
    this.aggs.functions[0]!.emitUpdateWithRetract!(state[1][0], {
      collect: (r) => out.collect({ kind: hadRows ? '+U' : '+I', row: this.output(row, [[r]]) }),
      retract: (r) => out.collect({ kind: emptied ? '-D' : '-U', row: this.output(row, [[r]]) }),
    });
  }

  private output(input: Row, values: readonly unknown[]): Row {
    return groupOutputRow(this.spec, input, values);
  }
}
