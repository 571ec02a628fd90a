/**
 * `weir bench exchange`: a tiny run between two worker threads ends with one JSON object, and
 * every record arrives. Speed is not checked, only shape and sanity.
 */
import { describe, expect, it } from 'vitest';
import { lines, runWeir, expectExit } from './run-cli.js';

describe('weir bench exchange', () => {
  it('measures throughput and latency between two threads and prints them as JSON', async () => {
    const run = await runWeir(
      ['bench', 'exchange', '--records', '3000', '--rate', '20000', '--json', '--no-save'],
      60_000,
    );
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const result = JSON.parse(lines(run.stdout).at(-1)!);
    expect(result).toMatchObject({
      query: 'exchange',
      records: 3000,
      batchSize: 512,
      capacity: 16,
      allArrived: true,
      throughput: { records: 3000 },
      latency: { rate: 20000, bufferTimeoutMs: 1, records: 3000 },
      node: process.version,
    });
    // 3,000 records in batches of at most 512.
    expect(result.throughput.batches).toBeGreaterThanOrEqual(6);
    expect(result.throughput.recordsPerSecond).toBeGreaterThan(0);
    // Five small fields per record: tens of bytes, not hundreds.
    expect(result.throughput.bytesPerRecord).toBeGreaterThan(10);
    expect(result.throughput.bytesPerRecord).toBeLessThan(100);
    const { p50Ms, p99Ms, p999Ms, maxMs } = result.latency;
    expect(p50Ms).toBeGreaterThanOrEqual(0);
    expect(p99Ms).toBeGreaterThanOrEqual(p50Ms);
    expect(p999Ms).toBeGreaterThanOrEqual(p99Ms);
    expect(maxMs).toBeGreaterThanOrEqual(p999Ms);
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(typeof result.commit).toBe('string');
    expect(result.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }, 70_000);

  it('rejects a bad option with exit code 2', async () => {
    const run = await runWeir(['bench', 'exchange', '--rate', 'fast', '--no-save']);
    expectExit(run, 2);
    expect(lines(run.stderr)).toEqual([
      expect.stringContaining("--rate must be a whole number >= 1, got 'fast'"),
    ]);
  });
});
