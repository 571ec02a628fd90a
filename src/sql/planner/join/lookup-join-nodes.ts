/**
 * Lookup joins (`JOIN t FOR SYSTEM_TIME AS OF l.proctime ON …` where `t` is a jdbc table or a
 * bounded filesystem table):
 * each probe row looks its key up in the table as it stands when the row is processed. A
 * lookup join is a processing-time temporal join whose right side is read, not streamed: the
 * {@link LookupSpec} on a temporal join node says so, and how to read it.
 */
import type { CatalogTable } from '../../catalog/catalog.js';
import type { Rex } from '../../expressions/rex.js';
import type { LookupHint } from '../hints/lookup-hint.js';

/** One step from the table's rows to the right side's rows, as the right plan had them. */
export type LookupStep =
  | { readonly kind: 'filter'; readonly condition: Rex }
  | {
      readonly kind: 'project';
      readonly projections: readonly { readonly name: string; readonly rex: Rex }[];
    };

/** An equality of the join condition: a probe-side expression and the right column it looks up. */
export interface LookupKey {
  /**
   * Over the left columns only; a plain column, or an expression such as `MOD(auction, 10000)`;
   * for a jdbc table also a constant (`'EU'`).
   */
  readonly left: Rex;
  /** A column of the right side's rows. */
  readonly right: string;
}

/** What makes a temporal join a lookup join: the table, its steps and the lookup keys. */
export interface LookupSpec {
  readonly table: CatalogTable;
  /** Filters and projections over the table's rows, innermost first. */
  readonly steps: readonly LookupStep[];
  readonly keys: readonly LookupKey[];
  /**
   * For a table queried per key (jdbc): the table's physical column each key looks up, in key
   * order, for the query's `WHERE`. Absent for a table loaded whole.
   */
  readonly tableKeys?: readonly string[];
  /** The query's LOOKUP hint for this table: async options and retry over the session's. */
  readonly hint?: LookupHint;
}
