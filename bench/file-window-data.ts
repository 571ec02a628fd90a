/**
 * The input of the file-window benchmark: a deterministic NDJSON file of click-stream-like
 * events, and the hand-written loop that computes the job's windows from it.
 *
 * Line `i` is a pure function of `i` and the key count, so every run, and the loop, see the same
 * file. Event time advances by {@link EVENTS_PER_SECOND} events per second of event time; one
 * event in ten lags by up to {@link MAX_DISORDER_MS}, so the file is mostly but not strictly in
 * time order. Prices are written with two decimals and summed as integer cents: a sum of doubles
 * depends on the order of addition, which differs between parallelisms, and results must be
 * identical.
 *
 * Files are generated once and cached under `bench/.data/` (git-ignored), named by everything
 * that determines their content.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** One line of the input file. */
export interface ClickEvent {
  /** Event time, ms since the epoch. */
  readonly ts: number;
  readonly key: string;
  /** Two decimals. */
  readonly price: number;
  readonly action: string;
  readonly session: string;
}

/** One fired window, as the job writes it and the loop computes it. */
export interface KeyWindow {
  readonly key: string;
  /** Window start, ms since the epoch. */
  readonly start: number;
  readonly count: number;
  /** Sum of prices in cents. */
  readonly revenue: number;
}

/** Events per second of event time: 10M lines span 100 one-second windows. */
export const EVENTS_PER_SECOND = 100_000;

/** The largest lag of an event behind the file's event-time clock, ms. */
export const MAX_DISORDER_MS = 200;

/** Event time of the first line: 2026-01-01T00:00:00Z. */
const BASE_TS = Date.UTC(2026, 0, 1);

/** Bumped whenever the line format changes, so stale cached files are not reused. */
const FORMAT_VERSION = 1;

const ACTIONS = ['view', 'view', 'view', 'click', 'click', 'cart', 'buy', 'search'];

/** Where generated files are cached. */
export const DATA_DIR = fileURLToPath(new URL('./.data/', import.meta.url));

/** A 32-bit mixing hash of `i` and a salt (the lowbias32 finalizer). */
function mix(i: number, salt: number): number {
  let h = (i ^ Math.imul(salt, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Line `i` of the file for `keys` keys, without its newline. */
export function eventLine(i: number, keys: number): string {
  const onTime = BASE_TS + Math.floor((i * 1000) / EVENTS_PER_SECOND);
  const late = mix(i, 1) % 10 === 0 ? mix(i, 2) % (MAX_DISORDER_MS + 1) : 0;
  const key = `k${String(mix(i, 3) % keys).padStart(5, '0')}`;
  const cents = mix(i, 4) % 50_000;
  const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const action = ACTIONS[mix(i, 5) & 7]!;
  const session = (mix(i >>> 6, 6) & 0xffffff).toString(16).padStart(6, '0');
  return `{"ts":${onTime - late},"key":"${key}","price":${price},"action":"${action}","session":"${session}"}`;
}

/**
 * The path of the file of `lines` lines over `keys` keys, generating it first if it is not
 * cached. Written under a temporary name and renamed, so an interrupted run leaves no partial
 * file that a later run would take for complete.
 */
export function ensureDataFile(
  lines: number,
  keys: number,
  dir = DATA_DIR,
): { path: string; generated: boolean } {
  const path = join(dir, `events-v${FORMAT_VERSION}-${lines}-lines-${keys}-keys.ndjson`);
  if (existsSync(path)) return { path, generated: false };
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    // Lines are joined into large strings and written in one call each: per-line writes would
    // make generating several hundred MB take minutes.
    const batch = 20_000;
    for (let from = 0; from < lines; from += batch) {
      const to = Math.min(lines, from + batch);
      let text = '';
      for (let i = from; i < to; i++) text += `${eventLine(i, keys)}\n`;
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  return { path, generated: true };
}

/** Size of a file in bytes. */
export function fileBytes(path: string): number {
  return statSync(path).size;
}

/** A byte range of the file: the lines that start in `[start, end)`, as FileSource splits it. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The job by hand, on one thread: read the file in large chunks, cut lines, `JSON.parse`,
 * and count and sum per key in one-second windows, firing a window once the largest timestamp
 * seen, less the allowed disorder, has passed its end (as the job's watermark does). With a
 * `range`, only the lines that start in it are read, so that two loops can share the file.
 */
export function runLoop(
  path: string,
  windowMs: number,
  disorderMs: number,
  range?: ByteRange,
): { windows: KeyWindow[]; seconds: number } {
  const start = performance.now();
  const windows: KeyWindow[] = [];
  const open = new Map<number, Map<string, { count: number; revenue: number }>>();
  let maxTs = Number.NEGATIVE_INFINITY;
  let fired = Number.NEGATIVE_INFINITY;
  const fire = (watermark: number) => {
    for (const [windowStart, byKey] of open) {
      if (windowStart + windowMs - 1 > watermark) continue;
      for (const [key, acc] of byKey) {
        windows.push({ key, start: windowStart, count: acc.count, revenue: acc.revenue });
      }
      open.delete(windowStart);
    }
  };
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
    // A range that starts mid-file starts one byte early and drops everything up to the first
    // newline: the tail of a line that the range before owns, or just the newline ending it.
    let position = range === undefined || range.start === 0 ? 0 : range.start - 1;
    let skipFirst = position > 0;
    const end = range?.end ?? Number.POSITIVE_INFINITY;
    /** File offset of `text[0]`. */
    let textOffset = position;
    let tail = '';
    let eof = false;
    reading: for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) {
        eof = true;
        break;
      }
      position += n;
      // Lines are ASCII, so a chunk boundary never splits a character and offsets are bytes.
      const text = tail + buffer.toString('latin1', 0, n);
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
        if (skipFirst) {
          skipFirst = false;
          from = nl + 1;
          continue;
        }
        if (textOffset + from >= end) break reading;
        const e = JSON.parse(text.slice(from, nl)) as ClickEvent;
        from = nl + 1;
        const windowStart = e.ts - (e.ts % windowMs);
        let byKey = open.get(windowStart);
        if (byKey === undefined) {
          byKey = new Map();
          open.set(windowStart, byKey);
        }
        const acc = byKey.get(e.key);
        const cents = Math.round(e.price * 100);
        if (acc === undefined) byKey.set(e.key, { count: 1, revenue: cents });
        else {
          acc.count++;
          acc.revenue += cents;
        }
        if (e.ts > maxTs) {
          maxTs = e.ts;
          const watermark = maxTs - disorderMs - 1;
          // Windows can only fire when the watermark crosses a window boundary.
          if (Math.floor(watermark / windowMs) !== Math.floor(fired / windowMs)) {
            fire(watermark);
            fired = watermark;
          }
        }
      }
      textOffset += from;
      tail = text.slice(from);
    }
    if (eof && tail.length > 0) throw new Error(`${path} does not end with a newline`);
  } finally {
    closeSync(fd);
  }
  fire(Number.POSITIVE_INFINITY);
  return { windows, seconds: (performance.now() - start) / 1000 };
}

