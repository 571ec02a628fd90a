/**
 * How every benchmark ends: the result goes to `bench/results/<name>-<date>.json` (unless
 * `--no-save`), and with `--json` it is printed as one JSON object on the last line, which is
 * what `weir bench … --json` promises.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where results are written. */
export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Writes `result` as `<name>-<date>.json` in {@link RESULTS_DIR} and returns the path. */
export function saveResult(name: string, result: { readonly date: string }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${name}-${result.date}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/** Saves the result unless `--no-save`, then prints it as JSON with `--json`. */
export function reportResult(
  name: string,
  result: { readonly date: string },
  options: { readonly json?: boolean; readonly 'no-save'?: boolean },
  log: (line: string) => void,
): void {
  if (!options['no-save']) log(`  saved ${saveResult(name, result)}`);
  if (options.json) console.log(JSON.stringify(result));
}
