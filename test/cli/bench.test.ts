/** `weir bench`: a short run must agree with the loop and end with one JSON object. */
import { describe, expect, it } from 'vitest';
import { lines, runWeir, expectExit } from './run-cli.js';

describe('weir bench', () => {
  it('runs window-count and prints its result as JSON on the last line', async () => {
    const run = await runWeir([
      'bench',
      'window-count',
      '--events',
      '20000',
      '--keys',
      '50',
      '--json',
      '--no-save',
    ]);
    expectExit(run, 0);
    const result = JSON.parse(lines(run.stdout).at(-1)!);
    expect(result).toMatchObject({
      query: 'window-count',
      events: 20000,
      keys: 50,
      parallelism: 1,
      totalCount: 20000,
    });
    expect(result.eventsPerSecond).toBeGreaterThan(0);
    expect(result.loopEventsPerSecond).toBeGreaterThan(0);
    // 20 one-second windows, each with all 50 keys.
    expect(result.windows).toBe(1000);
  });

  it('rejects a bad option with exit code 2', async () => {
    const run = await runWeir(['bench', 'window-count', '--events', 'many', '--no-save']);
    expectExit(run, 2);
    expect(lines(run.stderr)).toEqual([
      expect.stringContaining("--events must be a whole number >= 1, got 'many'"),
    ]);
  });
});
