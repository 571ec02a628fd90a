/**
 * The refusal of a query column its sink column does not take implicitly names a CAST only
 * where that CAST is allowed: over pairs of types, a refusal that says `write CAST(…)` names a
 * type the query's casts to explicitly, and one that does not is a pair no CAST joins.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LENGTH, type SqlType, Types } from '../catalog/types.js';
import { castable } from '../expressions/castable.js';
import { sinkColumnRex } from './sink-casts.js';

const type: fc.Arbitrary<SqlType> = fc.constantFrom<SqlType>(
  Types.BOOLEAN,
  Types.INT,
  Types.BIGINT,
  Types.DOUBLE,
  Types.decimal(10, 2),
  Types.STRING,
  { root: 'CHAR', nullable: true, length: 3 },
  { root: 'VARBINARY', nullable: true, length: MAX_LENGTH },
  { root: 'BINARY', nullable: true, length: 2 },
  Types.DATE,
  Types.TIME,
  Types.timestamp(3),
  Types.timestampLtz(6),
  Types.INTERVAL_YEAR_MONTH,
  Types.INTERVAL_DAY_TIME,
  { root: 'ARRAY', nullable: true, element: Types.INT },
  { root: 'ARRAY', nullable: true, element: Types.INTERVAL_YEAR_MONTH },
  Types.multiset(Types.INT),
  { root: 'MAP', nullable: true, key: Types.INT, value: Types.INT },
);

function refusal(from: SqlType, to: SqlType): string | undefined {
  try {
    sinkColumnRex({ name: 'v', type: from }, { name: 'c', type: to }, 'sink', undefined);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('the sink refusal names a CAST only where it is allowed', () => {
  it('suggests CAST exactly when the CAST is allowed', () => {
    fc.assert(
      fc.property(type, type, (from, to) => {
        const message = refusal(from, to);
        if (message === undefined) return;
        expect(message.includes('write CAST(')).toBe(castable(from, to));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses an INTERVAL MONTH into an INTERVAL SECOND column without a CAST to write', () => {
    const message = refusal(Types.INTERVAL_YEAR_MONTH, Types.INTERVAL_DAY_TIME);
    expect(message).toContain('no CAST turns one into the other');
    expect(message).not.toContain('write CAST(');
  });
});
