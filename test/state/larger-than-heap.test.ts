/**
 * State larger than memory: a job whose keyed state needs several times a 256 MB heap runs to
 * the right answer on the disk backend, while the same job on the heap backend runs out of
 * memory, which shows the state really does not fit.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWeir, expectExit } from '../cli/run-cli.js';
import { readCommitted } from '../support/exactly-once.js';

const KEYS = 1_200_000;
const JOB = 'test/state/fixtures/large-state-job.ts';
const dir = mkdtempSync(join(tmpdir(), 'weir-large-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(backend: 'heap' | 'disk', out: string, scratch: string) {
  return runWeir(
    ['run', '-q', JOB, '--state-backend', backend, '--', String(KEYS), '2', '400', out],
    // Idle, the disk run takes about 40 s; a machine shared with other work can take three times that.
    240_000,
    { NODE_OPTIONS: '--max-old-space-size=256', TMPDIR: scratch },
  );
}

describe('keyed state larger than the heap', () => {
  it('1.2M keys of about 450 bytes each run to the exact answer on disk under a 256 MB heap, and not on heap', {
    timeout: 500_000,
  }, async () => {
    const scratch = join(dir, 'tmp');
    mkdirSync(scratch);
    const onDisk = await run('disk', join(dir, 'disk'), scratch);
    expect(onDisk.stderr).toBe('');
    expectExit(onDisk, 0);
    const keys = readCommitted(join(dir, 'disk')).map(Number);
    expect(keys).toHaveLength(KEYS);
    expect(new Set(keys).size).toBe(KEYS);
    expect(keys.every((key) => Number.isInteger(key) && key >= 0 && key < KEYS)).toBe(true);
    expect(readdirSync(scratch).filter((name) => name.startsWith('weir-state-'))).toEqual([]);

    const onHeap = await run('heap', join(dir, 'heap'), scratch);
    expectExit(onHeap, 1);
    expect(onHeap.stderr).toMatch(/out of memory/);
  });
});
