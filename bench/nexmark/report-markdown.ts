/**
 * The summary of `weir bench nexmark --all`: the machine it ran on and a markdown table of
 * every query, written next to the JSON as `bench/results/nexmark-<date>.md`.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { round } from '../window-events.js';
import { LATENCY_TARGET, type QueryResult } from './report-result.js';

/** The machine: CPU model as /proc/cpuinfo names it, cores, memory and OS. */
export function nexmarkMachine(base: { cpu: string; cores: number; memoryGb: number; os: string }) {
  let cpu = base.cpu;
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: os.cpus() has the model too.
  }
  return { ...base, cpu: cpu || cpus()[0]?.model || 'unknown', loadAverage: round(loadavg()[0]!, 2) };
}

/** What the markdown summary needs besides the per-query results. */
export interface SuiteInfo {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly machine: ReturnType<typeof nexmarkMachine>;
  readonly checkpointIntervalMs: number;
  readonly stateBackend: string;
  readonly runs: number;
  readonly loadAverage: { readonly before: number; readonly after: number };
}

/**
 * The markdown table: one row per query, throughput at each parallelism measured, the target,
 * the baselines, and latency from the latency run at half the query's p=1 rate, if made.
 */
export function markdownSummary(
  info: SuiteInfo,
  results: readonly QueryResult[],
  latency: readonly QueryResult[],
): string {
  const parallelisms = [...new Set(results.map((r) => r.parallelism))].sort((a, b) => a - b);
  const queries = [...new Set(results.map((r) => r.query))];
  const others = parallelisms.filter((p) => p !== 1);
  const head = [
    'query',
    'events',
    'events/s/core p1',
    ...others.map((p) => `events/s/core p${p}`),
    'events/CPU-s p1',
    'target',
    'loop events/s',
    'engine/loop (time, CPU)',
    'RxJS events/s',
    'generation events/s',
    'p99 latency',
    'checkpoints (p50 / max)',
    'peak RSS',
    'rows',
  ];
  const lines = [
    `# Nexmark, ${info.date}`,
    '',
    `Commit ${info.commit}, ${info.date}. Machine: ${info.machine.cpu}, ${info.machine.cores} cores, ` +
      `${info.machine.memoryGb} GB, ${info.machine.os}, Node ${info.node}; load average ` +
      `${info.loadAverage.before} before, ${info.loadAverage.after} after.`,
    '',
    'One `weir run` child per run, checkpoints every ' +
      `${info.checkpointIntervalMs / 1000} s (exactly-once, ${info.stateBackend} backend), blackhole sink; ` +
      `median of ${info.runs} run(s). Engine/loop is the engine's time over the hand-written loop's at p=1, ` +
      'wall-clock and CPU (both include generating the events; on a busy machine the CPU ratio is the ' +
      'steadier one), and so is events per CPU second (the CPU time of the whole `weir run` process, ' +
      'every thread, start-up of the worker threads included). p99 latency is from a separate run at p=1 with the source ' +
      `at half the query's p=1 rate and a ${LATENCY_TARGET.bufferTimeoutMs} ms buffer timeout ` +
      `(target for ${LATENCY_TARGET.query}: p99 < ${LATENCY_TARGET.p99Ms} ms).`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
  ];
  for (const query of queries) {
    const at = (p: number) => results.find((r) => r.query === query && r.parallelism === p);
    const p1 = at(1) ?? results.find((r) => r.query === query)!;
    const lat = latency.find((r) => r.query === query);
    const cells = [
      query,
      num(p1.events),
      at(1) === undefined ? '—' : num(p1.eventsPerSecondPerCore),
      ...others.map((p) => {
        const r = at(p);
        return r === undefined ? '—' : num(r.eventsPerSecondPerCore);
      }),
      at(1) === undefined ? '—' : num(p1.eventsPerCpuSecond),
      p1.targetEventsPerSecondPerCore === null ? '—' : `≥ ${num(p1.targetEventsPerSecondPerCore)}`,
      p1.loop === null ? '—' : num(p1.loop.eventsPerSecond),
      p1.engineOverLoop === null ? '—' : `${p1.engineOverLoop}×, ${p1.engineOverLoopCpu}×`,
      p1.rxjs === null ? '—' : num(p1.rxjs.eventsPerSecond),
      p1.generation === null ? '—' : num(p1.generation.eventsPerSecond),
      lat?.p99LatencyMs == null ? '—' : `${lat.p99LatencyMs} ms at ${num(lat.rate ?? 0)}/s`,
      p1.checkpoints.completed === 0
        ? '0'
        : `${p1.checkpoints.completed} (${p1.checkpoints.p50DurationMs} / ${p1.checkpoints.maxDurationMs} ms)`,
      `${p1.peakRssMb} MB`,
      `${num(p1.outputRows)}${p1.rowsMatch === false ? ' (loop: ' + num(p1.loop!.rows) + ')' : ''}`,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function num(value: number): string {
  return value.toLocaleString('en');
}
