/**
 * The probe bounds a regular join derives from its condition (expiring-probe-bound.ts): for a
 * conjunct `X + a <= T + b` (any of <=, <, >=, >, either side's column on either end), every
 * pair the compiled conjunct accepts has the stored row's time at least the probing row's time
 * plus the bound's offset, and at exactly that time a `<=` pair is accepted (the bound skips
 * nothing it need not). Casts and names on both sides give no bound.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type SqlType, Types } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { call, field, literal, type Rex } from '../../src/sql/expressions/rex.js';
import { probeBounds, StoredTimes } from '../../src/sql/planner/join/expiring-probe-bound.js';

const TIMESTAMP = Types.timestamp(3);
const INTERVAL: SqlType = Object.freeze({
  root: 'INTERVAL_DAY_TIME',
  nullable: false,
  intervalField: 'SECOND',
});

/** `column + ms`, `column - ms` or `ms + column`, as the planner has them. */
const shifted = (column: Rex, ms: number, form: number): Rex =>
  ms === 0
    ? column
    : form === 0
      ? call('+', [column, literal(ms, INTERVAL)], column.type)
      : form === 1
        ? call('-', [column, literal(-ms, INTERVAL)], column.type)
        : call('+', [literal(ms, INTERVAL), column], column.type);

const LEFT = [{ name: 'l', type: TIMESTAMP }];
const RIGHT = [{ name: 'r', type: TIMESTAMP }];

describe('join probe bounds', () => {
  test('a pair the conjunct accepts is never outside its bound, and the bound is tight', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('<=', '<', '>=', '>'),
        fc.boolean(),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.integer({ min: -100_000, max: 100_000 }),
        fc.nat(2),
        fc.nat(2),
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: -300_000, max: 300_000 }),
        (op, leftFirst, a, b, formA, formB, x, d) => {
          const first = shifted(field(leftFirst ? 'l' : 'r', TIMESTAMP), a, formA);
          const second = shifted(field(leftFirst ? 'r' : 'l', TIMESTAMP), b, formB);
          const condition = call(op, [first, second], Types.BOOLEAN);
          const bounds = probeBounds(condition, LEFT, RIGHT);
          // The smaller end's side probes: it is the first operand of < and <=.
          const probingLeft = (op === '<=' || op === '<') === leftFirst;
          const bound = probingLeft ? bounds.left : bounds.right;
          expect(probingLeft ? bounds.right : bounds.left).toBeUndefined();
          expect(bound?.column).toBe(probingLeft ? 'l' : 'r');
          expect(bound?.storedColumn).toBe(probingLeft ? 'r' : 'l');
          const accepts = compileExpression(condition);
          const pair = (probe: number, stored: number) =>
            accepts(probingLeft ? { l: probe, r: stored } : { l: stored, r: probe }) === true;
          const least = x + bound!.offsetMs;
          // A stored time below the least one never matches; at or above it, it may.
          const stored = least + d;
          if (pair(x, stored)) expect(stored).toBeGreaterThanOrEqual(least);
          if (op === '<=' || op === '>=') expect(pair(x, least)).toBe(true);
          // StoredTimes says the same of a side whose latest stored time is `stored`.
          const times = new StoredTimes(bounds);
          times.note(probingLeft ? { l: null, r: stored } : { l: stored, r: null }, !probingLeft);
          const probe = probingLeft ? { l: x, r: null } : { l: null, r: x };
          if (pair(x, stored)) expect(times.mayMatch(probe, probingLeft)).toBe(true);
          expect(times.mayMatch(probe, probingLeft)).toBe(stored >= least);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('no bound from a cast, a column of both sides, two columns of one side, or an equality', () => {
    const l = field('l', TIMESTAMP);
    const r = field('r', TIMESTAMP);
    const cast = call('CAST', [l], Types.timestampLtz(3));
    const both = [{ name: 'l', type: TIMESTAMP }];
    expect(probeBounds(call('<=', [cast, r], Types.BOOLEAN), LEFT, RIGHT)).toEqual({});
    expect(probeBounds(call('<=', [l, r], Types.BOOLEAN), LEFT, [...RIGHT, ...both])).toEqual({});
    expect(
      probeBounds(
        call('<=', [l, field('m', TIMESTAMP)], Types.BOOLEAN),
        [...LEFT, { name: 'm', type: TIMESTAMP }],
        RIGHT,
      ),
    ).toEqual({});
    expect(probeBounds(call('=', [l, r], Types.BOOLEAN), LEFT, RIGHT)).toEqual({});
  });

  test('a NULL probing time matches nothing; a time that is no number, or a side that stored nothing timed', () => {
    const times = new StoredTimes({ left: { column: 'l', offsetMs: 0, storedColumn: 'r' } });
    // Nothing stored on the right yet: no left row can match.
    expect(times.mayMatch({ l: 5 }, true)).toBe(false);
    times.note({ r: 10 }, false);
    expect(times.mayMatch({ l: 10 }, true)).toBe(true);
    expect(times.mayMatch({ l: 11 }, true)).toBe(false);
    expect(times.mayMatch({ l: null }, true)).toBe(false);
    // A value that is no number is never skipped, and stored, bounds nothing.
    expect(times.mayMatch({ l: 'x' }, true)).toBe(true);
    times.note({ r: 'x' }, false);
    expect(times.mayMatch({ l: 1e15 }, true)).toBe(true);
    // The right side's probes are not bounded.
    expect(times.mayMatch({ r: 1 }, false)).toBe(true);
  });
});
