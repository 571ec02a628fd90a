/**
 * A sink writer that sends asynchronously holds its task back through `isAvailable`: with a
 * writer whose sends are slow, the records it buffers stay bounded (its batches in flight plus
 * one full buffer plus one input step), instead of growing with the input, and the job still
 * finishes with every record written and its checkpoint barriers passing.
 */
import { describe, expect, it } from 'vitest';
import {
  DataGeneratorSource,
  type Sink,
  type SinkWriter,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';

const RECORDS = 20_000;
const BATCH = 10;
const MAX_IN_FLIGHT = 2;
/**
 * The most records of one input step: the loop checks before each step, which is one poll of
 * the datagen reader (up to 1024) or one network batch (up to 512).
 */
const STEP = 1024;

/** What the writer saw. */
interface Observed {
  written: number[];
  maxInFlight: number;
  maxBuffered: number;
  /** Times the writer told the task to wait. */
  unavailable: number;
  barrierFlushes: number;
}

/** Sends batches of {@link BATCH} records, each done a timer later, at most two at a time. */
class SlowBatchWriter implements SinkWriter<number> {
  private buffer: number[] = [];
  private inFlight = 0;
  private wakeUp: (() => void) | undefined;
  private drained: (() => void) | undefined;

  constructor(private readonly seen: Observed) {}

  write(value: number): void {
    this.buffer.push(value);
    this.seen.maxBuffered = Math.max(this.seen.maxBuffered, this.buffer.length);
    if (this.buffer.length >= BATCH && this.inFlight < MAX_IN_FLIGHT) this.send();
  }

  isAvailable(): Promise<void> | undefined {
    if (this.inFlight < MAX_IN_FLIGHT || this.buffer.length < BATCH) return undefined;
    this.seen.unavailable++;
    return new Promise((resolve) => {
      this.wakeUp = resolve;
    });
  }

  async flush(endOfInput: boolean): Promise<void> {
    if (!endOfInput) this.seen.barrierFlushes++;
    while (this.buffer.length > 0 || this.inFlight > 0) {
      if (this.buffer.length > 0 && this.inFlight < MAX_IN_FLIGHT) {
        this.send();
        continue;
      }
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    }
  }

  close(): void {}

  private send(): void {
    const batch = this.buffer.splice(0, BATCH);
    this.inFlight++;
    this.seen.maxInFlight = Math.max(this.seen.maxInFlight, this.inFlight);
    setTimeout(() => {
      this.inFlight--;
      this.seen.written.push(...batch);
      if (this.buffer.length >= BATCH) this.send();
      const wake = this.wakeUp;
      this.wakeUp = undefined;
      wake?.();
      const drained = this.drained;
      this.drained = undefined;
      drained?.();
    }, 1);
  }
}

function slowSink(seen: Observed): Sink<number> {
  return { createWriter: () => new SlowBatchWriter(seen) };
}

describe('a sink writer that is not available', () => {
  for (const chained of [true, false]) {
    it(`holds the input back and the job still writes everything (${chained ? 'chained to the source' : 'own task'})`, async () => {
      const env = StreamExecutionEnvironment.createLocalEnvironment(1).enableCheckpointing(50);
      if (!chained) env.disableOperatorChaining();
      const seen: Observed = {
        written: [],
        maxInFlight: 0,
        maxBuffered: 0,
        unavailable: 0,
        barrierFlushes: 0,
      };
      env
        .fromSource(new DataGeneratorSource((i) => i, RECORDS), WatermarkStrategy.noWatermarks(), 'numbers')
        .sinkTo(slowSink(seen));
      const client = env.executeAsync('slow sink');
      await client.result;
      expect(seen.written.length).toBe(RECORDS);
      expect(new Set(seen.written).size).toBe(RECORDS);
      expect(seen.unavailable).toBeGreaterThan(0);
      expect(seen.maxInFlight).toBeLessThanOrEqual(MAX_IN_FLIGHT);
      // Without the task waiting, the buffer would take nearly the whole input.
      expect(seen.maxBuffered).toBeLessThanOrEqual(BATCH + STEP);
      // The final checkpoint's barrier reached the writer.
      expect(seen.barrierFlushes).toBeGreaterThan(0);
    });
  }

  it('costs a writer without isAvailable nothing: it is fed all it is given', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const written: number[] = [];
    env
      .fromSource(new DataGeneratorSource((i) => i, 1000), WatermarkStrategy.noWatermarks(), 'numbers')
      .sinkTo({
        createWriter: () => ({
          write: (value: number) => {
            written.push(value);
          },
          flush: () => {},
          close: () => {},
        }),
      });
    await env.executeAsync('plain sink').result;
    expect(written.length).toBe(1000);
  });
});
