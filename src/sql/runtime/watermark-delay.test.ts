import { describe, expect, test } from 'vitest';
import { TwoInputOperatorTestHarness } from '../../runtime/testing/harness.js';
import { MAX_WATERMARK } from '../../types/elements.js';
import type { Row } from '../expressions/compiler.js';
import { IntervalJoinFunction } from '../planner/join/interval-join-function.js';
import { WatermarkDelayingCoProcessOperator } from './watermark-delay.js';

const noNull = () => false;

/** An inner interval join on k where the right row's time lies 0..5 s after the left row's. */
function harness() {
  const fn = new IntervalJoinFunction({
    joinType: 'inner',
    leftColumns: ['k', 'lt'],
    rightColumns: ['k2', 'rt'],
    leftTime: 'lt',
    rightTime: 'rt',
    lower: 0,
    upper: 5000,
    leftHasNullKey: noNull,
    rightHasNullKey: noNull,
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new WatermarkDelayingCoProcessOperator<Row, Row, Row>(fn, 5000),
    (r) => r.k,
    (r) => r.k2,
  );
  h.open();
  return h;
}

describe('interval join output watermark', () => {
  test('is held back by the interval width, so a pair completed late is not behind it', () => {
    const h = harness();
    h.processElement1({ k: 1, lt: 1000 }, 1000);
    h.processWatermark1(4000);
    h.processWatermark2(4000);
    h.processElement2({ k2: 1, rt: 5000 }, 5000);
    const out = h.getOutput();
    const watermarks = out.flatMap((e) => ('watermark' in e ? [e.watermark] : []));
    expect(watermarks).toEqual([-1000]);
    const pair = h.extractOutputValues();
    expect(pair).toEqual([{ k: 1, lt: 1000, k2: 1, rt: 5000 }]);
    // The pair's left time is not behind the last watermark sent downstream.
    expect(pair[0]!.lt as number).toBeGreaterThan(watermarks[0]!);
  });

  test('the end of event time passes unchanged', () => {
    const h = harness();
    h.processWatermark1(MAX_WATERMARK);
    h.processWatermark2(MAX_WATERMARK);
    expect(h.getOutput().flatMap((e) => ('watermark' in e ? [e.watermark] : []))).toEqual([MAX_WATERMARK]);
  });
});
