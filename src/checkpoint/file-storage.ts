/**
 * Checkpoint storage on a filesystem. Checkpoints of a job live in `BASE/<job>/chk-<n>/`, in the
 * format of `checkpoint-format.ts`; savepoints live in `SAVEPOINT_DIR/savepoint-<job>-<n>-<random>/`
 * in the same format, self-contained, so they can be copied anywhere and restored from there.
 *
 * Recovery trusts only what verifies: {@link FileCheckpointStorage.readLatest} walks checkpoints
 * newest first and skips, with one warning each, those that a crash or the disk left partial or
 * corrupt.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ErrorCodes, userError } from '../types/errors.js';
import type { CheckpointData, CheckpointStorage, StoredCheckpoint } from './checkpoint-data.js';
import {
  errorCode,
  hasIntactMetadata,
  METADATA_FILE,
  readCheckpointDirectory,
  SHARED_DIR,
  sharedBlobsOf,
  sharedDirectoryOf,
  writeCheckpointDirectory,
} from './checkpoint-format.js';

/** Options of {@link FileCheckpointStorage}. */
export interface FileCheckpointStorageOptions {
  /** Where savepoints go when `writeSavepoint` gets no directory. */
  readonly savepointDir?: string;
  /** Receives one line per skipped checkpoint; defaults to stderr with a `weir:` prefix. */
  readonly warn?: (message: string) => void;
}

const CHECKPOINT_DIR = /^chk-(\d+)$/;
/** Present in a job's directory while its latest run is one that finished (see `setFinished`). */
const FINISHED_FILE = 'FINISHED';
const MAX_NAME_LENGTH = 80;

/**
 * The directory name for a job: its name with anything but letters, digits, `.`, `_` and `-`
 * replaced by `_`. When anything had to change, a short hash of the original name is appended,
 * so `a b` and `a_b` do not share checkpoints. Names never start with a dot or a dash.
 */
export function jobDirectoryName(jobName: string): string {
  const safe = jobName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_NAME_LENGTH);
  if (safe === jobName && /^[A-Za-z0-9_]/.test(safe)) return safe;
  const hash = createHash('sha256').update(jobName, 'utf8').digest('hex').slice(0, 8);
  return `${safe.replace(/^[.-]+/, '_') || 'job'}-${hash}`;
}

/**
 * Writes a savepoint of `data` into a new `savepoint-<job>-<n>-<random>` directory under `dir`.
 * Shared by the storages, since a savepoint is a directory whatever keeps the checkpoints.
 */
export async function writeSavepointDirectory(dir: string, data: CheckpointData): Promise<StoredCheckpoint> {
  const name = `savepoint-${jobDirectoryName(data.jobName)}-${data.checkpointId}-${randomBytes(3).toString('hex')}`;
  const path = join(toPath(dir), name);
  const sizeBytes = await writeCheckpointDirectory(path, { ...data, savepoint: true });
  return { checkpointId: data.checkpointId, path, sizeBytes, savepoint: true };
}

/**
 * Reads the checkpoint or savepoint at `path`: its directory, its `_metadata` file, or either as
 * a `file://` URI. Rejects with a one-line user error if nothing is there or it does not verify.
 */
export async function readCheckpointPath(path: string): Promise<CheckpointData> {
  let dir = toPath(path);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
    throw userError(
      ErrorCodes.CHECKPOINT_UNUSABLE,
      `no checkpoint or savepoint at ${dir}; pass the directory printed when it was taken (it holds a ${METADATA_FILE} file)`,
    );
  }
  if (!info.isDirectory()) {
    if (basename(dir) !== METADATA_FILE) {
      throw userError(
        ErrorCodes.CHECKPOINT_UNUSABLE,
        `${dir} is neither a checkpoint directory nor a ${METADATA_FILE} file; pass the checkpoint or savepoint directory`,
      );
    }
    dir = dirname(dir);
  }
  const result = await readCheckpointDirectory(dir);
  if (!result.ok) {
    throw userError(
      ErrorCodes.CHECKPOINT_UNUSABLE,
      `cannot restore from ${dir}: ${result.reason}; restore from another checkpoint or savepoint`,
    );
  }
  return result.data;
}

/** Checkpoints in a directory tree; see the module comment for the layout. */
export class FileCheckpointStorage implements CheckpointStorage {
  private readonly baseDir: string;
  private readonly savepointDir: string | undefined;
  private readonly warn: (message: string) => void;

