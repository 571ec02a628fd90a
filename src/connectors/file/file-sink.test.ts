import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SinkInitContext, SinkWriterContext } from '../../types/sink.js';
import { readAll } from '../common/testing.js';
import { FileSink } from './file-sink.js';
import type { FileSinkWriterState } from './file-sink-writer.js';
import { FileSource } from './file-source.js';
import { NdjsonFormat } from './ndjson-format.js';
import { DefaultRollingPolicy } from './rolling-policy.js';

let dir: string;
let now = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-filesink-'));
  now = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const init = (subtaskIndex = 0, parallelism = 1, attemptId = 'a1'): SinkInitContext => ({
  subtaskIndex,
  parallelism,
  attemptNumber: 0,
  jobId: 'job1',
  attemptId,
  restoredCheckpointId: undefined,
  currentProcessingTime: () => now,
});
const record: SinkWriterContext = { timestamp: () => undefined, currentWatermark: () => 0 };
const list = (d = dir) => readdirSync(d).sort();
const sink0 = () => FileSink.forRowFormat(dir).build();

describe('FileSink', () => {
  it('writes hidden in-progress files and renames them on commit', async () => {
    const sink = FileSink.forRowFormat<{ id: number }>(dir).build();
    const writer = sink.createWriter(init(2, 3));
    for (let id = 0; id < 3; id++) writer.write({ id }, record);
    writer.flush(false);
    expect(list()).toEqual(['.part-job1-2-0-a1.inprogress']);
    writer.flush(true);
    const committables = await writer.prepareCommit();
    expect(committables).toEqual([
      {
        bucketId: '',
        pendingPath: join(dir, '.part-job1-2-0-a1.inprogress'),
        finalPath: join(dir, 'part-job1-2-0-a1'),
      },
    ]);
    expect(list()).toEqual(['.part-job1-2-0-a1.inprogress']);
    const committer = sink.createCommitter();
    committer.commit(committables);
    expect(list()).toEqual(['part-job1-2-0-a1']);
    expect(readFileSync(join(dir, 'part-job1-2-0-a1'), 'utf8')).toBe('{"id":0}\n{"id":1}\n{"id":2}\n');
    // A repeated commit (recovery) changes nothing.
    committer.commit(committables);
    expect(list()).toEqual(['part-job1-2-0-a1']);
    expect(readFileSync(join(dir, 'part-job1-2-0-a1'), 'utf8')).toBe('{"id":0}\n{"id":1}\n{"id":2}\n');
  });

  it('fails a commit whose pending and final files are both gone', () => {
    const committer = FileSink.forRowFormat(dir).build().createCommitter();
    expect(() =>
      committer.commit([
        { bucketId: '', pendingPath: join(dir, '.x.inprogress'), finalPath: join(dir, 'x') },
      ]),
    ).toThrow(/cannot commit .*x: neither it nor its pending file/);
  });

  it('never replaces a committed file, and accepts a repeated commit of a file it committed and that was moved', () => {
    const committer = FileSink.forRowFormat(dir).build().createCommitter();
    const pending = join(dir, '.p.inprogress');
    const final = join(dir, 'p');
    writeFileSync(pending, 'new\n');
    writeFileSync(final, 'committed\n');
    const c = { bucketId: '', pendingPath: pending, finalPath: final };
    expect(() => committer.commit([c])).toThrow(/p already exists and committed files are never replaced/);
    expect(readFileSync(final, 'utf8')).toBe('committed\n');
    rmSync(final);
    committer.commit([c]);
    expect(readFileSync(final, 'utf8')).toBe('new\n');
    rmSync(final);
    committer.commit([c]);
    expect(() => FileSink.forRowFormat(dir).build().createCommitter().commit([c])).toThrow(
      /records are lost/,
    );
  });

  it('rolls by rollover interval before a write and at a checkpoint, by inactivity at a checkpoint', async () => {
    const policy = DefaultRollingPolicy.builder()
      .withRolloverInterval(100)
      .withInactivityInterval(30)
      .build();
    const writer = FileSink.forRowFormat<number>(dir).withRollingPolicy(policy).build().createWriter(init());
    writer.write(1, record);
    now = 20;
    writer.write(2, record);
    now = 40;
    writer.write(3, record);
    now = 60;
    expect(await writer.prepareCommit()).toEqual([]);
    now = 100;
    writer.write(4, record);
    now = 110;
    const first = await writer.prepareCommit();
    expect(first.map((c) => c.finalPath)).toEqual([join(dir, 'part-job1-0-0-a1')]);
    now = 129;
    expect(await writer.prepareCommit()).toEqual([]);
    now = 130;
    const second = await writer.prepareCommit();
    sink0()
      .createCommitter()
      .commit([...first, ...second]);
    expect(readFileSync(join(dir, 'part-job1-0-0-a1'), 'utf8')).toBe('1\n2\n3\n');
    expect(readFileSync(join(dir, 'part-job1-0-1-a1'), 'utf8')).toBe('4\n');
  });

  it('rolls by size, so every committed part but the last holds at least maxPartSize bytes', async () => {
    const policy = DefaultRollingPolicy.builder().withMaxPartSize(100).build();
    const sink = FileSink.forRowFormat<string>(dir, (s) => s)
      .withRollingPolicy(policy)
      .build();
    const writer = sink.createWriter(init());
    const rows = Array.from({ length: 50 }, (_, i) => `row-${i}-${'é'.repeat(i % 7)}`);
    for (const row of rows) writer.write(row, record);
    writer.flush(true);
    sink.createCommitter().commit(await writer.prepareCommit());
    const files = list();
    expect(files.length).toBeGreaterThan(3);
    expect(files.every((f) => !f.startsWith('.'))).toBe(true);
    const counter = (name: string) => Number(name.split('-')[3]);
    const ordered = files.sort((a, b) => counter(a) - counter(b));
    const sizes = ordered.map((f) => readFileSync(join(dir, f)).length);
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(100);
    const text = ordered.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    expect(text).toBe(rows.map((r) => r + '\n').join(''));
  });

  it('keeps a part open across a checkpoint unless the policy rolls it', async () => {
    const policy = DefaultRollingPolicy.builder().withMaxPartSize(1000).withInactivityInterval(50).build();
    const writer = FileSink.forRowFormat<number>(dir).withRollingPolicy(policy).build().createWriter(init());
    writer.write(1, record);
    writer.flush(false);
    expect(await writer.prepareCommit()).toEqual([]);
    const state = writer.snapshotState(1) as FileSinkWriterState[];
    expect(state).toEqual([
      { kind: 'counter', subtask: 0, nextCounter: 1 },
      {
        kind: 'in-progress',
        bucketId: '',
        inProgressPath: join(dir, '.part-job1-0-0-a1.inprogress'),
        finalPath: join(dir, 'part-job1-0-0-a1'),
        size: 2,
      },
    ]);
    expect(readFileSync(join(dir, '.part-job1-0-0-a1.inprogress'), 'utf8')).toBe('1\n');
    now = 60;
    expect((await writer.prepareCommit()).map((c) => c.finalPath)).toEqual([join(dir, 'part-job1-0-0-a1')]);
  });

  it('names parts by attempt, never reuses an existing name, and restores the counter from state', async () => {
    const sink = FileSink.forRowFormat<number>(dir)
      .withOutputFileConfig({ partPrefix: 'out', partSuffix: '.ndjson' })
      .build();
    const first = sink.createWriter(init(0, 1, 'a1'));
    first.write(1, record);
    first.flush(true);
    sink.createCommitter().commit(await first.prepareCommit());
    // Two attempts restored from the same counter must not produce the same committed name.
    const second = sink.createWriter(init(0, 1, '7e57-a2/..'));
    second.write(2, record);
    second.flush(true);
    sink.createCommitter().commit(await second.prepareCommit());
    // A reused attempt id skips the names taken already.
    const third = sink.createWriter(init(0, 1, 'a1'));
    third.write(3, record);
    third.flush(true);
    sink.createCommitter().commit(await third.prepareCommit());
    expect(list()).toEqual([
      'out-job1-0-0-7e57_a2___.ndjson',
      'out-job1-0-0-a1.ndjson',
      'out-job1-0-1-a1.ndjson',
    ]);
    const fourth = sink.createWriter(init(), [
      { kind: 'counter', subtask: 0, nextCounter: 7 },
      { kind: 'counter', subtask: 1, nextCounter: 4 },
    ]);
    fourth.write(4, record);
    fourth.flush(true);
    expect((await fourth.prepareCommit())[0].finalPath).toBe(join(dir, 'out-job1-0-7-a1.ndjson'));
  });

  it('writes buckets as sub-directories and rejects buckets outside the directory', async () => {
    const sink = FileSink.forRowFormat<{ k: string }>(dir, { encode: (v) => v.k })
      .withBucketAssigner((v) => `k=${v.k}`)
      .build();
    const writer = sink.createWriter(init());
    writer.write({ k: 'a' }, record);
    writer.write({ k: 'b' }, record);
    writer.write({ k: 'a' }, record);
    writer.flush(true);
    sink.createCommitter().commit(await writer.prepareCommit());
    expect(list()).toEqual(['k=a', 'k=b']);
    expect(readFileSync(join(dir, 'k=a', 'part-job1-0-0-a1'), 'utf8')).toBe('a\na\n');
    // One level down, so '..' is this test's own directory and not the shared temp directory.
    const escaping = FileSink.forRowFormat<number>(join(dir, 'inner'))
      .withBucketAssigner(() => '../x')
      .build()
      .createWriter(init());
    expect(() => escaping.write(1, record)).toThrow(/bucket assigner returned "..\/x"; return a relative/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('writes NDJSON that FileSource reads back, across many buffer flushes', async () => {
    const sink = FileSink.forRowFormat<{ i: number; s: string }>(dir).build();
    const writer = sink.createWriter(init());
    const values = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `v${i}-€` }));
    for (const v of values) writer.write(v, record);
    writer.flush(true);
    sink.createCommitter().commit(await writer.prepareCommit());
    const back = await readAll(FileSource.forRecordFormat(new NdjsonFormat(), dir).build());
    expect(back.records).toEqual(values);
  });

  it('rejects bad arguments with one-line errors', () => {
    expect(() => FileSink.forRowFormat('')).toThrow(/give the output directory/);
    expect(() => FileSink.forRowFormat(dir, 42 as unknown as (v: unknown) => string)).toThrow(
      /encoder must be/,
    );
    expect(() => FileSink.forRowFormat(dir).withOutputFileConfig({ partPrefix: '.p' })).toThrow(
      /partPrefix must/,
    );
    expect(() => DefaultRollingPolicy.builder().withMaxPartSize(0)).toThrow(
      /withMaxPartSize needs bytes > 0/,
    );
    const writer = FileSink.forRowFormat(dir).build().createWriter(init());
    expect(() => writer.write(undefined, record)).toThrow(/default JSON encoder cannot encode undefined/);
  });
});
