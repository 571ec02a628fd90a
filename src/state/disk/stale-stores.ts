/**
 * Store directories left behind by processes that died without disposing their backends
 * (`kill -9`, a crash, an out-of-memory kill). A store is scratch space of one task, named
 * after the process that owns it, so a directory whose process no longer exists is garbage:
 * the first disk backend a process creates under a directory removes those, so crashes do not
 * fill the disk. Directories of live processes, and names this module did not make, are left
 * alone.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'weir-state-';
const OWNED = /^weir-state-(\d+)-/;

/** Directories already swept by this thread. */
const swept = new Set<string>();

/** A fresh store directory under `parent`, named after this process. */
export function createStoreDirectory(parent: string): string {
  if (!swept.has(parent)) {
    swept.add(parent);
    removeStaleStores(parent);
  }
  return mkdtempSync(join(parent, `${PREFIX}${process.pid}-`));
}

/**
 * Removes the store directories under `parent` whose owning process no longer exists; returns
 * their names. A directory that cannot be read or removed is skipped: sweeping is best effort.
 */
export function removeStaleStores(parent: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = OWNED.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another process may be removing it at the same time.
    }
  }
  return removed;
}

/** Whether a process with this id exists (signal 0 only checks; EPERM means it exists). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
