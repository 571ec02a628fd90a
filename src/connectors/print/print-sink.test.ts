import { describe, expect, it } from 'vitest';
import type { SinkInitContext } from '../../types/sink.js';
import { formatPrintValue } from './print-format.js';
import { PrintSink } from './print-sink.js';

function context(subtaskIndex: number, parallelism: number): SinkInitContext {
  return {
    subtaskIndex,
    parallelism,
    attemptNumber: 0,
    jobId: 'job',
    attemptId: 'attempt',
    restoredCheckpointId: undefined,
    currentProcessingTime: () => 0,
  };
}

function print<T>(values: T[], prefix: string | undefined, subtask: number, parallelism: number): string[] {
  const writes: string[] = [];
  const writer = new PrintSink<T>(prefix, false, { write: (s) => writes.push(s) }).createWriter(
    context(subtask, parallelism),
  );
  const ctx = { timestamp: () => undefined, currentWatermark: () => 0 };
  for (const v of values) writer.write(v, ctx);
  writer.flush(true);
  return writes;
}

describe('PrintSink', () => {
  it('prefixes lines like Flink', () => {
    expect(print(['a'], undefined, 0, 1)).toEqual(['a\n']);
    expect(print(['a'], 'out', 0, 1)).toEqual(['out> a\n']);
    expect(print(['a'], 'out', 2, 4)).toEqual(['out:3> a\n']);
    expect(print(['a'], undefined, 0, 2)).toEqual(['1> a\n']);
  });

  it('prints objects as JSON and other values as text, in one write per flush', () => {
    expect(print([{ id: 1, s: 'x' }, 42, null, [1, 2]], 'p', 0, 1)).toEqual([
      'p> {"id":1,"s":"x"}\np> 42\np> null\np> [1,2]\n',
    ]);
  });

  it('falls back to inspect for values JSON cannot show', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatPrintValue({ n: 10n })).toBe('{ n: 10n }');
    expect(formatPrintValue(cyclic)).toContain('[Circular');
    expect(formatPrintValue(undefined)).toBe('undefined');
  });

  it('writes a batch on the next turn of the event loop without an explicit flush', async () => {
    const writes: string[] = [];
    const writer = new PrintSink<number>(undefined, false, { write: (s) => writes.push(s) }).createWriter(
      context(0, 1),
    );
    const ctx = { timestamp: () => undefined, currentWatermark: () => 0 };
    writer.write(1, ctx);
    writer.write(2, ctx);
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['1\n2\n']);
    writer.close();
    expect(writes).toHaveLength(1);
  });
});
