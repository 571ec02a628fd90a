/**
 * The metadata the filesystem source offers (Flink's names and types): `file.path`,
 * `file.name`, `file.size` and `file.modification-time` of the file a row was read from. A
 * format wrapper adds the values to each decoded row: the file is looked at once, when its
 * decoder is made (a split resumed after a restore looks again, and finds the same file).
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { LineDecoder, RecordFormat } from '../../connectors/file/index.js';
import type { CatalogColumn } from '../catalog/catalog.js';
import { Types, withNullability } from '../catalog/types.js';
import type { Row } from '../expressions/compiler.js';
import { WrappedFormat } from './wrapped-format.js';

/** The filesystem source's metadata keys and the types of their values. */
export const FILESYSTEM_METADATA = Object.freeze({
  'file.path': withNullability(Types.STRING, false),
  'file.name': withNullability(Types.STRING, false),
  'file.size': withNullability(Types.BIGINT, false),
  'file.modification-time': withNullability(Types.timestampLtz(3), false),
});

type MetadataKey = keyof typeof FILESYSTEM_METADATA;

/** The value of one metadata key for a file: TIMESTAMP_LTZ as epoch milliseconds, as Weir holds it. */
function metadataValue(key: MetadataKey, path: string, stat: { size: number; mtimeMs: number }): unknown {
  switch (key) {
    case 'file.path':
      return path;
    case 'file.name':
      return basename(path);
    case 'file.size':
      return stat.size;
    case 'file.modification-time':
      return Math.floor(stat.mtimeMs);
  }
}

/** Wraps `inner`, adding the `columns` (metadata columns of the table) to each decoded row. */
export class MetadataFormat extends WrappedFormat {
  constructor(
    inner: RecordFormat<Row>,
    private readonly columns: readonly CatalogColumn[],
  ) {
    super(inner);
  }

  createDecoder(path: string, restored: unknown): LineDecoder<Row> {
    const decoder = this.inner.createDecoder(path, restored);
    const stat = statSync(path);
    // One file's values are the same for all its rows: computed once per decoder.
    const names = this.columns.map((c) => c.name);
    const values = this.columns.map((c) => metadataValue(c.metadata!.key as MetadataKey, path, stat));
    const n = names.length;
    return {
      decode(line, terminator, lineNumber) {
        const row = decoder.decode(line, terminator, lineNumber);
        if (typeof row === 'symbol') return row;
        for (let i = 0; i < n; i++) row[names[i]!] = values[i];
        return row;
      },
      finish: () => decoder.finish(),
      reset: () => decoder.reset(),
      snapshot: () => decoder.snapshot(),
    };
  }
}
