/**
 * The `print` connector: each row on standard output as Flink prints it, `+I[1, abc]`, with the
 * `print-identifier` and subtask prefix of the DataStream print sink (`id:2> +I[…]`).
 */
import { PrintSink } from '../../connectors/print/index.js';
import { formatValue } from '../expressions/runtime.js';
import { sessionTimeZone } from '../expressions/time-zone.js';
import type { Row } from '../expressions/compiler.js';
import type { ChangelogRow } from '../planner/changelog.js';
import { type DynamicTableFactory, isBoolean, isPositiveInteger } from './factory.js';

/** The print factory; it takes changelog streams too, printing each row's kind. */
export const printFactory: DynamicTableFactory = {
  identifier: 'print',
  options: [
    { key: 'print-identifier' },
    { key: 'standard-error', check: isBoolean },
    { key: 'sink.parallelism', check: isPositiveInteger },
  ],
  sinkChangelogMode: 'retract',
  createSink({ table, columns, printTarget }) {
    const identifier = table.options['print-identifier'];
    const stderr = table.options['standard-error'] === 'true';
    const parallelism = table.options['sink.parallelism'];
    // TIMESTAMP_LTZ values print in the session zone of the statement being translated.
    const zone = sessionTimeZone();
    return (stream) => {
      const lines = stream.map((element: unknown) => {
        const change = element as Partial<ChangelogRow>;
        const isChange = typeof change.kind === 'string' && typeof change.row === 'object';
        const row = (isChange ? change.row : element) as Row;
        const values = columns.map((c) => formatValue(row[c.name], c.type, zone));
        return `${isChange ? change.kind : '+I'}[${values.join(', ')}]`;
      });
      const sink = lines.sinkTo(
        new PrintSink<string>(identifier, stderr, printTarget),
        `Sink: ${table.name}`,
      );
      if (parallelism !== undefined) sink.setParallelism(Number(parallelism));
      return sink as never;
    };
  },
};
