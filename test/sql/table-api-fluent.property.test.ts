/**
 * Random chains of Table API operations (where, select with computed columns, groupBy with
 * aggregates, distinct, as, addColumns, dropColumns) over generated rows with NULLs give the rows and schema of SQL text the
 * test builds from the same chain, one subquery per step: whatever clauses the Table API merges
 * into one SELECT, the result is the nested query's.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { $, lit, StreamExecutionEnvironment, type Table, TableEnvironment } from '../../src/index.js';

interface Column {
  readonly name: string;
  readonly int: boolean;
}

/** One step as random choices, read against the columns the chain has when it is reached. */
interface Step {
  readonly kind: 'compare' | 'nullTest' | 'select' | 'groupBy' | 'distinct' | 'rename' | 'addColumn' | 'drop';
  readonly a: number;
  readonly b: number;
  readonly v: number;
}

const COMPARISONS = [
  ['isGreater', '>'],
  ['isLess', '<'],
  ['isEqual', '='],
  ['isNotEqual', '<>'],
] as const;

/** Applies a step to the table and to the SQL text; returns both and the new columns. */
function apply(
  step: Step,
  index: number,
  table: Table,
  sql: string,
  columns: readonly Column[],
): { table: Table; sql: string; columns: readonly Column[] } {
  const ints = columns.filter((c) => c.int);
  const pick = <T>(list: readonly T[], n: number) => list[n % list.length]!;
  switch (step.kind) {
    case 'compare': {
      if (ints.length === 0) return apply({ ...step, kind: 'nullTest' }, index, table, sql, columns);
      const c = pick(ints, step.a).name;
      const [method, op] = pick(COMPARISONS, step.b);
      return {
        table: table.where($(c)[method](step.v)),
        sql: `SELECT * FROM (${sql}) WHERE ${c} ${op} ${step.v}`,
        columns,
      };
    }
    case 'nullTest': {
      const c = pick(columns, step.a).name;
      const isNull = step.b % 2 === 0;
      return {
        table: table.where(isNull ? $(c).isNull() : $(c).isNotNull()),
        sql: `SELECT * FROM (${sql}) WHERE ${c} IS ${isNull ? '' : 'NOT '}NULL`,
        columns,
      };
    }
    case 'select': {
      let kept = columns.filter((_, i) => (step.a >> i) % 2 === 1);
      if (kept.length === 0) kept = [pick(columns, step.a)];
      const fields = kept.map((c) => $(c.name));
      const items = kept.map((c) => c.name);
      const out = [...kept];
      if (ints.length > 0 && step.b % 2 === 0) {
        const [l, r] = [pick(ints, step.b), pick(ints, step.b + 1)];
        const name = `e${index}`;
        fields.push(step.v % 2 === 0 ? $(l.name).plus($(r.name)).as(name) : $(l.name).times(step.v).as(name));
        items.push(
          step.v % 2 === 0 ? `${l.name} + ${r.name} AS ${name}` : `${l.name} * ${step.v} AS ${name}`,
        );
        out.push({ name, int: true });
      }
      return {
        table: table.select(...fields),
        sql: `SELECT ${items.join(', ')} FROM (${sql})`,
        columns: out,
      };
    }
    case 'groupBy': {
      const key = pick(columns, step.a);
      const value = ints.find(
        (c) => c.name !== key.name && ints.indexOf(c) >= step.b % Math.max(ints.length, 1),
      );
      const count = `cnt${index}`;
      if (value === undefined)
        return {
          table: table.groupBy($(key.name)).select($(key.name), $('*').count().as(count)),
          sql: `SELECT ${key.name}, COUNT(*) AS ${count} FROM (${sql}) GROUP BY ${key.name}`,
          columns: [key, { name: count, int: true }],
        };
      const [sum, max] = [`sum${index}`, `max${index}`];
      return {
        table: table
          .groupBy($(key.name))
          .select(
            $(key.name),
            $(value.name).sum().as(sum),
            $('*').count().as(count),
            $(value.name).max().as(max),
          ),
        sql: `SELECT ${key.name}, SUM(${value.name}) AS ${sum}, COUNT(*) AS ${count}, MAX(${value.name}) AS ${max} FROM (${sql}) GROUP BY ${key.name}`,
        columns: [key, { name: sum, int: true }, { name: count, int: true }, { name: max, int: true }],
      };
    }
    case 'distinct':
      return { table: table.distinct(), sql: `SELECT DISTINCT * FROM (${sql})`, columns };
    case 'rename': {
      const count = 1 + (step.a % columns.length);
      const names = columns.map((c, i) => (i < count ? `r${index}_${i}` : c.name));
      const [first, ...rest] = names.slice(0, count);
      return {
        table: table.as(first!, ...rest),
        sql: `SELECT ${columns.map((c, i) => `${c.name} AS ${names[i]}`).join(', ')} FROM (${sql})`,
        columns: columns.map((c, i) => ({ ...c, name: names[i]! })),
      };
    }
    case 'addColumn': {
      const name = `a${index}`;
      if (ints.length === 0)
        return {
          table: table.addColumns(lit(step.v).as(name)),
          sql: `SELECT *, ${step.v} AS ${name} FROM (${sql})`,
          columns: [...columns, { name, int: true }],
        };
      const c = pick(ints, step.a).name;
      return {
        table: table.addColumns($(c).minus(step.v).as(name)),
        sql: `SELECT *, ${c} - ${step.v} AS ${name} FROM (${sql})`,
        columns: [...columns, { name, int: true }],
      };
    }
    case 'drop': {
      if (columns.length < 2) return apply({ ...step, kind: 'distinct' }, index, table, sql, columns);
      const dropped = pick(columns, step.a).name;
      const kept = columns.filter((c) => c.name !== dropped);
      return {
        table: table.dropColumns($(dropped)),
        sql: `SELECT ${kept.map((c) => c.name).join(', ')} FROM (${sql})`,
        columns: kept,
      };
    }
  }
}

