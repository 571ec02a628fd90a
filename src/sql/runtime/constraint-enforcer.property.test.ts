/**
 * Properties of the sink enforcer against a model of what Flink's TRIM_PAD, ERROR and DROP give:
 * a fitted value is its input's first n characters (code points) or bytes, padded to n for
 * CHAR/BINARY; fitting is idempotent; ERROR fails exactly where TRIM_PAD would change a value or
 * a NOT NULL column holds NULL, and DROP drops exactly the rows with such a NULL.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LengthColumn, SinkConstraints } from '../planner/sink-constraints.js';
import { fitBytes, fitChars } from '../expressions/fit-length.js';
import { rowEnforcer } from './constraint-enforcer.js';

const column = (kind: 'chars' | 'bytes') =>
  fc.record({
    name: fc.constant('c'),
    kind: fc.constant(kind),
    length: fc.integer({ min: 1, max: 8 }),
    fixed: fc.boolean(),
  });
// A lone high surrogate too: it counts as one character, as in the model.
const text = fc.string({ unit: fc.constantFrom('a', 'é', '😀', ' ', 'z', '\ud83d'), maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 12 });

describe('fitting values to a length', () => {
  it('keeps the first n code points of text, padded with spaces to n for CHAR', () => {
    fc.assert(
      fc.property(text, column('chars'), (value, c: LengthColumn) => {
        const points = [...value];
        const fitted = fitChars(value, c.length, c.fixed);
        const kept = points.slice(0, c.length);
        const expected = c.fixed ? [...kept, ...Array(c.length - kept.length).fill(' ')] : kept;
        expect([...fitted]).toEqual(expected);
        expect(fitChars(fitted, c.length, c.fixed)).toBe(fitted);
        if (points.length === c.length || (!c.fixed && points.length < c.length)) expect(fitted).toBe(value);
      }),
    );
  });

  it('keeps the first n bytes, padded with zero bytes to n for BINARY', () => {
    fc.assert(
      fc.property(bytes, column('bytes'), (value, c: LengthColumn) => {
        const before = [...value];
        const fitted = fitBytes(value, c.length, c.fixed);
        const kept = [...value.slice(0, c.length)];
        const expected = c.fixed ? [...kept, ...Array(c.length - kept.length).fill(0)] : kept;
        expect([...fitted]).toEqual(expected);
        expect(fitBytes(fitted, c.length, c.fixed)).toBe(fitted);
        // The input is never written to: a sink's upstream may still hold it.
        expect([...value]).toEqual(before);
      }),
    );
  });
});

describe('rows through the enforcer', () => {
  const rows = fc.array(
    fc.record({ k: fc.option(fc.integer(), { nil: null }), c: fc.option(text, { nil: null }) }),
    {
      maxLength: 10,
    },
  );

  it('ERROR fails exactly where TRIM_PAD changes a value or a NOT NULL column is NULL; DROP drops those NULL rows', () => {
    fc.assert(
      fc.property(rows, column('chars'), (input, c: LengthColumn) => {
        const trim: SinkConstraints = { lengths: { enforcer: 'trim_pad', columns: [c] } };
        const strict: SinkConstraints = {
          notNull: { enforcer: 'error', columns: ['k'] },
          lengths: { enforcer: 'error', columns: [c] },
        };
        const drop: SinkConstraints = { notNull: { enforcer: 'drop', columns: ['k'] } };
        const trimmed = rowEnforcer(trim, "table 't'");
        const checked = rowEnforcer(strict, "table 't'");
        const dropped = rowEnforcer(drop, "table 't'");
        for (const row of input) {
          const snapshot = { ...row };
          const fitted = trimmed(row)!;
          const breaks = row.k === null || fitted.c !== row.c;
          if (breaks) expect(() => checked(row)).toThrow(row.k === null ? "column 'k'" : "column 'c'");
          else expect(checked(row)).toBe(row);
          expect(dropped(row)).toBe(row.k === null ? undefined : row);
          expect(row).toEqual(snapshot);
        }
      }),
    );
  });
});
