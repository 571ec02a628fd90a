/** How task counters become a progress line. */
import { describe, expect, it } from 'vitest';
import { formatProgressLine, formatWatermark, sampleProgress } from '../../src/cli/progress.js';
import type { TaskSnapshot } from '../../src/runtime/job-client.js';

type Counters = Partial<Pick<TaskSnapshot, 'recordsIn' | 'recordsOut' | 'watermark' | 'sinkRecordsIn'>>;

function task(vertexId: number, vertexName: string, m: Counters): TaskSnapshot {
  // Built loosely on purpose: the snapshot may gain metrics these tests do not use.
  return {
    inputQueueLength: 0,
    vertexId,
    vertexName,
    isSource: vertexName.startsWith('Source:'),
    subtaskIndex: 0,
    sinkRecordsIn: 0,
    recordsIn: 0,
    recordsOut: 0,
    watermark: Number.NEGATIVE_INFINITY,
    backpressuredMs: 0,
    ...m,
  } as TaskSnapshot;
}

describe('progress', () => {
  it('counts source output as records in, sink writes as records out, and takes the lowest watermark', () => {
    const sample = sampleProgress([
      task(1, 'Source: a', { recordsIn: 70, recordsOut: 70, watermark: 6_000 }),
      task(1, 'Source: a', { recordsIn: 30, recordsOut: 30, watermark: 7_000 }),
      task(2, 'Map -> KeyBy', { recordsIn: 100, recordsOut: 90, watermark: 5_000 }),
      task(3, 'Window -> Sink', { recordsIn: 40, watermark: 3_000, sinkRecordsIn: 4 }),
      task(3, 'Window -> Sink', { recordsIn: 50, watermark: 4_000, sinkRecordsIn: 5 }),
    ]);
    expect(sample).toEqual({ recordsIn: 100, recordsOut: 9, watermark: 3_000 });
  });

  it('counts a single source-to-sink chain by what its sink wrote', () => {
    const sample = sampleProgress([
      task(1, 'Source: a -> Filter -> Sink', { recordsIn: 8, recordsOut: 8, watermark: 1, sinkRecordsIn: 3 }),
    ]);
    expect(sample).toEqual({ recordsIn: 8, recordsOut: 3, watermark: 1 });
  });

  it('shows watermarks as ISO time, - before any and end after the last', () => {
    expect(formatWatermark(Number.NEGATIVE_INFINITY)).toBe('-');
    expect(formatWatermark(Number.POSITIVE_INFINITY)).toBe('end');
    expect(formatWatermark(Date.UTC(2024, 0, 1, 12))).toBe('2024-01-01T12:00:00.000Z');
  });

  it('formats one line per job', () => {
    expect(formatProgressLine('j', 'running', { recordsIn: 10, recordsOut: 2, watermark: 0 }, 4.6)).toBe(
      'weir: [j] running  in 10  out 2  watermark 1970-01-01T00:00:00.000Z  5 rec/s',
    );
  });
});
