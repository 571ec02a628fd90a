/**
 * `weir bench checkpoint`: a short run (with its kill -9 and restore of a child `weir run`)
 * ends with one JSON object holding every figure. Timings are checked for sanity only.
 */
import { describe, expect, it } from 'vitest';
import { lines, runWeir, expectExit } from './run-cli.js';

describe('weir bench checkpoint', () => {
  it('measures throughput, checkpoints and recovery and prints them as JSON', async () => {
    const run = await runWeir(
      ['bench', 'checkpoint', '--events', '20000', '--keys', '1000', '--json', '--no-save'],
      120_000,
    );
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const result = JSON.parse(lines(run.stdout).at(-1)!);
    expect(result).toMatchObject({
      query: 'checkpoint',
      events: 20000,
      keys: 1000,
      intervalMs: 1000,
      parallelism: 1,
      totalCount: 20000,
      node: process.version,
    });
    // Windows of 2,000 events over 20,000 events: 10 windows, each with most of the 1,000 keys.
    expect(result.windows).toBeGreaterThan(8000);
    expect(result.windows).toBeLessThanOrEqual(10000);
    for (const part of [result.off, result.on, result.loop]) {
      expect(part.eventsPerSecond).toBeGreaterThan(0);
      expect(part.seconds).toBeGreaterThan(0);
    }
    expect(Number.isFinite(result.overheadPercent)).toBe(true);
    // With checkpoints on, at least the final checkpoint completes.
    expect(result.checkpoints.completed).toBeGreaterThanOrEqual(1);
    expect(result.checkpoints.failed).toBe(0);
    expect(result.checkpoints.durationMs.max).toBeGreaterThanOrEqual(result.checkpoints.durationMs.p50);
    expect(result.checkpoints.sizeBytes.max).toBeGreaterThan(0);
    expect(result.checkpoints.maxStallMs).toBeGreaterThanOrEqual(0);
    // 1,000 keys of ~100 bytes each.
    expect(result.recovery.keys).toBe(1000);
    expect(result.recovery.checkpointBytes).toBeGreaterThan(50_000);
    expect(result.recovery.killToProcessingMs).toBeGreaterThan(0);
    expect(result.recovery.killToProcessingMs).toBe(
      result.recovery.killToJobLoadedMs + result.recovery.loadedToProcessingMs,
    );
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(typeof result.commit).toBe('string');
    expect(result.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }, 130_000);
});
