/**
 * The SQL watermark assigner on its own: at interval 0 a watermark follows each row that
 * advanced it (and never precedes the row); above 0 it goes out on the processing-time period
 * only; the idle timeout marks the output idle and a row marks it active again; upstream
 * watermarks are swallowed except the final maximum one; batch mode emits none of its own.
 */
import { describe, expect, test } from 'vitest';
import type { OperatorSetup } from '../../src/runtime/operator.js';
import type { OutputElement } from '../../src/runtime/testing/output-collector.js';
import { OneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { SqlWatermarkAssigner } from '../../src/sql/runtime/watermark-assigner.js';
import { MAX_WATERMARK } from '../../src/types/elements.js';

/** The assigner with the job's interval set, as the runtime gives it (the harness gives 0). */
function assigner(intervalMs: number, idleTimeoutMs = 0): SqlWatermarkAssigner {
  const spec = {
    rowtimeOf: (row: Row) => row.ts as number,
    // WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
    watermarkOf: (row: Row) => (row.ts as number) - 1000,
    idleTimeoutMs,
  };
  return new (class extends SqlWatermarkAssigner {
    override setup(setup: OperatorSetup<Row>): void {
      super.setup({ ...setup, autoWatermarkInterval: intervalMs });
    }
  })(spec);
}

/** Output as short strings: `r<ts>` for a row, `w<t>` for a watermark, `idle`/`active`. */
function trace(elements: readonly OutputElement<Row>[]): string[] {
  return elements.map((e) =>
    'value' in e ? `r${e.timestamp}` : 'watermark' in e ? `w${e.watermark}` : e.idle ? 'idle' : 'active',
  );
}

describe('SqlWatermarkAssigner', () => {
  test('interval 0: a watermark right after each row that advanced it, none for the others', () => {
    const h = new OneInputStreamOperatorTestHarness<Row, Row>(assigner(0));
    for (const ts of [5000, 7000, 6000, 7000, 9000]) h.processElement({ ts });
    expect(trace(h.getOutput())).toEqual([
      'r5000',
      'w4000',
      'r7000',
      'w6000',
      'r6000',
      'r7000',
      'r9000',
      'w8000',
    ]);
  });

  test('interval above 0: rows alone emit nothing; the period emits the largest value once', () => {
    const h = new OneInputStreamOperatorTestHarness<Row, Row>(assigner(200));
    h.processElement({ ts: 5000 });
    h.processElement({ ts: 9000 });
    expect(trace(h.getOutput())).toEqual(['r5000', 'r9000']);
    h.setProcessingTime(200);
    h.setProcessingTime(400);
    expect(trace(h.getOutput())).toEqual(['r5000', 'r9000', 'w8000']);
  });

  test('idle timeout at interval 0: idle after the timeout without rows, active on the next row', () => {
    const h = new OneInputStreamOperatorTestHarness<Row, Row>(assigner(0, 1000));
    h.processElement({ ts: 5000 });
    h.setProcessingTime(1000);
    expect(trace(h.getOutput())).toEqual(['r5000', 'w4000']);
    h.setProcessingTime(2000);
    h.processElement({ ts: 6000 });
    expect(trace(h.getOutput())).toEqual(['r5000', 'w4000', 'idle', 'active', 'r6000', 'w5000']);
  });

  test('upstream watermarks are swallowed, the final maximum one passes', () => {
    const h = new OneInputStreamOperatorTestHarness<Row, Row>(assigner(0));
    h.processElement({ ts: 5000 });
    h.processWatermark(100_000);
    h.processWatermark(MAX_WATERMARK);
    expect(trace(h.getOutput())).toEqual(['r5000', 'w4000', `w${MAX_WATERMARK}`]);
  });

  test('batch mode: rows keep their rowtime, no watermark of its own', () => {
    const h = new OneInputStreamOperatorTestHarness<Row, Row>(assigner(0), undefined, {
      runtimeMode: 'batch',
    });
    h.processElement({ ts: 5000 });
    expect(trace(h.getOutput())).toEqual(['r5000']);
  });
});
