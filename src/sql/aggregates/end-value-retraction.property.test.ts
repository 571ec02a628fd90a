/**
 * FIRST_VALUE, LAST_VALUE and LISTAGG over a retract changelog, as Flink's *WithRetract
 * functions behave: every value is kept in arrival order, a retraction removes the earliest
 * equal value still in (so retracting the first or last falls back to the next one), and the
 * result equals recomputing from the values left, in arrival order. Driven through the group
 * aggregate, per row and mini-batch, with any sequence of inserts and retractions of values
 * inserted before (duplicates, NaN, arrays that come back as other objects), a snapshot and
 * restore at any step, and a retraction for an empty group now and then, which changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { StreamOperator } from '../../runtime/operator.js';
import { ProcessOperator } from '../../runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../state/keyed-snapshot.js';
import { type SqlType, Types } from '../catalog/types.js';
import type { Row } from '../expressions/compiler.js';
import type { ChangelogRow } from '../planner/changelog.js';
import { MiniBatchGroupAggregateOperator } from '../runtime/aggregate/mini-batch-group-aggregate.js';
import type { BoundAggregateCall } from './aggregate-function.js';
import { BUILTIN_AGGREGATES } from './builtins.js';
import { GroupAggregateFunction, type GroupAggregateSpec } from './group-aggregate-function.js';

const ARRAY_INT: SqlType = Object.freeze({ root: 'ARRAY', nullable: true, element: Types.INT });

const call = (fn: string, args: string[], argTypes: SqlType[], name: string): BoundAggregateCall => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  return { fn, args, argTypes, distinct: false, name, type: definition.resultType(argTypes), definition };
};

const CALLS: BoundAggregateCall[] = [
  call('FIRST_VALUE', ['d'], [Types.DOUBLE], 'first_d'),
  call('LAST_VALUE', ['d'], [Types.DOUBLE], 'last_d'),
  call('FIRST_VALUE', ['a'], [ARRAY_INT], 'first_a'),
  call('LAST_VALUE', ['a'], [ARRAY_INT], 'last_a'),
  call('LISTAGG', ['s'], [Types.STRING], 'list_s'),
  call('LISTAGG', ['s', 'sep'], [Types.STRING, Types.STRING], 'list_sep'),
];

const SPEC: GroupAggregateSpec = {
  groupKeys: ['k'],
  calls: CALLS,
  changelogInput: true,
  insertOnlyOutput: false,
};

/** A value of each argument column: few distinct ones, so duplicates are common. */
const rowArb = fc.record({
  k: fc.integer({ min: 0, max: 1 }),
  d: fc.constantFrom<number | null>(1, 2, Number.NaN, null),
  a: fc.constantFrom<number[] | null>([1], [1, 2], [], null),
  s: fc.constantFrom<string | null>('x', 'y', 'zz', null),
  sep: fc.constant('|'),
});

/**
 * One step: insert a new row, retract the `pick`-th row inserted before and still in (of its
 * key), snapshot and restore, or retract a row of a key that holds nothing.
 */
const stepArb = fc.oneof(
  { weight: 5, arbitrary: rowArb.map((row) => ({ op: 'insert' as const, row })) },
  { weight: 4, arbitrary: fc.nat().map((pick) => ({ op: 'retract' as const, pick })) },
  { weight: 1, arbitrary: fc.constant({ op: 'restore' as const }) },
  { weight: 1, arbitrary: rowArb.map((row) => ({ op: 'stray' as const, row: { ...row, k: 9 } })) },
);

const present = (v: unknown) => v !== null && v !== undefined;

/** The argument columns: each call keeps its own column's values. */
const COLUMNS = ['d', 'a', 's'] as const;

/** Equal values as the functions compare them: NaN equal to NaN, arrays by content. */
const same = (x: unknown, y: unknown) => Object.is(x, y) || JSON.stringify(x) === JSON.stringify(y);

/** One key's values still in, per argument column, in arrival order. */
type Columns = Record<(typeof COLUMNS)[number], unknown[]>;

