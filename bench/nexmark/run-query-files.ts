/**
 * Where `weir bench nexmark` finds its queries: one file `bench/nexmark/qN.ts` per query, each
 * exporting `query` (see query.ts). They are found on disk and imported by name, so a query file
 * added later runs without any change to the benchmark. A query may also have a second DataStream
 * version, `bench/nexmark/qN-same-state.ts`, that keeps the state its reference SQL keeps;
 * `--sql` runs it beside the first (see sql/run-sql.ts), and only by its file's name.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { NexmarkQuery } from './query.js';

const DIR = fileURLToPath(new URL('./', import.meta.url));

/** The names of the query files present (`q0`, `q1`, …), in numeric order. */
export function availableQueries(): string[] {
  return readdirSync(DIR)
    .map((file) => /^(q\d+)\.ts$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

/** Whether `name` is a query whose file exists. */
export function queryExists(name: string): boolean {
  return /^q\d+$/.test(name) && existsSync(`${DIR}${name}.ts`);
}

/** The suffix of a query's same-state version: `q7` has `q7-same-state`. */
export const SAME_STATE_SUFFIX = '-same-state';

/** The name of `query`'s same-state version (`q7-same-state`) if its file exists. */
export function sameStateVersion(query: string): string | undefined {
  const name = `${query}${SAME_STATE_SUFFIX}`;
  return /^q\d+$/.test(query) && existsSync(`${DIR}${name}.ts`) ? name : undefined;
}

/** Imports `bench/nexmark/<name>.ts` (a query or its same-state version) and returns its `query`. */
export async function loadQuery(name: string): Promise<NexmarkQuery> {
  const base = name.endsWith(SAME_STATE_SUFFIX) ? name.slice(0, -SAME_STATE_SUFFIX.length) : name;
  if (!queryExists(base) || (base !== name && sameStateVersion(base) === undefined))
    throw new Error(`no query file bench/nexmark/${name}.ts`);
  const module = (await import(pathToFileURL(`${DIR}${name}.ts`).href)) as { query?: NexmarkQuery };
  if (module.query === undefined || typeof module.query.build !== 'function') {
    throw new Error(`bench/nexmark/${name}.ts does not export query: NexmarkQuery`);
  }
  return module.query;
}
