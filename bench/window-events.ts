/**
 * What the window benchmarks share: the generated events, the windowed counts they produce, an
 * order-independent summary of those counts (so the engine and a hand-written loop can be
 * compared), the loop itself, and the facts recorded with every result.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Sink, SinkWriter } from '../src/index.js';

/** One generated event. */
export interface Event {
  readonly key: number;
  readonly ts: number;
}

/** One fired window. */
export interface WindowCount {
  readonly key: number;
  readonly end: number;
  readonly count: number;
}

/** What the engine and the loop must agree on. */
export interface Totals {
  windows: number;
  count: number;
  checksum: number;
}

/**
 * Event `i` among `keys` keys. Pure, so the engine and the loop see identical events. The key
 * comes from a mixing hash: a plain multiplicative one spreads consecutive indexes so evenly
 * that no key would ever repeat within a window.
 */
export function eventGenerator(keys: number): (i: number) => Event {
  return (i) => {
    let h = Math.imul(i ^ (i >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    return { key: ((h ^ (h >>> 16)) >>> 0) % keys, ts: i };
  };
}

/** Adds one window to `totals`; the checksum is a sum of hashes, so window order does not matter. */
export function addWindow(totals: Totals, windowMs: number, key: number, end: number, count: number): void {
  let h =
    Math.imul(key ^ 0x85ebca6b, 0xcc9e2d51) ^
    Math.imul(end / windowMs, 0x1b873593) ^
    Math.imul(count, 0xe6546b64);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  totals.windows++;
  totals.count += count;
  totals.checksum = (totals.checksum + ((h ^ (h >>> 13)) >>> 0)) % 2 ** 32;
}

/** A sink that only accumulates {@link Totals} of windows `windowMs` long. */
export class CountingSink implements Sink<WindowCount> {
  readonly totals: Totals = { windows: 0, count: 0, checksum: 0 };

  constructor(private readonly windowMs: number) {}

  createWriter(): SinkWriter<WindowCount> {
    const { totals, windowMs } = this;
    return {
      write: (w) => addWindow(totals, windowMs, w.key, w.end, w.count),
      flush: () => {},
      close: () => {},
    };
  }
}

/** The window count by hand: one Map of counts for the current window. */
export function runLoop(events: number, keys: number, windowMs: number): { totals: Totals; seconds: number } {
  const generate = eventGenerator(keys);
  const totals: Totals = { windows: 0, count: 0, checksum: 0 };
  const start = performance.now();
  let counts = new Map<number, number>();
  let windowEnd = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < events; i++) {
    const e = generate(i);
    const end = e.ts - (e.ts % windowMs) + windowMs;
    if (end !== windowEnd) {
      for (const [key, count] of counts) addWindow(totals, windowMs, key, windowEnd, count);
      counts = new Map();
      windowEnd = end;
    }
    counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
  }
  for (const [key, count] of counts) addWindow(totals, windowMs, key, windowEnd, count);
  return { totals, seconds: (performance.now() - start) / 1000 };
}

/** The machine a result was measured on. */
export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    os: `${osType()} ${release()}`,
  };
}

/** The commit a result was measured at. */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** Reads an option that must be a whole number >= 1 (`_` separators allowed). */
export function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number >= 1, got '${text}'`);
  return value;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
