/**
 * SHOW FUNCTIONS lists every built-in scalar function a query can call, including those with
 * digits in their names (LOG10, SHA256, TO_BASE64), and a user function may not take a
 * built-in's name.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { FUNCTIONS } from '../../src/sql/expressions/functions.js';

describe('SHOW FUNCTIONS', () => {
  test('lists every named built-in scalar function', async () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    const rows = await tEnv.executeSql('SHOW FUNCTIONS').collect();
    const listed = new Set(rows.map((r) => Object.values(r)[0]));
    // Operators spelt with a space (SIMILAR TO) are not functions.
    const named = Object.keys(FUNCTIONS).filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n));
    expect(named.filter((n) => !listed.has(n))).toEqual([]);
    for (const n of ['LOG10', 'SHA256', 'TO_BASE64', 'LPAD', 'TIMESTAMPDIFF', 'JSON_VALUE'])
      expect(listed).toContain(n);
  });

  test('a temporary system function shadows a new built-in, and SHOW FUNCTIONS lists the name once', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    tEnv.createTemporarySystemFunction('sha256', { eval: () => 'x', resultType: 'STRING' });
    const listed = tEnv.listFunctions();
    expect(listed).toContain('sha256');
    expect(listed).not.toContain('SHA256');
  });
});
