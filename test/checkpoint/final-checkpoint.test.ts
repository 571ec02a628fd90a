/**
 * The final checkpoint of a bounded job is taken after end of input reached every operator:
 * operators have finished, so it holds no keyed state (small, where a periodic checkpoint of the
 * same job is large), and what they emitted while finishing is committed by it, not outside any
 * checkpoint. Restoring it (a crash after it completed, before the job recorded that it
 * finished) commits exactly the output of the failure-free run, at any parallelism.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import { FileCheckpointStorage } from '../../src/checkpoint/file-storage.js';
import {
  type Collector,
  type JobClient,
  KeyedProcessFunction,
  type KeyedProcessContext,
  NO_TIMESTAMP,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  type TwoPhaseCommittingSink,
  type ValueState,
  ValueStateDescriptor,
  WatermarkStrategy,
} from '../../src/index.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../src/runtime/operator.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from '../../src/runtime/snapshot.js';
import { decode } from '../../src/types/codec.js';
import { waitFor } from '../support/recording-sink.js';
import { ScriptedSource, SourceScript } from '../support/scripted-source.js';

const RECORDS = 3000;
const NOTE_BYTES = 60;
/** What a failure-free run commits: the window fired by end of input's watermark, and the count emitted by `finish`. */
const EXPECTED = [`count:${RECORDS}`, `window:${(RECORDS * (RECORDS + 1)) / 2}`];
/** How long a wait may take before the job counts as stuck: a bound for a broken run, not a speed expectation. */
const WAIT_CAP_MS = 60_000;
/** Two waits and a run per test, on a machine that may be heavily loaded. */
const TEST_TIMEOUT_MS = 150_000;

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-final-checkpoint-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  setEnvironmentDefaults(undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Keeps a note of about {@link NOTE_BYTES} bytes per record (one key each): large keyed state. */
class Remember extends KeyedProcessFunction<number, number, number> {
  private note!: ValueState<string>;

  override open(): void {
    this.note = this.getRuntimeContext().getState(new ValueStateDescriptor('note'));
  }

  processElement(value: number, _ctx: KeyedProcessContext<number, number>, out: Collector<number>): void {
    this.note.update(`record ${value}`.padEnd(NOTE_BYTES, '.'));
    out.collect(value);
  }
}

/** Counts records in checkpointed operator state and emits the count only when it finishes. */
class CountAtEnd extends AbstractStreamOperator<string> implements OneInputStreamOperator<number, string> {
  private count = 0;

  initializeState(restored: RestoredOperatorState): void {
    for (const n of (restored.get('count') ?? []) as number[]) this.count += n;
  }

  processElement(): void {
    this.count++;
  }

  snapshotState(): OperatorStateSnapshot {
    return { count: { mode: 'split', entries: [this.count] } };
  }

  override finish(): void {
    this.output.collect(`count:${this.count}`, NO_TIMESTAMP);
  }
}

interface Committable {
  readonly id: string;
  readonly values: string[];
}

/** A two-phase sink whose idempotent committer keeps each committable once, by id. */
class CommitLog implements TwoPhaseCommittingSink<string, Committable> {
  readonly committed = new Map<string, string[]>();
  private prepared = 0;

  createWriter(context: { attemptId: string; subtaskIndex: number }) {
    let buffer: string[] = [];
    return {
      write: (value: string) => {
        buffer.push(value);
      },
      flush: () => {},
      prepareCommit: (): Committable[] => {
        if (buffer.length === 0) return [];
        const committable = {
          id: `${context.attemptId}/${context.subtaskIndex}/${this.prepared++}`,
          values: buffer,
        };
        buffer = [];
        return [committable];
      },
      close: () => {},
    };
  }

  createCommitter() {
    return {
      commit: (committables: Committable[]) => {
        for (const c of committables) if (!this.committed.has(c.id)) this.committed.set(c.id, c.values);
      },
      close: () => {},
    };
  }

  values(): string[] {
    return [...this.committed.values()].flat().sort();
  }
}

function start(
  script: SourceScript<number>,
  sink: CommitLog,
  checkpointDir: string,
  parallelism: number,
  restorePath?: string,
  mode: 'exactly-once' | 'at-least-once' = 'exactly-once',
): JobClient {
  setEnvironmentDefaults({ checkpointDir, restorePath, parallelism });
  try {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(30, mode);
    const numbers = env
      .fromSource(
        new ScriptedSource(script, 'bounded'),
        WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v),
        'numbers',
      )
      .uid('numbers')
      .keyBy((v) => v)
      .process(new Remember())
      .uid('remember');
    const window = numbers
      .keyBy(() => 0)
      .window(TumblingEventTimeWindows.of(1_000_000))
      .reduce((a, b) => a + b)
      .uid('window')
      .map((sum) => `window:${sum}`)
      .uid('window-label');
    numbers
      .transform('count at end', () => new CountAtEnd())
      .uid('count')
      .union(window)
      .sinkTo(sink)
      .uid('sink');
    return env.executeAsync('final-checkpoint-job');
  } finally {
    setEnvironmentDefaults(undefined);
  }
}

