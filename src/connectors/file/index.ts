/** File connectors: `FileSource` with text, NDJSON and CSV formats, and the exactly-once `FileSink`. */
export { CsvFormat, type CsvColumnType, type CsvFormatOptions } from './csv-format.js';
export { CsvRecordParser, formatCsvRecord } from './csv-parser.js';
export { FileEnumerator, type FileEnumeratorOptions } from './file-enumerator.js';
export { DEFAULT_SPLIT_SIZE, type FileEnumeratorState, type FileSplit } from './file-split.js';
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
export type { FileSinkCommittable } from './file-committable.js';
export { FileCommitter } from './file-committer.js';
export { FileSink, FileSinkBuilder, type RowEncoder } from './file-sink.js';
export {
  type BucketAssigner,
  FileSinkWriter,
  type FileSinkWriterOptions,
  type FileSinkWriterState,
} from './file-sink-writer.js';
export {
  type HiddenPartName,
  nameToken,
  type OutputFileConfig,
  type PartPaths,
  parseHiddenPartName,
  partPaths,
} from './output-file-config.js';
export { PartFile } from './part-file.js';
export {
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  OnCheckpointRollingPolicy,
  type PartFileInfo,
  type RollingPolicy,
} from './rolling-policy.js';
