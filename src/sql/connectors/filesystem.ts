/**
 * The `filesystem` connector, with Flink's options: `path` (a file or a directory), `format`
 * (`json` or `csv`, with their `json.*` / `csv.*` options, see filesystem-options.ts), and
 * `source.monitor-interval`: absent, a read is bounded and the job ends after the files present
 * at its start; present, the directory is listed at that interval and each new file is read once.
 *
 * Reading is the DataStream `FileSource`: each file is a split handed to whichever reader asks
 * first, and reader positions are checkpointed, so a restore reads on exactly where it left
 * off. Writing is the exactly-once `FileSink`: rows go to hidden part files (names starting
 * with '.') that become visible when they have rolled and a checkpoint completes, or at the
 * end of a bounded job. As in Flink's row formats, a part stays open across checkpoints until
 * the `sink.rolling-policy.*` options roll it, and a partitioned table can commit partitions
 * (success files) with the `sink.partition-commit.*` options: see filesystem-sink.ts.
 *
 * The sink takes insert-only input; updating queries are refused when planned. A table
 * `PARTITIONED BY` columns keeps them in `col=value/` directories (filesystem-partitions.ts).
 * Files are not cut into byte ranges: each is one split, so parse errors name exact lines.
 * A source row can carry the metadata of its file (`file.path`, `file.name`, `file.size`,
 * `file.modification-time`: filesystem-metadata.ts) in `METADATA` columns, which are read-only.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FileSource, type RecordFormat } from '../../connectors/file/index.js';
import { WatermarkStrategy } from '../../time/watermarks.js';
import { validationError } from '../errors.js';
import type { CatalogColumn } from '../catalog/catalog.js';
import type { Row } from '../expressions/compiler.js';
import type { DynamicTableFactory } from './factory.js';
import { splitMetadataColumns } from '../catalog/metadata-columns.js';
import { FILESYSTEM_METADATA, MetadataFormat } from './filesystem-metadata.js';
import { FILESYSTEM_OPTIONS, readFilesystemOptions, validateFilesystemTable } from './filesystem-options.js';
import { partitionTimeExtractor } from './filesystem-partition-time.js';
import { listPartitionDirs, PartitionedFormat, partitionPathOf } from './filesystem-partitions.js';
import { FilesystemTableSink, type PartitionCommit } from './filesystem-sink.js';
import { ProjectedFormat } from './projected-format.js';
import { keyedOutsideIdSequence } from './keyed-outside-id-sequence.js';
import { CsvRowFormat, csvRowEncoder } from './formats/csv-row-format.js';
import { JsonRowFormat, jsonRowEncoder } from './formats/json-row-format.js';

/** The columns written into the files, and the partition columns held by directory names. */
function splitColumns(
  partitionKeys: readonly string[] | undefined,
  columns: readonly CatalogColumn[],
): { data: CatalogColumn[]; keys: CatalogColumn[] } {
  const keys = partitionKeys ?? [];
  return {
    data: columns.filter((c) => !keys.includes(c.name)),
    keys: keys.map((k) => columns.find((c) => c.name === k)!),
  };
}

/** The filesystem factory. */
export const filesystemFactory: DynamicTableFactory = {
  identifier: 'filesystem',
  options: FILESYSTEM_OPTIONS,
  supportsPartitioning: true,
  validate: validateFilesystemTable,
  supportsProjectionPushDown: true,
  readableMetadata: FILESYSTEM_METADATA,
  createSource({ env, table, columns: all, projection, pos }) {
    const options = readFilesystemOptions(table.options);
    const path = resolve(options.path);
    // Checked here so the message names the table's option rather than the DataStream builder.
    if (!existsSync(path))
      throw validationError(
        pos,
        `the 'path' of table '${table.name}' (${path}) does not exist; create it or point 'path' at an existing file or directory`,
      );
    const { physical: columns, metadata } = splitMetadataColumns(all);
    const { data, keys } = splitColumns(table.partitionKeys, columns);
    const rows =
      options.format === 'json' ? new JsonRowFormat(data, options.json) : new CsvRowFormat(data, options.csv);
    let format: RecordFormat<Row> = rows;
    let paths = [path];
    if (keys.length > 0) {
      format = new PartitionedFormat(rows, path, keys, options.defaultPartitionName);
      const partitions = listPartitionDirs(path, table.partitionKeys!);
      if (partitions.length > 0) paths = partitions;
    }
    const read = metadata.filter((c) => projection === undefined || projection.includes(c.name));
    if (read.length > 0) format = new MetadataFormat(format, read);
    if (projection !== undefined) format = new ProjectedFormat(format, projection);
    const builder = FileSource.forRecordFormat<Row>(format, ...paths);
    if (options.monitorIntervalMs !== undefined) builder.monitorContinuously(options.monitorIntervalMs);
    return env.fromSource(builder.build(), WatermarkStrategy.noWatermarks<Row>(), table.name);
  },
  createSink({ table, columns: all }) {
    const options = readFilesystemOptions(table.options);
    // Only VIRTUAL metadata columns reach a sink (others are refused), and the files hold none.
    const columns = splitMetadataColumns(all).physical;
    const { data, keys } = splitColumns(table.partitionKeys, columns);
    const encode =
      options.format === 'json'
        ? jsonRowEncoder(data, options.json.timestampStandard)
        : csvRowEncoder(data, options.csv);
    const partitionOf = keys.length > 0 ? partitionPathOf(keys, options.defaultPartitionName) : undefined;
    const spec = options.partitionCommit;
    const commit: PartitionCommit | undefined =
      spec === undefined || partitionOf === undefined
        ? undefined
        : {
            trigger: spec.trigger,
            delayMs: spec.delayMs,
            successFileName: spec.successFileName,
            partitionTime: partitionTimeExtractor(
              table.partitionKeys!,
              spec.timestampPattern,
              spec.timestampFormatter,
            ),
          };
    const sink = new FilesystemTableSink({
      dir: options.path,
      encode: encode as (row: Row) => string,
      partitionOf,
      rolling: {
        fileSize: options.fileSize,
        rolloverIntervalMs: options.rolloverIntervalMs,
        inactivityIntervalMs: options.inactivityIntervalMs,
        checkIntervalMs: options.checkIntervalMs,
      },
      commit,
    });
    return (stream) => {
      const parallelism = options.sinkParallelism ?? stream.getParallelism();
      // A partition's rows must all reach one writer before it commits the partition (see
      // filesystem-sink.ts); with one writer they do already, without a shuffle.
      const input =
        commit !== undefined && parallelism > 1
          ? keyedOutsideIdSequence(stream, (row) => partitionOf!(row as Row))
          : stream;
      const written = input.sinkTo(sink as never, `Sink: ${table.name}`);
      if (options.sinkParallelism !== undefined) written.setParallelism(options.sinkParallelism);
      return written as never;
    };
  },
};
