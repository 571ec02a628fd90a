/**
 * Properties of the built-in aggregates driven through RowAggregates, against a naive oracle
 * that recomputes each function from the list of rows still in: accumulating then retracting
 * any subset equals accumulating the rest, and merging two accumulator lists equals
 * accumulating both inputs, with FILTER and DISTINCT calls among them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Types, type SqlType } from '../catalog/types.js';
import type { Row } from '../expressions/compiler.js';
import type { BoundAggregateCall } from './aggregate-function.js';
import { BUILTIN_AGGREGATES, lookupAggregate } from './builtins.js';
import { RowAggregates } from './row-aggregates.js';

const call = (fn: string, args: string[], argTypes: SqlType[], extra: Partial<BoundAggregateCall> = {}) => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  return {
    fn,
    args,
    argTypes,
    distinct: false,
    name: `c${Math.random().toString(36).slice(2)}`,
    type: definition.resultType(argTypes),
    definition,
    ...extra,
  } as BoundAggregateCall;
};

const CALLS: BoundAggregateCall[] = [
  call('COUNT', [], []),
  call('COUNT', ['x'], [Types.INT]),
  call('SUM', ['x'], [Types.INT]),
  call('SUM0', ['x'], [Types.INT]),
  call('AVG', ['x'], [Types.INT]),
  call('MIN', ['x'], [Types.INT]),
  call('MAX', ['s'], [Types.STRING]),
  call('FIRST_VALUE', ['x'], [Types.INT]),
  call('LAST_VALUE', ['s'], [Types.STRING]),
  call('LISTAGG', ['s'], [Types.STRING]),
  call('COUNT', [], [], { filter: 'f' }),
  call('SUM', ['x'], [Types.INT], { filter: 'f' }),
  call('COUNT', ['x'], [Types.INT], { distinct: true }),
  call('SUM', ['x'], [Types.INT], { distinct: true }),
  call('MAX', ['s'], [Types.STRING], { distinct: true }),
];

const ORDERED = new Set(['FIRST_VALUE', 'LAST_VALUE', 'LISTAGG']);

const present = (v: unknown) => v !== null && v !== undefined;

/**
 * The oracle after retraction. Order-sensitive functions (FIRST_VALUE, LAST_VALUE, LISTAGG)
 * document that a retracted value removes the earliest equal value still in, so their oracle
 * works on the call's own value sequence; for the others any equal row may go.
 */
function oracleAfter(c: BoundAggregateCall, rows: readonly Row[], retracted: readonly Row[]): unknown {
  if (!ORDERED.has(c.fn)) return oracle(c, remaining(rows, retracted));
  const col = c.args[0]!;
  const values: unknown[] = rows.map((r) => r[col]).filter(present);
  for (const r of retracted) {
    const i = values.indexOf(r[col]);
    if (i >= 0) values.splice(i, 1);
  }
  return oracle(
    c,
    values.map((v) => ({ [col]: v }) as Row),
  );
}

/** The oracle: each call's SQL value over a list of rows, by definition. */
function oracle(c: BoundAggregateCall, rows: readonly Row[]): unknown {
  let input = c.filter === undefined ? [...rows] : rows.filter((r) => r[c.filter!] === true);
  if (c.distinct) {
    const seen = new Set<unknown>();
    input = input.filter((r) => {
      const v = r[c.args[0]!];
      if (seen.has(v)) return false;
      seen.add(v);
      return true;
    });
  }
  if (c.fn === 'COUNT' && c.args.length === 0) return input.length;
  const values = input.map((r) => r[c.args[0]!]).filter(present) as (number | string)[];
  switch (c.fn) {
    case 'COUNT':
      return values.length;
    case 'SUM':
      return values.length === 0 ? null : (values as number[]).reduce((a, b) => a + b, 0);
    case 'SUM0':
      return (values as number[]).reduce((a, b) => a + b, 0);
    case 'AVG':
      return values.length === 0
        ? null
        : Math.trunc((values as number[]).reduce((a, b) => a + b, 0) / values.length);
    case 'MIN':
      // biome-ignore lint/complexity/useMathMinMax: the values may be strings
      return values.length === 0 ? null : values.reduce((a, b) => (b < a ? b : a));
    case 'MAX':
      // biome-ignore lint/complexity/useMathMinMax: the values may be strings
      return values.length === 0 ? null : values.reduce((a, b) => (b > a ? b : a));
    case 'FIRST_VALUE':
      return values.length === 0 ? null : values[0];
    case 'LAST_VALUE':
      return values.length === 0 ? null : values[values.length - 1];
    case 'LISTAGG':
      return values.length === 0 ? null : values.join(',');
  }
  throw new Error(c.fn);
}

const rowArb = fc.record({
  x: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }),
  s: fc.option(fc.constantFrom('a', 'b', 'c', 'dd'), { nil: null }),
  f: fc.option(fc.boolean(), { nil: null }),
});

