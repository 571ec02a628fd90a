/**
 * Nexmark's side-input file for q13 (`${FLINK_HOME}/data/side_input.txt`), as the reference's
 * `side_input_gen.sh` (its SideInputGenerator) writes it: one line `i,i` for each key
 * `0 <= i < 10000`, the table bench/nexmark/q13.ts builds in memory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIDE_INPUT_ROWS } from '../q13.js';

/** Writes `<dataDir>/data/side_input.txt` (where `${FLINK_HOME}` is `dataDir`); returns its path. */
export function writeSideInput(dataDir: string): string {
  const dir = join(dataDir, 'data');
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < SIDE_INPUT_ROWS; i++) lines.push(`${i},${i}`);
  const path = join(dir, 'side_input.txt');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