/** The oracle: each call recomputed from a key's values still in, in arrival order. */
function oracle(columns: Columns): Record<string, unknown> {
  const [d, a, s] = [columns.d, columns.a, columns.s as string[]];
  return {
    first_d: d[0] ?? null,
    last_d: d.at(-1) ?? null,
    first_a: a[0] ?? null,
    last_a: a.at(-1) ?? null,
    list_s: s.length === 0 ? null : s.join(','),
    list_sep: s.length === 0 ? null : s.join('|'),
  };
}

/** The values of `rows` per column, each column after removing the earliest value equal to each of `retracted`. */
function columnsOf(rows: readonly Row[], retracted: readonly Row[] = []): Columns {
  const columns = { d: [], a: [], s: [] } as Columns;
  for (const c of COLUMNS) {
    const values = columns[c];
    for (const r of rows) if (present(r[c])) values.push(r[c]);
    for (const r of retracted) {
      if (!present(r[c])) continue;
      const i = values.findIndex((v) => same(v, r[c]));
      if (i >= 0) values.splice(i, 1);
    }
  }
  return columns;
}

type Step = { op: 'insert' | 'stray'; row: Row } | { op: 'retract'; pick: number } | { op: 'restore' };

type Harness = KeyedOneInputStreamOperatorTestHarness<unknown, unknown, unknown>;

function open(make: () => StreamOperator<unknown>, snapshot?: ReturnType<typeof snapshotKeyedState>) {
  const operator = make();
  const h: Harness = new KeyedOneInputStreamOperatorTestHarness(
    operator as never,
    (c: unknown) => (c as ChangelogRow).row.k,
  );
  if (snapshot !== undefined) restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
  h.open();
  return { operator, h };
}

const perRow = () => new ProcessOperator(new GroupAggregateFunction(SPEC) as never, true);
const miniBatch = () => new MiniBatchGroupAggregateOperator(SPEC, { latencyMs: 1_000_000, size: 3 });

function check(make: () => StreamOperator<unknown>, steps: readonly Step[]): void {
  let { operator, h } = open(make);
  const live = new Map<number, Row[]>(); // rows inserted and not retracted, per key
  const history = new Map<number, { rows: Row[]; retracted: Row[] }>();
  const view = new Map<unknown, Row>(); // the result the changelog materializes, per key
  const flush = () => {
    operator.prepareSnapshotPreBarrier?.(1);
    for (const change of h.extractOutputValues() as ChangelogRow[]) {
      if (change.kind === '+I' || change.kind === '+U') view.set(change.row.k, change.row);
      else if (change.kind === '-D') view.delete(change.row.k);
    }
    h.clearOutput();
  };
  // A copy: what reaches the operator is never the object it kept.
  const send = (kind: ChangelogRow['kind'], row: Row) =>
    h.processElement({ kind, row: structuredClone(row) } satisfies ChangelogRow, 0);
  for (const step of steps) {
    if (step.op === 'insert') {
      const k = step.row.k as number;
      if (!live.has(k)) live.set(k, []);
      if (!history.has(k)) history.set(k, { rows: [], retracted: [] });
      live.get(k)!.push(step.row);
      history.get(k)!.rows.push(step.row);
      send('+I', step.row);
    } else if (step.op === 'retract') {
      const keys = [...live.entries()].filter(([, rows]) => rows.length > 0);
      if (keys.length === 0) continue;
      const [k, rows] = keys[step.pick % keys.length]!;
      const [row] = rows.splice(Math.floor(step.pick / keys.length) % rows.length, 1);
      history.get(k)!.retracted.push(row!);
      send(step.pick % 2 === 0 ? '-D' : '-U', row!);
    } else if (step.op === 'stray') send('-D', step.row);
    else {
      flush();
      const snapshot = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
      ({ operator, h } = open(make, snapshot));
    }
  }
  flush();
  expect(view.has(9), 'a retraction for an empty group emits nothing').toBe(false);
  for (const [k, rows] of live) {
    if (rows.length === 0) {
      expect(view.has(k), `key ${k} is deleted`).toBe(false);
      continue;
    }
    const { rows: all, retracted } = history.get(k)!;
    const want = oracle(columnsOf(all, retracted));
    const got = view.get(k)!;
    for (const name of Object.keys(want)) expect(got[name], name).toEqual(want[name]);
  }
}

