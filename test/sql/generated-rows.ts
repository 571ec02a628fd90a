/**
 * Random rows for the aggregate agreement tests: a key, a number and a string column, each
 * sometimes NULL, from a seeded generator so that a failure reproduces from its seed; and
 * random changelogs over them.
 */
import type { ChangelogRow } from '../../src/index.js';
import type { Row } from '../../src/sql/expressions/compiler.js';

/** A deterministic generator of numbers in [0, 1), so a failing test reproduces. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** One generated row: few keys, small signed numbers, a handful of strings. */
export interface KxsRow {
  k: number | null;
  x: number | null;
  s: string | null;
}

/** `n` rows from `seed`, with NULLs at fixed rates per column. */
export function generateKxsRows(n: number, seed: number): KxsRow[] {
  const next = seededRandom(seed);
  const pick = <V>(nullRate: number, make: () => V): V | null => (next() < nullRate ? null : make());
  return Array.from({ length: n }, () => ({
    k: pick(0.05, () => Math.floor(next() * 12)),
    x: pick(0.15, () => Math.floor(next() * 41) - 20),
    s: pick(0.1, () => ['ant', 'bee', 'cat', 'dog', 'eel'][Math.floor(next() * 5)]!),
  }));
}

/**
 * Random changes over `n` generated rows (from `rowSeed`): each -D or -U/+U pair removes a row
 * inserted before. `live` holds the rows left, the table the changes end in.
 */
export function kxsChangelog(
  n: number,
  seed: number,
  rowSeed = seed + 1,
): { changes: ChangelogRow[]; live: KxsRow[] } {
  const next = seededRandom(seed);
  const live: KxsRow[] = [];
  const changes: ChangelogRow[] = [];
  for (const row of generateKxsRows(n, rowSeed)) {
    const r = next();
    if (r < 0.2 && live.length > 0) {
      const [gone] = live.splice(Math.floor(next() * live.length), 1);
      changes.push({ kind: '-D', row: gone! as unknown as Row });
    } else if (r < 0.35 && live.length > 0) {
      const i = Math.floor(next() * live.length);
      changes.push(
        { kind: '-U', row: live[i]! as unknown as Row },
        { kind: '+U', row: row as unknown as Row },
      );
      live[i] = row;
    } else {
      changes.push({ kind: '+I', row: row as unknown as Row });
      live.push(row);
    }
  }
  return { changes, live };
}
