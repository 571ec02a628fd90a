/**
 * UNNEST through the correlate operator: over any sequence of changes of rows holding an array
 * or a map (NULL, empty, with NULL elements), each change expands to one change of the same kind
 * per element, in order, numbered from 1 with ORDINALITY; a LEFT correlate gives one row of NULLs
 * for a NULL or empty collection and an inner one gives none. Several collections zip by
 * position, the shorter (or NULL) ones padded with NULLs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuntimeContext } from '../../../types/functions.js';
import { type SqlType, Types } from '../../catalog/types.js';
import type { Row } from '../../expressions/compiler.js';
import { field } from '../../expressions/rex.js';
import type { ChangelogRow, RowKind } from '../changelog.js';
import type { PhysicalNode } from '../physical.js';
import { CorrelateFunction } from './correlate-function.js';
import type { PhysicalCorrelate } from './correlate-nodes.js';
import { unnestFunction } from './unnest.js';

const ARRAY_INT: SqlType = Object.freeze({ root: 'ARRAY', nullable: true, element: Types.INT });
const MAP_STRING_INT: SqlType = Object.freeze({
  root: 'MAP',
  nullable: true,
  key: Types.STRING,
  value: Types.INT,
});

/** Runs changes of `{id, c}` rows through the correlate of UNNEST(c). */
function run(
  type: SqlType,
  joinType: 'INNER' | 'LEFT',
  ordinality: boolean,
  changes: readonly ChangelogRow[],
): ChangelogRow[] {
  const fn = unnestFunction([type], ordinality, [{ line: 1, column: 1 }]);
  const outputs = fn.fields.map((f, i) => ({ name: `o${i}`, type: f.type }));
  const inputColumns = [
    { name: 'id', type: Types.INT },
    { name: 'c', type },
  ];
  const node = {
    kind: 'correlate',
    input: { columns: inputColumns } as unknown as PhysicalNode,
    invocation: { fn, args: [field('c', type)] },
    joinType,
    outputs,
    columns: [...inputColumns, ...outputs],
    changelogMode: 'retract',
  } as unknown as PhysicalCorrelate;
  const correlate = new CorrelateFunction(node);
  correlate.open({ getIndexOfThisSubtask: () => 0, getNumberOfParallelSubtasks: () => 1 } as RuntimeContext);
  const out: ChangelogRow[] = [];
  for (const change of changes)
    correlate.flatMap(change as unknown as Row, { collect: (r) => out.push(r as unknown as ChangelogRow) });
  correlate.close();
  return out;
}

const kind = fc.constantFrom<RowKind>('+I', '-U', '+U', '-D');
const element = fc.option(fc.integer({ min: -5, max: 5 }), { nil: null });

describe('UNNEST', () => {
  it('expands each change of an array to one change of the same kind per element', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind, c: fc.option(fc.array(element, { maxLength: 4 }), { nil: null }) })),
        fc.boolean(),
        fc.boolean(),
        (input, left, ordinality) => {
          const changes = input.map((x, id) => ({ kind: x.kind, row: { id, c: x.c } }));
          const expected: ChangelogRow[] = [];
          for (const { kind: k, row } of changes) {
            const values = row.c ?? [];
            values.forEach((v, i) => {
              expected.push({ kind: k, row: { ...row, o0: v, ...(ordinality ? { o1: i + 1 } : {}) } });
            });
            if (values.length === 0 && left)
              expected.push({ kind: k, row: { ...row, o0: null, ...(ordinality ? { o1: null } : {}) } });
          }
          expect(run(ARRAY_INT, left ? 'LEFT' : 'INNER', ordinality, changes)).toEqual(expected);
        },
      ),
    );
  });

  it('expands a map to its entries in insertion order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string({ maxLength: 3 }), element, { maxKeys: 4 }), { maxLength: 5 }),
        (maps) => {
          const changes = maps.map((m, id) => ({
            kind: '+I' as const,
            row: { id, c: new Map(Object.entries(m)) },
          }));
          const expected = changes.flatMap(({ row }) =>
            [...row.c].map(([k, v]) => ({ kind: '+I', row: { ...row, o0: k, o1: v } })),
          );
          expect(run(MAP_STRING_INT, 'INNER', false, changes)).toEqual(expected);
        },
      ),
    );
  });

  it('zips several collections by position, padding the shorter ones with NULL', () => {
    const ARRAY_ROW: SqlType = Object.freeze({
      root: 'ARRAY',
      nullable: true,
      element: Object.freeze({
        root: 'ROW',
        nullable: true,
        fields: [
          { name: 'a', type: Types.INT },
          { name: 'b', type: Types.STRING },
        ],
      }),
    });
    const types = [ARRAY_INT, MAP_STRING_INT, ARRAY_ROW];
    const positions = types.map(() => ({ line: 1, column: 1 }));
    const row = fc.option(
      fc.record({ a: element, b: fc.option(fc.string({ maxLength: 2 }), { nil: null }) }),
      {
        nil: null,
      },
    );
    fc.assert(
      fc.property(
        fc.option(fc.array(element, { maxLength: 4 }), { nil: null }),
        fc.option(fc.dictionary(fc.string({ maxLength: 2 }), element, { maxKeys: 4 }), { nil: null }),
        fc.option(fc.array(row, { maxLength: 4 }), { nil: null }),
        fc.boolean(),
        (array, dict, rows, ordinality) => {
          const map = dict === null ? null : new Map(Object.entries(dict));
          const fn = unnestFunction(types, ordinality, positions);
          expect(fn.fields.map((f) => f.name)).toEqual([
            'EXPR$0',
            'KEY',
            'VALUE',
            'a',
            'b',
            ...(ordinality ? ['ORDINALITY'] : []),
          ]);
          const out = [...((fn.fn.eval as (...c: unknown[]) => Iterable<unknown>)(array, map, rows) ?? [])];
          const entries = map === null ? [] : [...map];
          const n = Math.max(array?.length ?? 0, entries.length, rows?.length ?? 0);
          expect(out).toHaveLength(n);
          out.forEach((values, i) => {
            const r = rows?.[i];
            expect(values).toEqual([
              array?.[i] ?? null,
              entries[i]?.[0] ?? null,
              entries[i]?.[1] ?? null,
              r?.a ?? null,
              r?.b ?? null,
              ...(ordinality ? [i + 1] : []),
            ]);
          });
        },
      ),
    );
  });

  it('refuses a collection-less argument at its position', () => {
    expect(() => unnestFunction([Types.INT], false, [{ line: 2, column: 7 }])).toThrow(
      /line 2, column 7: UNNEST takes an ARRAY or a MAP, got INT/,
    );
  });
});
