/**
 * Byte-range splits of the file source: the union of the splits' lines is the file's lines, each
 * exactly once, whatever the split size, read buffer and content; a split resumes exactly from
 * a snapshot at any line; the enumerator hands splits out one at a time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decode, encode } from '../../types/codec.js';
import type { SourceReader } from '../../types/source.js';
import {
  drain,
  FakeEnumeratorContext,
  FakeReaderContext,
  FakeReaderOutput,
  readAll,
  replayAcrossSnapshot,
  SourceRun,
} from '../common/testing.js';
import { CsvFormat } from './csv-format.js';
import { DEFAULT_SPLIT_SIZE, type FileSplit, fileSplitId, newFileSplit, splitFile } from './file-split.js';
import { FileSource } from './file-source.js';
import { NdjsonFormat } from './ndjson-format.js';
import type { RecordFormat } from './record-format.js';
import { TextLineFormat } from './text-line-format.js';

let dir: string;
let fileCounter = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-filesplits-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(text: string, name = `f${fileCounter++}`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function reader<T>(
  format: RecordFormat<T>,
  splits: FileSplit[],
  chunkSize: number,
): SourceReader<T, FileSplit> {
  const r = FileSource.forRecordFormat(format, dir)
    .withChunkSize(chunkSize)
    .build()
    .createReader(new FakeReaderContext());
  r.addSplits(splits);
  r.notifyNoMoreSplits();
  return r;
}

async function readSplit<T>(format: RecordFormat<T>, split: FileSplit, chunkSize: number): Promise<T[]> {
  const r = reader(format, [split], chunkSize);
  const records = (await drain(r)).records;
  await r.close();
  return records;
}

/** What reading the file whole must give: lines cut at '\n', one '\r' before it (or at the end) dropped. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

// Pieces of 1 to 4 UTF-8 bytes, line breaks of both kinds, stray '\r', and lines longer than the read buffer.
const piece = fc.constantFrom('a', 'b', ' ', 'é', '€', '中', '😀', '\n', '\n', '\r\n', '\r', 'x'.repeat(37));
const contents = fc.array(piece, { maxLength: 80 }).map((pieces) => pieces.join(''));

/** The records per split of a run, in the order of the splits' starts. */
function bySplitInFileOrder<T>(records: Map<string, T[]>): T[][] {
  const start = (id: string) => Number(id.slice(id.lastIndexOf('#') + 1));
  return [...records.entries()].sort(([a], [b]) => start(a) - start(b)).map(([, r]) => r);
}

describe('splitFile', () => {
  it('cuts a file into contiguous ranges of the split size, the last one open-ended', () => {
    expect(splitFile('/d/f', 35, 10)).toEqual([
      { id: '/d/f#0', path: '/d/f', start: 0, end: 10, offset: 0, lineNumber: 1 },
      { id: '/d/f#10', path: '/d/f', start: 10, end: 20, offset: 10 },
      { id: '/d/f#20', path: '/d/f', start: 20, end: 30, offset: 20 },
      { id: '/d/f#30', path: '/d/f', start: 30, offset: 30 },
    ]);
  });

  it('keeps empty, small and barely larger files whole, and every file of a format that cannot be split', () => {
    const whole = [newFileSplit('/d/f')];
    expect(whole).toEqual([{ id: '/d/f#0', path: '/d/f', start: 0, offset: 0, lineNumber: 1 }]);
    expect(splitFile('/d/f', 0, 10)).toEqual(whole);
    expect(splitFile('/d/f', 10, 10)).toEqual(whole);
    // Up to 10% over the split size stays one split rather than leaving a sliver.
    expect(splitFile('/d/f', 11, 10)).toEqual(whole);
    expect(splitFile('/d/f', 12, 10).length).toBe(2);
    expect(splitFile('/d/f', 1e9, undefined)).toEqual(whole);
    expect(splitFile('/d/f', DEFAULT_SPLIT_SIZE, DEFAULT_SPLIT_SIZE)).toEqual(whole);
  });

  it('gives ids that differ for any two splits, even when a file name ends in #<digits>', () => {
    const ids = [...splitFile('/d/f', 30, 10), ...splitFile('/d/f#10', 5, 10)].map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(fileSplitId('/d/f#10', 0)).not.toBe(fileSplitId('/d/f', 10));
  });
});

