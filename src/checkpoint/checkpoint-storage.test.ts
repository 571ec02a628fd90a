/**
 * The contract every CheckpointStorage keeps, run against each implementation: what is written
 * comes back byte for byte, the newest wins, jobs do not see each other's checkpoints, and
 * pruning keeps the newest N.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckpointStorage } from './checkpoint-data.js';
import { sampleCheckpoint } from './checkpoint-test-fixtures.js';
import { FileCheckpointStorage } from './file-storage.js';
import { MemoryCheckpointStorage } from './memory-storage.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const implementations: [string, () => Promise<CheckpointStorage>][] = [
  [
    'FileCheckpointStorage',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'weir-storage-'));
      dirs.push(dir);
      return new FileCheckpointStorage(join(dir, 'checkpoints'), { warn: () => {} });
    },
  ],
  ['MemoryCheckpointStorage', async () => new MemoryCheckpointStorage()],
];

describe.each(implementations)('%s', (_name, create) => {
  it('gives back exactly what was written', async () => {
    const storage = await create();
    const data = sampleCheckpoint(1);
    const stored = await storage.writeCheckpoint(data);
    expect(stored.checkpointId).toBe(1);
    expect(stored.savepoint).toBe(false);
    expect(stored.sizeBytes).toBeGreaterThan(0);
    expect(await storage.readLatest(data.jobName)).toEqual(data);
    expect(await storage.read(stored.path)).toEqual(data);
  });

  it('records that a job finished, per job, until a new run clears it', async () => {
    const storage = await create();
    expect(await storage.isFinished('orders job')).toBe(false);
    await storage.writeCheckpoint(sampleCheckpoint(1));
    await storage.setFinished('orders job', true);
    expect(await storage.isFinished('orders job')).toBe(true);
    expect(await storage.isFinished('other job')).toBe(false);
    // The checkpoints stay: an explicit path can still restore one.
    expect((await storage.readLatest('orders job'))?.checkpointId).toBe(1);
    expect(await storage.highestCheckpointId('orders job')).toBe(1);
    await storage.setFinished('orders job', false);
    expect(await storage.isFinished('orders job')).toBe(false);
    await storage.setFinished('never ran', false);
    expect(await storage.isFinished('never ran')).toBe(false);
  });

  it('returns the newest checkpoint of the asked-for job only', async () => {
    const storage = await create();
    await storage.writeCheckpoint(sampleCheckpoint(1));
    await storage.writeCheckpoint(sampleCheckpoint(3));
    await storage.writeCheckpoint(sampleCheckpoint(2));
    await storage.writeCheckpoint(sampleCheckpoint(9, 'other job'));
    expect((await storage.readLatest('orders job'))?.checkpointId).toBe(3);
    expect((await storage.readLatest('other job'))?.checkpointId).toBe(9);
    expect(await storage.readLatest('unknown job')).toBeUndefined();
  });

  it('knows the highest checkpoint id of a job, so new ids can continue after it', async () => {
    const storage = await create();
    expect(await storage.highestCheckpointId('orders job')).toBe(0);
    await storage.writeCheckpoint(sampleCheckpoint(4));
    await storage.writeCheckpoint(sampleCheckpoint(2));
    await storage.writeCheckpoint(sampleCheckpoint(7, 'other job'));
    expect(await storage.highestCheckpointId('orders job')).toBe(4);
  });

  it('prune keeps the newest N checkpoints', async () => {
    const storage = await create();
    const stored = [];
    for (let id = 1; id <= 5; id++) stored.push(await storage.writeCheckpoint(sampleCheckpoint(id)));
    await storage.prune('orders job', 2);
    for (const s of stored.slice(0, 3)) await expect(storage.read(s.path)).rejects.toThrow(/checkpoint/);
    for (const s of stored.slice(3)) expect((await storage.read(s.path)).checkpointId).toBe(s.checkpointId);
    expect((await storage.readLatest('orders job'))?.checkpointId).toBe(5);
  });

  it('rejects a path that holds no checkpoint with a one-line error', async () => {
    const storage = await create();
    const error = await storage.read('/nonexistent/weir/chk-1').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHECKPOINT_UNUSABLE' });
    expect((error as Error).message).not.toContain('\n');
  });
});
