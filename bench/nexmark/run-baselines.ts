/**
 * The baselines of `weir bench nexmark`, run in this process on the same events as the engine
 * (the same generator config, hence the same events in the same order):
 *
 * - generation alone: `NexmarkGenerator.event(i)` for every index of the kinds the query reads,
 *   results dropped, which tells how much of the loop's (and the engine's) time is the generator's;
 * - the query's hand-written `loop`, fed by the same generator: the practical limit of one core;
 * - RxJS, for the queries `rxjs-baselines.ts` has (q0–q2): what a TypeScript programmer would
 *   write without an engine, one synchronous Observable of the generated events.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Observable } from 'rxjs';
import { Observable as RxObservable } from 'rxjs';
import { type NexmarkEvent, type NexmarkEventTypeCode, NexmarkGenerator } from '../../src/index.js';
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

/**
 * Calls `each` with the events `0 … events - 1` of the kinds in `kinds` (all when undefined),
 * skipping the others without generating them, as the engine's source does for a query that
 * declares its `eventTypes`.
 */
function forEachEvent(
  generator: NexmarkGenerator,
  events: number,
  kinds: readonly NexmarkEventTypeCode[] | undefined,
  each: (event: NexmarkEvent) => void,
  stop: () => boolean = () => false,
): void {
  if (kinds === undefined || kinds.length === 3) {
    for (let i = 0; i < events && !stop(); i++) each(generator.event(i));
    return;
  }
  let mask = 0;
  for (const kind of kinds) mask |= 1 << kind;
  for (let i = 0; i < events && !stop(); i++) {
    if (((mask >> generator.eventType(i)) & 1) === 1) each(generator.event(i));
  }
}

/** Times generating the events of the kinds `query` reads and dropping them (`rows` is 0). */
export function runGeneration(query: NexmarkQuery, events: number): BaselineRun {
  const generator = new NexmarkGenerator({ events });
  let types = 0;
  const elapsed = stopwatch();
  forEachEvent(generator, events, query.eventTypes, (event) => {
    types += event.type;
  });
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
  forEachEvent(generator, events, query.eventTypes, (event) => loop.onEvent(event));
  loop.finish();
  return { ...elapsed(), rows };
}

/**
 * Times the RxJS baseline of `query` over `events` generated events, generation included;
 * undefined when there is none for this query (or the baselines file is not there).
 */
export async function runRxjs(query: NexmarkQuery, events: number): Promise<BaselineRun | undefined> {
  if (!existsSync(RXJS_FILE)) return undefined;
  const module = (await import(pathToFileURL(RXJS_FILE).href)) as {
    rxjsBaselines?: Record<string, (events: Observable<NexmarkEvent>) => Observable<unknown>>;
  };
  const baseline = module.rxjsBaselines?.[query.name];
  if (baseline === undefined) return undefined;
  const generator = new NexmarkGenerator({ events });
  const source = new RxObservable<NexmarkEvent>((subscriber) => {
    forEachEvent(
      generator,
      events,
      query.eventTypes,
      (event) => subscriber.next(event),
      () => subscriber.closed,
    );
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
