/**
 * `weir bench nexmark`: a short run of q1 (a map over the bids) at parallelism 1 and 2 ends with
 * one JSON object holding every figure, the engine's rows equal the hand-written loop's, and bad
 * usage exits 2 with one line naming the fix. Speed is not checked.
 */
import { describe, expect, it } from 'vitest';
import { lines, runWeir } from './run-cli.js';

const EVENTS = 20_000;

describe('weir bench nexmark', () => {
  for (const parallelism of [1, 2]) {
    it(`runs q1 at parallelism ${parallelism} against its loop and prints the result as JSON`, async () => {
      const run = await runWeir(
        [
          'bench',
          'nexmark',
          '--query',
          'q1',
          '--events',
          String(EVENTS),
          '--parallelism',
          String(parallelism),
          '--checkpoint-interval',
          '200',
          '--json',
          '--no-save',
        ],
        60_000,
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = JSON.parse(lines(run.stdout).at(-1)!);
      expect(result).toMatchObject({
        query: 'q1',
        events: EVENTS,
        parallelism,
        checkpointIntervalMs: 200,
        stateBackend: 'heap',
        rate: null,
        // Without --rate event times are not wall-clock times: no latency, and a note saying so.
        p50LatencyMs: null,
        p99LatencyMs: null,
        rowsMatch: true,
        targetEventsPerSecondPerCore: 1_000_000,
        node: process.version,
      });
      expect(result.latencyNote).toMatch(/--rate/);
      // q1 maps every bid: 46 in 50 events are bids.
      expect(result.outputRows).toBe(EVENTS * 0.92);
      expect(result.outputRows).toBe(result.loop.rows);
      expect(result.rxjs.rows).toBe(result.loop.rows);
      expect(result.seconds).toBeGreaterThan(0);
      expect(result.seconds).toBeLessThan(result.processSeconds);
      expect(result.eventsPerSecond).toBe(Math.round(EVENTS / result.seconds));
      expect(result.eventsPerSecondPerCore).toBe(
        Math.round(result.eventsPerSecond / Math.min(parallelism, result.machine.cores)),
      );
      expect(result.engineOverLoop).toBeGreaterThan(0);
      expect(result.engineOverLoopCpu).toBeGreaterThan(0);
      expect(result.eventsPerCpuSecond).toBe(Math.round(EVENTS / result.cpuSeconds));
      // Deploying to the worker threads is part of the job's time.
      expect(result.deploySeconds).toBeGreaterThanOrEqual(0);
      expect(result.deploySeconds).toBeLessThan(result.seconds);
      expect(result.loop.cpuSeconds).toBeGreaterThan(0);
      expect(result.generation.eventsPerSecond).toBeGreaterThan(0);
      expect(result.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
      // The final checkpoint at end of input completes at least.
      expect(result.checkpoints.failed).toBe(0);
      if (result.checkpoints.completed > 0) {
        expect(result.checkpoints.maxDurationMs).toBeGreaterThanOrEqual(result.checkpoints.p50DurationMs);
      }
      // The source and the sink each ran at the given parallelism.
      const sinks = result.tasks.filter((t: { vertexName: string }) => /blackhole/.test(t.vertexName));
      expect(sinks.length).toBe(parallelism);
      expect(typeof result.commit).toBe('string');
      expect(result.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }, 70_000);
  }

  it('records latency when the source follows the wall clock', async () => {
    const run = await runWeir(
      [
        'bench',
        'nexmark',
        '--query',
        'q1',
        '--events',
        '20000',
        '--rate',
        '5000',
        '--buffer-timeout',
        '1',
        '--json',
        '--no-save',
      ],
      60_000,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(lines(run.stdout).at(-1)!);
    expect(result).toMatchObject({
      query: 'q1',
      events: 20000,
      rate: 5000,
      bufferTimeoutMs: 1,
      latencyNote: null,
    });
    expect(result.outputRows).toBe(18400);
    // Four seconds of events: the rows timed in the two after the sink's first row are warm-up.
    expect(result.latencyWarmupRows).toBeGreaterThan(0);
    expect(result.latencyRows).toBeGreaterThan(0);
    expect(result.latencyRows + result.latencyWarmupRows + result.latencyEarlyRows).toBe(18400);
    expect(result.p50LatencyMs).toBeGreaterThan(0);
    expect(result.p99LatencyMs).toBeGreaterThanOrEqual(result.p50LatencyMs);
    expect(result.maxLatencyMs).toBeGreaterThanOrEqual(result.p99LatencyMs);
  }, 70_000);

  it('rejects bad usage with exit code 2 and one line naming the fix', async () => {
    const cases: [string[], RegExp][] = [
      [['--query', 'q999', '--events', '1000'], /unknown query 'q999'; pass --query with one of q0, q1/],
      [['--query', 'q1'], /missing --events; pass --events N/],
      [
        ['--query', 'q1', '--events', '1000', '--parallelism', '0'],
        /--parallelism must be a whole number >= 1, got '0'/,
      ],
      [['--events', '1000'], /missing --query; pass --query qN .* or --all/],
    ];
    // Each is a short process that exits before running anything: run them side by side.
    const runs = await Promise.all(
      cases.map(([args]) => runWeir(['bench', 'nexmark', ...args, '--no-save'])),
    );
    runs.forEach((run, i) => {
      expect(run.code).toBe(2);
      expect(lines(run.stderr)).toEqual([expect.stringMatching(cases[i]![1])]);
      expect(run.stdout).toBe('');
    });
  });
});
