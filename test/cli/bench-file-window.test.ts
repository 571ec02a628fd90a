/**
 * `weir bench file-window`: a tiny run (two child `weir run`s over a generated NDJSON file, cut
 * into several splits) ends with one JSON object holding every figure, and both parallelisms
 * committed the same windows as the hand-written loop, on one thread and on two. Timings are checked for sanity only.
 */
import { describe, expect, it } from 'vitest';
import { lines, runWeir, expectExit } from './run-cli.js';

describe('weir bench file-window', () => {
  it('runs the job at parallelism 1 and 2, compares their outputs and prints the result as JSON', async () => {
    const run = await runWeir(
      [
        'bench',
        'file-window',
        '--lines',
        '30000',
        '--keys',
        '100',
        '--split-size',
        '500000',
        '--json',
        '--no-save',
      ],
      120_000,
    );
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const result = JSON.parse(lines(run.stdout).at(-1)!);
    expect(result).toMatchObject({
      query: 'file-window',
      lines: 30000,
      keys: 100,
      windowMs: 1000,
      splitSize: 500000,
      runs: 1,
      outputsMatch: true,
      totalCount: 30000,
      node: process.version,
      p1: { parallelism: 1 },
      p2: { parallelism: 2 },
    });
    // 30,000 events at 100,000 per second of event time: the first 0.3 s of a window, and the
    // window before it, which the events of the first 200 ms that lag reach; every key in both.
    expect(result.windows).toBe(200);
    // About 86 bytes per line, so the file is cut into several splits.
    expect(result.bytes).toBeGreaterThan(2 * 500000);
    for (const part of [result.p1, result.p2]) {
      expect(part.jobSeconds).toBeGreaterThan(0);
      expect(part.processSeconds).toBeGreaterThan(part.jobSeconds);
      expect(part.cpuSeconds).toBeGreaterThan(0);
      expect(part.coreUtilization).toBeGreaterThan(0);
      expect(part.eventsPerSecond).toBeGreaterThan(0);
      expect(part.eventsPerSecondPerCore).toBe(Math.round(part.eventsPerSecond / part.parallelism));
      expect(part.allJobSeconds).toEqual([part.jobSeconds]);
    }
    // Every source subtask's records add up to the file's lines.
    const sources = result.p2.tasks.filter((t: { vertexName: string }) => t.vertexName.startsWith('Source'));
    expect(sources.map((t: { subtaskIndex: number }) => t.subtaskIndex).sort()).toEqual([0, 1]);
    expect(sources.reduce((sum: number, t: { recordsIn: number }) => sum + t.recordsIn, 0)).toBe(30000);
    expect(result.speedup).toBeCloseTo(result.p1.jobSeconds / result.p2.jobSeconds, 2);
    expect(result.loop.eventsPerSecond).toBeGreaterThan(0);
    expect(result.loop2.threadSeconds).toHaveLength(2);
    expect(result.loop2.seconds).toBe(Math.max(...result.loop2.threadSeconds));
    expect(result.loop2.speedup).toBeGreaterThan(0);
    expect(typeof result.loadAverage.before).toBe('number');
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(typeof result.commit).toBe('string');
    expect(result.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  }, 130_000);

  it('rejects a bad option with exit code 2', async () => {
    const run = await runWeir(['bench', 'file-window', '--lines', 'lots', '--no-save']);
    expectExit(run, 2);
    expect(lines(run.stderr)).toEqual([
      expect.stringContaining("--lines must be a whole number >= 1, got 'lots'"),
    ]);
  });
});
