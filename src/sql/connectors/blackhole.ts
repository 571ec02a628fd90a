/**
 * The `blackhole` connector: a sink that drops every row, for benchmarks (Nexmark writes its
 * results to it) and for checking that a query plans and runs.
 */
import type { Sink, SinkWriter } from '../../types/sink.js';
import type { DynamicTableFactory } from './factory.js';

class BlackholeWriter implements SinkWriter<unknown> {
  write(): void {}
  flush(): void {}
  close(): void {}
}

/** A sink that discards its input. */
export class BlackholeSink implements Sink<unknown> {
  createWriter(): SinkWriter<unknown> {
    return new BlackholeWriter();
  }
}

/**
 * The blackhole factory; it has no options and takes any changelog. It declares upsert, as
 * Flink's does, so the planner lets updating operators skip -U rows that would only be dropped.
 */
export const blackholeFactory: DynamicTableFactory = {
  identifier: 'blackhole',
  options: [],
  sinkChangelogMode: 'upsert',
  createSink({ table }) {
    return (stream) => stream.sinkTo(new BlackholeSink(), `Sink: ${table.name}`);
  },
};
