/**
 * The csv and json table formats write DOUBLE and FLOAT columns as Flink's Jackson writers do,
 * with Java's Double.toString/Float.toString text (`100.0`, `1.0E10`, `1.0E-5`), DECIMAL with
 * its scale, and NaN/Infinity as JSON strings; the text reads back as the same value.
 */
import { describe, expect, test } from 'vitest';
import { type SqlType, Types } from '../../src/sql/catalog/types.js';
import { csvFieldReader, csvRowEncoder } from '../../src/sql/connectors/formats/csv-row-format.js';
import { jsonRowEncoder } from '../../src/sql/connectors/formats/json-row-format.js';

const columns = [
  { name: 'd', type: Types.DOUBLE },
  { name: 'f', type: Object.freeze({ root: 'FLOAT', nullable: true }) as SqlType },
  { name: 'm', type: Types.decimal(6, 2) },
];

const rows = [
  { d: 1e10, f: 0.001, m: 1.5 },
  { d: 100, f: 1e-5, m: -3 },
  { d: 0.30000000000000004, f: 1 / 3, m: 0 },
];

describe('number text in the table formats', () => {
  test('csv writes Java number text and reads it back', () => {
    const encode = csvRowEncoder(columns, {
      fieldDelimiter: ',',
      quote: '"',
      allowComments: false,
      ignoreParseErrors: false,
      nullLiteral: undefined,
      arrayElementDelimiter: ';',
    });
    expect(rows.map(encode).join('')).toBe(
      '1.0E10,0.001,1.50\n100.0,1.0E-5,-3.00\n0.30000000000000004,0.33333334,0.00\n',
    );
    const readDouble = csvFieldReader(Types.DOUBLE);
    expect(readDouble('1.0E10')).toBe(1e10);
    expect(readDouble('1.0E-5')).toBe(1e-5);
  });

  test('json writes Java number text, NaN and the infinities as strings', () => {
    const encode = jsonRowEncoder(columns, 'SQL');
    expect(encode(rows[0]!)).toBe('{"d":1.0E10,"f":0.001,"m":1.50}\n');
    expect(encode(rows[1]!)).toBe('{"d":100.0,"f":1.0E-5,"m":-3.00}\n');
    expect(encode({ d: Number.NaN, f: Number.POSITIVE_INFINITY, m: null })).toBe(
      '{"d":"NaN","f":"Infinity","m":null}\n',
    );
    expect(JSON.parse(encode(rows[2]!))).toEqual({ d: 0.30000000000000004, f: 0.33333334, m: 0 });
  });
});
