/**
 * A record format that emits only some columns of the rows another format decodes: how the
 * filesystem connector honours projection push-down. Its decoders still parse whole lines
 * (CSV fields are positional, and a malformed unread field must still fail or be skipped as
 * the format's options say), but the rows that flow on hold only the columns the query reads.
 */
import type { LineDecoder, RecordFormat } from '../../connectors/file/index.js';
import type { Row } from '../expressions/compiler.js';

/** Wraps `inner`, keeping only the `columns` of each decoded row (in that order). */
export class ProjectedFormat implements RecordFormat<Row> {
  readonly name: string;
  readonly onMalformed: RecordFormat<Row>['onMalformed'];
  readonly splittable: boolean | undefined;

  constructor(
    private readonly inner: RecordFormat<Row>,
    private readonly columns: readonly string[],
  ) {
    this.name = inner.name;
    this.onMalformed = inner.onMalformed;
    this.splittable = inner.splittable;
  }

  get skippedCount(): number {
    return this.inner.skippedCount;
  }

  set skippedCount(count: number) {
    this.inner.skippedCount = count;
  }

  warn(message: string): void {
    this.inner.warn(message);
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
