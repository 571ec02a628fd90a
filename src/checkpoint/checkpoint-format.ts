/**
 * The on-disk format of one checkpoint or savepoint directory:
 *
 *     <dir>/<op>-<uid>-<subtask>.state     one operator subtask's state (see `state-file.ts`)
 *     <dir>/<op>-<uid>-coordinator.state   a source enumerator's state (its own bytes)
 *     <dir>/_metadata                      written last; the directory is complete once it exists
 *
 * `_metadata` is a header line `weir-checkpoint-metadata sha256=<hex> length=<n>` followed by a
 * JSON body of exactly `n` bytes with that SHA-256. The body lists every state file by a path
 * relative to the directory, with its length and SHA-256, so a directory can be copied or moved
 * and still be read, and a truncated or flipped file anywhere is detected rather than restored.
 * Subtasks without state have no file (`null` in the metadata).
 *
 * Checkpoints of jobs with incremental checkpoints keep key-group blobs apart, in the job's
 *
 *     <dir>/../shared/<sha256>              one key group's state, named by its own hash
 *
 * where every checkpoint that holds that exact state refers to the one file. The subtask file
 * then names the blob instead of holding it, `_metadata` lists every blob the checkpoint refers
 * to (`shared`), and reading checks each blob against its name. Such a checkpoint directory is
 * therefore not relocatable on its own; savepoints never use shared blobs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { keyGroupBytes, type OperatorSubtaskState } from '../runtime/snapshot.js';
import { ErrorCodes, userError, WeirError } from '../types/errors.js';
import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointData,
  type OperatorCheckpointState,
} from './checkpoint-data.js';
import { decodeStateFile, encodeStateFile } from './state-file.js';

/** The name of the file that makes a checkpoint directory complete. */
export const METADATA_FILE = '_metadata';

const HEADER = /^weir-checkpoint-metadata sha256=([0-9a-f]{64}) length=(\d+)$/;
/** Longer than any valid header; bounds the search for its newline in a damaged file. */
const MAX_HEADER_BYTES = 160;
/** Open files at once while writing or reading one checkpoint, to stay clear of EMFILE. */
const IO_CONCURRENCY = 16;
/** State file names the metadata may mention: no separators, no leading dot, so never outside the dir. */
const SAFE_FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** A file to write: its bytes are the concatenation of `parts` (big blobs stay uncopied). */
interface PendingFile {
  readonly file: string;
  readonly parts: readonly Uint8Array[];
}

interface FileRef {
  readonly file: string;
  readonly length: number;
  readonly sha256: string;
}

interface OperatorMetadata {
  readonly uid: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly subtasks: readonly (FileRef | null)[];
  readonly coordinator: FileRef | null;
}

interface Metadata {
  /** Shared blobs this checkpoint refers to, by SHA-256 (absent when none). */
  readonly shared?: readonly string[];
  readonly formatVersion: number;
  readonly jobName: string;
  readonly jobId: string;
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
  readonly operators: readonly OperatorMetadata[];
}

/** The outcome of reading a checkpoint directory: its data, or why it cannot be used. */
export type CheckpointReadResult =
  | { readonly ok: true; readonly data: CheckpointData }
  | { readonly ok: false; readonly reason: string };

/**
 * Writes `data` into `dir` (created if needed): every state file durably first, `_metadata`
 * last, so a crash at any point leaves either a complete directory or one without `_metadata`.
 * Returns the bytes written. `dir` should not hold another checkpoint: files it has are replaced.
 */