describe('FIRST_VALUE, LAST_VALUE and LISTAGG with retraction', () => {
  test('property: any inserts and retractions give the values recomputed from the rows left (per row)', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => check(perRow, steps)),
      { numRuns: 300 },
    );
  });

  test('property: the same in mini-batches, a bundle closing before each snapshot', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 60 }), (steps) => check(miniBatch, steps)),
      { numRuns: 200 },
    );
  });

  test('retracting the first value falls back to the next; of equal values the earliest goes', () => {
    const rows: Row[] = [
      { k: 0, d: 1, a: [1], s: 'x', sep: '|' },
      { k: 0, d: 2, a: [1, 2], s: 'y', sep: '|' },
      { k: 0, d: 1, a: [1], s: 'x', sep: '|' },
    ];
    const { h } = open(perRow);
    for (const row of rows) h.processElement({ kind: '+I', row }, 0);
    h.clearOutput();
    // Retracting a copy of the third row takes the first one's values: the third's stay, last.
    h.processElement({ kind: '-U', row: structuredClone(rows[2]!) }, 0);
    expect(h.extractOutputValues()).toEqual([
      {
        kind: '-U',
        row: { k: 0, first_d: 1, last_d: 1, first_a: [1], last_a: [1], list_s: 'x,y,x', list_sep: 'x|y|x' },
      },
      {
        kind: '+U',
        row: { k: 0, first_d: 2, last_d: 1, first_a: [1, 2], last_a: [1], list_s: 'y,x', list_sep: 'y|x' },
      },
    ]);
  });

  test('a result that stays NaN is a change, as Flink compares results with Java ==: a -U/+U pair', () => {
    const { h } = open(perRow);
    h.processElement({ kind: '+I', row: { k: 0, d: Number.NaN, a: null, s: 'x', sep: '|' } }, 0);
    h.clearOutput();
    h.processElement({ kind: '+I', row: { k: 0, d: Number.NaN, a: null, s: null, sep: '|' } }, 0);
    const row = {
      k: 0,
      first_d: Number.NaN,
      last_d: Number.NaN,
      first_a: null,
      last_a: null,
      list_s: 'x',
      list_sep: 'x',
    };
    expect(h.extractOutputValues()).toEqual([
      { kind: '-U', row },
      { kind: '+U', row },
    ]);
  });

  test('a result going from -0.0 to 0.0 is no change, as Java == has it: nothing is emitted', () => {
    const { h } = open(perRow);
    h.processElement({ kind: '+I', row: { k: 0, d: -0, a: null, s: 'x', sep: '|' } }, 0);
    const first = h.extractOutputValues() as { row: { last_d: number } }[];
    expect(Object.is(first[0]!.row.last_d, -0)).toBe(true);
    h.clearOutput();
    h.processElement({ kind: '+I', row: { k: 0, d: 0, a: null, s: null, sep: '|' } }, 0);
    expect(h.extractOutputValues()).toEqual([]);
  });

  test('a retraction of NaN or of an array equal to one kept removes it, whatever object it is', () => {
    const { h } = open(perRow);
    h.processElement({ kind: '+I', row: { k: 0, d: Number.NaN, a: [3], s: null, sep: '|' } }, 0);
    h.processElement({ kind: '+I', row: { k: 0, d: 5, a: [4], s: null, sep: '|' } }, 0);
    h.clearOutput();
    h.processElement({ kind: '-D', row: { k: 0, d: Number.NaN, a: [3], s: null, sep: '|' } }, 0);
    const out = h.extractOutputValues() as ChangelogRow[];
    expect(out.at(-1)).toEqual({
      kind: '+U',
      row: { k: 0, first_d: 5, last_d: 5, first_a: [4], last_a: [4], list_s: null, list_sep: null },
    });
  });
});
