import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourceReader } from '../../types/source.js';
import {
  drain,
  FakeEnumeratorContext,
  FakeReaderContext,
  FakeReaderOutput,
  readAll,
  replayAcrossSnapshot,
} from '../common/testing.js';
import { CsvFormat } from './csv-format.js';
import { formatCsvRecord } from './csv-parser.js';
import { type FileSplit, fileSplitId, newFileSplit } from './file-split.js';
import { FileSource } from './file-source.js';
import { NdjsonFormat } from './ndjson-format.js';
import { BaseFormat, type LineDecoder, type RecordFormat } from './record-format.js';
import { TextLineFormat } from './text-line-format.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-filesource-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function reader<T>(format: RecordFormat<T>, splits: FileSplit[], chunkSize = 16): SourceReader<T, FileSplit> {
  const r = FileSource.forRecordFormat(format, dir)
    .withChunkSize(chunkSize)
    .build()
    .createReader(new FakeReaderContext());
  r.addSplits(splits);
  r.notifyNoMoreSplits();
  return r;
}

const split = (path: string): FileSplit => newFileSplit(path);

describe('FileSource', () => {
  it('reads text lines from the files of a directory, skipping hidden ones, in name order', async () => {
    write('b.txt', 'b1\n\nb3');
    write('a.txt', 'a1\r\na2\n');
    write('.a.inprogress', 'hidden\n');
    write('_SUCCESS', 'marker\n');
    mkdirSync(join(dir, 'sub'));
    write('sub/c.txt', 'nested\n');
    const { records } = await readAll(FileSource.forRecordFormat(new TextLineFormat(), dir).build());
    expect(records).toEqual(['a1', 'a2', 'b1', '', 'b3']);
  });

  it('reads NDJSON, skipping empty lines, from files named directly', async () => {
    const path = write('x.ndjson', '{"a":1}\n\n  \n[2,3]\n"s"');
    const source = FileSource.forRecordFormat(new NdjsonFormat(), path).build();
    expect(source.getBoundedness()).toBe('bounded');
    expect((await readAll(source)).records).toEqual([{ a: 1 }, [2, 3], 's']);
  });

  it('fails at start with one line naming a missing path', () => {
    const missing = join(dir, 'nope');
    const source = FileSource.forRecordFormat(new TextLineFormat(), missing).build();
    expect(() => source.createEnumerator(new FakeEnumeratorContext())).toThrow(
      new RegExp(`input path ${missing} does not exist; check the path`),
    );
  });

  it('validates builder arguments', () => {
    expect(() => FileSource.forRecordFormat(new TextLineFormat())).toThrow(/at least one file or directory/);
    expect(() => FileSource.forRecordFormat({} as RecordFormat<string>, dir)).toThrow(/must be a format/);
    expect(() => FileSource.forRecordFormat(new TextLineFormat(), dir).monitorContinuously(0)).toThrow(/> 0/);
  });

  it.each<[string, () => RecordFormat<unknown>, string]>([
    ['text', () => new TextLineFormat(), 'l1\nl2 é\r\n\nl4 😀\n'.repeat(30)],
    [
      'csv with header and multi-line fields',
      () => new CsvFormat(),
      'h,v\n' + 'x,"a\nb"\ny,"€"\n'.repeat(30),
    ],
  ])('resumes a snapshotted split without loss or duplicates (%s)', async (_name, makeFormat, text) => {
    const path = write('data', text);
    const full = (await drain(reader(makeFormat(), [split(path)]))).records;
    expect(full.length).toBeGreaterThan(50);
    for (const polls of [1, 2, 3, 5, 8]) {
      const first = reader(makeFormat(), [split(path)], 7);
      const head = new FakeReaderOutput<unknown>();
      for (let i = 0; i < polls; i++) {
        if (first.pollNext(head) === 'nothing-available') await first.isAvailable();
      }
      const [snapshot] = first.snapshotState(1);
      await first.close();
      const tail = (await drain(reader(makeFormat(), [snapshot], 5))).records;
      expect([...head.records, ...tail]).toEqual(full);
    }
  });

  it('resumes exactly once after a snapshot at any point, at another parallelism too', async () => {
    const unit = fc.constantFrom('a', 'b', ' ', 'é', '€', '😀', ',', '"');
    const text = fc.record({
      kind: fc.constant('text' as const),
      lines: fc.array(fc.string({ unit, maxLength: 12 }), { maxLength: 40 }),
      crlf: fc.boolean(),
      finalNewline: fc.boolean(),
    });
    const csv = fc.record({
      kind: fc.constant('csv' as const),
      rows: fc.array(
        fc.tuple(
          fc.string({ unit, maxLength: 6 }),
          fc.string({ unit: fc.constantFrom('x', '\n', '"', ','), maxLength: 4 }),
        ),
        {
          maxLength: 30,
        },
      ),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(text, csv),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(5), { maxLength: 30 }),
        fc.array(fc.nat(5), { maxLength: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(5), { maxLength: 4 }),
        async (content, files, chunkSize, parallelism, before, after, restoredParallelism, deal) => {
          const runDir = join(dir, `run-${run++}`);
          mkdirSync(runDir);
          const expected: unknown[][] = [];
          for (let f = 0; f < files; f++) {
            let body: string;
            if (content.kind === 'text') {
              // Each file gets a different share of the lines, so files differ in length.
              const lines = content.lines.slice(f);
              body = lines.join(content.crlf ? '\r\n' : '\n');
              if (content.finalNewline && lines.length > 0) body += '\n';
              // Without a final line break, a last empty line leaves no trace in the file.
              const ambiguous = !content.finalNewline && lines[lines.length - 1] === '';
              expected.push(ambiguous ? lines.slice(0, -1) : lines);
            } else {
              const rows = content.rows.slice(f);
              body = ['h1,h2', ...rows.map((r) => formatCsvRecord(r))].join('\n') + '\n';
              expected.push(rows.map(([h1, h2]) => ({ h1, h2 })));
            }
            writeFileSync(join(runDir, `f${f}`), body);
          }
          const makeFormat = (): RecordFormat<unknown> =>
            content.kind === 'text' ? new TextLineFormat() : new CsvFormat();
          const result = await replayAcrossSnapshot(
            () => FileSource.forRecordFormat(makeFormat(), runDir).withChunkSize(chunkSize).build(),
            { parallelism, before, after, restoredParallelism, deal },
          );
          expect(result.actual).toEqual(result.expected);
          for (let f = 0; f < files; f++) {
            expect(result.expected.get(fileSplitId(join(runDir, `f${f}`), 0)) ?? []).toEqual(expected[f]);
          }
          expect(result.snapshotChanged).toBe(false);
          expect(result.unattributed).toBe(0);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('snapshots a copy of the format state that later reading does not change', async () => {
    // A format that numbers lines in a state object it keeps mutating, and hands out as its snapshot.
    class NumberedLines extends BaseFormat<string> {
      readonly name = 'numbered';
      constructor() {
        super('NumberedLines');
      }
      createDecoder(_path: string, restored: unknown): LineDecoder<string> {
        const state = (restored as { count: number } | undefined) ?? { count: 0 };
        return {
          decode: (line) => `${++state.count}:${line}`,
          finish() {},
          reset() {},
          snapshot: () => state,
        };
      }
    }
    const path = write('n.txt', Array.from({ length: 3000 }, (_, i) => `l${i}`).join('\n'));
    const first = reader(new NumberedLines(), [split(path)], 64);
    const head = new FakeReaderOutput<string>();
    while (head.records.length === 0) {
      if (first.pollNext(head) === 'nothing-available') await first.isAvailable();
    }
    const snapshot = first.snapshotState(1);
    const emitted = [...head.records];
    const copy = structuredClone(snapshot);
    // Reading on (lost in a crash) advances the format's live state.
    for (let i = 0; i < 5; i++) {
      if (first.pollNext(head) === 'nothing-available') await first.isAvailable();
    }
    expect(head.records.length).toBeGreaterThan(emitted.length);
    expect(snapshot).toEqual(copy);
    await first.close();
    const tail = (await drain(reader(new NumberedLines(), snapshot))).records;
    expect([...emitted, ...tail]).toEqual(Array.from({ length: 3000 }, (_, i) => `${i + 1}:l${i}`));
  });

  it('fails on a malformed line with file, line number and the fix, by default', async () => {
    const path = write('bad.ndjson', '{"a":1}\n{oops\n');
    const run = drain(reader(new NdjsonFormat(), [split(path)]));
    await expect(run).rejects.toThrow(`${path}:2: malformed NDJSON record: invalid JSON (`);
    await expect(drain(reader(new NdjsonFormat(), [split(path)]))).rejects.toThrow(
      /; fix the input or set onMalformed: 'skip' on the format to skip and count such lines$/,
    );
  });

  it('skips and counts malformed records with onMalformed: skip, warning once per file', async () => {
    const warnings: string[] = [];
    const format = new CsvFormat({
      onMalformed: 'skip',
      types: { n: 'number' },
      warn: (m) => warnings.push(m),
    });
    const a = write('a.csv', 'n,s\n1,x\n2\nthree,y\n4,z\n');
    const b = write('b.csv', 'n,s\n5,"never closed\n6,w\n');
    const r = reader(format, [split(a), split(b)]);
    const output = await drain(r);
    expect(output.records).toEqual([
      { n: 1, s: 'x' },
      { n: 4, s: 'z' },
    ]);
    expect(format.skippedCount).toBe(3);
    expect((r as unknown as { skippedCount: number }).skippedCount).toBe(3);
    expect(warnings).toEqual([
      `weir: skipped 2 malformed CSV record(s) in ${a}`,
      `weir: skipped 1 malformed CSV record(s) in ${b}`,
    ]);
  });

  it('names the line where an unterminated quote starts', async () => {
    const path = write('q.csv', 'a,b\n1,2\n3,"open\n4,5\n');
    await expect(drain(reader(new CsvFormat(), [split(path)]))).rejects.toThrow(
      `${path}:3: malformed CSV record: unterminated`,
    );
  });
});

describe('FileEnumerator', () => {
  it('assigns one split per file on request, then signals no more splits', () => {
    const a = write('a', '1\n');
    const b = write('b', '2\n');
    const context = new FakeEnumeratorContext<FileSplit>(2);
    const enumerator = FileSource.forRecordFormat(new TextLineFormat(), dir)
      .build()
      .createEnumerator(context);
    enumerator.start();
    enumerator.handleSplitRequest(1);
    enumerator.handleSplitRequest(0);
    enumerator.handleSplitRequest(1);
    expect(context.assignments).toEqual([
      { split: { id: `${a}#0`, path: a, start: 0, offset: 0, lineNumber: 1 }, subtask: 1 },
      { split: { id: `${b}#0`, path: b, start: 0, offset: 0, lineNumber: 1 }, subtask: 0 },
    ]);
    expect([...context.noMoreSplits]).toEqual([1]);
    expect(context.asyncCalls).toEqual([]);
  });

  it('when monitoring, assigns only new files to waiting readers and keeps seen paths in its state', async () => {
    const a = write('a', '1\n');
    const context = new FakeEnumeratorContext<FileSplit>(1);
    const source = FileSource.forRecordFormat(new TextLineFormat(), dir).monitorContinuously(50).build();
    expect(source.getBoundedness()).toBe('unbounded');
    const enumerator = source.createEnumerator(context);
    enumerator.start();
    expect(context.asyncCalls.map((c) => c.periodMs)).toEqual([50]);
    enumerator.handleSplitRequest(0);
    enumerator.handleSplitRequest(0);
    expect(context.assignments.map((x) => x.split.path)).toEqual([a]);
    expect(context.noMoreSplits.size).toBe(0);

    const b = write('b', '2\n');
    write('.c.inprogress', '3\n');
    await context.runAsyncCalls();
    await context.runAsyncCalls();
    expect(context.assignments.map((x) => x.split.path)).toEqual([a, b]);
    expect(enumerator.snapshotState(1)).toEqual({ pending: [], seen: [a, b] });

    const restoredContext = new FakeEnumeratorContext<FileSplit>(1);
    const restored = source.restoreEnumerator(restoredContext, { pending: [], seen: [a, b] });
    restored.start();
    const c = write('c', '4\n');
    await restoredContext.runAsyncCalls();
    restored.handleSplitRequest(0);
    expect(restoredContext.assignments.map((x) => x.split.path)).toEqual([c]);
  });

  it('when monitoring, restores pending files and never rediscovers the files it had seen', async () => {
    const a = write('a', '1\n');
    const b = write('b', '2\n');
    const source = FileSource.forRecordFormat(new TextLineFormat(), dir).monitorContinuously(50).build();
    const enumerator = source.createEnumerator(new FakeEnumeratorContext<FileSplit>(2));
    enumerator.start();
    enumerator.handleSplitRequest(0);
    const c = write('c', '3\n');
    const state = enumerator.snapshotState(1);
    expect(state).toEqual({ pending: [split(b)], seen: [a, b] });
    // Discovery after the snapshot belongs to the lost attempt; the restored one finds c again.
    await (enumerator as unknown as { context: FakeEnumeratorContext<FileSplit> }).context.runAsyncCalls();
    expect(state.seen).toEqual([a, b]);

    const context = new FakeEnumeratorContext<FileSplit>(2);
    const restored = source.restoreEnumerator(context, state);
    restored.start();
    restored.handleSplitRequest(1);
    restored.handleSplitRequest(0);
    expect(context.assignments).toEqual([{ split: split(b), subtask: 1 }]);
    await context.runAsyncCalls();
    await context.runAsyncCalls();
    expect(context.assignments.map((x) => [x.split.path, x.subtask])).toEqual([
      [b, 1],
      [c, 0],
    ]);
    expect(restored.snapshotState(2)).toEqual({ pending: [], seen: [a, b, c] });
    expect(context.noMoreSplits.size).toBe(0);
  });
});
