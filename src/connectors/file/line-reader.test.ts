import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LineReader } from './line-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;

async function readLines(path: string, offset: number, chunkSize: number) {
  const reader = new LineReader(path, offset, chunkSize);
  const lines: { line: string; terminator: string; next: number }[] = [];
  for (;;) {
    const status = reader.next();
    if (status === 'eof') break;
    if (status === 'wait') await reader.whenReady();
    else lines.push({ line: reader.line, terminator: reader.terminator, next: reader.nextOffset });
  }
  await reader.close();
  return lines;
}

// Characters of 1 to 4 UTF-8 bytes, so that random chunk sizes cut through them.
const char = fc.constantFrom('a', 'b', ' ', 'é', 'ß', '€', '中', '😀', '\r', ',');
const lineArb = fc.array(char, { maxLength: 40 }).map((cs) => cs.join(''));

describe('LineReader', () => {
  it('returns exactly the original lines for any chunk size, with exact byte offsets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n')), { maxLength: 30 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 70 }),
        async (rows, finalNewline, chunkSize) => {
          // A line may not end in '\r' when the next terminator is '\n': that would read as '\r\n'.
          const clean = rows.map(([l, t]) => [l.replace(/\r+$/, ''), t] as const);
          let text = clean.map(([l, t]) => l + t).join('');
          if (!finalNewline && clean.length > 0) text = text.slice(0, -clean[clean.length - 1][1].length);
          const path = join(dir, `f${fileCounter++}`);
          writeFileSync(path, text);
          const lines = await readLines(path, 0, chunkSize);
          const expected = clean.map(([l]) => l);
          // Without a final newline an empty last line does not exist as a line.
          if (!finalNewline && expected.length > 0 && expected[expected.length - 1] === '') expected.pop();
          expect(lines.map((l) => l.line)).toEqual(expected);
          // Every offset is the byte length of the text up to and including that line.
          let end = 0;
          const offsets = clean.map(([l, t]) => (end += Buffer.byteLength(l + t)));
          offsets.length = lines.length;
          if (offsets.length > 0)
            offsets[offsets.length - 1] = Math.min(offsets[offsets.length - 1], Buffer.byteLength(text));
          expect(lines.map((l) => l.next)).toEqual(offsets);
          // Resuming at any line's end offset gives the remaining lines.
          if (lines.length > 1) {
            const k = Math.floor(lines.length / 2);
            const rest = await readLines(path, lines[k - 1].next, chunkSize);
            expect(rest.map((l) => l.line)).toEqual(lines.slice(k).map((l) => l.line));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports terminators, and a last line without a newline', async () => {
    const path = join(dir, 'terminators');
    writeFileSync(path, 'a\r\nb\nc');
    const lines = await readLines(path, 0, 2);
    expect(lines).toEqual([
      { line: 'a', terminator: '\r\n', next: 3 },
      { line: 'b', terminator: '\n', next: 5 },
      { line: 'c', terminator: '', next: 6 },
    ]);
  });

  it('fails with an IO error naming a missing file', async () => {
    const reader = new LineReader(join(dir, 'nope'), 0);
    expect(reader.next()).toBe('wait');
    await reader.whenReady();
    expect(() => reader.next()).toThrow(/cannot read .*nope/);
  });
});
