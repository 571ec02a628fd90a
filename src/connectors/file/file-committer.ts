/**
 * Commits FileSink parts by renaming each pending hidden file to its final name. A rename
 * within a directory is atomic, so a reader sees either no file or the whole file, and the
 * directory is fsynced afterwards, so the rename survives a power loss too.
 *
 * Committing is idempotent, because after a crash the runtime commits the restored
 * committables again, and a crash may have come between two renames of one commit:
 * - pending present, final absent: rename it (the normal case);
 * - pending absent, final present: committed already. Final names hold the attempt that wrote
 *   the part, so a present final name can only be this part's own earlier rename;
 * - both absent: the records are lost, which is an error, unless this committer itself
 *   committed the part earlier (something downstream may have moved the file away since);
 * - both present: something else created the final name; the committed file is left alone and
 *   the commit fails.
 */
import { existsSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCodes, WeirError } from '../../types/errors.js';
import type { Committer } from '../../types/sink.js';
import { errorCode, syncDirectory } from './durable-fs.js';
import type { FileSinkCommittable } from './file-committable.js';

/** How many committed final paths a committer remembers, to accept a repeated commit of a moved file. */
const REMEMBERED_COMMITS = 10_000;

/** The committer of a FileSink; see the module comment. */
export class FileCommitter implements Committer<FileSinkCommittable> {
  /** Final paths this committer renamed, oldest first (a Map keeps insertion order). */
  private readonly committed = new Map<string, true>();

  commit(committables: FileSinkCommittable[]): void {
    const dirs = new Set<string>();
    try {
      for (const c of committables) {
        if (this.commitOne(c)) dirs.add(dirname(c.finalPath));
      }
    } finally {
      // Also after a failure: the renames done so far should be durable before anyone retries.
      for (const dir of dirs) syncDirectory(dir);
    }
  }

  close(): void {}

  /** Returns whether it renamed. */
  private commitOne(c: FileSinkCommittable): boolean {
    const finalExists = existsSync(c.finalPath);
    if (existsSync(c.pendingPath)) {
      if (finalExists) {
        throw new WeirError(
          ErrorCodes.IO,
          `FileSink cannot commit ${c.pendingPath}: ${c.finalPath} already exists and committed files are never replaced; ` +
            'remove whatever created that file, or give this sink its own directory',
          { domain: 'external' },
        );
      }
      try {
        renameSync(c.pendingPath, c.finalPath);
      } catch (e) {
        // Another committer of the same restored part may have renamed it first.
        if (errorCode(e) !== 'ENOENT' || !existsSync(c.finalPath)) throw e;
        return false;
      }
      this.remember(c.finalPath);
      return true;
    }
    if (finalExists || this.committed.has(c.finalPath)) return false;
    throw new WeirError(
      ErrorCodes.IO,
      `FileSink cannot commit ${c.finalPath}: neither it nor its pending file ${c.pendingPath} exists, so its records are lost; ` +
        'do not delete or move files in the sink directory while the job runs',
      { domain: 'external' },
    );
  }

  private remember(finalPath: string): void {
    this.committed.set(finalPath, true);
    if (this.committed.size > REMEMBERED_COMMITS) {
      this.committed.delete(this.committed.keys().next().value!);
    }
  }
}
