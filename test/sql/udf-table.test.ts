/**
 * User-defined table functions with LATERAL TABLE: the comma form, JOIN … ON TRUE, LEFT JOIN
 * with NULL padding, several output rows per input row, rows given as objects, arrays or single
 * values, collect() or a returned iterable, changelog input passing its change kinds through,
 * EXPLAIN lines, planning errors, and `buildCorrelate` on its own.
 */
import { describe, expect, test } from 'vitest';
import {
  type ChangelogRow,
  type FunctionContext,
  StreamExecutionEnvironment,
  TableEnvironment,
  TableFunction,
} from '../../src/index.js';
import { parseStatement } from '../../src/sql/parser/parse.js';
import type { LateralTableRef } from '../../src/sql/parser/ast.js';
import { Catalog } from '../../src/sql/catalog/catalog.js';
import { defineUserFunction } from '../../src/sql/functions/definitions.js';
import { PlanBuilder } from '../../src/sql/planner/builder.js';
import { buildCorrelate } from '../../src/sql/planner/correlate/build-correlate.js';
import { scopeOf } from '../../src/sql/planner/scope.js';
import { values } from '../../src/sql/planner/logical.js';
import { Types } from '../../src/sql/catalog/types.js';

/** Splits a sentence into its words and their lengths. */
class Split extends TableFunction {
  readonly resultType = 'ROW<word STRING, len INT>';
  readonly argumentTypes = ['STRING'];
  eval(s: string | null): void {
    if (s === null) return;
    for (const word of s.split(' ').filter((w) => w.length > 0)) this.collect({ word, len: word.length });
  }
}

function withSentences(parallelism = 1) {
  const e = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  const tEnv = TableEnvironment.create(e);
  const rows = e.fromElements(
    { id: 1, s: 'hello big world' },
    { id: 2, s: '' },
    { id: 3, s: null },
    { id: 4, s: 'one' },
  );
  tEnv.createTemporaryView('t', rows, { id: 'BIGINT', s: 'STRING' });
  tEnv.createTemporarySystemFunction('split_words', new Split());
  return tEnv;
}

