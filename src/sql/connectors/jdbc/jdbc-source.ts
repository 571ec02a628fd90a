/**
 * The `jdbc` table source for PostgreSQL: a bounded scan of the table. Without
 * `scan.partition.*` it is one split; with them, `scan.partition.num` splits, each the rows whose
 * `scan.partition.column` lies in one range of [lower-bound, upper-bound] (cut as evenly as
 * whole numbers allow; as in Flink, rows outside the bounds are not read), handed to readers on
 * request so the ranges are read in parallel. Only the columns the query needs are selected.
 *
 * A reader reads its split through a server-side cursor in `scan.fetch-size` rows per fetch,
 * and its position (rows emitted) is the split's checkpointed state. So that a restore can skip
 * exactly the rows already emitted, the cursor's query is ordered: by the primary key when the
 * table declares one, else by every selected column (rows equal in all of them are
 * interchangeable). This assumes the table does not change while it is read.
 */
import type pg from 'pg';
import { SplitQueueReader, type SplitStatus } from '../../../connectors/common/split-queue-reader.js';
import {
  StaticSplitEnumerator,
  type StaticEnumeratorState,
} from '../../../connectors/common/static-split-enumerator.js';
import type {
  Boundedness,
  Source,
  SourceOutput,
  SourceReaderContext,
  SourceSplit,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../../../types/source.js';
import type { CatalogColumn } from '../../catalog/catalog.js';
import type { Row } from '../../expressions/compiler.js';
import { checkTable, connect, failure } from './jdbc-connection.js';
import type { JdbcOptions, ScanPartitioning } from './jdbc-options.js';
import {
  quoteIdent,
  quoteTableName,
  type ScanConversion,
  scanConversions,
  scanExpression,
} from './jdbc-types.js';

/** One range of the scan, with the number of its rows already emitted. */
export interface JdbcSplit extends SourceSplit {
  /** Inclusive bounds of the partition column; absent for the whole table. */
  readonly range?: readonly [number, number];
  position: number;
}

/** What a jdbc scan reads. */
export interface JdbcScanSpec {
  readonly options: JdbcOptions;
  readonly table: string;
  /** The columns to select, in output order. */
  readonly columns: readonly CatalogColumn[];
  /** Every physical column of the table, for the existence check. */
  readonly physical: readonly CatalogColumn[];
  readonly primaryKey: readonly string[] | undefined;
}

/** The ranges of a partitioned scan: `num` contiguous ranges covering [lower, upper], sizes differing by at most one. */
export function partitionRanges(p: ScanPartitioning): [number, number][] {
  const count = p.upper - p.lower + 1;
  const num = Math.max(1, Math.min(p.num, count));
  const small = Math.floor(count / num);
  const bigger = count % num;
  const ranges: [number, number][] = [];
  let start = p.lower;
  for (let i = 0; i < num; i++) {
    const end = start + small + (i < bigger ? 1 : 0) - 1;
    ranges.push([start, end]);
    start = end + 1;
  }
  return ranges;
}

/** Reads its splits one at a time through a cursor; see the module comment. */
class JdbcSplitReader extends SplitQueueReader<Row, JdbcSplit> {
  private client: Promise<pg.Client> | undefined;
  private readonly query: string;
  /** Columns whose scanned value is converted to what Weir holds (bytea, int8 text). */
  private readonly conversions: ScanConversion[];
  /** Rows fetched and not yet emitted, and whether the cursor has more. */
  private fetched: Row[] = [];
  private next = 0;
  private exhausted = false;
  private opened = false;
  private pending: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    context: SourceReaderContext,
    private readonly spec: JdbcScanSpec,
  ) {
    super(context);
    const { columns, options, primaryKey } = spec;
    const select = columns
      .map((c) => `${scanExpression(c.name, c.type)} AS ${quoteIdent(c.name)}`)
      .join(', ');
    const order = primaryKey ?? columns.map((c) => c.name);
    const where =
      options.partitioning === undefined
        ? ''
        : ` WHERE ${quoteIdent(options.partitioning.column)} BETWEEN $1 AND $2`;
    this.query = `SELECT ${select} FROM ${quoteTableName(options.tableName)}${where}${
      // Qualified: a bare name would order by the select's column of that name, text for a BIGINT.
      order.length === 0
        ? ''
        : ` ORDER BY ${order.map((c) => `${quoteTableName(options.tableName)}.${quoteIdent(c)}`).join(', ')}`
    }`;
    this.conversions = scanConversions(columns);
  }

  protected override pollSplit(split: JdbcSplit, output: SourceOutput<Row>): SplitStatus {
    if (this.failure !== undefined) throw this.failure;
    if (this.next < this.fetched.length) {
      const rows = this.fetched;
      const first = this.next;
      for (; this.next < rows.length; this.next++) {
        const row = rows[this.next]!;
        for (const c of this.conversions) row[c.name] = c.convert(row[c.name]);
        output.collect(row);
      }
      split.position += rows.length - first;
      return 'more';
    }
    if (this.opened && this.exhausted) return 'finished';
    this.pending ??= this.fetch(split).then(
      () => {
        this.pending = undefined;
      },
      (e) => {
        this.failure = failure(e, 'reading', this.spec.options.tableName, this.spec.options.connection);
        this.pending = undefined;
      },
    );
    return 'waiting';
  }

  protected override splitAvailable(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  protected override splitFinished(): void {
    this.opened = false;
    this.exhausted = false;
    this.fetched = [];
    this.next = 0;
    // The connection runs queries in order: the next split's cursor is declared after this.
    this.client
      ?.then((c) => c.query('COMMIT'))
      .catch((e) => {
        this.failure ??= e;
      });
  }

  override async close(): Promise<void> {
    super.close();
    const client = await this.client?.catch(() => undefined);
    await client?.end().catch(() => {});
  }

  private async fetch(split: JdbcSplit): Promise<void> {
    this.client ??= (async () => {
      const client = await connect(this.spec.options.connection);
      await checkTable(
        client,
        this.spec.options.connection,
        this.spec.table,
        this.spec.options.tableName,
        this.spec.physical,
      );
      return client;
    })();
    const client = await this.client;
    if (!this.opened) {
      await client.query('BEGIN READ ONLY');
      await client.query(
        `DECLARE weir_scan NO SCROLL CURSOR FOR ${this.query}`,
        split.range === undefined ? [] : [...split.range],
      );
      if (split.position > 0) await client.query(`MOVE FORWARD ${split.position} IN weir_scan`);
      this.opened = true;
    }
    const fetchSize = this.spec.options.fetchSize;
    const result = await client.query<Row>(`FETCH FORWARD ${fetchSize} FROM weir_scan`);
    this.fetched = result.rows;
    this.next = 0;
    this.exhausted = result.rows.length < fetchSize;
  }
}

/** The bounded scan of a jdbc table. */
export class JdbcSource implements Source<Row, JdbcSplit, StaticEnumeratorState<JdbcSplit>> {
  declare readonly __type?: Row;

  constructor(private readonly spec: JdbcScanSpec) {}

  getBoundedness(): Boundedness {
    return 'bounded';
  }

  createEnumerator(
    context: SplitEnumeratorContext<JdbcSplit>,
  ): SplitEnumerator<JdbcSplit, StaticEnumeratorState<JdbcSplit>> {
    const p = this.spec.options.partitioning;
    const splits: JdbcSplit[] =
      p === undefined
        ? [{ id: 'all', position: 0 }]
        : partitionRanges(p).map((range) => ({ id: `${range[0]}..${range[1]}`, range, position: 0 }));
    return new StaticSplitEnumerator(context, splits);
  }

  restoreEnumerator(
    context: SplitEnumeratorContext<JdbcSplit>,
    checkpoint: StaticEnumeratorState<JdbcSplit>,
  ): SplitEnumerator<JdbcSplit, StaticEnumeratorState<JdbcSplit>> {
    return new StaticSplitEnumerator(context, checkpoint.pending);
  }

  createReader(context: SourceReaderContext): JdbcSplitReader {
    return new JdbcSplitReader(context, this.spec);
  }
}