  /** `baseDir` must be absolute: a checkpoint location that moved with the working directory would be lost. */
  constructor(baseDir: string, options: FileCheckpointStorageOptions = {}) {
    const base = stripFileScheme(baseDir);
    if (!isAbsolute(base)) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `checkpoint storage must be an absolute path, got '${baseDir}'; e.g. /var/weir/checkpoints`,
      );
    }
    this.baseDir = base;
    this.savepointDir = options.savepointDir;
    this.warn = options.warn ?? ((message) => console.error(`weir: ${message}`));
  }

  /** The directory that holds the job's `chk-<n>` directories. */
  jobDir(jobName: string): string {
    return join(this.baseDir, jobDirectoryName(jobName));
  }

  /**
   * Writes `chk-<n>`. A directory of that name left by an earlier attempt at checkpoint `n` (which
   * never completed, or recovery would have moved past `n`) is removed first. Checkpoint ids of a
   * job must therefore keep increasing across restarts: continue after the restored id.
   */
  async writeCheckpoint(data: CheckpointData): Promise<StoredCheckpoint> {
    const path = join(this.jobDir(data.jobName), `chk-${data.checkpointId}`);
    await rm(path, { recursive: true, force: true });
    const sizeBytes = await writeCheckpointDirectory(path, data, sharedDirectoryOf(path));
    return { checkpointId: data.checkpointId, path, sizeBytes, savepoint: false };
  }

  /** Writes a self-contained savepoint into `dir`, or the default savepoint directory. */
  async writeSavepoint(data: CheckpointData, dir?: string): Promise<StoredCheckpoint> {
    const target = dir ?? this.savepointDir;
    if (target === undefined) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'no savepoint directory given and no default configured; pass a directory for the savepoint',
      );
    }
    return writeSavepointDirectory(target, data);
  }

  /**
   * The newest checkpoint of the job that verifies completely, or undefined if there is none.
   * Not meant to run while a checkpoint of the job is being written: its directory would be
   * reported as incomplete.
   */
  async readLatest(jobName: string): Promise<CheckpointData | undefined> {
    for (const { path } of await this.checkpointDirs(jobName)) {
      const result = await readCheckpointDirectory(path);
      if (result.ok) return result.data;
      this.warn(`skipping checkpoint ${path}: ${result.reason}`);
    }
    return undefined;
  }

  async highestCheckpointId(jobName: string): Promise<number> {
    return (await this.checkpointDirs(jobName))[0]?.id ?? 0;
  }

  /** Reads a checkpoint or savepoint directory, or its `_metadata` file. */
  read(path: string): Promise<CheckpointData> {
    return readCheckpointPath(path);
  }

  /**
   * Keeps the newest `retain` complete checkpoints (those with an intact `_metadata`) and deletes
   * the others, plus incomplete ones older than the newest complete one: those can never
   * complete. Incomplete ones newer than it may still be in progress and stay. Savepoints live
   * elsewhere and are never touched.
   */
  async prune(jobName: string, retain: number): Promise<void> {
    if (!Number.isInteger(retain) || retain < 0) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `checkpoints to retain must be an integer >= 0, got ${retain}`,
      );
    }
    const dirs = await this.checkpointDirs(jobName);
    const complete: boolean[] = [];
    for (const { path } of dirs) complete.push(await hasIntactMetadata(path));
    const newestComplete = dirs.find((_, i) => complete[i])?.id;
    let keptComplete = 0;
    for (let i = 0; i < dirs.length; i++) {
      const { id, path } = dirs[i]!;
      const remove = complete[i]
        ? keptComplete++ >= retain
        : newestComplete !== undefined && id < newestComplete;
      if (remove) await rm(path, { recursive: true, force: true });
    }
    await this.collectSharedBlobs(jobName);
  }

  /**
   * Deletes shared blobs no remaining complete checkpoint refers to: the reference count of a
   * blob is the number of `_metadata` files that list it. A blob newer than the newest complete
   * checkpoint may belong to one being written (which refreshes the time of blobs it reuses),
   * so only older ones go.
   */
  private async collectSharedBlobs(jobName: string): Promise<void> {
    const sharedDir = join(this.jobDir(jobName), SHARED_DIR);
    let names: string[];
    try {
      names = await readdir(sharedDir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    const referenced = new Set<string>();
    let newestComplete = 0;
    for (const { path } of await this.checkpointDirs(jobName)) {
      if (!(await hasIntactMetadata(path))) continue;
      for (const name of await sharedBlobsOf(path)) referenced.add(name);
      newestComplete = Math.max(newestComplete, (await stat(join(path, METADATA_FILE))).mtimeMs);
    }
    for (const name of names) {
      if (referenced.has(name)) continue;
      const path = join(sharedDir, name);
      try {
        if ((await stat(path)).mtimeMs < newestComplete) await rm(path, { force: true });
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    }
  }

  /**
   * A `FINISHED` file in the job's directory, written by rename so that a crash never leaves
   * half of one, records that the job's latest run finished.
   */
  async setFinished(jobName: string, finished: boolean): Promise<void> {
    const path = join(this.jobDir(jobName), FINISHED_FILE);
    if (!finished) {
      await rm(path, { force: true });
      return;
    }
    await mkdir(this.jobDir(jobName), { recursive: true });
    const temporary = `${path}.${randomBytes(3).toString('hex')}.tmp`;
    await writeFile(temporary, `${new Date().toISOString()}\n`);
    await rename(temporary, path);
  }

  async isFinished(jobName: string): Promise<boolean> {
    try {
      await stat(join(this.jobDir(jobName), FINISHED_FILE));
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  /** The job's `chk-<n>` directories, newest first. */
  private async checkpointDirs(jobName: string): Promise<{ id: number; path: string }[]> {
    const jobDir = this.jobDir(jobName);
    let names: string[];
    try {
      names = await readdir(jobDir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    const dirs: { id: number; path: string }[] = [];
    for (const name of names) {
      const match = CHECKPOINT_DIR.exec(name);
      if (match !== null) dirs.push({ id: Number(match[1]), path: join(jobDir, name) });
    }
    return dirs.sort((a, b) => b.id - a.id);
  }
}

function stripFileScheme(location: string): string {
  return location.startsWith('file://') ? location.slice('file://'.length) : location;
}

function toPath(location: string): string {
  return resolve(stripFileScheme(location));
}
