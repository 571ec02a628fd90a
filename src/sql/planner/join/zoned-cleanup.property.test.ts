/**
 * The cleanup bound of a regular join (watermark-complete.ts) in zones with daylight saving
 * (zoned-cleanup.ts), around their transitions of 2021 to 2023, spring forward and fall back:
 * once the watermark reaches a stored row's bound, no complete row that can still come (its
 * window not yet fired, or its instant past the watermark) satisfies `X + a <= T + b`, with
 * the operands conformed as the typer conforms them and computed as the compiled condition
 * computes them. A week or more from a transition the bound is the fixed-offset zone's bound;
 * nearer, it is at most two hours later than that.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SqlType, Types } from '../../catalog/types.js';
import { call, field, literal, type Rex } from '../../expressions/rex.js';
import { type TimeZone, timeZone, withSessionTimeZone } from '../../expressions/time-zone.js';
import { comparedOperands } from '../../expressions/typer.js';
import { endInstant } from '../../runtime/window/local-time-windows.js';
import { type Completeness, type StateCleanup, stateCleanups } from './watermark-complete.js';
import { zonedExpiry } from './zoned-cleanup.js';

const TIMESTAMP = Types.timestamp(3);
const LTZ = Types.timestampLtz(3);
const INTERVAL: SqlType = Object.freeze({
  root: 'INTERVAL_DAY_TIME',
  nullable: false,
  intervalField: 'SECOND',
});
const HOUR = 3_600_000;
const DAY = 86_400_000;

const ZONES = ['America/Los_Angeles', 'Europe/Berlin', 'Australia/Lord_Howe'] as const;

/** The days (as instants) on which `zone`'s offset changed in 2021 to 2023. */
function transitionDays(zone: TimeZone): number[] {
  const out: number[] = [];
  for (let t = Date.UTC(2021, 0, 1); t < Date.UTC(2024, 0, 1); t += DAY)
    if (zone.offsetAt(t) !== zone.offsetAt(t + DAY)) out.push(t);
  return out;
}
const TRANSITIONS = new Map(ZONES.map((id) => [id, transitionDays(timeZone(id))]));

const pad = (n: number) => String(n).padStart(2, '0');
const fixedZone = (ms: number) => {
  const minutes = ms / 60_000;
  return timeZone(
    `GMT${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`,
  );
};

/** `column + ms` as the planner has it (a plain column where ms is 0). */
const plus = (column: Rex, ms: number): Rex =>
  ms === 0 ? column : call('+', [column, literal(ms, INTERVAL)], column.type);

/** A conformed operand's value as the compiled condition computes it (zoned-casts.ts). */
function operandValue(rex: Rex, raw: number, zone: TimeZone): number {
  if (rex.kind === 'field') return raw;
  if (rex.kind === 'call' && rex.op === 'CAST') return zone.fromLocal(operandValue(rex.args[0]!, raw, zone));
  if (rex.kind === 'call' && rex.op === '+') {
    const lit = rex.args[1]!;
    return (
      operandValue(rex.args[0]!, raw, zone) + (lit.kind === 'literal' ? (lit.value as number) : Number.NaN)
    );
  }
  throw new Error(`unexpected operand ${rex.kind}`);
}

type Kind = 'end of a local window' | 'end of a window' | 'window_time';

/** The cleanup found for `x + a <= t + b` in `zone`, with the conformed operands. */
function plan(zone: TimeZone, kind: Kind, tIsLtz: boolean, a: number, b: number, completeness: Completeness) {
  return withSessionTimeZone(zone, () => {
    const [small, large] = comparedOperands(
      plus(field('x', kind === 'window_time' ? LTZ : TIMESTAMP), a),
      plus(field('t', tIsLtz ? LTZ : TIMESTAMP), b),
    );
    const found = stateCleanups(
      call('<=', [small, large], Types.BOOLEAN),
      [{ name: 't', type: tIsLtz ? LTZ : TIMESTAMP }],
      [{ name: 'x', type: kind === 'window_time' ? LTZ : TIMESTAMP }],
      new Map(),
      new Map([['x', completeness]]),
    );
    return { left: found.left!, small, large };
  });
}

const expiryOf = (cleanup: StateCleanup, t: number) =>
  'zoned' in cleanup ? zonedExpiry(cleanup.zoned)(t) : t + cleanup.offsetMs;

describe('join state cleanup in zones with daylight saving', () => {
  it('drops a row only when no complete row still to come can match it, and near the exact time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.nat(5),
        fc.integer({ min: -10 * DAY, max: 10 * DAY }),
        fc.constantFrom<Kind>('end of a local window', 'end of a window', 'window_time'),
        fc.boolean(),
        fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
        fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 3 * HOUR }), fc.integer({ min: 0, max: 3 * DAY })), {
          maxLength: 6,
        }),
        (id, which, shift, kind, tIsLtz, a, b, later) => {
          const zone = timeZone(id);
          const days = TRANSITIONS.get(id)!;
          const near = days[which % days.length]!;
          const tRaw = near + shift;
          const local = kind === 'end of a local window';
          const { left, small, large } = plan(zone, kind, tIsLtz, a, b, local ? 'localEnd' : 0);
          expect(left.column).toBe('t');
          // A cast between the two sides, or a local window end, needs the zone per row.
          expect('zoned' in left).toBe(local || tIsLtz !== (kind === 'window_time'));
          const expiry = expiryOf(left, tRaw);
          // When a complete row X is known to lie past a watermark W.
          const fire = (x: number) => (local ? endInstant(zone, x) - 1 : x);
          // The least X that can still come once the watermark is at W (fire never falls).
          const firstAfter = (w: number) => {
            let lo = w - 2 * DAY;
            let hi = w + 2 * DAY;
            while (lo < hi) {
              const mid = Math.floor((lo + hi) / 2);
              if (fire(mid) > w) hi = mid;
              else lo = mid + 1;
            }
            return lo;
          };
          const holds = (x: number) => operandValue(small, x, zone) <= operandValue(large, tRaw, zone);
          const x0 = firstAfter(expiry);
          for (const d of [0, 1, ...later]) expect(holds(x0 + d)).toBe(false);
          // The bound in a zone fixed at the offset the row's time has.
          const fixed = fixedZone(zone.offsetAt(tRaw));
          const nominal = expiryOf(
            plan(fixed, kind, tIsLtz, a, b, local ? fixed.fixedOffset! : 0).left,
            tRaw,
          );
          // The fixed zone's lag counts a local end 1 ms short of its last millisecond.
          const far = Math.min(...days.map((d) => Math.abs(tRaw - d))) > 8 * DAY;
          if (far) expect(expiry - nominal).toBeOneOf(local ? [-1] : [0]);
          else expect(expiry - nominal).toBeLessThanOrEqual(2 * HOUR);
          // Away from transitions the bound is exact: a watermark 1 ms earlier still lets a match come.
          if (far) expect(holds(firstAfter(expiry - 1))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
