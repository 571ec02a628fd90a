/**
 * Outputs wire a chain together. A chained output calls the next operator directly (no
 * copy, no queue); a network output hands records to a record writer; a fan-out output
 * delivers to several. Side outputs are routed by tag: a main output ignores side records and
 * a tagged output takes only its tag. Watermarks and status go to every output.
 */
import type { RecordWriter } from '../exchange/record-writer.js';
import type { OutputTag } from '../types/functions.js';
import type { OneInputStreamOperator, Output } from './operator.js';

/** Calls the next operator of the chain. */
export class ChainingOutput implements Output<unknown> {
  recordsOut = 0;
  constructor(
    private readonly operator: OneInputStreamOperator<unknown, unknown>,
    private readonly tag: string | undefined,
  ) {}

  collect(value: unknown, timestamp: number): void {
    if (this.tag !== undefined) return;
    this.recordsOut++;
    this.operator.processElement(value, timestamp);
  }

  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    if (this.tag !== tag.id) return;
    this.recordsOut++;
    this.operator.processElement(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    this.operator.processWatermark(watermark, 1);
  }

  emitWatermarkStatus(idle: boolean): void {
    this.operator.processWatermarkStatus(idle, 1);
  }
}

/** Writes to the channels of an outgoing edge. */
export class NetworkOutput implements Output<unknown> {
  constructor(
    readonly writer: RecordWriter,
    private readonly tag: string | undefined,
  ) {}

  collect(value: unknown, timestamp: number): void {
    if (this.tag === undefined) this.writer.emit(value, timestamp);
  }

  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    if (this.tag === tag.id) this.writer.emit(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    this.writer.broadcastEvent({ kind: 'watermark', timestamp: watermark });
  }

  emitWatermarkStatus(idle: boolean): void {
    this.writer.broadcastEvent({ kind: 'status', idle });
  }
}

/** Delivers to several outputs. */
export class FanOutOutput implements Output<unknown> {
  constructor(private readonly outputs: readonly Output<unknown>[]) {}

  collect(value: unknown, timestamp: number): void {
    for (let i = 0; i < this.outputs.length; i++) this.outputs[i]!.collect(value, timestamp);
  }

  collectSide(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    for (let i = 0; i < this.outputs.length; i++) this.outputs[i]!.collectSide(tag, value, timestamp);
  }

  emitWatermark(watermark: number): void {
    for (let i = 0; i < this.outputs.length; i++) this.outputs[i]!.emitWatermark(watermark);
  }

  emitWatermarkStatus(idle: boolean): void {
    for (let i = 0; i < this.outputs.length; i++) this.outputs[i]!.emitWatermarkStatus(idle);
  }
}

/** Swallows everything: the output of an operator nobody consumes (e.g. a sink). */
export const DISCARDING_OUTPUT: Output<unknown> = {
  collect() {},
  collectSide() {},
  emitWatermark() {},
  emitWatermarkStatus() {},
};

/** One output from a list: the only one, a fan-out, or the discarding output. */
export function combineOutputs(outputs: Output<unknown>[]): Output<unknown> {
  if (outputs.length === 0) return DISCARDING_OUTPUT;
  if (outputs.length === 1) return outputs[0]!;
  return new FanOutOutput(outputs);
}
