/**
 * Property test of the partition path of a row, which the filesystem sink computes once per
 * distinct partition and then finds by the row's values: over random rows of one to three
 * partition columns (strings with characters that need escaping, integers, NULL and ''), in
 * any order and repeating, every path is the one built from scratch for that row alone.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type SqlType, Types } from '../../src/sql/catalog/types.js';
import {
  DEFAULT_PARTITION_NAME,
  escapePartitionValue,
  partitionPathOf,
} from '../../src/sql/connectors/filesystem-partitions.js';

/** The path of one row, built from its values with nothing kept between rows. */
function pathFromScratch(
  keys: readonly { name: string; type: SqlType }[],
  row: Record<string, unknown>,
): string {
  return keys
    .map(({ name }) => {
      const value = row[name];
      const text = value === null || value === undefined ? '' : String(value);
      return `${name}=${text === '' ? DEFAULT_PARTITION_NAME : escapePartitionValue(text)}`;
    })
    .join('/');
}

const stringValue = fc.option(fc.constantFrom('', 'a', 'b', '10:20', 'x/y', '50%', 'a=b', '2024-01-02'), {
  nil: null,
});
const intValue = fc.option(fc.integer({ min: -3, max: 3 }), { nil: null });

describe('partition path of a row', () => {
  test('is the path built from scratch, for rows in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }).chain((isString) =>
          fc.tuple(
            fc.constant(isString.map((s, i) => ({ name: `k${i}`, type: s ? Types.STRING : Types.BIGINT }))),
            fc.array(fc.tuple(...isString.map((s) => (s ? stringValue : intValue))), {
              minLength: 1,
              maxLength: 60,
            }),
          ),
        ),
        ([keys, rows]) => {
          const pathOf = partitionPathOf(keys, DEFAULT_PARTITION_NAME);
          for (const values of rows) {
            const row = Object.fromEntries(values.map((v, i) => [`k${i}`, v]));
            expect(pathOf(row)).toBe(pathFromScratch(keys, row));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
