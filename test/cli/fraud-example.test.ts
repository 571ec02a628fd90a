/**
 * The main example, run as a newcomer runs it. Its generator puts a small-then-large pair on
 * account acct-9<round> at indexes 10,000·round + 5,000 and + 5,050, and a decoy pair 61 s apart
 * on acct-8<round> that must not raise an alert.
 */
import { describe, expect, it } from 'vitest';
import { lines, runWeir, expectExit } from './run-cli.js';

describe('examples/fraud-detection.ts', () => {
  it('raises exactly the planted alerts', async () => {
    const run = await runWeir(['run', 'examples/fraud-detection.ts', '--', '--count', '16000']);
    expectExit(run, 0);
    const alerts = lines(run.stdout).filter((l) => l.startsWith('alert> '));
    expect(alerts.map((l) => JSON.parse(l.slice('alert> '.length)))).toEqual([
      {
        account: 'acct-9000',
        small: 0.42,
        large: 987.65,
        smallAt: '2024-01-01T00:00:50.000Z',
        largeAt: '2024-01-01T00:00:50.500Z',
      },
      {
        account: 'acct-9001',
        small: 0.42,
        large: 987.65,
        smallAt: '2024-01-01T00:02:30.000Z',
        largeAt: '2024-01-01T00:02:30.500Z',
      },
    ]);
    expect(run.stdout).not.toContain('acct-8');
    expect(run.stderr).toMatch(/^weir: \[fraud-detection\] finished {2}in 16000 /m);
  });

  it('gives the same alerts at parallelism 3', async () => {
    const run = await runWeir([
      'run',
      '-q',
      '-p',
      '3',
      'examples/fraud-detection.ts',
      '--',
      '--count',
      '6000',
    ]);
    expectExit(run, 0);
    const alerts = lines(run.stdout).filter((l) => /^alert:\d> /.test(l));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('"account":"acct-9000"');
  });
});