const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('LATERAL TABLE joins', () => {
  test('comma form: several rows per input row, none for an empty or NULL input', async () => {
    const tEnv = withSentences();
    const rows = await tEnv
      .executeSql('SELECT t.id, w.word, w.len FROM t, LATERAL TABLE(split_words(t.s)) AS w(word, len)')
      .collect();
    expect(sorted(rows)).toEqual(
      sorted([
        { id: 1, word: 'hello', len: 5 },
        { id: 1, word: 'big', len: 3 },
        { id: 1, word: 'world', len: 5 },
        { id: 4, word: 'one', len: 3 },
      ]),
    );
  });

  test('JOIN LATERAL TABLE … ON TRUE, with aliases renaming the columns', async () => {
    const tEnv = withSentences();
    const rows = await tEnv
      .executeSql('SELECT id, w, n FROM t JOIN LATERAL TABLE(split_words(s)) AS x(w, n) ON TRUE WHERE n > 3')
      .collect();
    expect(sorted(rows)).toEqual(
      sorted([
        { id: 1, w: 'hello', n: 5 },
        { id: 1, w: 'world', n: 5 },
      ]),
    );
  });

  test('LEFT JOIN LATERAL TABLE … ON TRUE pads input rows the function gives nothing for', async () => {
    const tEnv = withSentences();
    const rows = await tEnv
      .executeSql(
        'SELECT id, word, len FROM t LEFT JOIN LATERAL TABLE(split_words(s)) AS w(word, len) ON TRUE',
      )
      .collect();
    expect(sorted(rows)).toEqual(
      sorted([
        { id: 1, word: 'hello', len: 5 },
        { id: 1, word: 'big', len: 3 },
        { id: 1, word: 'world', len: 5 },
        { id: 2, word: null, len: null },
        { id: 3, word: null, len: null },
        { id: 4, word: 'one', len: 3 },
      ]),
    );
  });

  test('plain-object functions: a generator of arrays, and a single-column function returning values', async () => {
    const tEnv = withSentences();
    tEnv.createTemporarySystemFunction('chars', {
      kind: 'table',
      resultType: 'ROW<c STRING, pos INT>',
      *eval(s: string | null) {
        for (let i = 0; i < (s ?? '').length && i < 2; i++) yield [s![i], i];
      },
    });
    tEnv.createTemporarySystemFunction('range_to', {
      kind: 'table',
      resultType: 'BIGINT',
      argumentTypes: ['BIGINT'],
      eval: (n: number) => Array.from({ length: n }, (_, i) => i),
    });
    const chars = await tEnv
      .executeSql('SELECT id, c, pos FROM t, LATERAL TABLE(chars(s)) WHERE id = 4')
      .collect();
    expect(chars).toEqual([
      { id: 4, c: 'o', pos: 0 },
      { id: 4, c: 'n', pos: 1 },
    ]);
    const range = await tEnv
      .executeSql('SELECT id, i FROM t, LATERAL TABLE(range_to(id)) AS r(i) WHERE id <= 2')
      .collect();
    expect(sorted(range)).toEqual(
      sorted([
        { id: 1, i: 0 },
        { id: 2, i: 0 },
        { id: 2, i: 1 },
      ]),
    );
  });

  test('an output column named like an input column is renamed in the row, not in the query', async () => {
    const tEnv = withSentences();
    tEnv.createTemporarySystemFunction('ids', {
      kind: 'table',
      resultType: 'ROW<id BIGINT>',
      eval: (n: number) => [{ id: n * 10 }],
    });
    const rows = await tEnv
      .executeSql('SELECT t.id, r.id AS rid FROM t, LATERAL TABLE(ids(t.id)) AS r WHERE t.id < 3')
      .collect();
    expect(sorted(rows)).toEqual(
      sorted([
        { id: 1, rid: 10 },
        { id: 2, rid: 20 },
      ]),
    );
  });

  test('each parallel instance opens and closes its own copy', async () => {
    const tEnv = withSentences(2);
    const opened: FunctionContext[] = [];
    let closed = 0;
    class Tagged extends Split {
      private tag = '';
      open(context: FunctionContext) {
        opened.push(context);
        this.tag = `p${context.subtaskIndex}`;
      }
      close() {
        closed++;
      }
      override eval(s: string | null): void {
        if (s !== null) this.collect({ word: this.tag, len: s.length });
      }
    }
    tEnv.createTemporarySystemFunction('tagged', new Tagged());
    const rows = await tEnv.executeSql('SELECT id, word FROM t, LATERAL TABLE(tagged(s))').collect();
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(['p0', 'p1']).toContain(r.word);
    expect(opened.map((c) => c.subtaskIndex).sort()).toEqual([0, 1]);
    expect(closed).toBe(2);
  });

  test('over a changelog input each change keeps its kind', async () => {
    const e = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(e);
    tEnv.createTemporarySystemFunction('split_words', new Split());
    const changes = e.fromElements<ChangelogRow>(
      { kind: '+I', row: { id: 1, s: 'a b' } },
      { kind: '-U', row: { id: 1, s: 'a b' } },
      { kind: '+U', row: { id: 1, s: 'c' } },
    );
    tEnv.createTemporaryView('c', tEnv.fromChangelogStream(changes, { id: 'BIGINT', s: 'STRING' }));
    const table = tEnv.sqlQuery('SELECT id, word FROM c, LATERAL TABLE(split_words(s))');
    const out = await tEnv.toChangelogStream(table).executeAndCollect();
    expect(out).toEqual([
      { kind: '+I', row: { id: 1, word: 'a' } },
      { kind: '+I', row: { id: 1, word: 'b' } },
      { kind: '-U', row: { id: 1, word: 'a' } },
      { kind: '-U', row: { id: 1, word: 'b' } },
      { kind: '+U', row: { id: 1, word: 'c' } },
    ]);
    tEnv.createTemporarySystemFunction('shuffle', {
      kind: 'table',
      resultType: 'STRING',
      deterministic: false,
      eval: (s: string) => [s],
    });
    expect(() => tEnv.explainSql('SELECT id, x FROM c, LATERAL TABLE(shuffle(s)) AS r(x)')).toThrow(
      'SQL error at line 1, column 36: LATERAL TABLE(shuffle(…)) over an updating input needs a deterministic function',
    );
  });

  test('EXPLAIN shows the correlate in all three plans', () => {
    const tEnv = withSentences();
    const plan = tEnv.explainSql(
      'SELECT id, word FROM t LEFT JOIN LATERAL TABLE(split_words(s)) AS w(word, len) ON TRUE',
    );
    expect(plan).toContain(
      'LogicalCorrelate(invocation=[split_words(s)], joinType=[left], fields=[word, len])',
    );
    expect(plan).toContain(
      'Correlate(invocation=[split_words(s)], select=[id, s, word, len], joinType=[LEFT], changelogMode=[I])',
    );
  });
});

