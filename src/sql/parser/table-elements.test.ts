/**
 * How CREATE TABLE tells its elements apart: a WATERMARK clause, a table-level primary key or a
 * column, where a column may be named by a non-reserved keyword (watermark, primary, constraint,
 * key). The rule decides on one token and gates that read two more, so these cases pin down that
 * it picks as a three-token lookahead does, error positions included.
 */
import { describe, expect, test } from 'vitest';
import type { CreateTable } from './ast.js';
import { parseStatement } from './parse.js';

function table(elements: string): CreateTable {
  const statement = parseStatement(`CREATE TABLE t (${elements}) WITH ('connector' = 'datagen')`);
  expect(statement.kind).toBe('createTable');
  return statement as CreateTable;
}

const columnNames = (t: CreateTable) => t.columns.map((c) => c.name);

describe('CREATE TABLE elements', () => {
  test('columns named by non-reserved keywords are columns', () => {
    const t = table('primary STRING, constraint BIGINT, key INT, `watermark` INT');
    expect(columnNames(t)).toEqual(['primary', 'constraint', 'key', 'watermark']);
    expect(t.primaryKey).toBeUndefined();
    expect(t.watermark).toBeUndefined();
  });

  test('a keyword-named column may be computed or carry a column primary key', () => {
    const t = table('key INT PRIMARY KEY NOT ENFORCED, primary AS key + 1');
    expect(t.columns.map((c) => c.kind)).toEqual(['physicalColumn', 'computedColumn']);
    expect(t.primaryKey?.columns).toEqual(['key']);
  });

  test('WATERMARK FOR is the watermark clause', () => {
    const t = table("ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND");
    expect(columnNames(t)).toEqual(['ts']);
    expect(t.watermark?.column).toBe('ts');
  });

  test.each([
    ['PRIMARY KEY (a) NOT ENFORCED', undefined],
    ['CONSTRAINT pk PRIMARY KEY (a) NOT ENFORCED', 'pk'],
    ['CONSTRAINT `pk` PRIMARY KEY (a) NOT ENFORCED', 'pk'],
    ['CONSTRAINT key PRIMARY KEY (a) NOT ENFORCED', 'key'],
    // CONSTRAINT, a name, PRIMARY: a named primary key, even where the name reads as a type.
    ['CONSTRAINT INT PRIMARY KEY (a) NOT ENFORCED', 'INT'],
  ])('%s is a table primary key', (element, name) => {
    const t = table(`a INT, ${element}`);
    expect(columnNames(t)).toEqual(['a']);
    expect(t.primaryKey?.columns).toEqual(['a']);
    expect(t.primaryKey?.name).toBe(name);
  });

  test.each([
    // A quoted name after CONSTRAINT starts a constraint, as no type is quoted.
    ['a INT, CONSTRAINT `pk` INT', 'line 1, column 40'],
    ['a INT, PRIMARY KEY a', 'line 1, column 36'],
    ['a INT, WATERMARK FOR a', 'line 1, column 39'],
    // An unquoted column named watermark reads as a watermark clause missing its FOR.
    ['watermark INT', 'line 1, column 27'],
  ])('%s fails where the element goes wrong', (elements, where) => {
    expect(() => table(elements)).toThrow(where);
  });
});