export async function writeCheckpointDirectory(
  dir: string,
  data: CheckpointData,
  /** Where shared blobs go; without it (savepoints) every key group is written inline. */
  sharedDir?: string,
): Promise<number> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw ioError(`cannot create ${dir}`, error);
  }
  // The new directory's own entry must survive a crash too, or a durable _metadata could vanish.
  await syncDirectory(dirname(dir));
  const files: PendingFile[] = [];
  const shared = new Map<string, Uint8Array>();
  const operators = data.operators.map((op, index): OperatorMetadata => {
    if (op.subtasks.length !== op.parallelism) {
      throw new WeirError(
        ErrorCodes.INTERNAL,
        `operator ${op.uid} has ${op.subtasks.length} subtask states for parallelism ${op.parallelism}`,
        { domain: 'internal' },
      );
    }
    const prefix = `${index}-${fileSegment(op.uid)}`;
    const subtasks = op.subtasks.map((state, subtask) => {
      if (isEmpty(state)) return null;
      return addFile(
        files,
        `${prefix}-${subtask}.state`,
        encodeStateFile(separateShared(state, shared, sharedDir)),
      );
    });
    const coordinator =
      op.coordinatorState === undefined
        ? null
        : addFile(files, `${prefix}-coordinator.state`, [op.coordinatorState]);
    return {
      uid: op.uid,
      name: op.name,
      parallelism: op.parallelism,
      maxParallelism: op.maxParallelism,
      subtasks,
      coordinator,
    };
  });
  let sharedWritten = 0;
  if (sharedDir !== undefined && shared.size > 0) {
    sharedWritten = await writeSharedBlobs(sharedDir, shared);
  }
  await forEachLimited(files, (f) => writeFileDurably(dir, f.file, f.parts));
  // State files must be durable under their final names before _metadata can point at them.
  await syncDirectory(dir);
  const metadata: Metadata = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    jobName: data.jobName,
    jobId: data.jobId,
    checkpointId: data.checkpointId,
    timestamp: data.timestamp,
    savepoint: data.savepoint,
    operators,
    ...(shared.size === 0 ? {} : { shared: [...shared.keys()].sort() }),
  };
  const metadataBytes = encodeMetadata(metadata);
  await writeFileDurably(dir, METADATA_FILE, [metadataBytes]);
  await syncDirectory(dir);
  let size = metadataBytes.byteLength + sharedWritten;
  for (const f of files) size += byteLength(f.parts);
  return size;
}

/** The directory of shared blobs beside the checkpoint directory `dir`. */
export function sharedDirectoryOf(dir: string): string {
  return join(dirname(dir), SHARED_DIR);
}

/** The name of the directory of shared blobs in a job's checkpoint directory. */
export const SHARED_DIR = 'shared';

/**
 * The subtask state as its file holds it: with a shared-blob directory, shared key groups become
 * names (their bytes collected into `shared`); without one, they are written inline.
 */
function separateShared(
  state: OperatorSubtaskState,
  shared: Map<string, Uint8Array>,
  sharedDir: string | undefined,
): OperatorSubtaskState {
  if (!state.keyGroups.some(([, part]) => !(part instanceof Uint8Array))) return state;
  return {
    ...state,
    keyGroups: state.keyGroups.map(([group, part]) => {
      if (part instanceof Uint8Array) return [group, part] as const;
      const bytes = keyGroupBytes(group, part);
      if (sharedDir === undefined) return [group, bytes] as const;
      shared.set(part.sha256, bytes);
      return [group, { sha256: part.sha256, length: part.length }] as const;
    }),
  };
}

/**
 * Writes the blobs `sharedDir` lacks and returns the bytes written. A blob already there gets a
 * fresh modification time, which keeps a concurrent prune from collecting it before this
 * checkpoint's `_metadata` refers to it.
 */
async function writeSharedBlobs(sharedDir: string, blobs: Map<string, Uint8Array>): Promise<number> {
  try {
    await mkdir(sharedDir, { recursive: true });
  } catch (error) {
    throw ioError(`cannot create ${sharedDir}`, error);
  }
  let written = 0;
  const now = new Date();
  await forEachLimited([...blobs], async ([name, bytes]) => {
    try {
      const existing = await stat(join(sharedDir, name));
      if (existing.size === bytes.byteLength) {
        await utimes(join(sharedDir, name), now, now);
        return;
      }
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw ioError(`cannot read ${join(sharedDir, name)}`, error);
    }
    await writeFileDurably(sharedDir, name, [bytes]);
    written += bytes.byteLength;
  });
  await syncDirectory(sharedDir);
  return written;
}

