/**
 * The exactly-once `jdbc` upsert sink when a checkpoint is aborted after its barrier (a timeout,
 * a savepoint subsuming it, a declined barrier): the writer had already prepared that
 * checkpoint's transaction, which holds its rows' locks until a later checkpoint commits it. The
 * writer drives the commit protocol here as the sink operator does (prepare at each barrier,
 * commit everything pending when a checkpoint completes, commit the restored checkpoint's
 * committables and clean up after a crash, then replay the input since it), against a real
 * PostgreSQL. Writes to the same keys after the abort must not wait on those locks (the next
 * barrier would never come through), and the table must end as the input says.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Types } from '../../src/sql/catalog/types.js';
import { readJdbcOptions } from '../../src/sql/connectors/jdbc/jdbc-options.js';
import {
  type JdbcCommittable,
  JdbcTableSink,
  transactionIdPrefix,
} from '../../src/sql/connectors/jdbc/jdbc-sink.js';
import type { SinkInitContext } from '../../src/types/sink.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.stop());

let tables = 0;

/** A new upsert table (k primary key) and its sink, batching `maxRows` changes. */
function newUpsertTable(maxRows = 100): {
  sink: JdbcTableSink;
  rows: () => string[];
  prepared: () => string;
} {
  const name = `aborted_${++tables}`;
  pg.psql(`CREATE TABLE ${name} (k INTEGER PRIMARY KEY, v BIGINT)`);
  const options = readJdbcOptions({
    url: pg.url,
    'table-name': name,
    username: pg.user,
    'sink.buffer-flush.max-rows': String(maxRows),
  });
  const sink = new JdbcTableSink({
    options,
    table: name,
    columns: [
      { name: 'k', type: Types.INT },
      { name: 'v', type: Types.BIGINT },
    ],
    primaryKey: ['k'],
  });
  const rows = () =>
    pg
      .psql(`SELECT k, v FROM ${name} ORDER BY k`)
      .split('\n')
      .filter((line) => line !== '');
  const prefix = transactionIdPrefix(options, context(0, undefined));
  /** How many of this sink's transactions are prepared. */
  const prepared = () =>
    pg.psql(`SELECT count(*) FROM pg_prepared_xacts WHERE starts_with(gid, '${prefix}')`).trim();
  return { sink, rows, prepared };
}

function context(attempt: number, restoredCheckpointId: number | undefined): SinkInitContext {
  return {
    subtaskIndex: 0,
    parallelism: 1,
    attemptNumber: attempt,
    attemptId: `attempt-${attempt}`,
    restoredCheckpointId,
    jobId: 'aborted',
    jobName: 'aborted',
    operatorUid: 'sink-1',
    currentProcessingTime: () => 0,
  };
}

