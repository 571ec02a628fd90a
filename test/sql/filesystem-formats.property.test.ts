/**
 * Property tests of the filesystem connector's row formats: any row of the supported types,
 * NULLs included, encoded by the json or csv writer and decoded by the matching reader (fed
 * lines as the file reader cuts them) comes back equal.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LineDecoder } from '../../src/connectors/file/index.js';
import type { CatalogColumn } from '../../src/sql/catalog/catalog.js';
import { resolveType } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import {
  CsvRowFormat,
  type CsvRowOptions,
  csvRowEncoder,
} from '../../src/sql/connectors/formats/csv-row-format.js';
import { JsonRowFormat, jsonRowEncoder } from '../../src/sql/connectors/formats/json-row-format.js';
import { parseDataType } from '../../src/sql/parser/parse.js';
import { MAX_LONG, MIN_LONG, wrapLong } from '../../src/sql/expressions/long.js';

const column = (name: string, type: string): CatalogColumn => ({
  name,
  type: resolveType(parseDataType(type)),
});

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 5 });
const double = fc.double().map((d) => (Object.is(d, -0) ? 0 : d));
const decimal = fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 100);
const date = fc.integer({ min: 0, max: 2_932_896 }); // 1970-01-01 to 9999-12-31
const time = fc.integer({ min: 0, max: 86_399_999 });
const timestamp = fc.integer({ min: 0, max: 253_402_300_799_999 });
/** BIGINT values in their canonical form (expressions/long.ts), past 2^53 too. */
const long = fc
  .oneof(fc.maxSafeInteger().map(BigInt), fc.bigInt({ min: MIN_LONG, max: MAX_LONG }))
  .map(wrapLong);

/** Feeds `text` to a decoder line by line, as FileSourceReader does, and returns its rows. */
function decodeAll(decoder: LineDecoder<Row>, text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const crlf = raw.endsWith('\r');
    const result = decoder.decode(crlf ? raw.slice(0, -1) : raw, crlf ? '\r\n' : '\n', i + 1);
    if (typeof result !== 'symbol') rows.push(result);
  });
  decoder.finish();
  return rows;
}

describe('json rows', () => {
  const columns = [
    column('i', 'INT'),
    column('b', 'BIGINT'),
    column('d', 'DOUBLE'),
    column('dec', 'DECIMAL(12, 2)'),
    column('s', 'STRING'),
    column('ok', 'BOOLEAN'),
    column('dt', 'DATE'),
    column('tm', 'TIME(3)'),
    column('ts', 'TIMESTAMP(3)'),
    column('ltz', 'TIMESTAMP_LTZ(3)'),
    column('bin', 'BYTES'),
    column('arr', 'ARRAY<ROW<x INT, y STRING>>'),
    column('m', 'MAP<STRING, ARRAY<DOUBLE>>'),
  ];
  const row = fc.record({
    i: nullable(fc.integer()),
    b: nullable(long),
    d: nullable(double),
    dec: nullable(decimal),
    s: nullable(fc.string({ unit: 'binary' })),
    ok: nullable(fc.boolean()),
    dt: nullable(date),
    tm: nullable(time),
    ts: nullable(timestamp),
    ltz: nullable(timestamp),
    bin: nullable(fc.uint8Array()),
    arr: nullable(fc.array(nullable(fc.record({ x: nullable(fc.integer()), y: nullable(fc.string()) })))),
    m: nullable(fc.array(fc.tuple(fc.string(), nullable(fc.array(nullable(double))))).map((e) => new Map(e))),
  });

  test.each(['SQL', 'ISO-8601'] as const)('round trip with %s timestamps', (standard) => {
    const encode = jsonRowEncoder(columns, standard);
    const format = new JsonRowFormat(columns, {
      ignoreParseErrors: false,
      failOnMissingField: true,
      timestampStandard: standard,
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 5 }), (rows) => {
        const text = rows.map((r) => encode(r)).join('');
        expect(decodeAll(format.createDecoder('/in.json'), text)).toEqual(rows);
      }),
    );
  });
});

describe('csv rows', () => {
  const columns = [
    column('i', 'INT'),
    column('d', 'DOUBLE'),
    column('dec', 'DECIMAL(12, 2)'),
    column('s', 'STRING'),
    column('ok', 'BOOLEAN'),
    column('dt', 'DATE'),
    column('tm', 'TIME(3)'),
    column('ts', 'TIMESTAMP(3)'),
    column('bin', 'BYTES'),
    column('arr', 'ARRAY<BIGINT>'),
    column('r', 'ROW<x INT, y BOOLEAN>'),
  ];
  const NULL = '\\N';
  const row = fc.record({
    i: nullable(fc.integer()),
    d: nullable(double),
    dec: nullable(decimal),
    // Any text but the null literal itself, line breaks and quotes included.
    s: nullable(fc.string({ unit: 'binary' }).filter((s) => s !== NULL)),
    ok: nullable(fc.boolean()),
    dt: nullable(date),
    tm: nullable(time),
    ts: nullable(timestamp),
    bin: nullable(fc.uint8Array({ minLength: 1 })),
    // An empty array, and one holding a single NULL, have the text of a NULL array.
    arr: nullable(fc.array(nullable(long), { minLength: 1 }).filter((a) => a.length > 1 || a[0] !== null)),
    r: nullable(fc.record({ x: nullable(fc.integer()), y: nullable(fc.boolean()) })),
  });

  const variants: [string, Partial<CsvRowOptions>][] = [
    ['comma and double quote', {}],
    ['tab and single quote', { fieldDelimiter: '\t', quote: "'" }],
    ['pipe and no quoting of safe text', { fieldDelimiter: '|', quote: '"', arrayElementDelimiter: ':' }],
  ];
  test.each(variants)('round trip with %s', (_name, variant) => {
    const options: CsvRowOptions = {
      fieldDelimiter: ',',
      quote: '"',
      allowComments: false,
      ignoreParseErrors: false,
      nullLiteral: NULL,
      arrayElementDelimiter: ';',
      ...variant,
    };
    const encode = csvRowEncoder(columns, options);
    const format = new CsvRowFormat(columns, options);
    fc.assert(
      fc.property(fc.array(row, { maxLength: 5 }), (rows) => {
        const text = rows.map((r) => encode(r)).join('');
        expect(decodeAll(format.createDecoder('/in.csv'), text)).toEqual(rows);
      }),
    );
  });
});
