/**
 * Property tests of the session time zone: the cached offsets of `TimeZone` against ICU asked
 * afresh for every instant (the oracle), and the casts TIMESTAMP_LTZ → STRING → TIMESTAMP_LTZ
 * and STRING → TIMESTAMP_LTZ → STRING as the compiler emits them. An instant round-trips
 * unless its wall clock occurs twice (clocks went back: the text then names the earlier
 * instant), and a wall clock round-trips unless the clocks skipped it (it then moves forward
 * by the gap). Zones with hour, half-hour and 15-minute offsets and DST steps of one hour and
 * of 30 minutes (Lord Howe), over 1900–2100.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types } from '../../src/sql/catalog/types.js';
import { formatTimestamp, parseTimestamp } from '../../src/sql/expressions/runtime.js';
import { timeZone } from '../../src/sql/expressions/time-zone.js';
import { zonedCast } from '../../src/sql/expressions/zoned-casts.js';

const ZONES = [
  'Europe/Berlin',
  'America/Los_Angeles',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Sao_Paulo',
  'Asia/Shanghai',
];
const MIN = Date.UTC(1900, 0, 1);
const MAX = Date.UTC(2100, 0, 1);
const HOUR = 3_600_000;

/** The offset at an instant from a formatter made for this one question. */
function oracleOffset(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const f = Object.fromEntries(parts.map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!);
  return wall - Math.floor(ms / 1000) * 1000;
}

const ltz = Types.timestampLtz(3);
const text = Types.STRING;
const zoneArb = fc.constantFrom(...ZONES);
/** Instants anywhere in range, and instants within hours of each zone's DST changes. */
const instantArb = fc.oneof(
  fc.integer({ min: MIN, max: MAX }),
  fc
    .tuple(
      fc.integer({ min: 1970, max: 2040 }),
      fc.constantFrom(2, 3, 9, 10, 11),
      fc.integer({ min: 0, max: 40 * 24 * HOUR }),
    )
    .map(([year, month, ms]) => Date.UTC(year, month, 1) + ms),
);

describe('session time zone', () => {
  test('cached offsets agree with ICU asked afresh, in any order of instants', () => {
    fc.assert(
      fc.property(zoneArb, fc.array(instantArb, { minLength: 1, maxLength: 40 }), (id, instants) => {
        const zone = timeZone(id);
        for (const ms of instants) expect(zone.offsetAt(ms)).toBe(oracleOffset(id, ms));
      }),
      { numRuns: 150 },
    );
  });

  test('TIMESTAMP_LTZ → STRING → TIMESTAMP_LTZ gives the instant back unless its wall clock repeats', () => {
    fc.assert(
      fc.property(zoneArb, instantArb, (id, ms) => {
        const zone = timeZone(id);
        const toText = zonedCast(ltz, text, false, zone)!;
        const toLtz = zonedCast(text, ltz, false, zone)!;
        const back = toLtz(toText(ms)) as number;
        const local = zone.toLocal(ms);
        const repeated = zone.fromLocal(local, false) !== zone.fromLocal(local, true);
        if (!repeated) expect(back).toBe(ms);
        else {
          // The earlier of the two instants that share the wall clock.
          expect(back).toBe(zone.fromLocal(local, false));
          expect(zone.toLocal(back)).toBe(local);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('STRING → TIMESTAMP_LTZ → STRING gives the text back unless the clocks skipped it', () => {
    fc.assert(
      fc.property(zoneArb, instantArb, (id, wallMs) => {
        const zone = timeZone(id);
        const toLtz = zonedCast(text, ltz, false, zone)!;
        const toText = zonedCast(ltz, text, false, zone)!;
        const written = formatTimestamp(wallMs);
        const instant = toLtz(written) as number;
        const again = toText(instant) as string;
        const skipped = zone.toLocal(zone.fromLocal(wallMs)) !== wallMs;
        if (!skipped) expect(again).toBe(written);
        else {
          // Moved forward by the gap: later than written, by less than a day.
          const moved = parseTimestamp(again)!;
          expect(moved).toBeGreaterThan(wallMs);
          expect(moved - wallMs).toBeLessThan(24 * HOUR);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
