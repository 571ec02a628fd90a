import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
} from '../common/testing.js';
import { CsvFormat } from './csv-format.js';
import type { FileSplit } from './file-split.js';
import { FileSource } from './file-source.js';
import { NdjsonFormat } from './ndjson-format.js';
import type { RecordFormat } from './record-format.js';
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

const split = (path: string): FileSplit => ({ id: path, path, offset: 0, lineNumber: 1 });

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
      { split: { id: a, path: a, offset: 0, lineNumber: 1 }, subtask: 1 },
      { split: { id: b, path: b, offset: 0, lineNumber: 1 }, subtask: 0 },
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
});
