/**
 * A view's expanded query (SHOW CREATE VIEW): every table reference becomes its fully
 * qualified, backquoted path in the view's catalog and database, a WITH item's name stays, and
 * nothing else changes, for generated queries whose names need quoting (spaces, dots,
 * backquotes) or not, of one to three parts, with spaces around the dots. Expanding twice is
 * expanding once, which is what makes the printed DDL recreate the same view. Computed
 * columns' expressions get their column references backquoted with the tree unchanged.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { expandedExpression, expandedViewQuery } from '../../src/sql/catalog/ddl-text.js';
import { parseExpression, parseStatement } from '../../src/sql/parser/parse.js';

const quote = (part: string) => `\`${part.replaceAll('`', '``')}\``;

const arbPart = fc.oneof(
  fc.stringMatching(/^t_[a-z0-9]{0,4}$/).map((name) => ({ name, text: name })),
  fc
    .stringMatching(/^[a-z `.]{1,6}$/)
    .filter((name) => name !== 'w')
    .map((name) => ({ name, text: quote(name) })),
);
const arbRef = fc.record({
  parts: fc.array(arbPart, { minLength: 1, maxLength: 3 }),
  dot: fc.constantFrom('.', ' . ', '.  ', '\n.'),
});
const arbContext = fc.record({
  catalog: fc.stringMatching(/^[a-z_ `]{1,6}$/),
  database: fc.stringMatching(/^[a-z_ `]{1,6}$/),
});

/** The names of the query's table references (and TABLE arguments), in the order written. */
function tableNames(sql: string): string[][] {
  const names: string[][] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const n = value as { kind?: string; name?: string[] };
    if (n.kind === 'tableRef' || n.kind === 'tableArg') names.push([...n.name!]);
    for (const v of Object.values(value)) walk(v);
  };
  walk(parseStatement(sql));
  return names;
}

test('table references are qualified in the view context, WITH names kept, the rest unchanged', () => {
  fc.assert(
    fc.property(
      fc.array(arbRef, { minLength: 1, maxLength: 4 }),
      fc.boolean(),
      arbContext,
      (refs, withItem, context) => {
        const written = refs.map((r) => r.parts.map((p) => p.text).join(r.dot));
        const selects = written.map((ref, i) => `SELECT a FROM ${ref} AS x${i} WHERE x${i}.a > ${i}`);
        const sql = withItem
          ? `WITH w AS (${selects[0]}) ${[...selects.slice(1), 'SELECT a FROM w'].join('\nUNION ALL ')}`
          : selects.join(' UNION ALL ');
        const expanded = expandedViewQuery(sql, context);
        const qualified = refs.map((r) => {
          const names = r.parts.map((p) => p.name);
          return names.length === 3
            ? names
            : names.length === 2
              ? [context.catalog, ...names]
              : [context.catalog, context.database, ...names];
        });
        expect(tableNames(expanded)).toEqual(
          withItem ? [qualified[0], ...qualified.slice(1), ['w']] : qualified,
        );
        // Every reference is written fully quoted, and the text between them is the user's.
        let rest = expanded;
        for (const names of qualified) rest = rest.replace(names.map(quote).join('.'), '#');
        let original = sql;
        for (const ref of written) original = original.replace(ref, '#');
        expect(rest).toBe(original);
        expect(expandedViewQuery(expanded, { catalog: 'other', database: 'other' })).toBe(expanded);
      },
    ),
    { numRuns: 300 },
  );
});

test('a TABLE argument of a window function is qualified too', () => {
  expect(
    expandedViewQuery("SELECT * FROM TABLE(TUMBLE(TABLE  bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE))", {
      catalog: 'c',
      database: 'd',
    }),
  ).toBe("SELECT * FROM TABLE(TUMBLE(TABLE  `c`.`d`.`bids`, DESCRIPTOR(ts), INTERVAL '1' MINUTE))");
});

/** The expression's syntax tree without positions, to compare trees parsed from different text. */
function shape(sql: string): unknown {
  return JSON.parse(
    JSON.stringify(parseExpression(sql), (key, value) => (key === 'pos' ? undefined : value)),
  );
}

test('computed column expressions: column references backquoted, the tree unchanged, stable', () => {
  const arbColumn = fc.oneof(
    fc.stringMatching(/^c_[a-z0-9]{0,4}$/),
    fc.stringMatching(/^[a-z `.]{1,6}$/).map((name) => quote(name)),
  );
  const arbOperand = fc.oneof(
    arbColumn,
    fc.tuple(arbColumn, fc.stringMatching(/^f_[a-z]{0,3}$/)).map(([c, f]) => `${c} . ${f}`),
    fc.constantFrom('1', "'a''b'", "INTERVAL '5' SECOND", 'CURRENT_TIMESTAMP'),
  );
  const arbExpr = fc
    .array(arbOperand, { minLength: 1, maxLength: 4 })
    .chain((operands) =>
      fc
        .array(fc.constantFrom(' + ', ' * ', ' - ', ' || '), {
          minLength: operands.length - 1,
          maxLength: operands.length - 1,
        })
        .map((ops) => operands.map((o, i) => (i === 0 ? o : `${ops[i - 1]}${o}`)).join('')),
    )
    .chain((body) => fc.constantFrom(body, `COALESCE(${body}, NULL)`, `CAST(${body} AS STRING)`));
  fc.assert(
    fc.property(arbExpr, (text) => {
      const expanded = expandedExpression(text);
      expect(shape(expanded)).toEqual(shape(text));
      // Every column reference is backquoted: no bare column name is left.
      expect(expanded).not.toMatch(/(^|[^`\w])c_[a-z0-9]*(?!`)\b/);
      expect(expandedExpression(expanded)).toBe(expanded);
    }),
    { numRuns: 300 },
  );
});
