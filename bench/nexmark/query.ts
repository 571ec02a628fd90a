/**
 * What every Nexmark query file in this folder exports as `query`: the query written with the
 * DataStream API, and a hand-written loop computing the same result on the same events without
 * the engine. `weir bench nexmark` runs both on the same generated events; the correctness tests
 * compare both with an independent DuckDB computation.
 */
import type {
  DataStream,
  NexmarkEvent,
  NexmarkEventTypeCode,
  StreamExecutionEnvironment,
} from '../../src/index.js';

/** A Nexmark query and its baselines. `Out` is the type of one result row. */
export interface NexmarkQuery<Out = unknown> {
  /** `q0` … `q22`. */
  readonly name: string;
  /** One line: what the query computes, in the words of the reference definition. */
  readonly description: string;
  /**
   * Builds the query on `events`, the stream of a `NexmarkSource` whose records carry their
   * event time and whose watermarks trail by 4 s, as in the reference `nexmark` table. Returns
   * the result stream; the caller attaches the sink.
   */
  build(events: DataStream<NexmarkEvent>, env: StreamExecutionEnvironment): DataStream<Out>;
  /**
   * For a query whose reference writes files (q10): attaches a sink writing `rows` as the
   * reference does under `dir`, a fresh directory of the bench run. The bench job calls it
   * beside its counting sink, so the DataStream version does the reference's work; the tests,
   * which compare rows, do not.
   */
  writeFiles?(rows: DataStream<Out>, dir: string): void;
  /**
   * The hand-written single-threaded loop: consumes the same events in the same order and
   * passes each result row to `emit`, then `finish()` flushes what end of input releases
   * (windows the final watermark closes). Results must equal the engine's as a multiset.
   */
  loop(emit: (row: Out) => void): { onEvent(event: NexmarkEvent): void; finish(): void };
  /**
   * The query in DuckDB's SQL over tables `person`, `auction` and `bid` (columns named as in
   * the model, times as `TIMESTAMP`), giving the same rows on bounded input; used by the
   * correctness tests. Omitted only where DuckDB cannot express it, with the reason in `notes`.
   */
  readonly duckdb?: string;
  /**
   * For a query whose result updates (a `GROUP BY` without windows, Top-N, a regular join with
   * later matches): the row's key. Rows are then upserts, and the engine, the loop and DuckDB
   * are compared on the last row per key; without it rows are inserts compared as a multiset.
   */
  upsertKey?(row: Out): string;
  /**
   * The event time at which `row` became computable, for latency: the triggering event's
   * `dateTime`, or for a window result its `end - 1` plus the 4 s watermark delay. Latency is
   * the wall-clock time at the sink minus this, when the source's event time follows the wall
   * clock. Omitted where rows carry no time.
   */
  latencyTime?(row: Out): number;
  /**
   * True when results depend on the wall clock (processing-time windows): row counts of the
   * engine and the loop are then not compared.
   */
  readonly processingTime?: boolean;
  /**
   * The kinds of events the query reads; omitted for all. The bench's source emits only these
   * (`NexmarkConfig.eventTypes`), and its baselines skip the others too, as the SQL version's
   * scan does with its `event_type` filter pushed into the source: both versions then generate
   * the same events, and the comparison measures the engine, not the generator.
   */
  readonly eventTypes?: readonly NexmarkEventTypeCode[];
  /** Deliberate differences from the reference SQL, if any. */
  readonly notes?: string;
}
