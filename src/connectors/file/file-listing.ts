/**
 * Turns the paths given to a file source into the files to read: a file stands for itself, a
 * directory for its regular files (not recursive). Names starting with '.' or '_' inside a
 * directory are skipped, because writers (FileSink included) use them for files in progress.
 * Sizes are looked up separately, and only for files not seen before, because only new files are
 * split and a monitored directory is listed again and again.
 */
import { readdirSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, userError } from '../../types/errors.js';

/** Whether a file in a listed directory is left out. */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** Lists now, failing with a one-line error for a path that does not exist. Sorted. */
export function listFilesSync(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(path);
    } catch (e) {
      throw missing(path, e);
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isFile() && !isHiddenName(entry.name)) files.push(join(path, entry.name));
    }
  }
  return [...new Set(files)].sort();
}

/**
 * Lists in the background, for continuous monitoring. A path that is missing right now is
 * left out rather than failing the job: a monitored directory may be replaced while it runs.
 */
export async function listFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (!info.isDirectory()) {
        files.push(path);
        continue;
      }
      for (const entry of await readdir(path, { withFileTypes: true })) {
        if (entry.isFile() && !isHiddenName(entry.name)) files.push(join(path, entry.name));
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return [...new Set(files)].sort();
}

/** A file to read and its size in bytes when it was listed. */
export interface SizedFile {
  readonly path: string;
  readonly size: number;
}

/** The sizes of `files` now, failing like {@link listFilesSync} for a file that is gone. */
export function withSizesSync(files: readonly string[]): SizedFile[] {
  return files.map((path) => {
    try {
      return { path, size: statSync(path).size };
    } catch (e) {
      throw missing(path, e);
    }
  });
}

/** The sizes of `files`, for monitoring; a file deleted since it was listed is left out. */
export async function withSizes(files: readonly string[]): Promise<SizedFile[]> {
  const sized: SizedFile[] = [];
  for (const path of files) {
    try {
      sized.push({ path, size: (await stat(path)).size });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return sized;
}

function missing(path: string, cause: unknown) {
  const code = (cause as NodeJS.ErrnoException).code;
  const problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(cause)})`;
  return userError(
    ErrorCodes.INVALID_ARGUMENT,
    `FileSource: input path ${path} ${problem}; check the path given to FileSource.forRecordFormat`,
    cause,
  );
}
