import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinkAttempt, type SinkCheckpoint } from '../common/sink-testing.js';
import type { FileSinkCommittable } from './file-committable.js';
import { FileSink } from './file-sink.js';
import type { FileSinkWriterState } from './file-sink-writer.js';
import { DefaultRollingPolicy, OnCheckpointRollingPolicy, type RollingPolicy } from './rolling-policy.js';

let dir: string;
let attempts: SinkAttempt<number, FileSinkCommittable>[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-filesink-recovery-'));
  attempts = [];
});
afterEach(async () => {
  for (const attempt of attempts) await attempt.release();
  rmSync(dir, { recursive: true, force: true });
});

const INPUT = Array.from({ length: 300 }, (_, i) => i);
const line = (n: number) => `r${n}`;

function sink(policy: RollingPolicy, buckets = false): FileSink<number> {
  const builder = FileSink.forRowFormat<number>(dir, line).withRollingPolicy(policy);
  if (buckets) builder.withBucketAssigner((n) => `b=${n % 3}`);
  return builder.build();
}

async function start(s: FileSink<number>, parallelism: number, attemptId: string) {
  const attempt = SinkAttempt.start(s, INPUT, { parallelism, attemptId });
  attempts.push(attempt);
  return attempt;
}

async function restore(
  s: FileSink<number>,
  checkpoint: SinkCheckpoint<FileSinkCommittable> | undefined,
  parallelism: number,
  attemptId: string,
  now = 0,
) {
  const attempt = await SinkAttempt.restore(s, INPUT, checkpoint, { parallelism, attemptId }, now);
  attempts.push(attempt);
  return attempt;
}

/** Every file under `dir`, relative, split into committed and hidden ones. */
function files(): { committed: string[]; hidden: string[] } {
  const committed: string[] = [];
  const hidden: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(dir, join(entry.parentPath, entry.name));
    (entry.name.startsWith('.') ? hidden : committed).push(path);
  }
  return { committed: committed.sort(), hidden: hidden.sort() };
}

/** Fails if a committed file ever changes or disappears; call after every step. */
class CommittedFileWatch {
  private readonly hashes = new Map<string, string>();

  check(): void {
    const { committed } = files();
    const present = new Set(committed);
    for (const path of this.hashes.keys()) {
      if (!present.has(path)) throw new Error(`committed file ${path} disappeared`);
    }
    for (const path of committed) {
      const hash = createHash('sha256')
        .update(readFileSync(join(dir, path)))
        .digest('hex');
      const before = this.hashes.get(path);
      if (before !== undefined && before !== hash) throw new Error(`committed file ${path} changed`);
      this.hashes.set(path, hash);
    }
  }
}

const NAME = /^part-job-(\d+)-(\d+)-([A-Za-z0-9_]+)$/;

/**
 * The records in committed files. With `inOrder`, also checks that each subtask's files, in
 * counter order, hold its records in input order (true while the parallelism never changed).
 */
