/**
 * The cleanup bound of a regular join (watermark-complete.ts) in a session zone of a fixed
 * offset is exact: once the watermark reaches the stored row's bound, no later row of the
 * complete side (above the watermark plus its lag) satisfies `X + a <= T + b`, and one watermark
 * step earlier such a row still could. The comparison's operands are conformed as the typer
 * conforms them (a TIMESTAMP against a TIMESTAMP_LTZ is cast, its wall clock read in the zone),
 * whichever of X and T is the TIMESTAMP; the lag is the zone's offset for a window_end of a
 * window over a TIMESTAMP_LTZ time, else 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SqlType, Types } from '../../catalog/types.js';
import { call, field, literal, type Rex } from '../../expressions/rex.js';
import { timeZone, withSessionTimeZone } from '../../expressions/time-zone.js';
import { comparedOperands } from '../../expressions/typer.js';
import { stateCleanups } from './watermark-complete.js';

const TIMESTAMP = Types.timestamp(3);
const LTZ = Types.timestampLtz(3);
const INTERVAL: SqlType = Object.freeze({
  root: 'INTERVAL_DAY_TIME',
  nullable: false,
  intervalField: 'SECOND',
});

const pad = (n: number) => String(n).padStart(2, '0');
const zoneId = (minutes: number) =>
  `GMT${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;

/** `column + ms` as the planner has it (a plain column where ms is 0). */
const plus = (column: Rex, ms: number): Rex =>
  ms === 0 ? column : call('+', [column, literal(ms, INTERVAL)], column.type);

/** The number a conformed operand compares as: a cast wall clock less the offset. */
const comparedValue = (rex: Rex, raw: number, offsetMs: number): number =>
  rex.kind === 'call' && rex.op === 'CAST' ? raw - offsetMs : raw;

describe('join state cleanup in a fixed-offset zone', () => {
  it('drops a row exactly when no later complete row can match it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -14 * 4, max: 14 * 4 }).map((q) => q * 15),
        fc.constantFrom('end of a local window', 'end of a window', 'window_time'),
        fc.boolean(),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: -1e12, max: 1e12 }),
        (minutes, kind, tIsLtz, a, b, tRaw) => {
          const offsetMs = minutes * 60_000;
          const xType = kind === 'window_time' ? LTZ : TIMESTAMP;
          const lag = kind === 'end of a local window' ? offsetMs : 0;
          const zone = timeZone(zoneId(minutes));
          const cleanup = withSessionTimeZone(zone, () => {
            const [small, large] = comparedOperands(
              plus(field('x', xType), a),
              plus(field('t', tIsLtz ? LTZ : TIMESTAMP), b),
            );
            const condition = call('<=', [small, large], Types.BOOLEAN);
            const found = stateCleanups(
              condition,
              [{ name: 't', type: tIsLtz ? LTZ : TIMESTAMP }],
              [{ name: 'x', type: xType }],
              new Map(),
              new Map([['x', lag]]),
            );
            return { found, small, large };
          });
          const { found, small, large } = cleanup;
          expect(found.right).toBeUndefined();
          expect(found.left?.column).toBe('t');
          // X + a <= T + b in compared numbers; the shifts sit inside any cast.
          const holds = (xRaw: number) =>
            comparedValue(small, xRaw + a, offsetMs) <= comparedValue(large, tRaw + b, offsetMs);
          const left = found.left!;
          expect('offsetMs' in left).toBe(true);
          const expiry = tRaw + ('offsetMs' in left ? left.offsetMs : Number.NaN);
          // At the bound, every later X is above expiry + lag and matches no more...
          expect(holds(expiry + lag + 1)).toBe(false);
          // ...and a step before it, the first X above the watermark still could.
          expect(holds(expiry - 1 + lag + 1)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
