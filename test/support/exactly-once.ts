/**
 * The exactly-once yardstick shared by the failover and chaos tests: a job that numbers each
 * key's records with keyed state, and a check of what the file sink committed. Every key must
 * appear with sequence numbers 1..n, each exactly once and in order.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One output record of the counting job. */
export interface Counted {
  readonly key: number;
  /** The key's running count: 1 for its first record. */
  readonly seq: number;
}

/** The lines of every committed (not hidden) part file under `dir`, in commit order per subtask. */
export function readCommitted(dir: string): string[] {
  const files: { path: string; subtask: number; counter: number }[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      // part-<job>-<subtask>-<counter>-<attempt>
      const parts = name.split('-');
      files.push({ path, subtask: Number(parts[2]), counter: Number(parts[3]) });
    }
  };
  walk(dir);
  files.sort((a, b) => a.subtask - b.subtask || a.counter - b.counter);
  const lines: string[] = [];
  for (const file of files) {
    for (const line of readFileSync(file.path, 'utf8').split('\n')) if (line.length > 0) lines.push(line);
  }
  return lines;
}

/** What went wrong, per the yardstick. */
export interface SequenceReport {
  readonly total: number;
  readonly lost: number;
  readonly duplicates: number;
  /** Keys whose sequence numbers are not increasing in commit order. */
  readonly reordered: number;
}

/** Checks that every key 0..keys-1 has 1..perKey exactly once and in order. */
export function checkSequences(records: readonly Counted[], keys: number, perKey: number): SequenceReport {
  const seen = new Map<number, Set<number>>();
  const last = new Map<number, number>();
  let duplicates = 0;
  const reorderedKeys = new Set<number>();
  for (const { key, seq } of records) {
    let set = seen.get(key);
    if (set === undefined) {
      set = new Set();
      seen.set(key, set);
    }
    if (set.has(seq)) duplicates++;
    set.add(seq);
    if (seq <= (last.get(key) ?? 0)) reorderedKeys.add(key);
    last.set(key, seq);
  }
  let lost = 0;
  for (let key = 0; key < keys; key++) {
    const set = seen.get(key) ?? new Set<number>();
    for (let seq = 1; seq <= perKey; seq++) if (!set.has(seq)) lost++;
  }
  return { total: records.length, lost, duplicates, reordered: reorderedKeys.size };
}
