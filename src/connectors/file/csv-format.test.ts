import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readAll } from '../common/testing.js';
import { CsvFormat, type CsvFormatOptions } from './csv-format.js';
import { CsvRecordParser, formatCsvRecord } from './csv-parser.js';
import { FileSource } from './file-source.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function readCsv<T>(text: string, options: CsvFormatOptions = {}, chunkSize = 64 * 1024) {
  const path = join(dir, `in${n++}.csv`);
  writeFileSync(path, text);
  const source = FileSource.forRecordFormat(new CsvFormat<T>(options), path).withChunkSize(chunkSize).build();
  return (await readAll(source)).records;
}

describe('CsvRecordParser', () => {
  const parse = (...lines: string[]) => {
    const parser = new CsvRecordParser(',');
    return lines.map((l, i) => parser.push(l, '\n', i + 1));
  };

  it('handles quotes, doubled quotes, delimiters and line breaks inside quotes', () => {
    expect(parse('a,"b,c","say ""hi"""')).toEqual([['a', 'b,c', 'say "hi"']]);
    expect(parse('1,"two', 'lines",3')).toEqual([undefined, ['1', 'two\nlines', '3']]);
    expect(parse('x,,"",')).toEqual([['x', '', '', '']]);
    expect(parse('ab"c,d')).toEqual([['ab"c', 'd']]);
  });

  it('rejects text after a closing quote and an unterminated quote', () => {
    expect(() => parse('"a"b,c')).toThrow(/text after the closing quote of column 1/);
    const parser = new CsvRecordParser(',');
    parser.push('"open', '\n', 4);
    expect(() => parser.finish()).toThrow(/unterminated quoted field/);
  });
});

describe('CsvFormat', () => {
  it('maps rows to objects by header name and converts typed columns', async () => {
    const records = await readCsv('id,name,active\r\n1,"Smith, J",true\r\n2,Ann,\r\n', {
      types: { id: 'number', active: 'boolean' },
    });
    expect(records).toEqual([
      { id: 1, name: 'Smith, J', active: true },
      { id: 2, name: 'Ann', active: null },
    ]);
  });

  it('uses explicit columns, a custom delimiter, and strips a byte-order mark', async () => {
    expect(await readCsv('\uFEFFa;1\nb;2\n', { columns: ['k', 'v'], delimiter: ';' })).toEqual([
      { k: 'a', v: '1' },
      { k: 'b', v: '2' },
    ]);
    expect(
      await readCsv('\uFEFFh1;h2\nb;2\n', { columns: ['k', 'v'], header: true, delimiter: ';' }),
    ).toEqual([{ k: 'b', v: '2' }]);
  });

  it('round-trips any records through a file, across chunk boundaries', async () => {
    const field = fc.string({
      unit: fc.constantFrom('a', 'Z', ',', '"', '\n', '\r\n', ' ', 'é', '😀'),
      maxLength: 8,
    });
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((w) => fc.array(fc.array(field, { minLength: w, maxLength: w }), { maxLength: 12 })),
        fc.integer({ min: 1, max: 40 }),
        async (rows, chunkSize) => {
          const text = rows.map((r) => formatCsvRecord(r) + '\r\n').join('');
          expect(await readCsv(text, { header: false }, chunkSize)).toEqual(rows);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('rejects bad options with one-line errors', () => {
    expect(() => new CsvFormat({ delimiter: '"' })).toThrow(/delimiter must be a non-empty string/);
    expect(() => new CsvFormat({ columns: [] })).toThrow(/columns must be a non-empty array/);
    expect(() => new CsvFormat({ types: { a: 'date' as 'number' } })).toThrow(/types.a must be/);
    expect(() => new CsvFormat({ onMalformed: 'ignore' as 'skip' })).toThrow(
      /onMalformed must be 'fail' or 'skip'/,
    );
  });
});

describe('CsvFormat errors', () => {
  it('names the first line of a multi-line record with the wrong column count', async () => {
    await expect(readCsv('a,b\n1,"x\ny",3\n')).rejects.toThrow(
      /in\d+\.csv:2: malformed CSV record: expected 2 columns but found 3;/,
    );
  });

  it('rejects a value that is not a number in a number column', async () => {
    await expect(readCsv('a\n1\nzz\n', { types: { a: 'number' } })).rejects.toThrow(
      /:3: .*column a: "zz" is not a number/,
    );
  });
});
