/**
 * `weir bench state-backend`: a tiny run of every measurement on both backends ends with one
 * JSON object. Only its shape and the agreement of heap and disk are checked, never speed.
 */
import { describe, expect, it } from 'vitest';
import { lines, runWeir, expectExit } from './run-cli.js';

describe('weir bench state-backend', () => {
  it('measures heap and disk side by side, with equal outputs, and prints them as JSON', async () => {
    const run = await runWeir(
      [
        'bench',
        'state-backend',
        '--keys',
        '2000',
        '--ops-keys',
        '2000',
        '--checkpoint-keys',
        '500',
        '--json',
        '--no-save',
      ],
      170_000,
    );
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const result = JSON.parse(lines(run.stdout).at(-1)!);
    expect(result.query).toBe('state-backend');

    expect(result.ops.keys).toBe(2000);
    for (const backend of ['heap', 'disk']) {
      const ops = result.ops[backend];
      for (const phase of [
        'valueInsertSequential',
        'valueGetSequential',
        'valueGetRandom',
        'valueReadModifyWriteRandom',
        'mapPut',
        'mapGetRandom',
      ]) {
        expect(ops[phase]).toBeGreaterThan(0);
      }
    }
    expect(result.ops.disk.checksum).toBe(result.ops.heap.checksum);

    // 4,000 events (2 × keys) in one window of 4,000: most of the 2,000 keys, each counted once.
    expect(result.window).toMatchObject({ keys: 2000, events: 4000, parallelism: 1, totalCount: 4000 });
    expect(result.window.disk.totals).toEqual(result.window.heap.totals);
    expect(result.window.heap.totals).toEqual({
      windows: result.window.windows,
      count: 4000,
      checksum: result.window.checksum,
    });
    expect(result.window.windows).toBeGreaterThan(1500);
    expect(result.window.windows).toBeLessThanOrEqual(2000);
    for (const backend of ['heap', 'disk']) {
      expect(result.window[backend].eventsPerSecond).toBeGreaterThan(0);

      for (const mode of ['full', 'incremental', 'incrementalFewKeys']) {
        const checkpoints = result.checkpoint[backend][mode];
        expect(checkpoints.count).toBeGreaterThanOrEqual(2);
        expect(checkpoints.durationMs.max).toBeGreaterThanOrEqual(checkpoints.durationMs.p50);
        expect(checkpoints.sizeBytes.max).toBeGreaterThan(0);

        const restore = result.restore[backend][mode];
        expect(restore.keys).toBe(500);
        // 500 keys of ~100 bytes each, wherever the restored checkpoint keeps them.
        expect(restore.checkpointBytes).toBeGreaterThan(25_000);
        expect(restore.killToProcessingMs).toBe(restore.killToJobLoadedMs + restore.loadedToProcessingMs);
      }
      expect(result.checkpoint[backend].full.sizeBytes.p50).toBeGreaterThan(25_000);
    }
    // Both backends write the same snapshot format, so the same state has about the same size.
    const [heapSize, diskSize] = [
      result.checkpoint.heap.full.sizeBytes.p50,
      result.checkpoint.disk.full.sizeBytes.p50,
    ];
    expect(Math.abs(heapSize - diskSize)).toBeLessThan(heapSize * 0.05);
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(typeof result.commit).toBe('string');
    expect(result.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }, 180_000);
});
