/**
 * Top-N over updating input whose rows only move towards the top (Flink's UpdatableTopNFunction,
 * chosen by `UpdateFastStrategy`, see planner/over/rank-strategy.ts): a COUNT sorted descending
 * over a group aggregate, say. Such a row never leaves the ranked range unless another row
 * displaces it, and a row below the range comes back only through an update of its own, which
 * carries the whole row. So, unlike the retracting Top-N that keeps every row of a partition,
 * a value state holds only the rows ranked up to the range's end, and an update's +U replaces
 * its old version, found by the input's unique key; its -U is not needed and is skipped, which
 * also saves the flap the retracting Top-N emits between the -U and the +U.
 *
 * Output and the ranked range's semantics are the retracting Top-N's (see rank-function.ts);
 * the state layout is its own (a state of its own name).
 */
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import type { Collector, KeyedProcessContext, RuntimeContext } from '../../../types/functions.js';
import { ErrorCodes, WeirError } from '../../../types/errors.js';
import { ValueStateDescriptor } from '../../../types/state.js';
import { type CompactKey, columnsKey } from '../compact-keys.js';
import { retainedFor } from '../state-retention.js';
import { TOP_N_LAYOUT, TopNFunction, type TopNSpec } from './rank-function.js';
import { forEachRanked, insertionIndex, rankedRange } from './ranking.js';

/** Top-N keeping only the top rows of input whose rows only rise; emits {@link ChangelogRow}s. */
export class UpdateFastTopNFunction extends TopNFunction {
  private readonly keyOf: (row: Row) => CompactKey;

  /** `uniqueKey`: the input columns whose values identify a row across its updates. */
  constructor(spec: TopNSpec, uniqueKey: readonly string[]) {
    super(spec);
    this.keyOf = columnsKey(uniqueKey);
  }

  override open(ctx: RuntimeContext): void {
    TOP_N_LAYOUT.refuseOthers(ctx, ['top-n-update-fast']);
    this.rows = ctx.getState(
      retainedFor(
        new ValueStateDescriptor<Row[]>(TOP_N_LAYOUT.stateName('top-n-update-fast')),
        this.spec.ttlMs,
      ),
    );
  }

  override processElement(
    element: Row,
    _ctx: KeyedProcessContext<unknown, ChangelogRow>,
    out: Collector<ChangelogRow>,
  ): void {
    const change = element as unknown as ChangelogRow;
    // The +U that follows carries the row's new version.
    if (change.kind === '-U') return;
    if (change.kind === '-D')
      throw new WeirError(
        ErrorCodes.INTERNAL,
        'a Top-N planned with UpdateFastStrategy received a deletion; its input was taken to never delete',
        { domain: 'internal' },
      );
    const row = change.row;
    const { rankType, rankStart, rankEnd } = this.spec;
    const compare = this.compare;
    const rows = this.rows.value() ?? [];
    const key = this.keyOf(row);
    let old = -1;
    for (let i = 0; i < rows.length; i++)
      if (this.keyOf(rows[i]!) === key) {
        old = i;
        break;
      }
    // A new row below a full ROW_NUMBER range leaves it as it is.
    if (old < 0 && rankType === 'ROW_NUMBER' && insertionIndex(rows, row, compare) >= rankEnd) return;
    const before = rankedRange(rows, rankType, rankStart, rankEnd, compare);
    if (old >= 0) rows.splice(old, 1);
    rows.splice(insertionIndex(rows, row, compare), 0, row);
    rows.length = forEachRanked(rows, rankType, rankEnd, compare, () => {});
    const after = rankedRange(rows, rankType, rankStart, rankEnd, compare);
    this.rows.update(rows);
    this.emitDifference(before, after, out);
  }
}
