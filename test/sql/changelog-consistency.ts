/**
 * What a changelog guarantees whatever order its inputs' rows arrived in: each change is a kind
 * its changelog mode carries, each retraction (-U, -D) takes back a row that is there, and the
 * changes replay to one final table. Tests of queries over several inputs (joins, unions,
 * subqueries) assert these, as the exact sequence depends on which input's rows come first.
 */
import { type ChangelogMode, ROW_KINDS, type RowKind } from '../../src/sql/planner/changelog.js';

/** One change with its row already formatted (`a | b`), so equal rows compare as equal text. */
export interface FormattedChange {
  readonly kind: RowKind;
  readonly row: string;
}

/**
 * Replays `changes` of a stream in `mode` and returns the rows left, sorted; throws naming the
 * first change that breaks the changelog. Upsert modes replace rows by a key this text form
 * does not know, so they are refused rather than checked wrongly.
 */
export function replayChangelog(mode: ChangelogMode, changes: readonly FormattedChange[]): string[] {
  if (mode === 'upsert' || mode === 'upsert-no-deletes')
    throw new Error(`an ${mode} changelog replaces rows by key; compare it with 'query changes' instead`);
  const allowed = ROW_KINDS[mode];
  const live = new Map<string, number>();
  changes.forEach(({ kind, row }, i) => {
    if (!allowed.includes(kind))
      throw new Error(`change ${i + 1} ${kind}[${row}]: a ${mode} changelog has no ${kind}`);
    const n = live.get(row) ?? 0;
    if (kind === '+I' || kind === '+U') live.set(row, n + 1);
    else if (n === 0) throw new Error(`change ${i + 1} ${kind}[${row}] retracts a row that is not there`);
    else if (n === 1) live.delete(row);
    else live.set(row, n - 1);
  });
  return [...live].flatMap(([row, n]) => Array<string>(n).fill(row)).sort();
}