function committedRecords(inOrder: boolean): number[] {
  const bySubtask = new Map<string, { counter: number; records: number[] }[]>();
  for (const path of files().committed) {
    const name = path.split('/').pop()!;
    const match = NAME.exec(name);
    if (match === null) throw new Error(`unexpected committed name ${path}`);
    const text = readFileSync(join(dir, path), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const records = text
      .slice(0, -1)
      .split('\n')
      .map((l) => Number(l.slice(1)));
    const key = `${path.slice(0, path.length - name.length)}${match[1]}`;
    const list = bySubtask.get(key) ?? [];
    list.push({ counter: Number(match[2]), records });
    bySubtask.set(key, list);
  }
  const all: number[] = [];
  for (const list of bySubtask.values()) {
    const records = list.sort((a, b) => a.counter - b.counter).flatMap((p) => p.records);
    if (inOrder) for (let i = 1; i < records.length; i++) expect(records[i]).toBeGreaterThan(records[i - 1]!);
    all.push(...records);
  }
  return all.sort((a, b) => a - b);
}

/** Hidden files an attempt named `attemptId` wrote. */
const hiddenOf = (attemptId: string) => files().hidden.filter((f) => f.endsWith(`-${attemptId}.inprogress`));

/** Hidden paths a checkpoint references, relative to `dir`. */
function referenced(checkpoint: SinkCheckpoint<FileSinkCommittable> | undefined): string[] {
  if (checkpoint === undefined) return [];
  const paths = checkpoint.committables.flat().map((c) => c.pendingPath);
  for (const entry of checkpoint.writerState.flat() as FileSinkWriterState[]) {
    if (entry.kind === 'in-progress') paths.push(entry.inProgressPath);
    if (entry.kind === 'pending') paths.push(entry.committable.pendingPath);
  }
  return paths.map((p) => relative(dir, p)).sort();
}

/** Writes the rest of the input with a checkpoint every `every` records, then ends. */
async function runToEnd(attempt: SinkAttempt<number, FileSinkCommittable>, watch: CommittedFileWatch) {
  let id = 100;
  while (!attempt.done) {
    attempt.write(37);
    attempt.now += 40;
    await attempt.checkpoint(++id);
    await attempt.complete(id);
    watch.check();
  }
  await attempt.finish();
  watch.check();
}

const policies: [string, () => RollingPolicy][] = [
  ['on checkpoint', () => new OnCheckpointRollingPolicy()],
  [
    'by size and time, not on checkpoint',
    () => DefaultRollingPolicy.builder().withMaxPartSize(60).withRolloverInterval(100).build(),
  ],
];

const crashes = [
  'after a write',
  'after prepareCommit',
  'after completion, before commit',
  'mid-commit',
] as const;

describe('FileSink recovery', () => {
  it('commits exactly the input in a run without failures', async () => {
    const watch = new CommittedFileWatch();
    await runToEnd(await start(sink(policies[1]![1]()), 2, 'a'), watch);
    expect(committedRecords(true)).toEqual(INPUT);
    expect(files().hidden).toEqual([]);
  });

  describe.each(policies)('with a rolling policy %s', (_name, policy) => {
    it.each(crashes.flatMap((crash) => [1, 2].map((p) => [crash, p] as const)))(
      'recovers from a crash %s at parallelism %i, without loss or duplicates',
      async (crash, p) => {
        const s = sink(policy());
        const watch = new CommittedFileWatch();
        const a = await start(s, p, 'a');
        a.write(50);
        a.now = 30;
        await a.checkpoint(1);
        await a.complete(1);
        watch.check();
        a.write(70);
        a.now = 90;
        if (crash === 'after a write') {
          a.write(10);
          await a.checkpoint(2);
          await a.complete(2);
          a.write(25);
          a.crash();
        } else if (crash === 'after prepareCommit') {
          await a.checkpoint(2);
          a.write(5);
          a.crash();
        } else {
          await a.checkpoint(2);
          a.write(15);
          await a.complete(2, crash === 'mid-commit' ? 1 : 0);
        }
        watch.check();
        expect(hiddenOf('a').length).toBeGreaterThan(0);

        const b = await restore(s, a.lastCompleted, p, 'b', a.now);
        watch.check();
        // What is left of the crashed attempt is what the restored checkpoint still needs.
        const left = hiddenOf('a');
        expect(left.every((f) => referenced(a.lastCompleted).includes(f))).toBe(true);
        await runToEnd(b, watch);
        expect(committedRecords(true)).toEqual(INPUT);
        expect(files().hidden).toEqual([]);
      },
    );
  });

  it('cuts a restored in-progress part back to its checkpointed length and commits it', async () => {
    const s = sink(DefaultRollingPolicy.builder().withMaxPartSize(1000).build());
    const a = await start(s, 1, 'a');
    a.write(5);
    const checkpoint = await a.checkpoint(1);
    await a.complete(1);
    a.write(5);
    await a.checkpoint(2);
    a.crash();
    const state = checkpoint.writerState[0] as FileSinkWriterState[];
    const part = state.find((e) => e.kind === 'in-progress')!;
    expect(part).toMatchObject({ kind: 'in-progress', size: 15 });
    expect(readFileSync(part.kind === 'in-progress' ? part.inProgressPath : '', 'utf8')).toBe(
      'r0\nr1\nr2\nr3\nr4\nr5\nr6\nr7\nr8\nr9\n',
    );
    const b = await restore(s, a.lastCompleted, 1, 'b');
    expect(files().committed).toEqual([]);
    await b.checkpoint(1);
    await b.complete(1);
    expect(files()).toEqual({ committed: ['part-job-0-0-a'], hidden: [] });
    expect(readFileSync(join(dir, 'part-job-0-0-a'), 'utf8')).toBe('r0\nr1\nr2\nr3\nr4\n');
  });

  it('gives the same output when restored twice from the same checkpoint', async () => {
    const s = sink(DefaultRollingPolicy.builder().withMaxPartSize(50).build(), true);
    const watch = new CommittedFileWatch();
    const a = await start(s, 2, 'a');
    a.write(80);
    await a.checkpoint(1);
    await a.complete(1);
    a.write(40);
    a.crash();
    const checkpoint = a.lastCompleted;

    // The first restore gets as far as a checkpoint that never completes, with a different
    // split of records into parts (time moved on), then dies as well.
    const b = await restore(s, checkpoint, 2, 'b', 1000);
    b.write(60);
    await b.checkpoint(2);
    b.write(10);
    b.crash();
    watch.check();
    expect(hiddenOf('b').length).toBeGreaterThan(0);

    const c = await restore(s, checkpoint, 2, 'c', 2000);
    watch.check();
    expect(hiddenOf('b')).toEqual([]);
    await runToEnd(c, watch);
    expect(committedRecords(true)).toEqual(INPUT);
    expect(files().hidden).toEqual([]);
  });

  it.each([
    [2, 1],
    [2, 3],
  ])('rescales from %i writers to %i without loss or duplicates', async (from, to) => {
    const s = sink(DefaultRollingPolicy.builder().withMaxPartSize(40).build(), true);
    const watch = new CommittedFileWatch();
    const a = await start(s, from, 'a');
    a.write(90);
    await a.checkpoint(1);
    a.write(20);
    await a.checkpoint(2);
    await a.complete(1);
    a.write(30);
    a.crash();
    const b = await restore(s, a.lastCompleted, to, 'b');
    watch.check();
    expect(hiddenOf('a').every((f) => referenced(a.lastCompleted).includes(f))).toBe(true);
    await runToEnd(b, watch);
    expect(committedRecords(false)).toEqual(INPUT);
    expect(files().hidden).toEqual([]);
  });

  it('leaves files alone that are not its hidden parts, and the running attempt', async () => {
    const s = sink(new OnCheckpointRollingPolicy());
    writeFileSync(join(dir, '.other-file.inprogress'), 'x');
    writeFileSync(join(dir, '.part-job-0-0.inprogress'), 'older naming');
    writeFileSync(join(dir, '.part-job-0-3-z.inprogress'), 'crashed');
    const running = await start(s, 1, 'now');
    running.write(3);
    running.crash();
    s.cleanupAfterRestore([], [], 'now');
    expect(files().hidden).toEqual([
      '.other-file.inprogress',
      '.part-job-0-0-now.inprogress',
      '.part-job-0-0.inprogress',
    ]);
  });

  it('commits again after a restore of an older checkpoint whose part a later attempt committed', async () => {
    const s = sink(
      DefaultRollingPolicy.builder()
        .withMaxPartSize(1 << 20)
        .build(),
    );
    const a = await start(s, 1, 'a');
    a.write(4);
    await a.checkpoint(1);
    await a.complete(1);
    const older = a.lastCompleted;
    a.write(3);
    await a.finish();
    const committed = 'r0\nr1\nr2\nr3\nr4\nr5\nr6\n';
    expect(readFileSync(join(dir, 'part-job-0-0-a'), 'utf8')).toBe(committed);
    // Going back to checkpoint 1 on purpose repeats what came after it, but never touches the
    // committed file, whose first bytes are what the old in-progress part held.
    const b = await restore(s, older, 1, 'b');
    b.write(INPUT.length);
    await b.finish();
    expect(files()).toEqual({ committed: ['part-job-0-0-a', 'part-job-0-1-b'], hidden: [] });
    expect(readFileSync(join(dir, 'part-job-0-0-a'), 'utf8')).toBe(committed);
    expect(readFileSync(join(dir, 'part-job-0-1-b'), 'utf8')).toBe(
      INPUT.slice(4)
        .map((n) => `${line(n)}\n`)
        .join(''),
    );
  });

  it('keeps every committed record exactly once through random crashes, restores and rescales', async () => {
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('write' as const), count: fc.nat(30) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('time' as const), ms: fc.nat(120) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('checkpoint' as const) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('complete' as const),
          limit: fc.option(fc.nat(4), { nil: undefined }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('crash' as const),
          parallelism: fc.integer({ min: 1, max: 3 }),
        }),
      },
    );
    const policy = fc.oneof(
      fc.constant<RollingPolicy>(new OnCheckpointRollingPolicy()),
      fc
        .record({
          size: fc.integer({ min: 8, max: 200 }),
          rollover: fc.integer({ min: 1, max: 300 }),
          inactivity: fc.integer({ min: 1, max: 300 }),
        })
        .map(({ size, rollover, inactivity }) =>
          DefaultRollingPolicy.builder()
            .withMaxPartSize(size)
            .withRolloverInterval(rollover)
            .withInactivityInterval(inactivity)
            .build(),
        ),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        policy,
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        fc.array(op, { maxLength: 40 }),
        async (rollingPolicy, buckets, parallelism, ops) => {
          rmSync(dir, { recursive: true, force: true });
          dir = mkdtempSync(join(tmpdir(), `weir-filesink-property-${run++}-`));
          const s = sink(rollingPolicy, buckets);
          const watch = new CommittedFileWatch();
          let attempt = await start(s, parallelism, 'x0');
          let rescaled = false;
          let nextId = 1;
          let taken: number | undefined;
          for (const step of ops) {
            if (step.kind === 'write') attempt.write(step.count);
            else if (step.kind === 'time') attempt.now += step.ms;
            else if (step.kind === 'checkpoint') taken = (await attempt.checkpoint(nextId++)).id;
            else if (step.kind === 'complete' && taken !== undefined) {
              await attempt.complete(taken, step.limit);
              taken = undefined;
            }
            if (step.kind === 'crash' || (step.kind === 'complete' && step.limit !== undefined)) {
              attempt.crash();
              rescaled ||= step.kind === 'crash' && step.parallelism !== attempt.options.parallelism;
              const p = step.kind === 'crash' ? step.parallelism : attempt.options.parallelism;
              attempt = await restore(s, attempt.lastCompleted, p, `x${attempts.length}`, attempt.now);
              taken = undefined;
              const crashed = attempts.slice(0, -1).map((a) => a.options.attemptId);
              const needed = referenced(attempt.lastCompleted);
              for (const id of crashed) {
                expect(hiddenOf(id).filter((f) => !needed.includes(f))).toEqual([]);
              }
            }
            watch.check();
          }
          attempt.write(INPUT.length);
          await attempt.finish();
          watch.check();
          expect(committedRecords(!rescaled)).toEqual(INPUT);
          expect(files().hidden).toEqual([]);
          for (const a of attempts) await a.release();
          attempts = [];
        },
      ),
      { numRuns: 60 },
    );
  });
});