/** What {@link runParallelLoop} measured. */
export interface ParallelLoop {
  readonly windows: KeyWindow[];
  /** Start of the first thread to the merged result. */
  readonly seconds: number;
  /** Each thread's own loop time: the machine's scaling with no engine in the way. */
  readonly threadSeconds: number[];
  /** Merging the threads' partial windows. */
  readonly mergeSeconds: number;
}

/**
 * The loop on `threads` worker threads, each over an equal byte range of the file, with the
 * partial windows merged at the end (a window of a key whose events fall in two ranges is
 * counted in both). No exchange between threads: what it shows is how much faster this machine
 * parses and aggregates on several cores, the bound for any engine.
 */
export async function runParallelLoop(
  path: string,
  windowMs: number,
  disorderMs: number,
  threads: number,
): Promise<ParallelLoop> {
  const size = statSync(path).size;
  const start = performance.now();
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const range = {
        start: Math.floor((size * i) / threads),
        end: i === threads - 1 ? size : Math.floor((size * (i + 1)) / threads),
      };
      return loopOnThread({ path, windowMs, disorderMs, range });
    }),
  );
  const mergeStart = performance.now();
  const merged = new Map<string, { key: string; start: number; count: number; revenue: number }>();
  for (const part of parts) {
    for (const w of part.windows) {
      const id = `${w.key}\t${w.start}`;
      const seen = merged.get(id);
      if (seen === undefined) merged.set(id, { ...w });
      else {
        seen.count += w.count;
        seen.revenue += w.revenue;
      }
    }
  }
  const end = performance.now();
  return {
    windows: [...merged.values()],
    seconds: (end - start) / 1000,
    threadSeconds: parts.map((p) => p.seconds),
    mergeSeconds: (end - mergeStart) / 1000,
  };
}

/** The arguments of one loop thread (see file-window-loop-worker.ts). */
export interface LoopTask {
  readonly path: string;
  readonly windowMs: number;
  readonly disorderMs: number;
  readonly range: ByteRange;
}

/**
 * Runs {@link runLoop} on a new worker thread. Loader hooks do not reach workers, so the worker
 * registers the TypeScript loader before it imports the loop, as the engine's workers do.
 */
function loopOnThread(task: LoopTask): Promise<{ windows: KeyWindow[]; seconds: number }> {
  const bootstrap = `
    const { workerData } = require('node:worker_threads');
    import(workerData.tsx)
      .then((tsx) => { tsx.register(); return import(workerData.module); })
      .then((m) => m.runLoopTask());
  `;
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: {
      tsx: import.meta.resolve('tsx/esm/api'),
      module: new URL('./file-window-loop-worker.ts', import.meta.url).href,
      task,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`loop thread exited with ${code} before its result`)));
  });
}
