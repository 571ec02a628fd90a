import { describe, expect, it } from 'vitest';
import type { InternalTimer } from '../../state/timers.js';
import { ValueStateDescriptor } from '../../types/state.js';
import {
  AbstractStreamOperator,
  type OneInputStreamOperator,
  type TwoInputStreamOperator,
} from '../operator.js';
import {
  KeyedOneInputStreamOperatorTestHarness,
  OneInputStreamOperatorTestHarness,
  TwoInputOperatorTestHarness,
} from './harness.js';

/** Emits `key:value` per element and `timer:key@t` when its processing-time timer fires. */
class KeyEcho extends AbstractStreamOperator<string> implements OneInputStreamOperator<string, string> {
  scheduled: number[] = [];
  override open(): void {
    const timers = this.getTimerService<string>('t', {
      onEventTime: (t: InternalTimer<string>) =>
        this.output.collect(`event:${String(t.key)}@${t.timestamp}`, t.timestamp),
      onProcessingTime: (t: InternalTimer<string>) =>
        this.output.collect(`proc:${String(t.key)}@${t.timestamp}`, t.timestamp),
    });
    this.timers = timers;
    this.setupInfo.processingTime.schedule(15, (time) => this.scheduled.push(time));
  }
  private timers!: ReturnType<AbstractStreamOperator<string>['getTimerService']>;
  processElement(value: string, timestamp: number): void {
    this.output.collect(`${String(this.keyedBackend.getCurrentKey())}:${value}`, timestamp);
    this.timers.registerProcessingTimeTimer('', 10);
    this.timers.registerEventTimeTimer('', timestamp + 1);
  }
}

describe('KeyedOneInputStreamOperatorTestHarness', () => {
  it('sets the key from the selector and drives timers, callbacks and watermarks', () => {
    const op = new KeyEcho();
    const h = new KeyedOneInputStreamOperatorTestHarness(op, (v: string) => v[0]);
    h.open();
    h.processElement('apple', 1);
    h.processElement('banana', 2);
    expect(h.numProcessingTimeTimers()).toBe(2);
    h.setProcessingTime(20);
    expect(op.scheduled).toEqual([15]); // called with its scheduled time
    h.processWatermark(2);
    h.processWatermarkStatus(true);
    expect(h.getOutput()).toEqual([
      { value: 'a:apple', timestamp: 1 },
      { value: 'b:banana', timestamp: 2 },
      { value: 'proc:a@10', timestamp: 10 },
      { value: 'proc:b@10', timestamp: 10 },
      { value: 'event:a@2', timestamp: 2 },
      { watermark: 2 },
      { idle: true },
    ]);
    expect(h.numEventTimeTimers()).toBe(1);
    expect(() => h.setProcessingTime(5)).toThrow(/cannot go backwards/);
  });

  it('keyed state lives in the heap backend and is counted', () => {
    class Count extends AbstractStreamOperator<number> implements OneInputStreamOperator<string, number> {
      processElement(): void {
        const s = this.keyedBackend.getOrCreateState(new ValueStateDescriptor<number>('n'));
        s.update((s.value() ?? 0) + 1);
        this.output.collect(s.value()!, 0);
      }
    }
    const h = new KeyedOneInputStreamOperatorTestHarness(new Count(), (v: string) => v);
    for (const v of ['x', 'y', 'x']) h.processElement(v);
    expect(h.extractOutputValues()).toEqual([1, 1, 2]);
    expect(h.numKeyedStateEntries()).toBe(2);
    h.close();
  });
});

describe('non-keyed and two-input harnesses', () => {
  it('a non-keyed harness has no backend, and keyed access fails clearly', () => {
    class Touch extends AbstractStreamOperator<string> implements OneInputStreamOperator<string, string> {
      processElement(): void {
        void this.keyedBackend;
      }
    }
    const h = new OneInputStreamOperatorTestHarness(new Touch());
    expect(h.keyedBackend).toBeUndefined();
    expect(() => h.processElement('x')).toThrow(/needs a keyed input/);
  });

  it('two inputs: min watermark, idleness, and finish after both inputs end', async () => {
    const events: string[] = [];
    class Join
      extends AbstractStreamOperator<string>
      implements TwoInputStreamOperator<number, string, string>
    {
      protected override get inputCount(): number {
        return 2;
      }
      processElement1(v: number, ts: number): void {
        this.output.collect(`L${v}`, ts);
      }
      processElement2(v: string, ts: number): void {
        this.output.collect(`R${v}`, ts);
      }
      override finish(): void {
        events.push('finish');
      }
    }
    const h = new TwoInputOperatorTestHarness(
      new Join(),
      (v: number) => v,
      (v: string) => Number(v),
    );
    h.processElement1(1, 5);
    h.processElement2('1', 6);
    h.processWatermark1(10);
    expect(h.getOutput().filter((e) => 'watermark' in e)).toEqual([]);
    h.processWatermark2(7);
    h.processWatermarkStatus1(true);
    h.processWatermark2(12);
    expect(h.getOutput().filter((e) => 'watermark' in e)).toEqual([{ watermark: 7 }, { watermark: 12 }]);
    expect(h.extractOutputValues()).toEqual(['L1', 'R1']);
    await h.endInput1();
    expect(events).toEqual([]);
    await h.endInput2();
    expect(events).toEqual(['finish']);
  });
});

describe('harness key groups', () => {
  it('a number as third argument is maxParallelism, and the harness owns every key group', () => {
    class Noop extends AbstractStreamOperator<string> implements OneInputStreamOperator<string, string> {
      processElement(): void {}
    }
    const h = new KeyedOneInputStreamOperatorTestHarness(new Noop(), (v: string) => v, 4);
    expect(h.keyedBackend?.maxParallelism).toBe(4);
    expect(h.keyedBackend?.keyGroupRange).toEqual({ start: 0, end: 3 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) h.processElement(k);
    const sub = new KeyedOneInputStreamOperatorTestHarness(new Noop(), (v: string) => v, {
      maxParallelism: 4,
      parallelism: 2,
      subtaskIndex: 1,
    });
    expect(sub.keyedBackend?.keyGroupRange).toEqual({ start: 2, end: 3 });
  });
});
