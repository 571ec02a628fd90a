/**
 * The baselines of `weir bench nexmark`, run in this process on the same events as the engine
 * (the same generator config, hence the same events in the same order):
 *
 * - generation alone: `NexmarkGenerator.event(i)` for every index, results dropped, which tells
 *   how much of the loop's (and the engine's) time is the generator's;
 * - the query's hand-written `loop`, fed by the same generator: the practical limit of one core;
 * - RxJS, for the queries `rxjs-baselines.ts` has (q0–q2): what a TypeScript programmer would
 *   write without an engine, one synchronous Observable of the generated events.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Observable } from 'rxjs';
import { Observable as RxObservable } from 'rxjs';
import { type NexmarkEvent, NexmarkGenerator } from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

const RXJS_FILE = fileURLToPath(new URL('./rxjs-baselines.ts', import.meta.url));

/** The time of one baseline and the rows it produced. */
export interface BaselineRun {
  readonly seconds: number;
  /** CPU time of this process over the same span: on a busy machine, less than `seconds`. */
  readonly cpuSeconds: number;
  readonly rows: number;
}

/** Starts a stopwatch of wall and CPU time; calling the result reads both, in seconds. */
function stopwatch(): () => { seconds: number; cpuSeconds: number } {
  const start = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { seconds: (performance.now() - start) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
  };
}

/** Where generated events go when only generation is timed; read so that no call is dropped. */
export let generatedTypeSum = 0;

/** Times generating `events` events and dropping them (`rows` is 0). */
export function runGeneration(events: number): BaselineRun {
  const generator = new NexmarkGenerator({ events });
  let types = 0;
  const elapsed = stopwatch();
  for (let i = 0; i < events; i++) types += generator.event(i).type;
  const time = elapsed();
  generatedTypeSum = types;
  return { ...time, rows: 0 };
}

/** Times the query's hand-written loop over `events` generated events, generation included. */
export function runLoop(query: NexmarkQuery, events: number): BaselineRun {
  const generator = new NexmarkGenerator({ events });
  let rows = 0;
  const elapsed = stopwatch();
  const loop = query.loop(() => {
    rows++;
  });
  for (let i = 0; i < events; i++) loop.onEvent(generator.event(i));
  loop.finish();
  return { ...elapsed(), rows };
}

/**
 * Times the RxJS baseline of `query` over `events` generated events, generation included;
 * undefined when there is none for this query (or the baselines file is not there).
 */
export async function runRxjs(query: string, events: number): Promise<BaselineRun | undefined> {
  if (!existsSync(RXJS_FILE)) return undefined;
  const module = (await import(pathToFileURL(RXJS_FILE).href)) as {
    rxjsBaselines?: Record<string, (events: Observable<NexmarkEvent>) => Observable<unknown>>;
  };
  const baseline = module.rxjsBaselines?.[query];
  if (baseline === undefined) return undefined;
  const generator = new NexmarkGenerator({ events });
  const source = new RxObservable<NexmarkEvent>((subscriber) => {
    for (let i = 0; i < events && !subscriber.closed; i++) subscriber.next(generator.event(i));
    subscriber.complete();
  });
  let rows = 0;
  const elapsed = stopwatch();
  await new Promise<void>((resolve, reject) => {
    baseline(source).subscribe({
      next: () => {
        rows++;
      },
      error: reject,
      complete: resolve,
    });
  });
  return { ...elapsed(), rows };
}
