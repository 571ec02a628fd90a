/**
 * A TIMESTAMP compared with a TIMESTAMP_LTZ ({@link comparedOperands}) compares the instant its
 * wall clock names in the session's zone with the TIMESTAMP_LTZ's instant, as Flink casts the
 * TIMESTAMP to its common type with the TIMESTAMP_LTZ. In a zone of a fixed offset that instant is
 * the wall clock less the offset, so each operator must agree with comparing those numbers,
 * whichever side the TIMESTAMP is on; and a TIMESTAMP nested in a ROW, ARRAY or MAP equals a
 * nested TIMESTAMP_LTZ exactly when its instant does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SqlType, Types, withNullability } from '../catalog/types.js';
import { compileExpression } from './compiler.js';
import { call, field, type Rex } from './rex.js';
import { timeZone, withSessionTimeZone } from './time-zone.js';
import { comparedOperands } from './typer.js';

const TIMESTAMP = withNullability(Types.timestamp(3), true);
const LTZ = Object.freeze({ root: 'TIMESTAMP_LTZ', precision: 3, nullable: true }) as typeof TIMESTAMP;
const BOOLEAN = withNullability(Types.BOOLEAN, true);
const OPS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<>': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

const pad = (n: number) => String(n).padStart(2, '0');
/** Fixed offsets from -14:00 to +14:00 in quarter hours, as `GMT±hh:mm`. */
const offsetMinutes = fc.integer({ min: -56, max: 56 }).map((q) => q * 15);
const zoneId = (minutes: number) =>
  `GMT${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
/** Milliseconds over a few centuries, and near the instants the offsets make equal. */
const millis = fc.oneof(
  fc.integer({ min: -8_000_000_000_000, max: 8_000_000_000_000 }),
  fc.integer({ min: -100_000_000, max: 100_000_000 }),
);

function compiledIn(zone: string, op: string, tsFirst: boolean) {
  const ts = field('ts', TIMESTAMP);
  const ltz = field('ltz', LTZ);
  const args = comparedOperands(tsFirst ? ts : ltz, tsFirst ? ltz : ts);
  const rex: Rex = call(op, args, BOOLEAN);
  return withSessionTimeZone(timeZone(zone), () => compileExpression(rex));
}

describe('a TIMESTAMP compared with a TIMESTAMP_LTZ', () => {
  it('casts the TIMESTAMP side only, to TIMESTAMP_LTZ', () => {
    const [a, b] = comparedOperands(field('ts', TIMESTAMP), field('ltz', LTZ));
    expect(a.kind === 'call' && a.op === 'CAST' && a.type.root === 'TIMESTAMP_LTZ').toBe(true);
    expect(b).toEqual(field('ltz', LTZ));
    const [c, d] = comparedOperands(field('x', TIMESTAMP), field('y', TIMESTAMP));
    expect([c, d]).toEqual([field('x', TIMESTAMP), field('y', TIMESTAMP)]);
  });

  it('compares the instant the wall clock names in the session zone', () => {
    fc.assert(
      fc.property(
        offsetMinutes,
        fc.constantFrom(...Object.keys(OPS)),
        fc.boolean(),
        millis,
        fc.option(millis, { nil: undefined }),
        (minutes, op, tsFirst, wall, near) => {
          // Half the time the instant is the wall clock's own, give or take a little.
          const instant = near === undefined ? wall - minutes * 60_000 + (wall % 3) : near;
          const fn = compiledIn(zoneId(minutes), op, tsFirst);
          const named = wall - minutes * 60_000;
          const expected = tsFirst ? OPS[op]!(named, instant) : OPS[op]!(instant, named);
          expect(fn({ ts: wall, ltz: instant })).toBe(expected);
          expect(fn({ ts: null, ltz: instant })).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('nested in a ROW, ARRAY or MAP, equals the TIMESTAMP_LTZ of the instant its wall clock names', () => {
    /** A shape that wraps a value into a nested one, and the type it makes of the value's type. */
    type Shape = { wrap: (v: unknown) => unknown; type: (t: SqlType) => SqlType };
    const leaf: Shape = { wrap: (v) => v, type: (t) => t };
    const nest = (inner: Shape, kind: 'ROW' | 'ARRAY' | 'MAP_KEY' | 'MAP_VALUE'): Shape => ({
      wrap: (v) =>
        kind === 'ROW'
          ? { a: 1, b: inner.wrap(v) }
          : kind === 'ARRAY'
            ? [inner.wrap(v)]
            : kind === 'MAP_KEY'
              ? new Map([[inner.wrap(v), 1]])
              : new Map([['k', inner.wrap(v)]]),
      type: (t) =>
        Object.freeze(
          kind === 'ROW'
            ? {
                root: 'ROW',
                nullable: true,
                fields: [
                  { name: 'a', type: Types.INT },
                  { name: 'b', type: inner.type(t) },
                ],
              }
            : kind === 'ARRAY'
              ? { root: 'ARRAY', nullable: true, element: inner.type(t) }
              : kind === 'MAP_KEY'
                ? { root: 'MAP', nullable: true, key: inner.type(t), value: Types.INT }
                : { root: 'MAP', nullable: true, key: Types.STRING, value: inner.type(t) },
        ) as SqlType,
    });
    const shape = fc
      .array(fc.constantFrom('ROW', 'ARRAY', 'MAP_KEY', 'MAP_VALUE') as fc.Arbitrary<'ROW'>, {
        minLength: 1,
        maxLength: 3,
      })
      .map((kinds) => kinds.reduce(nest, leaf));
    fc.assert(
      fc.property(
        offsetMinutes,
        shape,
        fc.boolean(),
        millis,
        fc.boolean(),
        (minutes, s, tsFirst, wall, same) => {
          const named = wall - minutes * 60_000;
          const instant = same ? named : named + 1;
          const ts = field('ts', s.type(TIMESTAMP));
          const ltz = field('ltz', s.type(LTZ));
          const rex: Rex = call('=', comparedOperands(tsFirst ? ts : ltz, tsFirst ? ltz : ts), BOOLEAN);
          const fn = withSessionTimeZone(timeZone(zoneId(minutes)), () => compileExpression(rex));
          expect(fn({ ts: s.wrap(wall), ltz: s.wrap(instant) })).toBe(same);
        },
      ),
      { numRuns: 500 },
    );
  });
});
