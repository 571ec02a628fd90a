/**
 * Turns the paths given to a file source into the files to read: a file stands for itself, a
 * directory for its regular files (not recursive). Names starting with '.' or '_' inside a
 * directory are skipped, because writers (FileSink included) use them for files in progress.
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

function missing(path: string, cause: unknown) {
  const code = (cause as NodeJS.ErrnoException).code;
  const problem = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(cause)})`;
  return userError(
    ErrorCodes.INVALID_ARGUMENT,
    `FileSource: input path ${path} ${problem}; check the path given to FileSource.forRecordFormat`,
    cause,
  );
}
