/**
 * Random rows for the aggregate agreement tests: a key, a number and a string column, each
 * sometimes NULL, from a seeded generator so that a failure reproduces from its seed.
 */

/** A deterministic generator of numbers in [0, 1). */
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
