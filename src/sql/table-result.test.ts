/** The text table of a result: its lines, made one by one, are the same text, at any size. */
import { expect, it } from 'vitest';
import type { PlanColumn } from './planner/logical.js';
import { formatTable, tableLines } from './table-result.js';

const COLUMNS: readonly PlanColumn[] = [
  { name: 'id', type: { root: 'INT', nullable: false } },
  { name: 'name', type: { root: 'VARCHAR', nullable: true, length: 2147483647 } },
];

it('lays out a table with each column as wide as its widest value', () => {
  const rows = [
    { id: 1, name: 'a' },
    { id: 22, name: null },
    { id: 333, name: 'abcdef' },
  ];
  expect([...tableLines(COLUMNS, rows)]).toEqual([
    '+-----+--------+',
    '| id  | name   |',
    '+-----+--------+',
    '| 1   | a      |',
    '| 22  | NULL   |',
    '| 333 | abcdef |',
    '+-----+--------+',
    '3 rows in set',
  ]);
  expect(formatTable(COLUMNS, rows)).toBe([...tableLines(COLUMNS, rows)].join('\n'));
});

it('formats a table of 200,000 rows, whose widths a spread into Math.max could not take', () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => ({
    id: i,
    name: i === 123_456 ? 'longest name' : 'x',
  }));
  const lines = [...tableLines(COLUMNS, rows)];
  expect(lines).toHaveLength(200_000 + 5);
  expect(lines[1]).toBe('| id     | name         |');
  expect(lines[3 + 123_456]).toBe('| 123456 | longest name |');
  expect(lines.at(-1)).toBe('200000 rows in set');
});
