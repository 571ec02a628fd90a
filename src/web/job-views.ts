/**
 * The JSON the REST API returns, built from a {@link JobClient}. These shapes are a contract
 * with the CLI and any dashboard, so every field is always present: `null` stands for "not
 * known yet" instead of a missing key, and watermarks, which are ±Infinity at the edges, become
 * `null` (none yet) and `'end'` (input ended) because JSON has no infinities.
 */
import type { CheckpointStats, CheckpointSummary, JobClient, TaskSnapshot } from '../runtime/job-client.js';

/** A watermark in JSON: ms since the epoch, `null` before the first, `'end'` after the last. */
export type WatermarkJson = number | 'end' | null;

/** One job in `GET /jobs`. */
export interface JobSummaryJson {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly startTime: number;
  readonly restarts: number;
}

/** Record counts and queue length, summed over subtasks. */
export interface CountsJson {
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Records written by sinks. */
  readonly sinkRecordsIn: number;
  readonly inputQueueLength: number;
}

/** One subtask of a vertex. */
export interface SubtaskJson extends CountsJson {
  readonly subtask: number;
  readonly watermark: WatermarkJson;
  /** Total time blocked on outputs without credit, ms. */
  readonly backpressuredMs: number;
  /** Share of the last second or so this subtask spent blocked on its outputs, 0..1. */
  readonly backpressureRatio: number;
  /** Queued input over the credit granted for it, 0..1: a full buffer means a slow subtask. */
  readonly inputBufferUsage: number;
}

/** One vertex (a chain of operators) with its subtasks. */
export interface VertexJson {
  readonly id: number;
  readonly name: string;
  readonly parallelism: number;
  readonly isSource: boolean;
  /** Lowest watermark of its subtasks. */
  readonly watermark: WatermarkJson;
  /** Highest ratio of its subtasks: one blocked subtask is enough to slow the vertex down. */
  readonly backpressureRatio: number;
  readonly totals: CountsJson;
  readonly subtasks: readonly SubtaskJson[];
}

/** `GET /jobs/:id`. */
export interface JobDetailsJson extends JobSummaryJson {
  /** Run time so far in ms, or until the end; `null` when the job ended at an unknown time. */
  readonly duration: number | null;
  readonly vertices: readonly VertexJson[];
  readonly totals: CountsJson;
}

/** One checkpoint in `GET /jobs/:id/checkpoints`. */
export interface CheckpointSummaryJson {
  readonly id: number;
  readonly savepoint: boolean;
  readonly status: CheckpointSummary['status'];
  readonly triggerTimestamp: number;
  readonly durationMs: number | null;
  readonly sizeBytes: number;
  readonly path: string | null;
  readonly failureMessage: string | null;
}

/** `GET /jobs/:id/checkpoints`: {@link CheckpointStats} with explicit nulls. */
export interface CheckpointStatsJson {
  readonly completed: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly latestCompleted: CheckpointSummaryJson | null;
  readonly history: readonly CheckpointSummaryJson[];
  readonly restored: { readonly id: number; readonly path: string | null } | null;
}

/** A job's entry in the job list. */
export function jobSummary(client: JobClient): JobSummaryJson {
  return {
    id: client.jobId,
    name: client.jobName,
    status: client.status(),
    startTime: client.startTime,
    restarts: client.restarts(),
  };
}

/**
 * A job with per-subtask metrics as of `now`. Each subtask measures its own backpressure ratio
 * over the last second or so, so it shows the current pressure, also after a restart.
 */
export function jobDetails(client: JobClient, now: number, endTime: number | undefined): JobDetailsJson {
  const status = client.status();
  const live = status === 'running' || status === 'restarting';
  const end = live ? now : endTime;
  const byVertex = new Map<number, TaskSnapshot[]>();
  for (const task of client.tasks()) {
    const group = byVertex.get(task.vertexId);
    if (group === undefined) byVertex.set(task.vertexId, [task]);
    else group.push(task);
  }
  const vertices = [...byVertex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, tasks]) => vertexView(id, tasks));
  return {
    id: client.jobId,
    name: client.jobName,
    status,
    startTime: client.startTime,
    restarts: client.restarts(),
    duration: end === undefined ? null : Math.max(0, end - client.startTime),
    vertices,
    totals: sumCounts(vertices.map((v) => v.totals)),
  };
}

/** Checkpoint statistics with explicit nulls. */
export function checkpointStatsView(stats: CheckpointStats): CheckpointStatsJson {
  return {
    completed: stats.completed,
    failed: stats.failed,
    inProgress: stats.inProgress,
    latestCompleted: stats.latestCompleted === undefined ? null : checkpointView(stats.latestCompleted),
    history: stats.history.map(checkpointView),
    restored:
      stats.restored === undefined ? null : { id: stats.restored.id, path: stats.restored.path ?? null },
  };
}

/** A watermark as JSON. */
export function watermarkJson(watermark: number): WatermarkJson {
  if (watermark === Number.POSITIVE_INFINITY) return 'end';
  return Number.isFinite(watermark) ? watermark : null;
}

function vertexView(id: number, tasks: TaskSnapshot[]): VertexJson {
  const subtasks = tasks
    .sort((a, b) => a.subtaskIndex - b.subtaskIndex)
    .map(
      (task): SubtaskJson => ({
        subtask: task.subtaskIndex,
        recordsIn: task.recordsIn,
        recordsOut: task.recordsOut,
        sinkRecordsIn: task.sinkRecordsIn,
        inputQueueLength: task.inputQueueLength,
        watermark: watermarkJson(task.watermark),
        backpressuredMs: task.backpressuredMs,
        backpressureRatio: round3(task.backpressureRatio),
        inputBufferUsage: round3(task.inputBufferUsage),
      }),
    );
  const first = tasks[0]!;
  return {
    id,
    name: first.vertexName,
    parallelism: tasks.length,
    isSource: first.isSource,
    watermark: watermarkJson(Math.min(...tasks.map((t) => t.watermark))),
    backpressureRatio: Math.max(...subtasks.map((s) => s.backpressureRatio)),
    totals: sumCounts(subtasks),
    subtasks,
  };
}

/** A ratio clamped to 0..1 and rounded to 3 places. */
function round3(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}

function sumCounts(items: readonly CountsJson[]): CountsJson {
  let recordsIn = 0;
  let recordsOut = 0;
  let sinkRecordsIn = 0;
  let inputQueueLength = 0;
  for (const item of items) {
    recordsIn += item.recordsIn;
    recordsOut += item.recordsOut;
    sinkRecordsIn += item.sinkRecordsIn;
    inputQueueLength += item.inputQueueLength;
  }
  return { recordsIn, recordsOut, sinkRecordsIn, inputQueueLength };
}

function checkpointView(summary: CheckpointSummary): CheckpointSummaryJson {
  return {
    id: summary.id,
    savepoint: summary.savepoint,
    status: summary.status,
    triggerTimestamp: summary.triggerTimestamp,
    durationMs: summary.durationMs ?? null,
    sizeBytes: summary.sizeBytes,
    path: summary.path ?? null,
    failureMessage: summary.failureMessage ?? null,
  };
}
