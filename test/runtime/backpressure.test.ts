/**
 * Backpressure: a slow sink throttles an unbounded fast source, and the queue between them
 * never grows past its credit (plus the bounded overshoot of one input step).
 */
import { describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  type Sink,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';

/** A sink that spends `microsPerRecord` of CPU on each record. */
function slowSink(microsPerRecord: number, seen: { count: number }): Sink<number> {
  return {
    createWriter: () => ({
      write: () => {
        const until = performance.now() + microsPerRecord / 1000;
        while (performance.now() < until) {}
        seen.count++;
      },
      flush: () => {},
      close: () => {},
    }),
  };
}

describe('backpressure', () => {
  it('keeps the queue in front of a slow sink bounded while the source is unbounded', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).disableOperatorChaining();
    const seen = { count: 0 };
    env
      .fromSource(
        new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY),
        WatermarkStrategy.noWatermarks(),
        'numbers',
      )
      .sinkTo(slowSink(20, seen));
    const client = env.executeAsync('backpressure');
    let maxQueued = 0;
    let maxLag = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    let maxHeap = heapBefore;
    // At least 40 samples, and on until the sink has taken enough records to have filled the
    // queue many times over, however slowly a loaded machine starts the job. The deadline
    // bounds a job that never starts and stays under the test's 60 s limit, so the count
    // assertion below fails with the count instead of the test timing out.
    const deadline = Date.now() + 30_000;
    for (let i = 0; i < 40 || (seen.count <= 1000 && Date.now() < deadline); i++) {
      await new Promise((r) => setTimeout(r, 25));
      const tasks = client.tasks();
      const source = tasks.find((t) => t.vertexName.startsWith('Source'))!;
      const sink = tasks.find((t) => t.vertexName === 'Sink')!;
      maxQueued = Math.max(maxQueued, sink.inputQueueLength);
      maxLag = Math.max(maxLag, source.recordsOut - seen.count);
      maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
    }
    client.cancel();
    await expect(client.result).rejects.toThrow(/cancelled/);
    expect(seen.count).toBeGreaterThan(1000);
    // Credit is 16 batches per channel; one input step may add a little more.
    expect(maxQueued).toBeLessThanOrEqual(17);
    // In flight: queued batches of at most 512 records, the writer's partial batch, one source step.
    expect(maxLag).toBeLessThanOrEqual(17 * 512 + 512 + 1024);
    expect(maxHeap - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
