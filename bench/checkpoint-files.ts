/**
 * What writing and reading one checkpoint directory costs on the thread that does it (the
 * coordinator's, i.e. the main thread): `writeCheckpointDirectory` of a subtask state made of
 * `--groups` key-group blobs of `--mb` MB in all (as a keyed operator's snapshot hands them
 * over), then `readCheckpointDirectory` of it. Prints CPU and wall medians of `--runs` runs.
 * fsync is part of the write, so wall time depends on the disk; CPU time is the figure to
 * compare.
 *
 * Run: npx tsx bench/checkpoint-files.ts [--mb 160] [--groups 128] [--runs 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCheckpointDirectory, writeCheckpointDirectory } from '../src/checkpoint/checkpoint-format.js';
import type { CheckpointData } from '../src/checkpoint/checkpoint-data.js';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '160' },
    groups: { type: 'string', default: '128' },
    runs: { type: 'string', default: '5' },
  },
});
const GROUPS = Number(args.groups);
const BLOB = Math.round((Number(args.mb) * 1e6) / GROUPS);
const RUNS = Number(args.runs);

const keyGroups = Array.from({ length: GROUPS }, (_, group) => {
  const blob = new Uint8Array(BLOB);
  for (let i = 0; i < BLOB; i += 64) blob[i] = (i + group) & 0xff;
  return [group, blob] as const;
});
const data: CheckpointData = {
  jobName: 'bench',
  jobId: 'bench',
  checkpointId: 1,
  timestamp: 0,
  savepoint: true,
  operators: [
    {
      uid: 'join',
      name: 'join',
      parallelism: 1,
      maxParallelism: 128,
      subtasks: [{ keyGroups, operatorState: {} }],
    },
  ],
};

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const root = mkdtempSync(join(tmpdir(), 'weir-bench-checkpoint-files-'));
const write = { cpu: [] as number[], wall: [] as number[] };
const read = { cpu: [] as number[], wall: [] as number[] };
let bytes = 0;
try {
  for (let run = 0; run < RUNS; run++) {
    const dir = join(root, `cp-${run}`);
    let c = process.cpuUsage();
    let t = performance.now();
    bytes = await writeCheckpointDirectory(dir, data);
    write.wall.push(performance.now() - t);
    write.cpu.push(cpuMs(c));
    c = process.cpuUsage();
    t = performance.now();
    const result = await readCheckpointDirectory(dir);
    read.wall.push(performance.now() - t);
    read.cpu.push(cpuMs(c));
    if (!result.ok || result.data.operators[0]!.subtasks[0]!.keyGroups.length !== GROUPS) {
      throw new Error(`checkpoint did not read back: ${result.ok ? 'wrong key groups' : result.reason}`);
    }
    rmSync(dir, { recursive: true });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const list = (values: number[]): string => values.map((m) => m.toFixed(0)).join(' ');
console.log(
  `${GROUPS} key groups, ${(bytes / 1e6).toFixed(1)} MB: write CPU median ${median(write.cpu).toFixed(0)} ms ` +
    `(runs ${list(write.cpu)}), wall ${median(write.wall).toFixed(0)} ms; ` +
    `read CPU median ${median(read.cpu).toFixed(0)} ms (runs ${list(read.cpu)}), wall ${median(read.wall).toFixed(0)} ms`,
);
