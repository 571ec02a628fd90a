/**
 * Restart decisions for each strategy, with a clock the test moves by hand.
 */
import { describe, expect, it } from 'vitest';
import { RestartStrategies, type RestartStrategy } from '../api/config.js';
import {
  createRestartBackoff,
  EXPONENTIAL_RESET_AFTER_MS,
  type RestartDecision,
  type RestartStrategySpec,
} from './restart-strategy.js';

// The API's type and the spec restated here must stay interchangeable.
const fromApi: RestartStrategySpec = {} as RestartStrategy;
const toApi: RestartStrategy = {} as RestartStrategySpec;
void fromApi;
void toApi;

function clock() {
  const c = { time: 0, now: () => c.time };
  return c;
}

const delays = (decisions: RestartDecision[]) => decisions.map((d) => (d.restart ? d.delayMs : 'stop'));

describe('none', () => {
  it('never restarts and says how to change that', () => {
    const decision = createRestartBackoff(RestartStrategies.noRestart(), () => 0).onFailure();
    expect(decision).toEqual({ restart: false, reason: expect.stringMatching(/setRestartStrategy/) });
  });
});

describe('fixed-delay', () => {
  it('restarts `attempts` times with the delay, then stops for good', () => {
    const backoff = createRestartBackoff(RestartStrategies.fixedDelay(3, 500), () => 0);
    const decisions = Array.from({ length: 5 }, () => backoff.onFailure());
    expect(delays(decisions)).toEqual([500, 500, 500, 'stop', 'stop']);
    expect(decisions[3]).toMatchObject({ reason: expect.stringMatching(/all 3 restart attempts/) });
  });

  it('with zero attempts stops at the first failure', () => {
    expect(createRestartBackoff(RestartStrategies.fixedDelay(0, 10), () => 0).onFailure().restart).toBe(
      false,
    );
  });
});

describe('exponential-delay', () => {
  it('multiplies the delay per failure up to the maximum, and keeps restarting', () => {
    const c = clock();
    const backoff = createRestartBackoff(RestartStrategies.exponentialDelay(100, 1000, 3), c.now);
    const decisions = Array.from({ length: 6 }, () => {
      c.time += 10;
      return backoff.onFailure();
    });
    expect(delays(decisions)).toEqual([100, 300, 900, 1000, 1000, 1000]);
  });

  it('caps even the first delay at the maximum', () => {
    const backoff = createRestartBackoff(RestartStrategies.exponentialDelay(5000, 1000), () => 0);
    expect(backoff.onFailure()).toEqual({ restart: true, delayMs: 1000 });
  });

  it('starts over at the initial delay after running long enough without failing', () => {
    const c = clock();
    const backoff = createRestartBackoff(RestartStrategies.exponentialDelay(100, 10_000, 2), c.now);
    backoff.onFailure();
    c.time += 1;
    backoff.onFailure();
    c.time += EXPONENTIAL_RESET_AFTER_MS - 1;
    expect(backoff.onFailure()).toEqual({ restart: true, delayMs: 400 });
    c.time += EXPONENTIAL_RESET_AFTER_MS;
    expect(backoff.onFailure()).toEqual({ restart: true, delayMs: 100 });
  });

  it('rejects a multiplier below 1', () => {
    const strategy: RestartStrategySpec = {
      kind: 'exponential-delay',
      initialDelayMs: 1,
      maxDelayMs: 10,
      multiplier: 0.5,
    };
    expect(() => createRestartBackoff(strategy, () => 0)).toThrow(/multiplier must be >= 1, got 0.5/);
  });
});

describe('failure-rate', () => {
  it('stops when more than maxFailures failures fall within the interval', () => {
    const c = clock();
    const backoff = createRestartBackoff(RestartStrategies.failureRate(2, 1000, 50), c.now);
    const at = (time: number) => {
      c.time = time;
      return backoff.onFailure();
    };
    expect(at(0)).toEqual({ restart: true, delayMs: 50 });
    expect(at(400)).toEqual({ restart: true, delayMs: 50 });
    const third = at(900);
    expect(third.restart).toBe(false);
    expect(third).toMatchObject({ reason: expect.stringMatching(/3 failures within 1000 ms .* limit of 2/) });
  });

  it('forgets failures once they slide out of the window', () => {
    const c = clock();
    const backoff = createRestartBackoff(RestartStrategies.failureRate(2, 1000, 50), c.now);
    const decisions = [0, 600, 1001, 1602, 2203, 2804].map((time) => {
      c.time = time;
      return backoff.onFailure();
    });
    // Each failure sees at most one other within the last 1000 ms.
    expect(decisions.every((d) => d.restart)).toBe(true);
  });

  it('still counts a failure exactly one interval ago', () => {
    const c = clock();
    const backoff = createRestartBackoff(RestartStrategies.failureRate(1, 1000, 0), c.now);
    expect(backoff.onFailure().restart).toBe(true);
    c.time = 1000;
    expect(backoff.onFailure().restart).toBe(false);
  });

  it('with maxFailures 0 never restarts', () => {
    expect(createRestartBackoff(RestartStrategies.failureRate(0, 1000, 0), () => 0).onFailure().restart).toBe(
      false,
    );
  });
});
