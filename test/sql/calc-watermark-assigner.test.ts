/**
 * The watermark assigner with its projection fused in: for any rows it emits the same records,
 * timestamps and watermarks, in the same order, as a projection followed by the plain
 * `assignTimestampsAndWatermarks` operator.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { TimestampsAndWatermarksOperator } from '../../src/runtime/operators/timestamps-and-watermarks.js';
import { OneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { CalcWatermarkAssigner } from '../../src/sql/runtime/calc-watermark-assigner.js';
import { type WatermarkGenerator, WatermarkStrategy } from '../../src/time/watermarks.js';
import { MAX_WATERMARK } from '../../src/types/elements.js';

/** A punctuated generator (rowtime - 4 when it rises), so the harness sees watermarks without a clock. */
class Punctuated implements WatermarkGenerator<Row> {
  private current = Number.NEGATIVE_INFINITY;
  onEvent(row: Row, _timestamp: number, output: { emitWatermark(timestamp: number): void }): void {
    const value = (row.ts as number) - 4;
    if (value > this.current) {
      this.current = value;
      output.emitWatermark(value);
    }
  }
  onPeriodicEmit(): void {}
}

const strategy = () =>
  WatermarkStrategy.forGenerator<Row>(() => new Punctuated()).withTimestampAssigner(
    (row) => row.ts as number,
  );

/** The Calc under the assigner: keeps `bid`, adds the rowtime column from it. */
const project = (row: Row): Row => ({ bid: row.bid, ts: (row.bid as { t: number }).t });

async function run(operator: TimestampsAndWatermarksOperator<Row>, rows: readonly Row[], mapFirst: boolean) {
  const harness = new OneInputStreamOperatorTestHarness<Row, Row>(operator);
  harness.open();
  for (const row of rows) harness.processElement(mapFirst ? project(row) : row);
  harness.processWatermark(MAX_WATERMARK);
  const output = harness.getOutput();
  await harness.close();
  return output;
}

describe('CalcWatermarkAssigner', () => {
  test('projects each row, stamps it with its rowtime and emits watermarks from the projected row', async () => {
    const output = await run(new CalcWatermarkAssigner(strategy(), project), [{ bid: { t: 10 } }], false);
    expect(output).toEqual([
      { value: { bid: { t: 10 }, ts: 10 }, timestamp: 10 },
      { watermark: 6 },
      { watermark: MAX_WATERMARK },
    ]);
  });

  test('emits what a projection followed by the plain assigner emits', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 40 }), async (times) => {
        const rows = times.map((t) => ({ bid: { t } }));
        const fused = await run(new CalcWatermarkAssigner(strategy(), project), rows, false);
        const unfused = await run(new TimestampsAndWatermarksOperator(strategy()), rows, true);
        expect(fused).toEqual(unfused);
      }),
    );
  });
});