/** Fills in the bytes of shared key groups from the blobs beside `dir`; returns a problem, if any. */
async function resolveSharedBlobs(
  dir: string,
  subtasks: OperatorSubtaskState[],
): Promise<string | undefined> {
  const sharedDir = sharedDirectoryOf(dir);
  const wanted = new Set<string>();
  for (const state of subtasks) {
    for (const [, part] of state.keyGroups) if (!(part instanceof Uint8Array)) wanted.add(part.sha256);
  }
  const blobs = new Map<string, Uint8Array>();
  const problems: string[] = [];
  await forEachLimited([...wanted], async (name) => {
    if (!/^[0-9a-f]{64}$/.test(name)) {
      problems.push(`shared state name ${name} is not a SHA-256`);
      return;
    }
    const bytes = await readIfExists(join(sharedDir, name));
    if (bytes === undefined) problems.push(`shared state file ${SHARED_DIR}/${name} is missing`);
    else if (sha256(bytes) !== name) problems.push(`shared state file ${SHARED_DIR}/${name} is corrupt`);
    else blobs.set(name, bytes);
  });
  if (problems.length > 0) return problems.sort()[0];
  for (let i = 0; i < subtasks.length; i++) {
    const state = subtasks[i]!;
    if (!state.keyGroups.some(([, part]) => !(part instanceof Uint8Array))) continue;
    subtasks[i] = {
      ...state,
      keyGroups: state.keyGroups.map(([group, part]) =>
        part instanceof Uint8Array ? ([group, part] as const) : ([group, blobs.get(part.sha256)!] as const),
      ),
    };
  }
  return undefined;
}

/** The shared blobs the complete checkpoint in `dir` refers to; empty if it has no valid metadata. */
export async function sharedBlobsOf(dir: string): Promise<readonly string[]> {
  const raw = await readIfExists(join(dir, METADATA_FILE));
  if (raw === undefined) return [];
  const parsed = parseMetadata(raw);
  return typeof parsed === 'string' ? [] : (parsed.shared ?? []);
}

/**
 * Reads and verifies the checkpoint in `dir`. Anything missing, truncated or corrupt is an
 * `ok: false` result with a reason; a metadata format version this build does not know throws,
 * because that checkpoint is intact and skipping it would silently restore older state.
 * Other I/O errors (permissions, disk) throw as well: they need fixing, not a fallback.
 */