const rowArbitrary = fc.record({
  k: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 8 }),
  x: fc.option(fc.integer({ min: -20, max: 20 }), { freq: 6 }),
  s: fc.option(fc.constantFrom('ant', 'bee', 'cat'), { freq: 6 }),
});

const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(
    'compare',
    'nullTest',
    'select',
    'groupBy',
    'distinct',
    'rename',
    'addColumn',
    'drop',
  ),
  a: fc.nat({ max: 63 }),
  b: fc.nat({ max: 7 }),
  v: fc.integer({ min: -5, max: 5 }),
});

const sorted = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('Table API chains against their SQL', () => {
  test('random chains of where, select, groupBy, distinct, as, addColumns and dropColumns give the rows of the nested SQL', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArbitrary, { minLength: 0, maxLength: 25 }),
        fc.array(stepArbitrary, { minLength: 1, maxLength: 5 }),
        async (rows, steps) => {
          const env = StreamExecutionEnvironment.createLocalEnvironment(1);
          const tEnv = TableEnvironment.create(env);
          tEnv.createTemporaryView('r', env.fromElements(...rows), { k: 'INT', x: 'INT', s: 'STRING' });
          let state = {
            table: tEnv.from('r'),
            sql: 'SELECT * FROM r',
            columns: [
              { name: 'k', int: true },
              { name: 'x', int: true },
              { name: 's', int: false },
            ] as readonly Column[],
          };
          steps.forEach((step, i) => {
            state = apply(step, i, state.table, state.sql, state.columns);
          });
          const query = tEnv.sqlQuery(state.sql);
          expect(state.table.getResolvedSchema()).toEqual(query.getResolvedSchema());
          const [fluent, nested] = await Promise.all([
            state.table.execute().collect(),
            query.execute().collect(),
          ]);
          expect(sorted(fluent)).toEqual(sorted(nested));
        },
      ),
      { numRuns: 60 },
    );
  });
});
