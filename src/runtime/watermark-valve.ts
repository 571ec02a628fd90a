/**
 * Combines the watermarks of an input's channels: the input's watermark is the minimum over
 * its active channels, and an idle channel is left out. When every channel is idle the input
 * is idle. A channel that becomes active again rejoins the minimum only once its watermark has
 * caught up with the one already emitted, so the emitted watermark never goes backwards.
 */

/** Receives the combined watermark and status. */
export interface ValveOutput {
  emitWatermark(watermark: number): void;
  emitWatermarkStatus(idle: boolean): void;
}

/** Per-input watermark alignment over channels. */
export class StatusWatermarkValve {
  private readonly watermarks: number[];
  private readonly active: boolean[];
  private readonly aligned: boolean[];
  private lastOutputWatermark = Number.NEGATIVE_INFINITY;
  private outputIdle = false;

  constructor(
    numChannels: number,
    private readonly output: ValveOutput,
  ) {
    this.watermarks = new Array(numChannels).fill(Number.NEGATIVE_INFINITY);
    this.active = new Array(numChannels).fill(true);
    this.aligned = new Array(numChannels).fill(true);
  }

  /** The last watermark emitted. */
  currentWatermark(): number {
    return this.lastOutputWatermark;
  }

  inputWatermark(watermark: number, channel: number): void {
    // Watermarks of idle channels are ignored; they should not send any.
    if (!this.active[channel] || watermark <= this.watermarks[channel]!) return;
    this.watermarks[channel] = watermark;
    if (!this.aligned[channel] && watermark >= this.lastOutputWatermark) this.aligned[channel] = true;
    this.emitNewMinimum();
  }

  inputWatermarkStatus(idle: boolean, channel: number): void {
    if (idle && this.active[channel]) {
      this.active[channel] = false;
      this.aligned[channel] = false;
      if (this.active.every((a) => !a)) {
        // Nothing holds event time back any more: release the largest watermark seen, as Flink does.
        this.emitMaximum();
        if (!this.outputIdle) {
          this.outputIdle = true;
          this.output.emitWatermarkStatus(true);
        }
      } else {
        this.emitNewMinimum();
      }
    } else if (!idle && !this.active[channel]) {
      this.active[channel] = true;
      if (this.watermarks[channel]! >= this.lastOutputWatermark) this.aligned[channel] = true;
      if (this.outputIdle) {
        this.outputIdle = false;
        this.output.emitWatermarkStatus(false);
      }
    }
  }

  private emitNewMinimum(): void {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (let c = 0; c < this.watermarks.length; c++) {
      if (this.aligned[c]) {
        any = true;
        if (this.watermarks[c]! < min) min = this.watermarks[c]!;
      }
    }
    if (any && min > this.lastOutputWatermark) {
      this.lastOutputWatermark = min;
      this.output.emitWatermark(min);
    }
  }

  private emitMaximum(): void {
    let max = Number.NEGATIVE_INFINITY;
    for (const w of this.watermarks) if (w > max) max = w;
    if (max > this.lastOutputWatermark) {
      this.lastOutputWatermark = max;
      this.output.emitWatermark(max);
    }
  }
}
