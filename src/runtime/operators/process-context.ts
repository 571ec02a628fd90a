/**
 * The contexts process functions see. One context object per operator is reused for every
 * call: the operator sets the current timestamp before calling the function, so nothing is
 * allocated per record.
 */
import { VOID_NAMESPACE } from '../../state/backend.js';
import type { InternalTimerService } from '../../state/timers.js';
import { NO_TIMESTAMP } from '../../types/elements.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { OnTimerContext, OutputTag, TimeDomain, TimerService } from '../../types/functions.js';
import type { Output, ProcessingTimeService } from '../operator.js';

/** Timer access for non-keyed functions: time can be read, timers cannot be set. */
export class NonKeyedTimerService implements TimerService {
  constructor(
    private readonly processingTime: ProcessingTimeService,
    private readonly watermark: () => number,
  ) {}
  currentProcessingTime(): number {
    return this.processingTime.now();
  }
  currentWatermark(): number {
    return this.watermark();
  }
  registerProcessingTimeTimer(): void {
    throw timersNeedKeys();
  }
  registerEventTimeTimer(): void {
    throw timersNeedKeys();
  }
  deleteProcessingTimeTimer(): void {
    throw timersNeedKeys();
  }
  deleteEventTimeTimer(): void {
    throw timersNeedKeys();
  }
}

function timersNeedKeys(): Error {
  return userError(
    ErrorCodes.STATE_ACCESS,
    'timers are only supported on keyed streams; call keyBy(...) before process(...) to set timers',
  );
}

/** Timer access for keyed functions, scoped to the current key. */
export class KeyedTimerService implements TimerService {
  constructor(private readonly timers: InternalTimerService<string>) {}
  currentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  currentWatermark(): number {
    return this.timers.currentWatermark();
  }
  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(VOID_NAMESPACE, time);
  }
  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(VOID_NAMESPACE, time);
  }
  /**
   * An event-time timer the function knows the current key does not have, registered without
   * the deduplicating lookup (see `InternalTimerService.registerNewEventTimeTimer`); for the
   * engine's own functions that track their timers, not part of {@link TimerService}.
   */
  registerNewEventTimeTimer(time: number): void {
    this.timers.registerNewEventTimeTimer(VOID_NAMESPACE, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(VOID_NAMESPACE, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(VOID_NAMESPACE, time);
  }
}

/** The reusable context of process functions (keyed or not, element or timer). */
export class MutableProcessContext<K, OUT> implements OnTimerContext<K, OUT> {
  currentTimestamp = NO_TIMESTAMP;
  currentTimeDomain: TimeDomain = 'event-time';

  constructor(
    private readonly out: Output<OUT>,
    private readonly timers: TimerService,
    private readonly currentKey: () => K,
  ) {}

  timestamp(): number | undefined {
    return this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp;
  }
  timerService(): TimerService {
    return this.timers;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    if (tag === undefined || tag === null) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'ctx.output needs an OutputTag: ctx.output(new OutputTag("late"), value)',
      );
    }
    this.out.collectSide(tag as OutputTag<unknown>, value, this.currentTimestamp);
  }
  getCurrentKey(): K {
    return this.currentKey();
  }
  timeDomain(): TimeDomain {
    return this.currentTimeDomain;
  }
}
