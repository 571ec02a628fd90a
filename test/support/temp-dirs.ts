/**
 * Temporary directories for a test file's sinks and sources, made under the system's temporary
 * folder and all removed once the file's tests have run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Registers, for the calling test file, the removal after all its tests of every directory the
 * returned function makes; each call makes a new one whose name starts with `prefix`.
 */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
