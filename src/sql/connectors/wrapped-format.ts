/**
 * The base of record formats that change the rows another format decodes (projection,
 * metadata columns): everything but the decoder is the inner format's, so the skipped-record
 * count, warnings and the splitting rule stay the wrapped format's own.
 */
import type { LineDecoder, RecordFormat } from '../../connectors/file/index.js';
import type { Row } from '../expressions/compiler.js';

/** A format that delegates to `inner` and changes only how its decoders' rows look. */
export abstract class WrappedFormat implements RecordFormat<Row> {
  readonly name: string;
  readonly onMalformed: RecordFormat<Row>['onMalformed'];
  readonly splittable: boolean | undefined;

  constructor(protected readonly inner: RecordFormat<Row>) {
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

  abstract createDecoder(path: string, restored: unknown): LineDecoder<Row>;
}