/** What each call gives on rows, through RowAggregates. */
function run(aggs: RowAggregates, accumulated: readonly Row[], retracted: readonly Row[] = []): unknown[] {
  const accs = aggs.createAccumulators();
  for (const r of accumulated) aggs.accumulate(accs, r);
  for (const r of retracted) aggs.retract(accs, r);
  return aggs.values(accs);
}

/**
 * The rows left after retracting: each retracted row removes the earliest equal row still in,
 * which is the order-sensitive functions' (FIRST_VALUE, LAST_VALUE, LISTAGG) documented rule.
 */
function remaining(rows: readonly Row[], retracted: readonly Row[]): Row[] {
  const left = [...rows];
  for (const r of retracted) {
    const i = left.findIndex((l) => l.x === r.x && l.s === r.s && l.f === r.f);
    left.splice(i, 1);
  }
  return left;
}

describe('RowAggregates over the built-in functions', () => {
  it('accumulating rows gives the oracle value of every call', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 40 }), (rows) => {
        const aggs = new RowAggregates(CALLS);
        expect(run(aggs, rows)).toEqual(CALLS.map((c) => oracle(c, rows)));
      }),
    );
  });

  it('accumulating all rows then retracting a subset equals accumulating the rest', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 40 }).chain((rows) =>
          fc.tuple(
            fc.constant(rows),
            fc.subarray(rows.map((_, i) => i)),
            fc.boolean(), // retract in arrival order or shuffled
          ),
        ),
        ([rows, picked, reversed]) => {
          const aggs = new RowAggregates(CALLS, { retraction: true });
          const retracted = picked.map((i) => rows[i]!);
          if (reversed) retracted.reverse();
          expect(run(aggs, rows, retracted)).toEqual(CALLS.map((c) => oracleAfter(c, rows, retracted)));
        },
      ),
    );
  });

  it('merging two accumulator lists equals accumulating both inputs, with and without retraction', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 30 }),
        fc.array(rowArb, { maxLength: 30 }),
        fc.boolean(),
        (left, right, retraction) => {
          const aggs = new RowAggregates(CALLS, { retraction });
          const a = aggs.createAccumulators();
          const b = aggs.createAccumulators();
          for (const r of left) aggs.accumulate(a, r);
          for (const r of right) aggs.accumulate(b, r);
          aggs.merge(a, b);
          expect(aggs.values(a)).toEqual(CALLS.map((c) => oracle(c, [...left, ...right])));
        },
      ),
    );
  });

  it('a retracted group returns to the empty values: 0 counts and NULL elsewhere', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 20 }), (rows) => {
        const aggs = new RowAggregates(CALLS, { retraction: true });
        expect(run(aggs, rows, rows)).toEqual(CALLS.map((c) => oracle(c, [])));
      }),
    );
  });

  it('writes values under the calls’ output names', () => {
    const aggs = new RowAggregates([
      { ...call('COUNT', [], []), name: 'cnt' },
      { ...call('MAX', ['x'], [Types.INT]), name: 'top' },
    ]);
    const accs = aggs.createAccumulators();
    aggs.accumulate(accs, { x: 3 });
    aggs.accumulate(accs, { x: 7 });
    const out: Row = {};
    aggs.writeValues(accs, out);
    expect(out).toEqual({ cnt: 2, top: 7 });
  });
});

describe('built-in aggregate types', () => {
  const type = (fn: string, arg?: SqlType) => lookupAggregate(fn, undefined)!.resultType(arg ? [arg] : []);
  it('follow Flink: COUNT is BIGINT NOT NULL, SUM and AVG of INT are INT, DECIMAL widens', () => {
    expect(type('COUNT')).toMatchObject({ root: 'BIGINT', nullable: false });
    expect(type('sum', Types.INT)).toMatchObject({ root: 'INT', nullable: true });
    expect(type('AVG', Types.INT)).toMatchObject({ root: 'INT', nullable: true });
    expect(type('SUM', Types.decimal(10, 2))).toMatchObject({ root: 'DECIMAL', precision: 38, scale: 2 });
    expect(type('AVG', Types.decimal(10, 2))).toMatchObject({ root: 'DECIMAL', precision: 38, scale: 6 });
    expect(type('SUM0', Types.BIGINT)).toMatchObject({ root: 'BIGINT', nullable: false });
    expect(type('MIN', Types.STRING)).toMatchObject({ root: 'VARCHAR', nullable: true });
  });
  it('reject wrong argument types with a one-line message', () => {
    expect(() => type('SUM', Types.STRING)).toThrow(/SUM needs a numeric argument, got STRING/);
    expect(() => type('MAX', { root: 'RAW', nullable: true })).toThrow(/MAX cannot order values/);
  });
});
