/**
 * The initial old generation of task worker threads when a job sets none
 * (`ExecutionConfig.setTaskOldGenerationInitialSize`). V8 starts an isolate's old generation
 * small and runs a full collection (a mark-compact of everything live) each time the old
 * generation outgrows its current limit, so a task whose state grows to hundreds of MB marks
 * its whole state several times on the way. Starting the limit higher skips those collections;
 * memory is still taken only as objects are promoted, but garbage that reaches the old
 * generation waits for the first full collection, so a thread's memory may grow up to this size
 * first. The default is therefore bounded by the machine's memory per core (`weir run` starts
 * one task thread per core by default): a quarter of it, at most 512 MB, at least V8's own start.
 * Measured on the Nexmark jobs in bench/README.md.
 */
import { availableParallelism, totalmem } from 'node:os';

/** The largest default, MB: enough for every mark-compact of the stateful Nexmark jobs at 1M events to go. */
export const MAX_DEFAULT_OLD_GENERATION_MB = 512;

/** The share of the memory per core a task thread's old generation may start with. */
const MEMORY_PER_CORE_SHARE = 4;

/** 0 asks V8 for its own start (`--initial-old-space-size=0`). */
export const V8_OWN_OLD_GENERATION = 0;

/**
 * The default for a machine with `memoryMb` MB and `cores` cores: a quarter of the memory per
 * core, at most {@link MAX_DEFAULT_OLD_GENERATION_MB}; below 64 MB, V8's own start (0), which
 * is about that large anyway.
 */
export function defaultOldGenerationMb(memoryMb: number, cores: number): number {
  const share = Math.floor(memoryMb / Math.max(1, cores) / MEMORY_PER_CORE_SHARE);
  if (share < 64) return V8_OWN_OLD_GENERATION;
  return Math.min(MAX_DEFAULT_OLD_GENERATION_MB, share);
}

/** This machine's memory in MB: a container's limit where the process has one. */
function machineMemoryMb(): number {
  const total = totalmem();
  // constrainedMemory() is a cgroup's limit, or a huge number (or 0) when there is none.
  const limit = process.constrainedMemory?.() ?? 0;
  return Math.floor((limit > 0 && limit < total ? limit : total) / 2 ** 20);
}

let machineDefault: number | undefined;

/**
 * The initial old generation, MB, for a task thread of a job that asked for `configured`
 * (undefined: the engine's default for this machine; 0: V8's own start).
 */
export function taskOldGenerationMb(configured: number | undefined): number {
  if (configured !== undefined) return configured;
  machineDefault ??= defaultOldGenerationMb(machineMemoryMb(), availableParallelism());
  return machineDefault;
}
