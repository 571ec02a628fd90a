/**
 * Point reads and writes per second of the embedded stores considered for the on-disk keyed
 * state backend, with keys and values the size of typical keyed state (a ~20-byte key, a
 * ~16-byte value). The hot path of an operator reads state synchronously, so a store qualifies
 * only with a synchronous point read; writes may be grouped into transactions.
 *
 * Run: npx tsx bench/state-store.ts [--entries N] [--batch N] [--level <path to classic-level>]
 * `--level` also measures LevelDB through classic-level (async reads only; not a dependency).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { open } from 'lmdb';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '1000' },
    level: { type: 'string' },
  },
});
const ENTRIES = Number(args.entries);
const BATCH = Number(args.batch);

function key(i: number): Buffer {
  const out = Buffer.alloc(20);
  out.writeUInt16BE(i % 128, 0);
  out.write(`key-${i}`.padEnd(18, '.'), 2, 'latin1');
  return out;
}

function value(i: number): Buffer {
  const out = Buffer.alloc(16);
  out.writeDoubleBE(i, 0);
  out.writeDoubleBE(i * 2, 8);
  return out;
}

function perSecond(ops: number, ms: number): number {
  return Math.round((ops * 1000) / ms);
}

function report(store: string, op: string, ops: number, ms: number): void {
  console.log(`${store.padEnd(12)} ${op.padEnd(34)} ${perSecond(ops, ms).toLocaleString('en-US')} /s`);
}

async function benchLmdb(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-lmdb-'));
  try {
    const db = open({ path: dir, keyEncoding: 'binary', encoding: 'binary', noSync: true, cache: false });
    const keys = Array.from({ length: ENTRIES }, (_, i) => key(i));
    const vals = Array.from({ length: ENTRIES }, (_, i) => value(i));
    let t = performance.now();
    for (let i = 0; i < ENTRIES; i += BATCH) {
      db.transactionSync(() => {
        for (let j = i; j < Math.min(i + BATCH, ENTRIES); j++) db.putSync(keys[j]!, vals[j]!);
      });
    }
    report('lmdb', `putSync, ${BATCH} per transaction`, ENTRIES, performance.now() - t);
    const single = Math.min(ENTRIES, 5000);
    t = performance.now();
    for (let i = 0; i < single; i++) db.putSync(keys[i]!, vals[(i + 1) % ENTRIES]!);
    report('lmdb', 'putSync, one per transaction', single, performance.now() - t);
    let found = 0;
    t = performance.now();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < ENTRIES; i++)
        if (db.getBinaryFast(keys[(i * 7919) % ENTRIES]!) !== undefined) found++;
    }
    report('lmdb', 'getBinaryFast (random hits)', 2 * ENTRIES, performance.now() - t);
    t = performance.now();
    for (let i = 0; i < ENTRIES; i++) db.getBinaryFast(key(ENTRIES + i));
    report('lmdb', 'getBinaryFast (misses)', ENTRIES, performance.now() - t);
    t = performance.now();
    let scanned = 0;
    for (const _ of db.getRange({ start: key(0).subarray(0, 2), end: Buffer.from([0xff, 0xff]) })) scanned++;
    report('lmdb', 'getRange scan', scanned, performance.now() - t);
    if (found !== 2 * ENTRIES) throw new Error(`lmdb lost entries: ${found}`);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchLevel(modulePath: string): Promise<void> {
  const { ClassicLevel } = (await import(modulePath)) as {
    ClassicLevel: new (path: string, options: object) => any;
  };
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-level-'));
  try {
    const db = new ClassicLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    let t = performance.now();
    for (let i = 0; i < ENTRIES; i += BATCH) {
      const batch = db.batch();
      for (let j = i; j < Math.min(i + BATCH, ENTRIES); j++) batch.put(key(j), value(j));
      await batch.write();
    }
    report('classic-level', `batch put, ${BATCH} per batch`, ENTRIES, performance.now() - t);
    t = performance.now();
    for (let i = 0; i < ENTRIES; i++) await db.get(key((i * 7919) % ENTRIES));
    report('classic-level', 'await get (random hits)', ENTRIES, performance.now() - t);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${ENTRIES} entries, node ${process.version}`);
await benchLmdb();
if (args.level !== undefined) await benchLevel(args.level);
