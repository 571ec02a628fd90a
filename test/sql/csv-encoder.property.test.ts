/**
 * Property test of the csv row encoder, which is generated once per schema and skips the
 * quoting test on columns whose text cannot need it: for random schemas, delimiters, quote
 * characters and null literals, every row's record is the one the field-by-field encoding it
 * replaced gives (each value's text, then `formatCsvRecord`), timestamps of nearby and far
 * seconds in any order included, which exercises the timestamp writers' last-second cache.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatCsvRecord } from '../../src/connectors/file/index.js';
import { javaDoubleText } from '../../src/sql/functions/java-number-text.js';
import { type SqlType, Types } from '../../src/sql/catalog/types.js';
import { type CsvRowOptions, csvRowEncoder } from '../../src/sql/connectors/formats/csv-row-format.js';
import { dateText, timestampText } from '../../src/sql/connectors/formats/text-values.js';

interface ColumnKind {
  readonly type: SqlType;
  readonly value: fc.Arbitrary<unknown>;
  /** The field text of a non-null value, as the encoder wrote it per field before. */
  readonly text: (value: unknown) => string;
}

const BASE_MS = 1_700_000_000_000;
const nearbyMs = fc.oneof(
  fc.integer({ min: BASE_MS - 5000, max: BASE_MS + 5000 }),
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
);

const KINDS: readonly ColumnKind[] = [
  { type: Types.BIGINT, value: fc.integer({ min: -1e12, max: 1e12 }), text: String },
  { type: Types.INT, value: fc.integer(), text: String },
  { type: Types.BOOLEAN, value: fc.boolean(), text: (v) => (v ? 'true' : 'false') },
  { type: Types.STRING, value: fc.string({ maxLength: 6 }), text: (v) => v as string },
  {
    type: Types.STRING,
    value: fc.constantFrom('a,b', 'say "hi"', 'x\ny', 'r\r', "it's", 'a;b', 'a|b', '1-2', ''),
    text: (v) => v as string,
  },
  { type: Types.DOUBLE, value: fc.double({ noNaN: true }), text: (v) => javaDoubleText(v as number) },
  { type: Types.timestamp(3), value: nearbyMs, text: (v) => timestampText(v as number, 'SQL', false) },
  { type: Types.timestampLtz(3), value: nearbyMs, text: (v) => timestampText(v as number, 'SQL', true) },
  {
    type: Types.DATE,
    value: fc.integer({ min: -100_000, max: 100_000 }),
    text: (v) => dateText(v as number),
  },
];

const options = fc.record({
  fieldDelimiter: fc.constantFrom(',', ';', '\t', '|', '-', ':', '1', 'a', ' ', 'T', 'ab'),
  quote: fc.constantFrom<string | null>('"', "'", null, '-', '1'),
  allowComments: fc.constant(false),
  ignoreParseErrors: fc.constant(false),
  nullLiteral: fc.constantFrom<string | undefined>(undefined, '', 'NULL', ',', '"'),
  arrayElementDelimiter: fc.constant(';'),
}) as fc.Arbitrary<CsvRowOptions>;

/** A schema (1–5 columns) and rows for it, some values NULL. */
const schemaAndRows = fc
  .array(fc.integer({ min: 0, max: KINDS.length - 1 }), { minLength: 1, maxLength: 5 })
  .chain((kinds) =>
    fc.tuple(
      fc.constant(kinds.map((k) => KINDS[k]!)),
      fc.array(fc.tuple(...kinds.map((k) => fc.option(KINDS[k]!.value, { nil: null, freq: 6 }))), {
        minLength: 1,
        maxLength: 30,
      }),
    ),
  );

describe('generated csv row encoder', () => {
  test("writes the field-by-field encoding's record for every row", () => {
    fc.assert(
      fc.property(options, schemaAndRows, (opts, [kinds, rows]) => {
        const columns = kinds.map((k, i) => ({ name: `c${i}`, type: k.type }));
        const encode = csvRowEncoder(columns, opts);
        for (const values of rows) {
          const row = Object.fromEntries(values.map((v, i) => [`c${i}`, v]));
          const texts = values.map((v, i) => (v === null ? (opts.nullLiteral ?? '') : kinds[i]!.text(v)));
          expect(encode(row)).toBe(`${formatCsvRecord(texts, opts.fieldDelimiter, opts.quote)}\n`);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('writes a missing column as NULL', () => {
    const encode = csvRowEncoder(
      [
        { name: 'a', type: Types.BIGINT },
        { name: 'b', type: Types.STRING },
      ],
      {
        fieldDelimiter: ',',
        quote: '"',
        allowComments: false,
        ignoreParseErrors: false,
        nullLiteral: 'N',
        arrayElementDelimiter: ';',
      },
    );
    expect(encode({ b: 'x,y' })).toBe('N,"x,y"\n');
  });
});
