/**
 * The synchronous part of a heap keyed-state checkpoint, alone: `snapshotKeyedState` over a list
 * state of N Nexmark bids (plain objects, as the SQL regular join keeps its append-only side),
 * spread over K keys, then a restore of the result to check it reads back the same count.
 * Prints the median of several snapshots (ms, µs per row, bytes) and of the restores.
 *
 * Run: npx tsx bench/keyed-snapshot.ts [--rows N] [--keys K] [--runs R] [--ttl] [--kind list|map|value]
 *   [--shape bid|q7]
 *
 * Judge by CPU time: on a shared machine the wall time is mostly waiting for a core, and a CPU
 * profile's times are wall-clock samples, so a loaded machine inflates them alike. Figures of
 * 2026-11-21 (load average 10 to 20 on 2 cores), 1M bids on 10k keys, 164.6 MB: snapshot CPU
 * median 1.9 s (1.9 µs/row; wall 6 to 7 s), restore 0.8 to 1.1 s CPU. In Nexmark q20 as SQL
 * (1M events, one checkpoint) the snapshot of the join's ~900k bids and the auctions was
 * 158 MB in 1.8 s CPU against 4.2 s wall: the "7.5 µs per row" of a CPU profile was the load.
 * The encoding is already one msgpackr `pack` per key group with one shared `Packr` (records
 * on), no copy before encoding, and unchanged key groups are skipped by incremental checkpoints.
 * What is left is msgpackr's per-value cost (~1 µs per seven-field row): splitting a list of
 * same-shaped rows into columns by hand and packing those took 0.67 s instead of 1.7 s CPU in
 * a separate experiment, but a version inside the snapshot path (a codec extension writing
 * typed-array columns) was slower there, likely from allocating ~70k small typed arrays on a
 * large heap, and one with plain-array columns was not clearly faster under the load, so
 * neither is in. A codec extension writing a list of same-shaped rows row-major (keys once,
 * then each value through msgpackr's own `pack`, nothing allocated) was no faster either
 * (2026-11-21: 0.33 to 0.42 s against 0.26 to 0.42 s for 300k bids) and decoded slower, so
 * msgpackr's per-value cost is what the list case is made of.
 *
 * What was avoidable was per key: the snapshot built a `[key, ns, value]` list per key before
 * encoding it. Layout 2 (`src/state/heap/snapshot.ts`) writes one flat list per state and key
 * group; with one entry per key (`--kind value`, 300k keys; load average ~20 on 2 cores),
 * snapshot CPU went from a median of 1.19 to 1.30 s to 0.75 to 0.79 s (two interleaved
 * pairs of 5 runs), restore unchanged (0.37 to 0.45 s). Lists and maps with few keys are
 * unchanged (1.17 against 1.15 µs/row for `--kind list`).
 *
 * `--shape q7` keeps q7's rows ({auction, bidder, price, dateTime, extra}, extra ~67 chars).
 * 2026-11-23 (load average 1.4 to 3 on 2 cores), 1M rows on 100k keys, 89.8 MB: snapshot CPU
 * median 1.2 to 1.45 µs/row, i.e. 60 to 75 MB/s, the same before and after blobs got buffers
 * of their own (`src/state/key-group-encoder.ts`; two interleaved pairs of 5 runs). Where it
 * goes: msgpackr packs the same rows at ~0.35 µs/row when they lie in memory in order and
 * ~1 µs/row when spread over the heap as a state's lists are (cache misses on each row and its
 * string); msgpackr's record path (`writeRecord`: two `for…in` passes with `hasOwnProperty` and
 * a transition lookup per key) is the largest self time; and the ~90 MB of output, external
 * memory, starts a full mark-compact of the heap holding the state (0.5 to 2 s per snapshot
 * under `--trace-gc`), which process CPU counts.
 */