export async function readCheckpointDirectory(dir: string): Promise<CheckpointReadResult> {
  const metadataPath = join(dir, METADATA_FILE);
  const raw = await readIfExists(metadataPath);
  if (raw === undefined)
    return { ok: false, reason: `no ${METADATA_FILE} file (the checkpoint never completed)` };
  const parsed = parseMetadata(raw);
  if (typeof parsed === 'string') return { ok: false, reason: parsed };
  if (parsed.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw userError(
      ErrorCodes.CHECKPOINT_UNUSABLE,
      `${metadataPath} uses checkpoint format ${parsed.formatVersion}, but this Weir reads format ${CHECKPOINT_FORMAT_VERSION}; restore it with the Weir version that wrote it`,
    );
  }
  const refs: FileRef[] = [];
  for (const op of parsed.operators) {
    for (const ref of op.subtasks) if (ref !== null) refs.push(ref);
    if (op.coordinator !== null) refs.push(op.coordinator);
  }
  const contents = new Map<string, Uint8Array>();
  const problems: (string | undefined)[] = [];
  await forEachLimited(refs, async (ref, i) => {
    const bytes = await readIfExists(join(dir, ref.file));
    problems[i] = checkFile(ref, bytes);
    if (problems[i] === undefined) contents.set(ref.file, bytes!);
  });
  // Reads finish in any order; report the first problem in metadata order so messages are stable.
  const problem = problems.find((p) => p !== undefined);
  if (problem !== undefined) return { ok: false, reason: problem };
  const operators: OperatorCheckpointState[] = [];
  for (const op of parsed.operators) {
    const subtasks: OperatorSubtaskState[] = [];
    for (const ref of op.subtasks) {
      if (ref === null) {
        subtasks.push({ keyGroups: [], operatorState: {} });
        continue;
      }
      try {
        subtasks.push(decodeStateFile(contents.get(ref.file)!));
      } catch {
        return { ok: false, reason: `state file ${ref.file} cannot be decoded` };
      }
    }
    const problem = await resolveSharedBlobs(dir, subtasks);
    if (problem !== undefined) return { ok: false, reason: problem };
    operators.push({
      uid: op.uid,
      name: op.name,
      parallelism: op.parallelism,
      maxParallelism: op.maxParallelism,
      subtasks,
      ...(op.coordinator === null ? {} : { coordinatorState: contents.get(op.coordinator.file)! }),
    });
  }
  const data: CheckpointData = {
    jobName: parsed.jobName,
    jobId: parsed.jobId,
    checkpointId: parsed.checkpointId,
    timestamp: parsed.timestamp,
    savepoint: parsed.savepoint,
    operators,
  };
  return { ok: true, data };
}

/**
 * True when `dir` has a `_metadata` whose header and checksum verify. Cheaper than
 * {@link readCheckpointDirectory}: state files are not read.
 */
export async function hasIntactMetadata(dir: string): Promise<boolean> {
  const raw = await readIfExists(join(dir, METADATA_FILE));
  return raw !== undefined && typeof parseMetadata(raw) !== 'string';
}

function isEmpty(state: OperatorSubtaskState): boolean {
  if (state.keyGroups.length > 0) return false;
  for (const _ in state.operatorState) return false;
  return true;
}

function addFile(files: PendingFile[], file: string, parts: readonly Uint8Array[]): FileRef {
  files.push({ file, parts });
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return { file, length: byteLength(parts), sha256: hash.digest('hex') };
}

function byteLength(parts: readonly Uint8Array[]): number {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  return length;
}

/** A readable piece of a uid for a file name; uniqueness comes from the operator index before it. */
function fileSegment(uid: string): string {
  return uid.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 48);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function encodeMetadata(metadata: Metadata): Uint8Array {
  const body = Buffer.from(JSON.stringify(metadata), 'utf8');
  const header = Buffer.from(
    `weir-checkpoint-metadata sha256=${sha256(body)} length=${body.byteLength}\n`,
    'utf8',
  );
  return Buffer.concat([header, body]);
}

/** The metadata in `raw`, or the reason it cannot be trusted. */
function parseMetadata(raw: Uint8Array): Metadata | string {
  if (raw.byteLength === 0) return `${METADATA_FILE} is empty`;
  const newline = raw.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
  const match = newline < 0 ? null : HEADER.exec(Buffer.from(raw.subarray(0, newline)).toString('utf8'));
  if (match === null) return `${METADATA_FILE} has no valid header (truncated or not a Weir checkpoint)`;
  const body = raw.subarray(newline + 1);
  const expected = Number(match[2]);
  if (body.byteLength !== expected) {
    return `${METADATA_FILE} is truncated or padded (expected ${expected} bytes after the header, found ${body.byteLength})`;
  }
  if (sha256(body) !== match[1]) return `${METADATA_FILE} checksum does not match (the file is corrupt)`;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return `${METADATA_FILE} body is not valid JSON`;
  }
  return isMetadata(json) ? json : `${METADATA_FILE} does not have the expected fields`;
}

