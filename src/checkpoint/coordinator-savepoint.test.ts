import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BarrierEvent } from '../types/elements.js';
import type { AttemptCheckpointListener, ExecutionAttempt } from '../runtime/attempt.js';
import type { JobGraph } from '../runtime/job-graph.js';
import { CheckpointCoordinator } from './coordinator.js';
import { MemoryCheckpointStorage } from './memory-storage.js';

/** An attempt of one task whose barriers and commits the test drives by hand. */
class ScriptedAttempt implements ExecutionAttempt {
  readonly taskCount = 1;
  readonly barriers: BarrierEvent[] = [];
  readonly notified: number[] = [];
  /** Resolves the commit of each notified checkpoint, by id. */
  readonly finishCommit = new Map<number, () => void>();
  readonly result = new Promise<void>(() => {});
  listener!: AttemptCheckpointListener;

  tasks() {
    return [];
  }
  triggerCheckpoint(barrier: BarrierEvent): Map<string, Uint8Array> {
    this.barriers.push(barrier);
    return new Map();
  }
  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    this.notified.push(checkpointId);
    return new Promise((resolve) => this.finishCommit.set(checkpointId, resolve));
  }
  finishSources(): void {}
  cancel(): void {}

  acknowledge(checkpointId: number): void {
    this.listener.onAcknowledge({
      checkpointId,
      vertexId: 0,
      subtaskIndex: 0,
      operators: new Map(),
      syncDurationMs: 0,
      alignmentDurationMs: 0,
    });
  }
}

const JOB = { jobName: 'savepoint-race', jobId: 'job-1', vertices: [] } as unknown as JobGraph;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(condition()).toBe(true);
}

describe('CheckpointCoordinator savepoint while a checkpoint completes', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function started(): { coordinator: CheckpointCoordinator; attempt: ScriptedAttempt; dir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'weir-savepoint-race-'));
    dirs.push(dir);
    const coordinator = new CheckpointCoordinator({
      job: JOB,
      lastCheckpointId: 0,
      onFatal: (error) => {
        throw error;
      },
      storage: new MemoryCheckpointStorage(),
      interval: 5,
      mode: 'exactly-once',
      minPause: 0,
      timeout: 60_000,
      tolerableFailures: 0,
      maxConcurrent: 1,
      maxRetained: 2,
      savepointDir: dir,
    });
    const attempt = new ScriptedAttempt();
    attempt.listener = coordinator.listenerFor(() => attempt);
    coordinator.attach(attempt);
    return { coordinator, attempt, dir };
  }

  it('waits for a checkpoint that every task acknowledged, which then completes, not fails', async () => {
    const { coordinator, attempt, dir } = started();
    await until(() => attempt.barriers.length === 1);
    coordinator.stopPeriodic();
    attempt.acknowledge(1);
    // Written and being committed: the sinks are committing checkpoint 1.
    await until(() => attempt.notified.includes(1));

    const savepoint = coordinator.triggerSavepoint(join(dir, 'sp'));
    await new Promise((r) => setTimeout(r, 20));
    expect(attempt.barriers.map((b) => b.savepoint)).toEqual([false]);

    attempt.finishCommit.get(1)!();
    await until(() => attempt.barriers.length === 2);
    expect(attempt.barriers[1]!.savepoint).toBe(true);
    attempt.acknowledge(attempt.barriers[1]!.checkpointId);
    await until(() => attempt.notified.length === 2);
    attempt.finishCommit.get(attempt.barriers[1]!.checkpointId)!();
    const stored = await savepoint;
    expect(stored.savepoint).toBe(true);

    const stats = coordinator.stats();
    expect(stats.failed).toBe(0);
    expect(stats.history.find((c) => c.id === 1)?.status).toBe('completed');
    coordinator.shutdown();
  });

  it('abandons a checkpoint whose barriers are still under way', async () => {
    const { coordinator, attempt, dir } = started();
    await until(() => attempt.barriers.length === 1);
    coordinator.stopPeriodic();

    const savepoint = coordinator.triggerSavepoint(join(dir, 'sp'));
    await until(() => attempt.barriers.length === 2);
    expect(attempt.barriers[1]!.savepoint).toBe(true);
    expect(coordinator.stats().history.find((c) => c.id === 1)?.status).toBe('failed');
    // A late acknowledgement of the abandoned checkpoint changes nothing.
    attempt.acknowledge(1);
    attempt.acknowledge(2);
    await until(() => attempt.notified.length === 1);
    expect(attempt.notified).toEqual([2]);
    attempt.finishCommit.get(2)!();
    expect((await savepoint).checkpointId).toBe(2);
    coordinator.shutdown();
  });
});