import { parseArgs } from 'node:util';
import { NexmarkGenerator } from '../src/connectors/nexmark/index.js';
import { HeapKeyedStateBackend } from '../src/state/heap/heap-backend.js';
import { restoreKeyedState, snapshotKeyedState } from '../src/state/keyed-snapshot.js';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../src/types/state.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    keys: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    ttl: { type: 'boolean', default: false },
    kind: { type: 'string', default: 'list' },
    shape: { type: 'string', default: 'bid' },
  },
});
const ROWS = Number(args.rows);
const KEYS = Number(args.keys);
const RUNS = Number(args.runs);
const KIND = args.kind as 'list' | 'map' | 'value';
const SHAPE = args.shape as 'bid' | 'q7';

function newBackend(): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: () => 1_000,
  });
}

const generator = new NexmarkGenerator({ events: ROWS * 2 });
let nextEvent = 0;

/** The next Nexmark bid, its auction folded onto `KEYS` keys. */
function bid(): Record<string, unknown> {
  for (;;) {
    const event = generator.event(nextEvent++);
    const b = event.bid;
    if (b === null) continue;
    if (SHAPE === 'bid') return { ...b, auction: b.auction % KEYS };
    return {
      auction: b.auction % KEYS,
      bidder: b.bidder,
      price: b.price,
      dateTime: b.dateTime,
      extra: b.extra,
    };
  }
}

const ttl = args.ttl ? StateTtlConfig.newBuilder(3_600_000).build() : undefined;
function withTtl<D extends { enableTimeToLive(t: StateTtlConfig): D }>(d: D): D {
  return ttl === undefined ? d : d.enableTimeToLive(ttl);
}

function fill(backend: HeapKeyedStateBackend): void {
  const list = backend.getOrCreateState(withTtl(new ListStateDescriptor<unknown>('list')));
  const map = backend.getOrCreateState(withTtl(new MapStateDescriptor<string, unknown>('map')));
  const value = backend.getOrCreateState(withTtl(new ValueStateDescriptor<unknown>('value')));
  for (let i = 0; i < ROWS; i++) {
    const row = bid();
    if (KIND === 'value') {
      backend.setCurrentKey(i);
      value.update(row);
    } else {
      backend.setCurrentKey(row.auction);
      if (KIND === 'list') list.add(row);
      else map.put(`r${i}`, [row, 1, 0]);
    }
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const backend = newBackend();
fill(backend);
const snapshotMs: number[] = [];
const snapshotCpuMs: number[] = [];
const restoreMs: number[] = [];
const restoreCpuMs: number[] = [];
const cpuMs = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
let bytes = 0;
for (let run = 0; run < RUNS; run++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const groups = snapshotKeyedState(backend, undefined);
  const t1 = performance.now();
  snapshotCpuMs.push(cpuMs(c0));
  snapshotMs.push(t1 - t0);
  bytes = groups.reduce((sum, [, b]) => sum + b.byteLength, 0);
  const restored = newBackend();
  const c2 = process.cpuUsage();
  const t2 = performance.now();
  restoreKeyedState(restored, undefined, groups);
  restoreMs.push(performance.now() - t2);
  restoreCpuMs.push(cpuMs(c2));
  if (restored.numEntries() !== backend.numEntries()) {
    throw new Error(`restored ${restored.numEntries()} entries, expected ${backend.numEntries()}`);
  }
}
// CPU time counts every thread of the process (GC helpers too), but not time spent waiting for a
// core, which on a shared machine is most of the wall time.
const snapCpu = median(snapshotCpuMs);
const list = (values: number[]): string => values.map((m) => m.toFixed(0)).join(' ');
console.log(
  `${KIND}${ttl ? ' ttl' : ''}: ${ROWS} rows, ${KEYS} keys, ${(bytes / 1e6).toFixed(1)} MB; ` +
    `snapshot CPU median ${snapCpu.toFixed(0)} ms (${((snapCpu * 1000) / ROWS).toFixed(2)} µs/row; ` +
    `runs ${list(snapshotCpuMs)}), wall median ${median(snapshotMs).toFixed(0)} ms; ` +
    `restore CPU median ${median(restoreCpuMs).toFixed(0)} ms, wall ${median(restoreMs).toFixed(0)} ms`,
);
