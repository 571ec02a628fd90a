/**
 * What only the filesystem storage has to prove: damaged checkpoints are detected and skipped
 * with one warning naming them, savepoints are portable, and pruning leaves savepoints and
 * in-progress checkpoints alone.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleCheckpoint } from './checkpoint-test-fixtures.js';
import { FileCheckpointStorage, jobDirectoryName } from './file-storage.js';

let root: string;
let warnings: string[];
let storage: FileCheckpointStorage;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-file-storage-'));
  warnings = [];
  storage = new FileCheckpointStorage(join(root, 'checkpoints'), {
    savepointDir: join(root, 'savepoints'),
    warn: (message) => warnings.push(message),
  });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const JOB = 'orders job';

/** Writes checkpoints 1 and 2 and returns the directory of 2. */
async function twoCheckpoints(): Promise<string> {
  await storage.writeCheckpoint(sampleCheckpoint(1));
  return (await storage.writeCheckpoint(sampleCheckpoint(2))).path;
}

async function stateFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.state')).sort();
}

/** Falls back to checkpoint 1 with exactly one warning naming `dir` and matching `reason`. */
async function expectFallback(dir: string, reason: RegExp): Promise<void> {
  const latest = await storage.readLatest(JOB);
  expect(latest).toEqual(sampleCheckpoint(1));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(dir);
  expect(warnings[0]).toMatch(reason);
  expect(warnings[0]).not.toContain('\n');
}

describe('layout', () => {
  it('writes chk-<n> under the job directory with _metadata and no temporary files', async () => {
    const stored = await storage.writeCheckpoint(sampleCheckpoint(7));
    expect(stored.path).toBe(join(root, 'checkpoints', jobDirectoryName(JOB), 'chk-7'));
    const names = await readdir(stored.path);
    expect(names).toContain('_metadata');
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]);
    // Empty subtasks have no file: 2 source subtasks (one empty split list still counts) + coordinator + 2 window subtasks.
    expect(await stateFiles(stored.path)).toHaveLength(5);
    let total = 0;
    for (const name of names) total += (await stat(join(stored.path, name))).size;
    expect(stored.sizeBytes).toBe(total);
  });

  it('records every state file with a relative path, length and SHA-256 in a checksummed _metadata', async () => {
    const dir = (await storage.writeCheckpoint(sampleCheckpoint(1))).path;
    const raw = await readFile(join(dir, '_metadata'));
    const newline = raw.indexOf(0x0a);
    const header = raw.subarray(0, newline).toString('utf8');
    const body = raw.subarray(newline + 1);
    expect(header).toBe(
      `weir-checkpoint-metadata sha256=${createHash('sha256').update(body).digest('hex')} length=${body.length}`,
    );
    const metadata = JSON.parse(body.toString('utf8'));
    expect(metadata.formatVersion).toBe(1);
    const refs = metadata.operators.flatMap((op: any) => [...op.subtasks, op.coordinator]).filter(Boolean);
    expect(refs.map((r: any) => r.file).sort()).toEqual(await stateFiles(dir));
    for (const ref of refs) {
      expect(ref.file).not.toContain('/');
      const content = await readFile(join(dir, ref.file));
      expect(ref.length).toBe(content.length);
      expect(ref.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    }
  });

  it('makes job names filesystem-safe without merging different names', () => {
    expect(jobDirectoryName('orders')).toBe('orders');
    expect(jobDirectoryName('a b')).toMatch(/^a_b-[0-9a-f]{8}$/);
    expect(jobDirectoryName('a b')).not.toBe(jobDirectoryName('a_b'));
    expect(jobDirectoryName('a/b')).not.toBe(jobDirectoryName('a b'));
    expect(jobDirectoryName('../etc')).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
    expect(jobDirectoryName('')).toMatch(/^job-[0-9a-f]{8}$/);
    expect(jobDirectoryName('.hidden')).toMatch(/^_hidden-[0-9a-f]{8}$/);
    expect(jobDirectoryName('-v')).toMatch(/^_v-[0-9a-f]{8}$/);
    expect(jobDirectoryName('x'.repeat(500)).length).toBeLessThanOrEqual(100);
  });

  it('replaces a leftover directory of the same checkpoint id', async () => {
    const dir = join(root, 'checkpoints', jobDirectoryName(JOB), 'chk-3');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'stray.state'), 'partial');
    await storage.writeCheckpoint(sampleCheckpoint(3));
    expect(await readdir(dir)).not.toContain('stray.state');
    expect(await storage.read(dir)).toEqual(sampleCheckpoint(3));
  });

  it('requires an absolute base directory', () => {
    expect(() => new FileCheckpointStorage('relative/dir')).toThrow(/absolute path/);
    expect(new FileCheckpointStorage('file:///tmp/weir').jobDir('j')).toBe('/tmp/weir/j');
  });
});

