/** File connectors: `FileSource` with text, NDJSON and CSV formats. */
export { CsvFormat, type CsvColumnType, type CsvFormatOptions } from './csv-format.js';
export { CsvRecordParser, formatCsvRecord } from './csv-parser.js';
export { FileEnumerator } from './file-enumerator.js';
export type { FileEnumeratorState, FileSplit } from './file-split.js';
export { FileSource, FileSourceBuilder } from './file-source.js';
export { FileSourceReader } from './file-source-reader.js';
export { NdjsonFormat } from './ndjson-format.js';
export {
  BaseFormat,
  type FormatOptions,
  type LineDecoder,
  MalformedLineError,
  type MalformedPolicy,
  PENDING,
  type RecordFormat,
  SKIP,
} from './record-format.js';
export { TextLineFormat } from './text-line-format.js';
