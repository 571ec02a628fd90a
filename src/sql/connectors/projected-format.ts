/**
 * A record format that emits only some columns of the rows another format decodes: how the
 * filesystem connector honours projection push-down. Its decoders still parse whole lines
 * (CSV fields are positional, and a malformed unread field must still fail or be skipped as
 * the format's options say), but the rows that flow on hold only the columns the query reads.
 */
import type { LineDecoder, RecordFormat } from '../../connectors/file/index.js';
import type { Row } from '../expressions/compiler.js';
import { WrappedFormat } from './wrapped-format.js';

/** Wraps `inner`, keeping only the `columns` of each decoded row (in that order). */
export class ProjectedFormat extends WrappedFormat {
  constructor(
    inner: RecordFormat<Row>,
    private readonly columns: readonly string[],
  ) {
    super(inner);
  }

  createDecoder(path: string, restored: unknown): LineDecoder<Row> {
    const decoder = this.inner.createDecoder(path, restored);
    const columns = this.columns;
    return {
      decode(line, terminator, lineNumber) {
        const row = decoder.decode(line, terminator, lineNumber);
        if (typeof row === 'symbol') return row;
        const projected: Row = {};
        for (const name of columns) projected[name] = row[name];
        return projected;
      },
      finish: () => decoder.finish(),
      reset: () => decoder.reset(),
      snapshot: () => decoder.snapshot(),
    };
  }
}
