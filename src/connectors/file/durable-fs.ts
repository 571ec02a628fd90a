/**
 * The few file system steps FileSink needs to be durable, not just atomic. A rename or a newly
 * created file lives in its directory's entries, and those survive a power loss only once the
 * directory itself is fsynced; a crash of the process alone (kill -9) keeps them either way.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Fsyncs a directory, so that names created, renamed or removed in it are durable. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; renames are still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The error code of a failed file system call, e.g. 'ENOENT'. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
