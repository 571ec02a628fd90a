/**
 * Property: a LATERAL TABLE join gives, for any input rows and any function output, exactly the
 * rows of a loop that calls the function on each row and pairs the row with each result; a
 * LEFT join adds the row with NULLs where the function gives nothing. Function rows come back
 * as objects, arrays or through collect, and the result is the same at parallelism 1 and 2.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment, TableFunction } from '../../src/index.js';

interface Input {
  id: number;
  n: number | null;
}

/** The function's rows for `n`: a pure function of it, so the loop can call it too. */
const outputs = (n: number | null): [string, number][] =>
  n === null ? [] : Array.from({ length: n % 4 }, (_, i) => [`r${n}-${i}`, n * 10 + i]);

class Expand extends TableFunction {
  readonly resultType = 'ROW<tag STRING, v BIGINT>';
  constructor(private readonly style: 'collect' | 'objects' | 'arrays') {
    super();
  }
  eval(n: number | null): Iterable<unknown> | undefined {
    const rows = outputs(n);
    if (this.style === 'arrays') return rows;
    if (this.style === 'objects') return rows.map(([tag, v]) => ({ tag, v }));
    for (const [tag, v] of rows) this.collect({ tag, v });
    return undefined;
  }
}

const canonical = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => JSON.stringify([r.id, r.tag ?? null, r.v ?? null])).sort();

test('LATERAL TABLE joins equal a loop over the rows', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }), { maxLength: 30 }),
      fc.constantFrom('collect' as const, 'objects' as const, 'arrays' as const),
      fc.boolean(),
      fc.constantFrom(1, 2),
      async (ns, style, left, parallelism) => {
        const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
        const tEnv = TableEnvironment.create(env);
        const rows: Input[] = ns.map((n, id) => ({ id, n }));
        tEnv.createTemporaryView('t', env.fromCollection(rows), { id: 'INT', n: 'BIGINT' });
        tEnv.createTemporarySystemFunction('expand', new Expand(style));
        const join = left
          ? 'LEFT JOIN LATERAL TABLE(expand(n)) AS e ON TRUE'
          : ', LATERAL TABLE(expand(n)) AS e';
        const actual =
          rows.length === 0
            ? []
            : ((await tEnv.executeSql(`SELECT id, tag, v FROM t ${join}`).collect()) as Record<
                string,
                unknown
              >[]);
        const expected = rows.flatMap(({ id, n }): Record<string, unknown>[] => {
          const out = outputs(n).map(([tag, v]) => ({ id, tag, v }));
          return out.length === 0 && left ? [{ id, tag: null, v: null }] : out;
        });
        expect(canonical(actual)).toEqual(canonical(expected));
      },
    ),
    { numRuns: 25 },
  );
});