/** `promise`, or a rejection naming `what` if it has not settled within 20 s: it hangs. */
function unlessHung<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hangs`)), 20_000);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}

const upsert = (k: number, v: number) => ({ kind: '+U', row: { k, v } });
const remove = (k: number) => ({ kind: '-D', row: { k, v: 0 } });

describe('a checkpoint aborted after the writer prepared its transaction', () => {
  test('upserts and deletes of its keys before the next barrier do not wait on its locks', async () => {
    const { sink, rows, prepared } = newUpsertTable();
    const writer = sink.createWriter(context(0, undefined));
    const committer = sink.createCommitter();
    writer.write(upsert(1, 10));
    writer.write(upsert(2, 20));
    writer.write(upsert(3, 30));
    const first = await writer.prepareCommit();
    // Checkpoint 1 is aborted: nothing commits it. The same keys change before barrier 2.
    writer.write(upsert(1, 11));
    writer.write(remove(2));
    writer.write(upsert(4, 40));
    const second = await unlessHung(writer.prepareCommit(), 'the barrier after the aborted checkpoint');
    // Checkpoint 2 completes: everything pending is committed, the aborted checkpoint's first.
    await unlessHung(committer.commit([...first, ...second]), 'the commit');
    expect(rows()).toEqual(['1|11', '3|30', '4|40']);
    expect(prepared()).toBe('0');
    await writer.close();
    await committer.close();
  });

  test('a completion after the barrier lets the held writes go, and they commit with the next checkpoint', async () => {
    const { sink, rows, prepared } = newUpsertTable(1);
    const writer = sink.createWriter(context(0, undefined));
    const committer = sink.createCommitter();
    writer.write(upsert(1, 10));
    const first = await writer.prepareCommit();
    // Written while checkpoint 1's transaction is prepared and not yet committed.
    writer.write(upsert(1, 11));
    writer.write(upsert(2, 20));
    await committer.commit(first);
    expect(rows()).toEqual(['1|10']);
    await writer.flush();
    const second = await unlessHung(writer.prepareCommit(), 'the barrier');
    expect(rows()).toEqual(['1|10']);
    await committer.commit(second);
    expect(rows()).toEqual(['1|11', '2|20']);
    expect(prepared()).toBe('0');
    await writer.close();
    await committer.close();
  });
});

/** One step of the input: a change, a barrier whose checkpoint completes or is aborted, or a crash. */
type Step =
  | { readonly kind: 'upsert'; readonly k: number; readonly v: number }
  | { readonly kind: 'delete'; readonly k: number }
  | { readonly kind: 'barrier'; readonly completes: boolean }
  | { readonly kind: 'crash' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('upsert' as const),
      k: fc.integer({ min: 1, max: 4 }),
      v: fc.integer({ min: 0, max: 99 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), k: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('barrier' as const), completes: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
);

/** The committed table the changes of `steps` make: the last change per key. */
function expectedRows(steps: readonly Step[]): string[] {
  const table = new Map<number, number>();
  for (const s of steps) {
    if (s.kind === 'upsert') table.set(s.k, s.v);
    else if (s.kind === 'delete') table.delete(s.k);
  }
  return [...table].sort(([a], [b]) => a - b).map(([k, v]) => `${k}|${v}`);
}

/**
 * Runs `steps` as the sink operator would, with a checkpoint per barrier. A crash drops the
 * writer (its open transaction rolls back with its session), restores the last completed
 * checkpoint (committing what it names, rolling back the rest) and replays the input since that
 * checkpoint; each crash happens once. A final completed checkpoint ends the input.
 */
async function run(steps: readonly Step[], maxRows: number): Promise<void> {
  const { sink, rows, prepared } = newUpsertTable(maxRows);
  let attempt = 0;
  let writer = sink.createWriter(context(attempt, undefined));
  let committer = sink.createCommitter();
  let pending: { checkpoint: number; committable: JdbcCommittable }[] = [];
  let checkpoints = 0;
  let restorePoint: { checkpoint: number; position: number; pending: typeof pending } | undefined;
  const crashed = new Set<number>();
  const barrier = async (completes: boolean, position: number) => {
    const checkpoint = ++checkpoints;
    for (const committable of await unlessHung(writer.prepareCommit(), `barrier ${checkpoint}`))
      pending.push({ checkpoint, committable });
    if (!completes) return;
    restorePoint = { checkpoint, position, pending: [...pending] };
    const due = pending.map((p) => p.committable);
    pending = [];
    await unlessHung(committer.commit(due), `the commit of checkpoint ${checkpoint}`);
  };
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind === 'upsert') writer.write(upsert(s.k, s.v));
    else if (s.kind === 'delete') writer.write(remove(s.k));
    else if (s.kind === 'barrier') await barrier(s.completes, i + 1);
    else if (!crashed.has(i)) {
      crashed.add(i);
      await writer.close();
      await committer.close();
      attempt++;
      const restored = restorePoint?.pending.map((p) => p.committable) ?? [];
      const restoring = sink.createCommitter();
      await restoring.commit(restored);
      await restoring.close();
      const restoredContext = context(attempt, restorePoint?.checkpoint);
      await sink.cleanupAfterRestore([], restored, restoredContext.attemptId, restoredContext);
      writer = sink.createWriter(restoredContext);
      committer = sink.createCommitter();
      pending = [];
      i = (restorePoint?.position ?? 0) - 1;
    }
  }
  await writer.flush();
  await barrier(true, steps.length);
  await writer.close();
  await committer.close();
  expect(rows()).toEqual(expectedRows(steps));
  expect(prepared()).toBe('0');
}

describe('aborts, completions and crashes in any order', () => {
  test('never block a barrier or a commit, and the table ends as the input says', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.constantFrom(1, 2, 100), run), {
      numRuns: 60,
    });
  }, 600_000);
});
