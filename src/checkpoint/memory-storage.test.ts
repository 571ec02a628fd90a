/**
 * The in-memory storage's own cases: savepoints need a directory, and with one they are real
 * savepoint directories that outlive it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCheckpoint } from './checkpoint-test-fixtures.js';
import { FileCheckpointStorage } from './file-storage.js';
import { MemoryCheckpointStorage } from './memory-storage.js';

describe('MemoryCheckpointStorage', () => {
  it('refuses a savepoint without a directory with a one-line error saying to pass one', async () => {
    const error = await new MemoryCheckpointStorage()
      .writeSavepoint(sampleCheckpoint(1))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', domain: 'user' });
    expect((error as Error).message).toMatch(/pass one/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('writes a savepoint into a given directory that any storage can restore', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-memory-savepoint-'));
    try {
      const memory = new MemoryCheckpointStorage();
      const stored = await memory.writeSavepoint(sampleCheckpoint(3), dir);
      expect(stored.savepoint).toBe(true);
      const expected = { ...sampleCheckpoint(3), savepoint: true };
      expect(await memory.read(stored.path)).toEqual(expected);
      expect(await new FileCheckpointStorage(join(dir, 'other')).read(stored.path)).toEqual(expected);
      // A savepoint is not a checkpoint of the job: failover does not pick it up.
      expect(await memory.readLatest(expected.jobName)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names its checkpoints memory://<job>/chk-<n>, with the job name escaped', async () => {
    const memory = new MemoryCheckpointStorage();
    const stored = await memory.writeCheckpoint(sampleCheckpoint(2, 'a/b c'));
    expect(stored.path).toBe('memory://a%2Fb%20c/chk-2');
    expect((await memory.read(stored.path)).jobName).toBe('a/b c');
    await expect(memory.read('memory://a%2Fb%20c/chk-9')).rejects.toThrow(/do not outlive the process/);
  });
});
