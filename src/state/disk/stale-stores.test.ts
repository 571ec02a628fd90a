/**
 * Store directories of dead processes are removed when a process creates its first store under
 * the same directory; those of live processes and unrelated names stay.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ValueStateDescriptor } from '../../types/state.js';
import { diskStateBackendFactory } from './disk-backend.js';
import { removeStaleStores } from './stale-stores.js';

const parents: string[] = [];
afterEach(() => {
  for (const dir of parents.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function parent(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-stale-'));
  parents.push(dir);
  return dir;
}

/** The id of a process that has exited (and was reaped, so nothing answers to it now). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

/** A directory that looks like a store of process `pid`, with a file in it. */
function fakeStore(dir: string, pid: number | string, suffix = 'AbC123'): string {
  const name = `weir-state-${pid}-${suffix}`;
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, 'data.mdb'), 'x'.repeat(1000));
  return name;
}

describe('disk backend: stale store directories', () => {
  it('removes stores of dead processes only', () => {
    const dir = parent();
    const dead = fakeStore(dir, deadPid());
    const mine = fakeStore(dir, process.pid);
    const live = fakeStore(dir, process.ppid);
    mkdirSync(join(dir, 'weir-state-Xy12ab'));
    mkdirSync(join(dir, 'something-else'));
    expect(removeStaleStores(dir)).toEqual([dead]);
    expect(readdirSync(dir).sort()).toEqual([live, mine, 'something-else', 'weir-state-Xy12ab'].sort());
  });

  it('sweeps when a process creates its first backend there, and names the new store after the process', () => {
    const dir = parent();
    const dead = fakeStore(dir, deadPid());
    const backend = diskStateBackendFactory(dir).create({
      maxParallelism: 128,
      keyGroupRange: { start: 0, end: 127 },
      now: Date.now,
    });
    backend.setCurrentKey('k');
    backend.getOrCreateState(new ValueStateDescriptor<number>('v')).update(1);
    expect(existsSync(join(dir, dead))).toBe(false);
    const stores = readdirSync(dir);
    expect(stores).toHaveLength(1);
    expect(stores[0]!.startsWith(`weir-state-${process.pid}-`)).toBe(true);
    backend.dispose();
  });

  it('does nothing for a directory that does not exist', () => {
    expect(removeStaleStores(join(parent(), 'missing'))).toEqual([]);
  });
});
