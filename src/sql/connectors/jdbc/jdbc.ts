/**
 * The `jdbc` table connector for PostgreSQL, with Flink's options (jdbc-options.ts):
 *
 * ```sql
 * CREATE TABLE totals (id BIGINT, n BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
 *   'connector' = 'jdbc', 'url' = 'jdbc:postgresql://localhost:5432/db', 'table-name' = 'totals',
 *   'username' = 'weir', 'password' = '…');
 * ```
 *
 * Written, a table with a primary key takes updating queries as upserts and deletes by key; one
 * without takes insert-only queries (jdbc-sink.ts, exactly-once by `PREPARE TRANSACTION`).
 * Read, it is a bounded scan, cut into parallel ranges by `scan.partition.*`, selecting only
 * the columns the query needs (jdbc-source.ts). The table must exist in PostgreSQL with the
 * Weir table's column names; types map as jdbc-types.ts says. Looked up by a lookup join
 * (`JOIN t FOR SYSTEM_TIME AS OF l.proctime`), it is queried per probe key, asynchronously,
 * with an optional partial cache and retries (jdbc-lookup.ts, options in jdbc-lookup-options.ts).
 */
import type { DataStream } from '../../../api/data-stream.js';
import { WatermarkStrategy } from '../../../time/watermarks.js';
import { ErrorCodes, userError } from '../../../types/errors.js';
import type { Row } from '../../expressions/compiler.js';
import { columnsKey } from '../../runtime/compact-keys.js';
import type { DynamicTableFactory } from '../factory.js';
import { keyedOutsideIdSequence } from '../keyed-outside-id-sequence.js';
import { JDBC_OPTIONS, readJdbcOptions, validateJdbcTable } from './jdbc-options.js';
import { changedRow, JdbcTableSink } from './jdbc-sink.js';
import { JdbcSource } from './jdbc-source.js';

/** The jdbc factory. */
export const jdbcFactory: DynamicTableFactory = {
  identifier: 'jdbc',
  options: JDBC_OPTIONS,
  validate: validateJdbcTable,
  supportsProjectionPushDown: true,
  sinkChangelogModeFor: (table) => (table.primaryKey === undefined ? 'insert-only' : 'upsert'),
  createSource({ env, table, columns, projection }) {
    const selected = projection === undefined ? columns : columns.filter((c) => projection.includes(c.name));
    const source = new JdbcSource({
      options: readJdbcOptions(table.options),
      table: table.name,
      columns: selected,
      physical: columns,
      primaryKey: table.primaryKey?.columns,
    });
    return env.fromSource(source, WatermarkStrategy.noWatermarks<Row>(), table.name);
  },
  createSink({ table, columns }) {
    const options = readJdbcOptions(table.options);
    const primaryKey = table.primaryKey?.columns;
    const sink = new JdbcTableSink({ options, table: table.name, columns, primaryKey });
    return (stream) => {
      refuseConcurrentCheckpoints(stream, options.semantic, primaryKey, table.name);
      const parallelism = options.sinkParallelism ?? stream.getParallelism();
      // One key's changes must reach one writer, in order, or writers would race on its row.
      const keyOf = primaryKey === undefined ? undefined : columnsKey(primaryKey);
      const input =
        keyOf !== undefined && parallelism > 1
          ? keyedOutsideIdSequence(stream, (element) => keyOf(changedRow(element)))
          : stream;
      const written = input.sinkTo(sink as never, `Sink: ${table.name}`);
      if (options.sinkParallelism !== undefined) written.setParallelism(options.sinkParallelism);
      return written as never;
    };
  },
};

/**
 * Refuses an exactly-once upsert sink in a job that runs several checkpoints at once: its
 * writer takes a transaction still uncommitted at a barrier for an aborted checkpoint's and
 * rolls it back (see jdbc-sink.ts), which is right only while one checkpoint runs at a time.
 */
function refuseConcurrentCheckpoints(
  stream: DataStream<unknown>,
  semantic: 'exactly-once' | 'at-least-once',
  primaryKey: readonly string[] | undefined,
  table: string,
): void {
  const concurrent = stream.environment.getCheckpointConfig().maxConcurrentCheckpoints;
  if (semantic !== 'exactly-once' || primaryKey === undefined || concurrent <= 1) return;
  throw userError(
    ErrorCodes.INVALID_ARGUMENT,
    `the jdbc sink of table '${table}' writes exactly once with one checkpoint at a time, but the job allows ${concurrent} concurrent checkpoints; set maxConcurrentCheckpoints to 1 or 'sink.semantic' = 'at-least-once'`,
  );
}