describe('readLatest skips damaged checkpoints', () => {
  it('a truncated state file', async () => {
    const dir = await twoCheckpoints();
    const file = (await stateFiles(dir))[0]!;
    await truncate(join(dir, file), 2);
    await expectFallback(dir, new RegExp(`state file ${file} has 2 bytes, expected \\d+`));
  });

  it('a flipped byte in a state file', async () => {
    const dir = await twoCheckpoints();
    const file = join(dir, (await stateFiles(dir))[1]!);
    const content = await readFile(file);
    content[content.length - 1] ^= 0x01;
    await writeFile(file, content);
    await expectFallback(dir, /checksum does not match/);
  });

  it('a missing state file', async () => {
    const dir = await twoCheckpoints();
    const file = (await stateFiles(dir))[0]!;
    await rm(join(dir, file));
    await expectFallback(dir, new RegExp(`state file ${file} is missing`));
  });

  it('a truncated _metadata', async () => {
    const dir = await twoCheckpoints();
    const { size } = await stat(join(dir, '_metadata'));
    await truncate(join(dir, '_metadata'), size - 10);
    await expectFallback(dir, /_metadata is truncated/);
  });

  it('a _metadata cut inside its header', async () => {
    const dir = await twoCheckpoints();
    await truncate(join(dir, '_metadata'), 20);
    await expectFallback(dir, /_metadata has no valid header/);
  });

  it('a flipped byte in _metadata', async () => {
    const dir = await twoCheckpoints();
    const file = join(dir, '_metadata');
    const content = await readFile(file);
    content[content.length - 5] ^= 0x20;
    await writeFile(file, content);
    await expectFallback(dir, /_metadata checksum does not match/);
  });

  it('a checkpoint directory without _metadata', async () => {
    const dir = await twoCheckpoints();
    await rm(join(dir, '_metadata'));
    await expectFallback(dir, /no _metadata file/);
  });

  it('every damaged checkpoint, warning once for each', async () => {
    const dir2 = await twoCheckpoints();
    const dir3 = (await storage.writeCheckpoint(sampleCheckpoint(3))).path;
    await rm(join(dir2, '_metadata'));
    await truncate(join(dir3, '_metadata'), 0);
    expect((await storage.readLatest(JOB))?.checkpointId).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(dir3);
    expect(warnings[1]).toContain(dir2);
  });

  it('and returns undefined when none is usable', async () => {
    const dir = (await storage.writeCheckpoint(sampleCheckpoint(1))).path;
    await rm(join(dir, '_metadata'));
    expect(await storage.readLatest(JOB)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });
});

describe('read', () => {
  it('accepts the directory, its _metadata file and a file:// URI', async () => {
    const dir = (await storage.writeCheckpoint(sampleCheckpoint(4))).path;
    expect((await storage.read(dir)).checkpointId).toBe(4);
    expect((await storage.read(join(dir, '_metadata'))).checkpointId).toBe(4);
    expect((await storage.read(`file://${dir}`)).checkpointId).toBe(4);
  });

  it('rejects a damaged checkpoint with a one-line user error naming it and the reason', async () => {
    const dir = (await storage.writeCheckpoint(sampleCheckpoint(4))).path;
    await rm(join(dir, (await stateFiles(dir))[0]!));
    const error = await storage.read(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHECKPOINT_UNUSABLE', domain: 'user' });
    expect((error as Error).message).toMatch(
      new RegExp(`^cannot restore from ${dir}: state file .* is missing;`),
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('rejects a file that is not _metadata', async () => {
    const dir = (await storage.writeCheckpoint(sampleCheckpoint(4))).path;
    const file = join(dir, (await stateFiles(dir))[0]!);
    await expect(storage.read(file)).rejects.toThrow(/neither a checkpoint directory nor a _metadata file/);
  });

  it('refuses a metadata format version it does not know, in read and readLatest alike', async () => {
    await storage.writeCheckpoint(sampleCheckpoint(1));
    const dir = (await storage.writeCheckpoint(sampleCheckpoint(2))).path;
    const raw = await readFile(join(dir, '_metadata'));
    const newline = raw.indexOf(0x0a);
    const body = Buffer.from(
      raw
        .subarray(newline + 1)
        .toString('utf8')
        .replace('"formatVersion":1', '"formatVersion":99'),
    );
    const header = `weir-checkpoint-metadata sha256=${createHash('sha256').update(body).digest('hex')} length=${body.length}\n`;
    await writeFile(join(dir, '_metadata'), Buffer.concat([Buffer.from(header), body]));
    await expect(storage.read(dir)).rejects.toThrow(/checkpoint format 99, but this Weir reads format 1/);
    // Falling back to checkpoint 1 would quietly undo progress that checkpoint 2 made.
    await expect(storage.readLatest(JOB)).rejects.toThrow(/format 99/);
  });
});

describe('savepoints', () => {
  it('restore after the directory is copied elsewhere and the original removed', async () => {
    const data = sampleCheckpoint(5);
    const stored = await storage.writeSavepoint(data);
    expect(stored.savepoint).toBe(true);
    expect(stored.path).toMatch(
      new RegExp(`^${join(root, 'savepoints')}/savepoint-${jobDirectoryName(JOB)}-5-[0-9a-f]{6}$`),
    );
    const moved = join(root, 'elsewhere', 'sp');
    await cp(stored.path, moved, { recursive: true });
    await rm(stored.path, { recursive: true });
    expect(await storage.read(moved)).toEqual({ ...data, savepoint: true });
  });

  it('go to the directory passed, else the default, else fail saying to pass one', async () => {
    const target = join(root, 'mine');
    expect((await storage.writeSavepoint(sampleCheckpoint(1), target)).path.startsWith(`${target}/`)).toBe(
      true,
    );
    const noDefault = new FileCheckpointStorage(join(root, 'checkpoints'));
    await expect(noDefault.writeSavepoint(sampleCheckpoint(1))).rejects.toThrow(/pass a directory/);
  });

  it('two savepoints of the same checkpoint id do not overwrite each other', async () => {
    const a = await storage.writeSavepoint(sampleCheckpoint(5));
    const b = await storage.writeSavepoint(sampleCheckpoint(5));
    expect(a.path).not.toBe(b.path);
  });
});

describe('prune', () => {
  it('never deletes savepoints, even when they sit in the job directory', async () => {
    const jobDir = storage.jobDir(JOB);
    const inJobDir = await storage.writeSavepoint(sampleCheckpoint(1), jobDir);
    const elsewhere = await storage.writeSavepoint(sampleCheckpoint(2));
    for (let id = 3; id <= 6; id++) await storage.writeCheckpoint(sampleCheckpoint(id));
    await storage.prune(JOB, 1);
    expect((await storage.read(inJobDir.path)).checkpointId).toBe(1);
    expect((await storage.read(elsewhere.path)).checkpointId).toBe(2);
    expect((await readdir(jobDir)).filter((n) => n.startsWith('chk-'))).toEqual(['chk-6']);
  });

  it('deletes incomplete checkpoints older than the newest complete one, keeps newer ones', async () => {
    for (const id of [1, 2, 4]) await storage.writeCheckpoint(sampleCheckpoint(id));
    const jobDir = storage.jobDir(JOB);
    for (const id of [3, 5]) await mkdir(join(jobDir, `chk-${id}`));
    await rm(join(jobDir, 'chk-2', '_metadata'));
    await storage.prune(JOB, 2);
    expect((await readdir(jobDir)).sort()).toEqual(['chk-1', 'chk-4', 'chk-5']);
  });

  it('does not count a checkpoint with a corrupt _metadata as complete', async () => {
    for (const id of [1, 2, 3]) await storage.writeCheckpoint(sampleCheckpoint(id));
    const jobDir = storage.jobDir(JOB);
    await truncate(join(jobDir, 'chk-3', '_metadata'), 30);
    await storage.prune(JOB, 1);
    expect((await readdir(jobDir)).sort()).toEqual(['chk-2', 'chk-3']);
    expect((await storage.readLatest(JOB))?.checkpointId).toBe(2);
  });

  it('of a job without checkpoints does nothing', async () => {
    await expect(storage.prune('never ran', 1)).resolves.toBeUndefined();
  });
});