function isMetadata(value: any): value is Metadata {
  // Only a checksummed body gets here, so this guards against other writers, not bit rot.
  if (typeof value !== 'object' || value === null || typeof value.formatVersion !== 'number') return false;
  if (value.formatVersion !== CHECKPOINT_FORMAT_VERSION) return true;
  return (
    typeof value.jobName === 'string' &&
    typeof value.jobId === 'string' &&
    Number.isInteger(value.checkpointId) &&
    typeof value.timestamp === 'number' &&
    typeof value.savepoint === 'boolean' &&
    Array.isArray(value.operators) &&
    value.operators.every(
      (op: any) =>
        typeof op === 'object' &&
        op !== null &&
        typeof op.uid === 'string' &&
        typeof op.name === 'string' &&
        Number.isInteger(op.parallelism) &&
        Number.isInteger(op.maxParallelism) &&
        Array.isArray(op.subtasks) &&
        op.subtasks.length === op.parallelism &&
        op.subtasks.every((ref: unknown) => ref === null || isFileRef(ref)) &&
        (op.coordinator === null || isFileRef(op.coordinator)),
    )
  );
}

function isFileRef(value: any): value is FileRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.file === 'string' &&
    SAFE_FILE.test(value.file) &&
    Number.isInteger(value.length) &&
    typeof value.sha256 === 'string'
  );
}

function checkFile(ref: FileRef, bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return `state file ${ref.file} is missing`;
  if (bytes.byteLength !== ref.length) {
    return `state file ${ref.file} has ${bytes.byteLength} bytes, expected ${ref.length} (truncated or overwritten)`;
  }
  if (sha256(bytes) !== ref.sha256)
    return `state file ${ref.file} checksum does not match (the file is corrupt)`;
  return undefined;
}

async function readIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw ioError(`cannot read ${path}`, error);
  }
}

/**
 * Write the concatenation of `parts` to a temporary name, fsync, then rename: the final name
 * never holds a partial file.
 */
async function writeFileDurably(dir: string, name: string, parts: readonly Uint8Array[]): Promise<void> {
  const temp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      for (const chunk of coalesce(parts)) {
        // A write may take less than asked for; the rest goes after it (position: current).
        for (let written = 0; written < chunk.byteLength; ) {
          written += (await handle.write(chunk, written, chunk.byteLength - written)).bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name));
  } catch (error) {
    throw ioError(`cannot write ${join(dir, name)}`, error);
  }
}

/** Below this size a part is merged with its neighbours, so small blobs do not cost a write each. */
const SMALL_PART_BYTES = 64 * 1024;

/** `parts` with runs of small ones concatenated; big parts pass through uncopied. */
function coalesce(parts: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  let runBytes = 0;
  const flush = () => {
    if (run.length === 1) out.push(run[0]!);
    else if (run.length > 1) out.push(Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const part of parts) {
    if (part.byteLength >= SMALL_PART_BYTES) {
      flush();
      out.push(part);
    } else {
      run.push(part);
      runBytes += part.byteLength;
      if (runBytes >= SMALL_PART_BYTES) flush();
    }
  }
  flush();
  return out;
}

/** Makes renames and new entries in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    throw ioError(`cannot open directory ${dir}`, error);
  }
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms and filesystems cannot fsync a directory; their renames are as durable as it gets.
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') {
      throw ioError(`cannot sync directory ${dir}`, error);
    }
  } finally {
    await handle.close();
  }
}

/** The `code` of a Node system error, if it is one. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as any).code === 'string'
    ? (error as any).code
    : undefined;
}

function ioError(message: string, cause: unknown): WeirError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new WeirError(
    ErrorCodes.IO,
    `${message}: ${detail}; check the checkpoint directory's disk and permissions`,
    {
      domain: 'external',
      retriable: true,
      cause,
    },
  );
}

async function forEachLimited<T>(
  items: readonly T[],
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IO_CONCURRENCY, items.length) }, worker));
}