describe('LATERAL TABLE errors', () => {
  const tEnv = withSentences();
  tEnv.createTemporarySystemFunction('twice', { eval: (n: number) => n * 2, resultType: 'BIGINT' });
  test.each([
    [
      'SELECT * FROM t, LATERAL TABLE(splat(s))',
      'SQL error at line 1, column 32: unknown table function SPLAT; registered table functions: split_words',
    ],
    [
      'SELECT * FROM t, LATERAL TABLE(twice(id))',
      'SQL error at line 1, column 32: TWICE is a scalar function; LATERAL TABLE needs a table function',
    ],
    [
      'SELECT * FROM t, LATERAL TABLE(split_words(id))',
      "SQL error at line 1, column 44: argument 1 of split_words must be STRING, got BIGINT; add a CAST or change the function's argumentTypes",
    ],
    [
      'SELECT * FROM t, LATERAL TABLE(split_words(s)) AS w(a)',
      'SQL error at line 1, column 18: 1 column aliases given for the 2 columns of split_words (word, len)',
    ],
    [
      'SELECT * FROM t LEFT JOIN LATERAL TABLE(split_words(s)) AS w ON w.len > 2',
      'SQL error at line 1, column 65: LEFT JOIN LATERAL TABLE with a condition other than ON TRUE is not supported; filter in WHERE',
    ],
    [
      'SELECT split_words(s) FROM t',
      'SQL error at line 1, column 8: SPLIT_WORDS is a table function; call it in FROM: FROM t, LATERAL TABLE(SPLIT_WORDS(…)) AS r(…)',
    ],
  ])('%s', (sql, message) => {
    expect(() => tEnv.explainSql(sql)).toThrow(message);
  });
});

describe('buildCorrelate', () => {
  test('types the arguments over the left scope and appends the function columns', () => {
    const catalog = new Catalog();
    catalog.functions.register(defineUserFunction('split_words', new Split()));
    const left = {
      plan: values(
        [],
        [
          { name: 's', type: Types.STRING },
          { name: 'word', type: Types.INT },
        ],
      ),
      scope: scopeOf(
        [
          { name: 's', type: Types.STRING },
          { name: 'word', type: Types.INT },
        ],
        'l',
      ),
    };
    const statement = parseStatement('SELECT * FROM l, LATERAL TABLE(split_words(l.s)) AS r') as unknown as {
      query: { body: { from: { right: LateralTableRef } } };
    };
    const relation = buildCorrelate(
      left,
      statement.query.body.from.right,
      'comma',
      undefined,
      new PlanBuilder(catalog),
    );
    expect(relation.plan.kind).toBe('correlate');
    expect(relation.plan.columns.map((c) => c.name)).toEqual(['s', 'word', 'word0', 'len']);
    expect(relation.scope.slice(2).map((c) => [c.qualifier, c.name, c.internal])).toEqual([
      ['r', 'word', 'word0'],
      ['r', 'len', 'len'],
    ]);
  });
});
