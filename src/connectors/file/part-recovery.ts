/**
 * What a restored FileSink does with the files an earlier attempt left behind.
 *
 * A part that was in progress at the restored checkpoint holds the records written before that
 * checkpoint in its first `size` bytes (fsynced when the checkpoint was taken), and perhaps
 * records written after it, which the source is about to replay. Recovery cuts it back to
 * `size` and closes it: it becomes pending and is committed with the next checkpoint, while new
 * records go to a new part. Closing instead of appending again keeps one rule for every attempt:
 * a file is written by the attempt that created it, and restored only by truncation, which gives
 * the same bytes however often the same checkpoint is restored.
 *
 * Everything else hidden that the checkpoint does not reference (parts written after it, parts
 * pending in a checkpoint that never completed) holds only replayed records, and clean-up
 * deletes it.
 */
import {
  closeSync,
  type Dirent,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  unlinkSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCodes, WeirError } from '../../types/errors.js';
import { errorCode, syncDirectory } from './durable-fs.js';
import type { FileSinkCommittable } from './file-committable.js';
import { nameToken, type OutputFileConfig, parseHiddenPartName } from './output-file-config.js';

/** A part as a writer's checkpointed state names it. */
export interface RecoverablePart {
  readonly bucketId: string;
  readonly inProgressPath: string;
  readonly finalPath: string;
  /** Bytes that were durable when the checkpoint was taken. */
  readonly size: number;
}

/**
 * Cuts a restored in-progress part back to its checkpointed length, fsyncs it and returns it as
 * a committable. Returns undefined when the part is committed already, which happens only when
 * a later attempt committed it and the job was then restored from an older checkpoint.
 */
export function recoverInProgressPart(part: RecoverablePart): FileSinkCommittable | undefined {
  let fd: number;
  try {
    fd = openSync(part.inProgressPath, 'r+');
  } catch (e) {
    if (errorCode(e) === 'ENOENT' && existsSync(part.finalPath)) return undefined;
    throw new WeirError(
      ErrorCodes.IO,
      `FileSink cannot restore in-progress part ${part.inProgressPath} (${errorCode(e) ?? String(e)}), so records before the checkpoint are lost; ` +
        'do not delete or move hidden files in the sink directory while a job may restore from it',
      { domain: 'external', cause: e },
    );
  }
  try {
    const length = fstatSync(fd).size;
    if (length < part.size) {
      throw new WeirError(
        ErrorCodes.IO,
        `FileSink cannot restore in-progress part ${part.inProgressPath}: it holds ${length} bytes but the checkpoint recorded ${part.size}; ` +
          'the file was cut by something outside the job, so restore from a checkpoint taken after that',
        { domain: 'external' },
      );
    }
    if (length > part.size) ftruncateSync(fd, part.size);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { bucketId: part.bucketId, pendingPath: part.inProgressPath, finalPath: part.finalPath };
}

/**
 * Deletes the hidden part files under `dir` (its bucket sub-directories included) that neither
 * `referenced` names nor attempt `currentAttemptId` wrote. Files that do not have a part file's
 * name for `config` are never touched. Returns the deleted paths.
 */
export function deleteUnreferencedParts(
  dir: string,
  config: Required<OutputFileConfig>,
  referenced: ReadonlySet<string>,
  currentAttemptId: string,
): string[] {
  const current = nameToken(currentAttemptId);
  const deleted: string[] = [];
  const visit = (path: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return;
      throw e;
    }
    let changed = false;
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        visit(child);
        continue;
      }
      if (!entry.isFile()) continue;
      const name = parseHiddenPartName(entry.name, config);
      if (name === undefined || name.attempt === current || referenced.has(resolve(child))) continue;
      try {
        unlinkSync(child);
        deleted.push(child);
        changed = true;
      } catch (e) {
        if (errorCode(e) !== 'ENOENT') throw e;
      }
    }
    if (changed) syncDirectory(path);
  };
  visit(dir);
  return deleted;
}
