/**
 * The `filesystem` connector, with Flink's options: `path` (a file or a directory), `format`
 * (`json` or `csv`, with their `json.*` / `csv.*` options, see filesystem-options.ts), and
 * `source.monitor-interval`: absent, a read is bounded and the job ends after the files present
 * at its start; present, the directory is listed at that interval and each new file is read once.
 *
 * Reading is the DataStream `FileSource`: each file is a split handed to whichever reader asks
 * first, and reader positions are checkpointed, so a restore reads on exactly where it left
 * off. Writing is the exactly-once `FileSink`: rows go to hidden part files (names starting
 * with '.') that become visible when a checkpoint completes, or at the end of a bounded job.
 * Parts also roll by `sink.rolling-policy.file-size` and `sink.rolling-policy.rollover-interval`.
 * The sink takes insert-only input; updating queries are refused when planned.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FileSink, FileSource, type PartFileInfo, type RollingPolicy } from '../../connectors/file/index.js';
import { WatermarkStrategy } from '../../time/watermarks.js';
import { validationError } from '../errors.js';
import type { Row } from '../expressions/compiler.js';
import type { DynamicTableFactory } from './factory.js';
import { FILESYSTEM_OPTIONS, readFilesystemOptions, validateFilesystemTable } from './filesystem-options.js';
import { CsvRowFormat, csvRowEncoder } from './formats/csv-row-format.js';
import { JsonRowFormat, jsonRowEncoder } from './formats/json-row-format.js';

/**
 * Rolls a part at every checkpoint, so that what a checkpoint covers becomes visible when it
 * completes, and in between when the part reaches `fileSize` bytes or `rolloverInterval` ms.
 */
class FilesystemRollingPolicy implements RollingPolicy {
  constructor(
    private readonly fileSize: number,
    private readonly rolloverInterval: number,
  ) {}

  shouldRollOnCheckpoint(): boolean {
    return true;
  }

  shouldRollOnEvent(part: PartFileInfo): boolean {
    return part.size >= this.fileSize;
  }

  shouldRollOnProcessingTime(part: PartFileInfo, now: number): boolean {
    return now - part.creationTime >= this.rolloverInterval;
  }
}

/** The filesystem factory. */
export const filesystemFactory: DynamicTableFactory = {
  identifier: 'filesystem',
  options: FILESYSTEM_OPTIONS,
  validate: validateFilesystemTable,
  createSource({ env, table, columns }) {
    const options = readFilesystemOptions(table.options);
    const path = resolve(options.path);
    // Checked here so the message names the table's option rather than the DataStream builder.
    if (!existsSync(path))
      throw validationError(
        undefined,
        `the 'path' of table '${table.name}' (${path}) does not exist; create it or point 'path' at an existing file or directory`,
      );
    const format =
      options.format === 'json'
        ? new JsonRowFormat(columns, options.json)
        : new CsvRowFormat(columns, options.csv);
    const builder = FileSource.forRecordFormat<Row>(format, path);
    if (options.monitorIntervalMs !== undefined) builder.monitorContinuously(options.monitorIntervalMs);
    return env.fromSource(builder.build(), WatermarkStrategy.noWatermarks<Row>(), table.name);
  },
  createSink({ table, columns }) {
    const options = readFilesystemOptions(table.options);
    const encode =
      options.format === 'json'
        ? jsonRowEncoder(columns, options.json.timestampStandard)
        : csvRowEncoder(columns, options.csv);
    const sink = FileSink.forRowFormat<Row>(options.path, encode)
      .withRollingPolicy(new FilesystemRollingPolicy(options.fileSize, options.rolloverIntervalMs))
      .build();
    return (stream) => {
      const written = stream.sinkTo(sink as never, `Sink: ${table.name}`);
      if (options.sinkParallelism !== undefined) written.setParallelism(options.sinkParallelism);
      return written as never;
    };
  },
};