describe('FileSource splits', () => {
  it('reads every line exactly once over all splits, in order within each, for any split size and content', async () => {
    await fc.assert(
      fc.asyncProperty(
        contents,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 16 }),
        async (text, splitSize, chunkSize) => {
          const path = write(text);
          const size = Buffer.byteLength(text);
          const splits = splitFile(path, size, splitSize);
          const perSplit: string[][] = [];
          for (const split of splits) perSplit.push(await readSplit(new TextLineFormat(), split, chunkSize));
          const whole = await readSplit(new TextLineFormat(), newFileSplit(path), chunkSize);
          expect(whole).toEqual(linesOf(text));
          expect(perSplit.flat()).toEqual(whole);
          // Each line went to the split that holds its first byte.
          let lineStart = 0;
          const owners: number[] = [];
          for (const line of text.split('\n')) {
            if (lineStart >= size) break;
            owners.push(splits.findLastIndex((s) => s.start <= lineStart));
            lineStart += Buffer.byteLength(line) + 1;
          }
          expect(perSplit.map((lines) => lines.length)).toEqual(
            splits.map((_, k) => owners.filter((o) => o === k).length),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads a split file at parallelism 1 to 4 with every line once, and NDJSON like text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 4, max: 64 }),
        fc.integer({ min: 1, max: 4 }),
        async (shapes, splitSize, parallelism) => {
          // Empty, blank, ASCII and multi-byte lines; NDJSON skips the first two.
          const records = shapes.map((shape, i) => ['', '  ', `{"i":${i}}`, `{"i":${i},"s":"é😀"}`][shape]);
          const path = write(`${records.join('\r\n')}\n`);
          const source = FileSource.forRecordFormat(new NdjsonFormat<{ i: number }>(), path)
            .withSplitSize(splitSize)
            .withChunkSize(8)
            .build();
          const run = SourceRun.start(source, parallelism);
          await run.drain();
          await run.close();
          const expected = records.filter((r) => r.trim() !== '').map((r) => JSON.parse(r) as { i: number });
          // Within a split the file's order holds, so the splits in file order give the file.
          expect(bySplitInFileOrder(run.bySplit()).flat()).toEqual(expected);
          const emitted = run.outputs.flatMap((o) => o.records);
          expect(emitted.length).toBe(expected.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('resumes a split from a snapshot at every line, without loss or duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(
        contents,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 64 }),
        async (text, splitSize, restoredChunkSize) => {
          const path = write(text);
          for (const split of splitFile(path, Buffer.byteLength(text), splitSize)) {
            const full = await readSplit(new TextLineFormat(), split, 64);
            // With one-byte reads each poll emits at most one line, so the snapshots below are
            // taken at every line of the split, before its partial first line is skipped too.
            const first = reader(new TextLineFormat(), [split], 1);
            const head = new FakeReaderOutput<string>();
            const snapshots: { emitted: number; splits: FileSplit[] }[] = [];
            for (;;) {
              const stored = decode<FileSplit[]>(encode(first.snapshotState(1)));
              snapshots.push({ emitted: head.records.length, splits: stored });
              const status = first.pollNext(head);
              if (status === 'end-of-input') break;
              if (status === 'nothing-available') await first.isAvailable();
            }
            await first.close();
            expect(head.records).toEqual(full);
            for (const { emitted, splits } of snapshots) {
              const tail =
                splits.length === 0
                  ? []
                  : await readSplit(new TextLineFormat(), splits[0]!, restoredChunkSize);
              expect([...full.slice(0, emitted), ...tail]).toEqual(full);
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('resumes in-progress splits exactly once at another parallelism', async () => {
    const unit = fc.constantFrom('a', 'é', '😀', ' ');
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.string({ unit, maxLength: 12 }), { maxLength: 30 }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(5), { maxLength: 30 }),
        fc.array(fc.nat(5), { maxLength: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(5), { maxLength: 8 }),
        async (files, splitSize, chunkSize, parallelism, before, after, restoredParallelism, deal) => {
          const runDir = join(dir, `run-${run++}`);
          mkdirSync(runDir);
          for (const [f, lines] of files.entries()) {
            writeFileSync(join(runDir, `f${f}`), lines.map((l) => `${l}\n`).join(''));
          }
          const result = await replayAcrossSnapshot(
            () =>
              FileSource.forRecordFormat(new TextLineFormat(), runDir)
                .withSplitSize(splitSize)
                .withChunkSize(chunkSize)
                .build(),
            { parallelism, before, after, restoredParallelism, deal },
          );
          expect(result.actual).toEqual(result.expected);
          files.forEach((lines, f) => {
            const prefix = `${join(runDir, `f${f}`)}#`;
            const ofFile = new Map([...result.expected].filter(([id]) => id.startsWith(prefix)));
            expect(bySplitInFileOrder(ofFile).flat()).toEqual(lines);
          });
          expect(result.snapshotChanged).toBe(false);
          expect(result.unattributed).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads CSV files whole whatever the split size, since a quoted field may hold a line break', async () => {
    const path = write('h,v\n' + 'x,"a\nb"\n'.repeat(20));
    const source = FileSource.forRecordFormat(new CsvFormat(), path).withSplitSize(4).build();
    const context = new FakeEnumeratorContext<FileSplit>(3);
    source.createEnumerator(context).handleSplitRequest(0);
    expect(context.assignments.map((a) => a.split)).toEqual([newFileSplit(path)]);
    const { records, perReader } = await readAll(source, 3);
    expect(records).toEqual(Array.from({ length: 20 }, () => ({ h: 'x', v: 'a\nb' })));
    expect(perReader.filter((r) => r.length > 0).length).toBe(1);
  });

  it('reads a split checkpointed before files were split (no range) as the whole file from its offset', async () => {
    const path = write('l1\nl2\nl3\n');
    const legacy = { id: path, path, offset: 3, lineNumber: 2 } as unknown as FileSplit;
    expect(await readSplit(new TextLineFormat(), legacy, 4)).toEqual(['l2', 'l3']);
  });

  it('validates the split size with a one-line error naming the option', () => {
    const builder = FileSource.forRecordFormat(new TextLineFormat(), dir);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => builder.withSplitSize(bad)).toThrow(
        `FileSource: withSplitSize needs a whole number of bytes > 0, got ${String(bad)}`,
      );
    }
    expect(builder.withSplitSize(1)).toBe(builder);
  });
});

describe('malformed lines in splits', () => {
  const body = ['{"i":0}', '{"i":1}', '{oops', '{"i":3}', 'nope', '{"i":5}'].join('\n') + '\n';

  it('names the line number in a split that starts the file, and the byte offset in a later one', async () => {
    const path = write(body);
    // Bytes 0-20 hold lines 1 to 3 (line 3 starts at 16); bytes 20-40 start inside line 3 and hold lines 4 to 6.
    const [first, second] = splitFile(path, Buffer.byteLength(body), 20);
    expect(first!.end).toBe(20);
    await expect(readSplit(new NdjsonFormat(), first!, 8)).rejects.toThrow(
      `${path}:3: malformed NDJSON record: invalid JSON (`,
    );
    const offset = body.indexOf('nope');
    await expect(readSplit(new NdjsonFormat(), second!, 8)).rejects.toThrow(
      new RegExp(
        `^${path} at byte ${offset}: malformed NDJSON record: invalid JSON \\(.*\\); fix the input or set onMalformed: 'skip'`,
      ),
    );
  });

  it("with onMalformed: 'skip' counts each split's skipped lines and warns once per split, naming its range", async () => {
    const path = write(body);
    const warnings: string[] = [];
    const format = new NdjsonFormat<{ i: number }>({ onMalformed: 'skip', warn: (m) => warnings.push(m) });
    const splits = splitFile(path, Buffer.byteLength(body), 20);
    const records = (await drain(reader(format, splits, 8))).records;
    expect(records.map((r) => r.i)).toEqual([0, 1, 3, 5]);
    expect(format.skippedCount).toBe(2);
    expect(warnings).toEqual([
      `weir: skipped 1 malformed NDJSON record(s) in ${path} (bytes 0 to 20)`,
      `weir: skipped 1 malformed NDJSON record(s) in ${path} (bytes 20 to 40)`,
    ]);
  });
});

describe('FileEnumerator with splits', () => {
  it('hands out the splits of a big file one per request, in file order, then signals the end', () => {
    const big = write('x\n'.repeat(45), 'big');
    const small = write('y\n', 'small');
    const context = new FakeEnumeratorContext<FileSplit>(2);
    const enumerator = FileSource.forRecordFormat(new TextLineFormat(), dir)
      .withSplitSize(30)
      .build()
      .createEnumerator(context);
    enumerator.start();
    expect(enumerator.snapshotState(1).pending.map((s) => [s.path, s.start, s.end])).toEqual([
      [big, 0, 30],
      [big, 30, 60],
      [big, 60, undefined],
      [small, 0, undefined],
    ]);
    enumerator.handleSplitRequest(1);
    expect(context.assignments.map((a) => [a.split.id, a.subtask])).toEqual([[`${big}#0`, 1]]);
    enumerator.handleSplitRequest(1);
    enumerator.handleSplitRequest(0);
    enumerator.handleSplitRequest(0);
    enumerator.handleSplitRequest(1);
    expect(context.assignments.map((a) => [a.split.id, a.subtask])).toEqual([
      [`${big}#0`, 1],
      [`${big}#30`, 1],
      [`${big}#60`, 0],
      [`${small}#0`, 0],
    ]);
    expect([...context.noMoreSplits]).toEqual([1]);
    expect(enumerator.snapshotState(2).pending).toEqual([]);
  });

  it('gives a reader that polls more often more of the splits', async () => {
    const path = write(Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n'));
    const source = FileSource.forRecordFormat(new TextLineFormat(), path).withSplitSize(64).build();
    const run = SourceRun.start(source, 2);
    // Reader 0 gets four turns for each of reader 1's.
    for (let round = 0; !run.done && round < 100_000; round++) await run.poll(round % 5 === 4 ? 1 : 0);
    await run.close();
    const splitsRead = run.outputs.map((o) => o.released.length);
    expect(splitsRead[0]).toBeGreaterThan(2 * splitsRead[1]!);
    expect(splitsRead[1]).toBeGreaterThan(0);
    const lines = run.outputs.flatMap((o) => o.records).sort();
    expect(lines).toEqual(Array.from({ length: 400 }, (_, i) => `line ${i}`).sort());
  });

  it('when monitoring, splits newly found files too, reads each once, and keeps unassigned splits in its state', async () => {
    const context = new FakeEnumeratorContext<FileSplit>(1);
    const source = FileSource.forRecordFormat(new TextLineFormat(), dir)
      .monitorContinuously(50)
      .withSplitSize(10)
      .build();
    const enumerator = source.createEnumerator(context);
    enumerator.start();
    enumerator.handleSplitRequest(0);
    expect(context.assignments).toEqual([]);
    const late = write('012345678\n'.repeat(3), 'late');
    write('hidden\n'.repeat(9), '.late.inprogress');
    await context.runAsyncCalls();
    await context.runAsyncCalls();
    expect(context.assignments.map((a) => a.split.id)).toEqual([`${late}#0`]);
    const state = enumerator.snapshotState(1);
    expect(state).toEqual({
      pending: [
        { id: `${late}#10`, path: late, start: 10, end: 20, offset: 10 },
        { id: `${late}#20`, path: late, start: 20, offset: 20 },
      ],
      seen: [late],
    });
    const restoredContext = new FakeEnumeratorContext<FileSplit>(2);
    const restored = source.restoreEnumerator(restoredContext, decode(encode(state)));
    restored.start();
    await restoredContext.runAsyncCalls();
    restored.handleSplitRequest(1);
    restored.handleSplitRequest(0);
    restored.handleSplitRequest(0);
    expect(restoredContext.assignments.map((a) => [a.split.id, a.subtask])).toEqual([
      [`${late}#10`, 1],
      [`${late}#20`, 0],
    ]);
    expect(restoredContext.noMoreSplits.size).toBe(0);
  });
});
