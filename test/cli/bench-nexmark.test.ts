/**
 * `weir bench nexmark`: a short run of q1 (a map over the bids) at parallelism 1 and 2 ends with
 * one JSON object holding every figure, the engine's rows equal the hand-written loop's, and bad
 * usage exits 2 with one line naming the fix. Speed is not checked. The latency sink's choice of
 * rows (warm-up, rows released early) is checked on its own, in this process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatencySink, mergeHistograms, type SinkReport } from '../../bench/nexmark/latency-sink.js';
import type { SinkInitContext } from '../../src/index.js';
import { lines, runWeir, expectExit } from './run-cli.js';

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
      expectExit(run, 0);
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
        // Start-up on a busy machine can take longer than these 4 s of events: record them all.
        '--latency-warmup',
        '0',
        '--json',
        '--no-save',
      ],
      60_000,
    );
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const result = JSON.parse(lines(run.stdout).at(-1)!);
    expect(result).toMatchObject({
      query: 'q1',
      events: 20000,
      rate: 5000,
      bufferTimeoutMs: 1,
      latencyNote: null,
    });
    expect(result.outputRows).toBe(18400);
    expect(result.latencyWarmupRows).toBe(0);
    expect(result.latencyRows).toBeGreaterThan(0);
    expect(result.latencyRows + result.latencyEarlyRows).toBe(18400);
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
      expectExit(run, 2);
      expect(lines(run.stderr)).toEqual([expect.stringMatching(cases[i]![1])]);
      expect(run.stdout).toBe('');
    });
  });
});

describe('LatencySink', () => {
  const context = (subtaskIndex: number) => ({ subtaskIndex }) as SinkInitContext;

  it('counts every row, leaves out the warm-up and rows before their time, and records the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-latency-sink-'));
    try {
      const sink = new LatencySink<number>(dir, (row) => row, 60_000);
      const writer = sink.createWriter(context(3));
      const now = Date.now();
      // The first row opens the warm-up: rows timed before now + 60 s are warm-up...
      writer.write(now - 5, {} as never);
      writer.write(now + 30_000, {} as never);
      writer.close();
      const warm = JSON.parse(readFileSync(join(dir, 'sink-3.json'), 'utf8')) as SinkReport;
      expect(warm).toMatchObject({ subtaskIndex: 3, rows: 2, latencyRows: 0, warmupRows: 2, earlyRows: 0 });

      // ...and without a warm-up, rows from the past are recorded and rows from the future are early.
      const direct = new LatencySink<number>(dir, (row) => row, 0).createWriter(context(4));
      const start = Date.now();
      for (const age of [10, 20, 30, 40]) direct.write(start - age, {} as never);
      direct.write(start + 60_000, {} as never);
      direct.close();
      const report = JSON.parse(readFileSync(join(dir, 'sink-4.json'), 'utf8')) as SinkReport;
      expect(report).toMatchObject({ rows: 5, latencyRows: 4, warmupRows: 0, earlyRows: 1 });
      const histogram = mergeHistograms([warm, report])!;
      expect(histogram.totalCount).toBe(4);
      // Latencies are in microseconds: at least the rows' ages, at 0.1% precision.
      expect(histogram.minNonZeroValue).toBeGreaterThanOrEqual(10_000 * 0.999);
      expect(histogram.maxValue).toBeGreaterThanOrEqual(40_000 * 0.999);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('only counts rows when latency does not apply', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-latency-sink-'));
    try {
      const writer = new LatencySink<string>(dir, undefined).createWriter(context(0));
      for (const row of ['a', 'b', 'c']) writer.write(row, {} as never);
      writer.close();
      const report = JSON.parse(readFileSync(join(dir, 'sink-0.json'), 'utf8')) as SinkReport;
      expect(report).toMatchObject({ rows: 3, latencyRows: 0, histogram: '' });
      expect(mergeHistograms([report])).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
