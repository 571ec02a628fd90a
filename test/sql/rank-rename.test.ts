/**
 * RankRenameNumberRule: a projection that only renames the rank column (Nexmark q19's
 * `SELECT *` over `… AS rank_number`) is folded into the rank, so no Calc follows it, and the
 * changelog is the one the unfolded plan gives, under the new name.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { changelog, environment, register } from './over-helpers.js';

const ROWS: Row[] = [
  { k: 1, v: 3 },
  { k: 1, v: 5 },
  { k: 2, v: 1 },
  { k: 1, v: 4 },
];

const setup = () => {
  const e = environment();
  register(e, 'CREATE TABLE t (k INT, v INT)', ROWS);
  return e;
};

describe('renaming the rank column', () => {
  const renamed =
    'SELECT k, v, rn AS place FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 2';
  // Reordered columns: the projection is no pure rename, so a Calc stays.
  const reordered =
    'SELECT v, k, rn AS place FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM t) WHERE rn <= 2';

  test('a pure rename folds into the rank: no Calc in the physical plan', () => {
    const { tEnv } = setup();
    const physical = tEnv.explainSql(renamed).split('== Physical Plan ==')[1]!;
    expect(physical).not.toContain('Calc(');
    expect(physical).toContain('select=[k, v, place]');
    expect(tEnv.explainSql(reordered).split('== Physical Plan ==')[1]).toContain('Calc(');
  });

  test('the folded plan emits what the unfolded one does', async () => {
    const folded = await changelog(setup().tEnv, renamed);
    const unfolded = await changelog(setup().tEnv, reordered);
    const swap = (line: string) => line.replace(/\[(\d+), (\d+), /, (_m, a, b) => `[${b}, ${a}, `);
    expect(folded).toEqual(unfolded.map(swap));
    expect(folded).toContain('+U[1, 5, 1]');
  });
});
