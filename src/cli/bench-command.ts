/**
 * `weir bench <name>`: runs a benchmark from the repository's `bench/` folder. Benchmarks are
 * ordinary programs written against the public API; each exports
 * `main(argv: string[]): Promise<number>` returning its exit code. They are not part of the
 * published package, so a missing folder gets a clear message instead of a stack trace.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Terminal } from './terminal.js';
import { BENCH_HELP, ExitCodes, UsageError } from './usage.js';

/** Benchmarks `weir bench` knows, by name; the first is the default. */
export const BENCHMARKS = [
  'window-count',
  'checkpoint',
  'file-window',
  'exchange',
  'state-backend',
  'nexmark',
] as const;

/** Options of benchmarks that BENCH_HELP does not show. */
const MORE_HELP = `weir bench exchange [--records N] [--rate R] [--json] [--no-save]
  records/s, bytes per record and latency at R records/s between two worker threads
weir bench file-window [--lines N] [--keys K] [--runs R] [--split-size BYTES] [--cpu-prof DIR]
                       [--json] [--no-save]
  a keyed window job over one NDJSON file at parallelism 1 and 2: speed-up, identical outputs
weir bench state-backend [--keys N] [--events N] [--ops-keys N] [--checkpoint-keys N] [--hot-keys N]
                         [--interval MS] [--json] [--no-save]
  heap against disk state backend: state reads and writes/s, a window job with N keys,
  checkpoint duration and size, restore time
weir bench nexmark (--query qN | --all) --events N [--parallelism P] [--checkpoint-interval MS]
                   [--rate R] [--buffer-timeout MS] [--latency-warmup MS] [--state-backend heap|disk]
                   [--runs R] [--latency-seconds S] [--cpu-prof DIR] [--task-old-generation MB]
                   [--sql] [--json] [--no-save]
  a Nexmark query (bench/nexmark/qN.ts) on the engine against its hand-written loop and RxJS:
  events/s per core, latency with --rate, checkpoints, peak RSS; --all runs every query file;
  --sql runs the query's reference SQL (bench/nexmark/sql/) against its DataStream version`;

/** Benchmarks named in the design that this version does not have yet. */
const PLANNED: readonly string[] = [];

/** Runs `weir bench <argv…>` and returns the exit code. */
export async function benchCommand(argv: readonly string[], terminal: Terminal): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    terminal.out(`${BENCH_HELP}\n${MORE_HELP}\nBenchmarks: ${BENCHMARKS.join(', ')}`);
    return ExitCodes.OK;
  }
  const named = first !== undefined && !first.startsWith('-');
  const name = named ? first : BENCHMARKS[0];
  const args = named ? rest : [...argv];
  if (PLANNED.includes(name)) {
    throw new UsageError(
      `weir bench ${name} is not available in this version; try weir bench ${BENCHMARKS[0]}`,
    );
  }
  if (!(BENCHMARKS as readonly string[]).includes(name)) {
    throw new UsageError(`unknown benchmark '${name}'; available: ${BENCHMARKS.join(', ')}`);
  }
  const file = fileURLToPath(new URL(`../../bench/${name}.ts`, import.meta.url));
  if (!existsSync(file)) {
    throw new UsageError(`benchmark file ${file} is missing; benchmarks run from a clone of the repository`);
  }
  const module = (await import(pathToFileURL(file).href)) as { main?: (argv: string[]) => Promise<number> };
  if (typeof module.main !== 'function') {
    throw new UsageError(`${file} does not export main(argv); it cannot be run by weir bench`);
  }
  return module.main([...args]);
}
