/**
 * Speed of the Nexmark generator alone, without the engine: events made per second in a plain
 * loop over `NexmarkGenerator.event(i)`. The Nexmark queries aim at a million events per second
 * per core including generation, so this must stay several times above that.
 *
 * Usage: `npx tsx bench/nexmark-generator.ts [--events N] [--runs R]`.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { NexmarkGenerator } from '../src/index.js';

const DEFAULT_EVENTS = 10_000_000;
const DEFAULT_RUNS = 5;

/** Runs the benchmark; prints events/s per run and the median. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { events: { type: 'string' }, runs: { type: 'string' } },
  });
  const events = Number(values.events ?? DEFAULT_EVENTS);
  const runs = Number(values.runs ?? DEFAULT_RUNS);
  if (!Number.isSafeInteger(events) || events <= 0 || !Number.isSafeInteger(runs) || runs <= 0) {
    process.stderr.write(
      'nexmark-generator: --events and --runs must be whole numbers > 0; pass e.g. --events 10000000\n',
    );
    return 2;
  }
  const gen = new NexmarkGenerator();
  // Warm up so that the measured runs see optimized code.
  let sink = 0;
  for (let i = 0; i < 500_000; i++) sink += gen.event(i).type;
  const rates: number[] = [];
  const cpuRates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < events; i++) {
      // Touch the event so that its making cannot be optimized away.
      sink += gen.event(i).type;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    rates.push(Math.round(events / seconds));
    cpuRates.push(Math.round(events / ((cpu.user + cpu.system) / 1e6)));
    process.stdout.write(
      `run ${r + 1}: ${rates.at(-1)!.toLocaleString('en')} events/s, ${cpuRates.at(-1)!.toLocaleString('en')} per CPU second\n`,
    );
  }
  // CPU time is the steadier figure on a shared machine: other processes stretch wall time.
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  process.stdout.write(
    `nexmark-generator: median ${median(rates).toLocaleString('en')} events/s, ` +
      `${median(cpuRates).toLocaleString('en')} per CPU second, over ${runs} runs of ` +
      `${events.toLocaleString('en')} events (checksum ${sink})\n`,
  );
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