/** Pushes every record, waits for a checkpoint taken after all of them reached the keyed state, then ends the input. */
async function runToEnd(client: JobClient, script: SourceScript<number>): Promise<void> {
  script.push('a', ...Array.from({ length: RECORDS }, (_, i) => i + 1));
  const remembered = () =>
    client
      .tasks()
      .filter((t) => t.vertexName.includes('remember') || t.vertexName.includes('Process'))
      .reduce((sum, t) => sum + t.recordsIn, 0);
  await waitFor(() => remembered() >= RECORDS, 'the records to reach the keyed state', WAIT_CAP_MS);
  const stats = client.checkpoints();
  const after = stats.completed + stats.inProgress;
  await waitFor(() => client.checkpoints().completed > after, 'a periodic checkpoint', WAIT_CAP_MS);
  script.finish();
  await client.result;
}

describe('the final checkpoint', () => {
  it.each(['exactly-once', 'at-least-once'] as const)(
    '%s: holds no keyed state and commits what operators emitted while finishing',
    async (mode) => {
      const checkpointDir = tempDir();
      const script = new SourceScript<number>(['a']);
      const sink = new CommitLog();
      const client = start(script, sink, checkpointDir, 1, undefined, mode);
      await runToEnd(client, script);
      expect(client.status()).toBe('finished');
      expect(sink.values()).toEqual(EXPECTED);

      const history = client.checkpoints().history.filter((c) => c.status === 'completed');
      const final = history[0]!;
      const periodicMax = Math.max(...history.slice(1).map((c) => c.sizeBytes));
      expect(periodicMax).toBeGreaterThan(RECORDS * NOTE_BYTES);
      expect(final.sizeBytes).toBeLessThan(RECORDS * 2);

      // The tail is in a committable of the final checkpoint: committed by it, not by `finish`.
      const data = await new FileCheckpointStorage(checkpointDir).read(final.path!);
      const sinkState = data.operators.find((op) => op.uid === 'sink')!;
      const pending = sinkState.subtasks.flatMap((s) =>
        (s.operatorState.committables?.entries ?? []).map(
          (bytes) => decode(bytes) as { checkpointId: number; committable: Committable },
        ),
      );
      expect(
        pending
          .filter((p) => p.checkpointId === final.id)
          .flatMap((p) => p.committable.values)
          .sort(),
      ).toEqual(EXPECTED);
    },
    TEST_TIMEOUT_MS,
  );

  it.each([1, 2])(
    'restored at parallelism %i after a crash past it, commits exactly the failure-free output',
    async (parallelism) => {
      const checkpointDir = tempDir();
      const script = new SourceScript<number>(['a']);
      const sink = new CommitLog();
      const first = start(script, sink, checkpointDir, 1);
      await runToEnd(first, script);
      const finalPath = first.checkpoints().latestCompleted!.path!;
      // The crash: the final checkpoint completed, but the job never recorded that it finished.
      const second = start(script, sink, checkpointDir, parallelism, finalPath);
      await second.result;
      expect(second.status()).toBe('finished');
      expect(sink.values()).toEqual(EXPECTED);
    },
    TEST_TIMEOUT_MS,
  );
});
