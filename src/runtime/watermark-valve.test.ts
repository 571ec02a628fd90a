import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatusWatermarkValve } from './watermark-valve.js';

function valve(n: number) {
  const out: (number | 'idle' | 'active')[] = [];
  const v = new StatusWatermarkValve(n, {
    emitWatermark: (w) => out.push(w),
    emitWatermarkStatus: (idle) => out.push(idle ? 'idle' : 'active'),
  });
  return { v, out };
}

describe('StatusWatermarkValve', () => {
  it('emits the minimum over channels once every channel has a watermark', () => {
    const { v, out } = valve(2);
    v.inputWatermark(10, 0);
    expect(out).toEqual([]);
    v.inputWatermark(5, 1);
    expect(out).toEqual([5]);
    v.inputWatermark(20, 1);
    expect(out).toEqual([5, 10]);
  });

  it('leaves an idle channel out, and lets it rejoin only once it caught up', () => {
    const { v, out } = valve(2);
    v.inputWatermark(3, 0);
    v.inputWatermark(3, 1);
    v.inputWatermarkStatus(true, 1);
    v.inputWatermark(50, 0);
    expect(out).toEqual([3, 50]);
    v.inputWatermarkStatus(false, 1);
    v.inputWatermark(60, 0);
    // Channel 1 is at 3 < 50: not aligned yet, so it does not hold the watermark back.
    expect(out).toEqual([3, 50, 60]);
    v.inputWatermark(55, 1);
    v.inputWatermark(70, 0);
    expect(out).toEqual([3, 50, 60, 70]);
    // Now channel 1 catches up (80 >= 70) and holds the minimum from here on.
    v.inputWatermark(80, 1);
    v.inputWatermark(90, 0);
    expect(out).toEqual([3, 50, 60, 70, 80]);
  });

  it('goes idle when all channels are idle, releasing the largest watermark, and active again', () => {
    const { v, out } = valve(2);
    v.inputWatermark(5, 0);
    v.inputWatermark(9, 1);
    v.inputWatermarkStatus(true, 0);
    v.inputWatermarkStatus(true, 1);
    expect(out).toEqual([5, 9, 'idle']);
    v.inputWatermarkStatus(false, 0);
    expect(out).toEqual([5, 9, 'idle', 'active']);
  });

  it('never emits a decreasing watermark, and every emitted value is a channel watermark', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('wm' as const), ch: fc.nat(3), ts: fc.integer({ min: -50, max: 200 }) }),
      fc.record({ kind: fc.constant('status' as const), ch: fc.nat(3), idle: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        const { v, out } = valve(4);
        const seen = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'wm') {
            v.inputWatermark(o.ts, o.ch);
            seen.add(o.ts);
          } else v.inputWatermarkStatus(o.idle, o.ch);
        }
        const wms = out.filter((x): x is number => typeof x === 'number');
        for (let i = 1; i < wms.length; i++) expect(wms[i]!).toBeGreaterThan(wms[i - 1]!);
        for (const w of wms) expect(seen.has(w)).toBe(true);
      }),
    );
  });
});
