/**
 * Every Nexmark SQL query Weir plans compiles to a plan (`compilePlanSql`) that a fresh session,
 * with none of the query's DDL and views, loads back to the physical plan EXPLAIN gives for the
 * SQL: the plans of all the operator families Nexmark uses (windows, joins, Top-N, mini-batch
 * aggregates, split distinct aggregates, UDFs) survive their JSON form.
 */
import { describe, expect, it } from 'vitest';
import { sqlQueries, sqlStatements } from '../../bench/nexmark/sql/sql-files.js';
import { registerNexmarkFunctions } from '../../bench/nexmark/sql/udfs.js';
import { PlanReference, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-nexmark-plans-');
/** Queries no planner takes: q6 filters on `rownum` in the SELECT that defines it (Flink's Nexmark skips it too). */
const NOT_PLANNED = new Set(['q6']);
const OPTIONS = {
  'table.exec.mini-batch.enabled': 'true',
  'table.exec.mini-batch.allow-latency': '2 s',
  'table.exec.mini-batch.size': '50000',
  'table.optimizer.distinct-agg.split.enabled': 'true',
};

function session(): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  registerNexmarkFunctions(tEnv);
  return tEnv;
}

describe('Nexmark SQL queries as compiled plans', () => {
  const queries = sqlQueries().filter((q) => !NOT_PLANNED.has(q));

  it('cover the queries', () => {
    expect(queries.length).toBe(22);
  });

  it('q6 is refused by COMPILE PLAN with the error its INSERT gets', async () => {
    const statements = sqlStatements('q6', { events: 1000, dataDir: tempDir() });
    const insert = statements.pop()!;
    const tEnv = session();
    for (const statement of statements) await tEnv.executeSql(statement).await();
    const errorOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      return undefined;
    };
    const refused = errorOf(() => tEnv.executeSql(insert));
    expect(refused).toMatch(/column 'rownum' not found/);
    expect(errorOf(() => tEnv.compilePlanSql(insert))).toBe(refused);
  });

  it.each(queries)('%s loads back to the physical plan of its SQL', async (query) => {
    const statements = sqlStatements(query, { events: 1000, dataDir: tempDir() });
    const insert = statements.pop()!;
    const tEnv = session();
    for (const [key, value] of Object.entries(OPTIONS)) tEnv.executeSql(`SET '${key}' = '${value}'`);
    for (const statement of statements) await tEnv.executeSql(statement).await();
    const json = tEnv.compilePlanSql(insert).asJsonString();

    // Functions travel by name: the fresh session registers them (q14's count_char), nothing else.
    const fresh = session();
    for (const statement of statements.filter((s) => /^\s*CREATE FUNCTION/i.test(s)))
      await fresh.executeSql(statement).await();
    const explained = tEnv.explainSql(insert);
    expect(fresh.loadPlan(PlanReference.fromJsonString(json)).explain()).toBe(
      explained.slice(explained.indexOf('== Physical Plan ==')),
    );
  });
});
