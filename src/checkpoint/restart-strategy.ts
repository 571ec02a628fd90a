/**
 * Restart strategies as decisions: after each failure of a job, whether to restart it and after
 * how long. The strategy keeps the failure history it needs, so the job runner holds one backoff
 * per job for the job's lifetime and asks it once per failure.
 */
import { ErrorCodes, userError } from '../types/errors.js';

/**
 * A restart strategy as configured. The API's `RestartStrategy` (built with `RestartStrategies`)
 * has this shape; it is restated here because the checkpoint layer must not import the API.
 */
export type RestartStrategySpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed-delay'; readonly attempts: number; readonly delayMs: number }
  | {
      readonly kind: 'exponential-delay';
      readonly initialDelayMs: number;
      readonly maxDelayMs: number;
      readonly multiplier: number;
    }
  | {
      readonly kind: 'failure-rate';
      readonly maxFailures: number;
      readonly intervalMs: number;
      readonly delayMs: number;
    };

/** Restart after `delayMs`, or give up for `reason` (a phrase such as "3 restart attempts are used up"). */
export type RestartDecision =
  | { readonly restart: true; readonly delayMs: number }
  | { readonly restart: false; readonly reason: string };

/** Decides, failure by failure, whether a job restarts. Not safe to share between jobs. */
export interface RestartBackoff {
  /** Records a failure at `now()` and decides what to do about it. */
  onFailure(): RestartDecision;
}

/**
 * How long a job must have run since its last failure for exponential delay to start over at
 * the initial delay (Flink's default reset-backoff threshold).
 */
export const EXPONENTIAL_RESET_AFTER_MS = 60 * 60 * 1000;

/**
 * The backoff for `strategy`, reading time from `now` (ms; inject a fake clock in tests).
 *
 * - `none`: never restarts.
 * - `fixed-delay`: restarts `attempts` times in the job's lifetime, each after `delayMs`.
 * - `exponential-delay`: restarts forever; the delay starts at `initialDelayMs` and is multiplied
 *   by `multiplier` per failure up to `maxDelayMs`, and starts over once the job has run for
 *   {@link EXPONENTIAL_RESET_AFTER_MS} without failing.
 * - `failure-rate`: restarts after `delayMs` unless this failure makes more than `maxFailures`
 *   failures within the last `intervalMs` (failures exactly `intervalMs` ago still count).
 */
export function createRestartBackoff(strategy: RestartStrategySpec, now: () => number): RestartBackoff {
  switch (strategy.kind) {
    case 'none':
      return {
        onFailure: () => ({
          restart: false,
          reason: 'no restart strategy is set (set one with setRestartStrategy to recover from failures)',
        }),
      };
    case 'fixed-delay': {
      let restarts = 0;
      return {
        onFailure: () => {
          if (restarts >= strategy.attempts) {
            return {
              restart: false,
              reason: `all ${strategy.attempts} restart attempts of the fixed-delay strategy are used up`,
            };
          }
          restarts++;
          return { restart: true, delayMs: strategy.delayMs };
        },
      };
    }
    case 'exponential-delay':
      return exponentialDelay(strategy, now);
    case 'failure-rate':
      return failureRate(strategy, now);
  }
}

function exponentialDelay(
  strategy: Extract<RestartStrategySpec, { kind: 'exponential-delay' }>,
  now: () => number,
): RestartBackoff {
  if (!(strategy.multiplier >= 1)) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `exponentialDelay multiplier must be >= 1, got ${strategy.multiplier}; the default is 2`,
    );
  }
  let next = strategy.initialDelayMs;
  let lastFailure: number | undefined;
  return {
    onFailure: () => {
      const time = now();
      if (lastFailure !== undefined && time - lastFailure >= EXPONENTIAL_RESET_AFTER_MS) {
        next = strategy.initialDelayMs;
      }
      lastFailure = time;
      const delayMs = Math.min(next, strategy.maxDelayMs);
      next = Math.min(next * strategy.multiplier, strategy.maxDelayMs);
      return { restart: true, delayMs };
    },
  };
}

function failureRate(
  strategy: Extract<RestartStrategySpec, { kind: 'failure-rate' }>,
  now: () => number,
): RestartBackoff {
  // Only the last maxFailures + 1 failures can decide anything, so the history stays that short.
  const failures: number[] = [];
  return {
    onFailure: () => {
      const time = now();
      failures.push(time);
      while (failures.length > 0 && failures[0]! < time - strategy.intervalMs) failures.shift();
      if (failures.length > strategy.maxFailures) {
        failures.shift();
        return {
          restart: false,
          reason: `${strategy.maxFailures + 1} failures within ${strategy.intervalMs} ms exceed the failure-rate strategy's limit of ${strategy.maxFailures}`,
        };
      }
      return { restart: true, delayMs: strategy.delayMs };
    },
  };
}
