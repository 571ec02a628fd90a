/**
 * Commits FileSink parts by renaming each pending hidden file to its final name. A rename
 * within a directory is atomic, so a reader sees either no file or the whole file. Committing
 * again after a crash is safe: a part whose pending file is gone and whose final file exists
 * was committed already. The directory is fsynced afterwards, so the rename itself survives a
 * power loss before the checkpoint is considered done.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Committer } from '../../types/sink.js';
import { ErrorCodes, WeirError } from '../../types/errors.js';
import type { FileSinkCommittable } from './file-committable.js';

/** The committer of a FileSink; see the module comment. */
export class FileCommitter implements Committer<FileSinkCommittable> {
  commit(committables: FileSinkCommittable[]): void {
    const dirs = new Set<string>();
    for (const c of committables) {
      if (existsSync(c.pendingPath)) {
        renameSync(c.pendingPath, c.finalPath);
        dirs.add(dirname(c.finalPath));
      } else if (!existsSync(c.finalPath)) {
        throw new WeirError(
          ErrorCodes.IO,
          `FileSink cannot commit ${c.finalPath}: neither it nor its pending file ${c.pendingPath} exists; ` +
            'was the output directory changed while the job ran?',
          { domain: 'external' },
        );
      }
    }
    for (const dir of dirs) syncDirectory(dir);
  }

  close(): void {}
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
