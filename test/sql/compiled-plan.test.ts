/**
 * Compiled plans (`src/sql/compiled-plan/`): a plan compiled from SQL, written to a file and run
 * in a fresh TableEnvironment without the tables' DDL, gives the rows the SQL gives; its
 * EXPLAIN is the SQL's physical plan; a plan of another format version, or a file that is no
 * plan, is refused in one line; user functions travel by name; and `weir sql -f` runs the
 * statements. The savepoint case is in compiled-plan-savepoint.test.ts, the statement forms and
 * their errors in compiled-plan.slt. A Table API pipeline's plan (`insertInto(…).compilePlan()`)
 * runs to the rows of the SQL INSERT it stands for.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  $,
  type CompiledPlan,
  PlanReference,
  type StatementSet,
  StreamExecutionEnvironment,
  TableDescriptor,
  TableEnvironment,
} from '../../src/index.js';
import { runWeir, expectExit } from '../cli/run-cli.js';
import { oneLineError } from '../support/one-line-error.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-compiled-plan-');
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** A session whose print connector writes into `printed`. */
function session(printed: string[]): TableEnvironment {
  return TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1), {
    printTarget: { write: (text: string) => printed.push(...text.split('\n').filter((l) => l !== '')) },
  });
}

const DDL = [
  `CREATE TABLE bids (id BIGINT, item STRING, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
   WITH ('connector' = 'datagen', 'number-of-rows' = '40', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
   'fields.id.end' = '40', 'fields.item.length' = '1', 'fields.price.min' = '1', 'fields.price.max' = '9')`,
  `CREATE TABLE out2 (k STRING, v BIGINT) WITH ('connector' = 'print')`,
  `CREATE TABLE out3 (k STRING, v BIGINT, w BIGINT) WITH ('connector' = 'print')`,
];

/** Jobs of several operator families, each an INSERT or a statement set. */
const JOBS: readonly string[] = [
  'INSERT INTO out3 SELECT item, COUNT(*), SUM(price) FROM bids GROUP BY item',
  'INSERT INTO out3 SELECT item, COUNT(DISTINCT price), MAX(id) FROM bids GROUP BY item',
  `INSERT INTO out3 SELECT CAST(window_start AS STRING), COUNT(*), SUM(price)
   FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end`,
  'INSERT INTO out3 SELECT item, id, LAG(id) OVER (PARTITION BY item ORDER BY ts) FROM bids',
  `INSERT INTO out2 SELECT item, id FROM (
     SELECT *, ROW_NUMBER() OVER (PARTITION BY item ORDER BY price DESC, id) AS rn FROM bids) WHERE rn <= 2`,
  'INSERT INTO out2 SELECT a.item, b.id FROM bids a JOIN bids b ON a.id = b.id + 1 WHERE a.price > b.price',
  `EXECUTE STATEMENT SET BEGIN
     INSERT INTO out2 SELECT item, id FROM bids WHERE price > 5;
     INSERT INTO out3 SELECT UPPER(item), id, price * 2 FROM bids WHERE price <= 5;
   END`,
];

describe('a compiled plan run in a fresh session', () => {
  it.each(JOBS)('gives the rows of its SQL, without the DDL: %s', async (job) => {
    const printed: string[] = [];
    const tEnv = session(printed);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    await tEnv.executeSql(job).await();
    const bySql = [...printed].sort();
    expect(bySql.length).toBeGreaterThan(0);

    const file = join(tempDir(), 'plan.json');
    tEnv.compilePlanSql(job).writeToFile(file);
    printed.length = 0;
    const fresh = session(printed);
    expect(fresh.listTables()).toEqual([]);
    const result = fresh.loadPlan(PlanReference.fromFile(file)).execute();
    await result.await();
    expect([...printed].sort()).toEqual(bySql);
  });

  it('prints the physical plan EXPLAIN gives for the SQL, and returns the INSERT result', async () => {
    const tEnv = session([]);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    const job = JOBS[6]!;
    const plan = tEnv.compilePlanSql(job);
    const explained = tEnv.explainSql(job);
    const physical = explained.slice(explained.indexOf('== Physical Plan =='));
    expect(plan.explain()).toBe(physical);
    expect(physical).toContain('Reused(reference_id=[1])');
    const result = plan.execute();
    expect(result.columnTypes().map((c) => c.name)).toEqual([
      'default_catalog.default_database.out2',
      'default_catalog.default_database.out3',
    ]);
    await result.await();
  });

  it('holds the versions and the tables with their connector options', () => {
    const tEnv = session([]);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    tEnv.executeSql(`SET 'table.exec.state.ttl' = '1 h'`);
    tEnv.executeSql(`SET 'table.local-time-zone' = 'GMT+8'`);
    tEnv.executeSql(`SET 'parallelism.default' = '2'`);
    const plan = tEnv.compilePlanSql(JOBS[0]!);
    const json = JSON.parse(plan.asJsonString());
    expect(json.formatVersion).toBe(1);
    expect(json.weirVersion).toBe(VERSION);
    expect(plan.getWeirVersion()).toBe(VERSION);
    expect(plan.getFormatVersion()).toBe(1);
    // Planner options travel with the plan; job options are the running session's.
    expect(json.options).toEqual({ 'table.exec.state.ttl': '1 h', 'table.local-time-zone': 'GMT+08:00' });
    expect(json.targets).toEqual([{ path: 'out3', target: 'default_catalog.default_database.out3' }]);
    const text = plan.asJsonString();
    expect(text).toContain('"fields.id.kind": "sequence"');
    expect(text).toContain('"connector": "print"');
  });
});

describe('the options a plan keeps', () => {
  it('run the plan under the time zone it was compiled in, whatever the loading session has', async () => {
    const printed: string[] = [];
    const tEnv = session(printed);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    tEnv.executeSql(`SET 'table.local-time-zone' = 'Asia/Shanghai'`);
    const job =
      'INSERT INTO out2 SELECT CAST(TO_TIMESTAMP_LTZ(id * 3600000, 3) AS STRING), id FROM bids WHERE id < 3';
    await tEnv.executeSql(job).await();
    const bySql = [...printed].sort();
    expect(bySql).toEqual(['+I[1970-01-01 09:00:00.000, 1]', '+I[1970-01-01 10:00:00.000, 2]']);
    const json = tEnv.compilePlanSql(job).asJsonString();
    printed.length = 0;
    await session(printed).executePlan(PlanReference.fromJsonString(json)).await();
    expect([...printed].sort()).toEqual(bySql);
  });
});

describe('StatementSet.compilePlan and executePlan', () => {
  it('compile a Table API set, an anonymous sink included, that runs in a fresh session as the set does', async () => {
    const printed: string[] = [];
    const tEnv = session(printed);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    const fill = (set: StatementSet) =>
      set
        .addInsertSql('INSERT INTO out2 SELECT item, id FROM bids WHERE price > 7')
        .addInsert(
          TableDescriptor.forConnector('print').build(),
          tEnv.from('bids').where($('price').isLess(2)).select($('id')),
        );
    const set = fill(tEnv.createStatementSet());
    const plan = set.compilePlan();
    // The set keeps its INSERTs, as Flink's.
    expect(set.explain()).toContain('*anonymous_print$1*');
    await set.execute().await();
    const bySet = [...printed].sort();
    expect(bySet.length).toBeGreaterThan(0);
    printed.length = 0;
    await session(printed).executePlan(PlanReference.fromJsonString(plan.asJsonString())).await();
    expect([...printed].sort()).toEqual(bySet);
    expect(oneLineError(() => tEnv.createStatementSet().compilePlan())).toBe(
      'SQL error: the statement set is empty, so there is nothing to compile; add an INSERT first',
    );
  });
});

describe('TablePipeline.compilePlan', () => {
  const sql = 'INSERT INTO out3 SELECT item, COUNT(id), SUM(price) FROM bids WHERE price > 2 GROUP BY item';
  const pipeline = (tEnv: TableEnvironment) =>
    tEnv
      .from('bids')
      .where($('price').isGreater(2))
      .groupBy($('item'))
      .select($('item'), $('id').count(), $('price').sum())
      .insertInto('out3');

  it('compiles the plan the pipeline explains, which runs in a fresh session to the rows of the SQL INSERT', async () => {
    const printed: string[] = [];
    const tEnv = session(printed);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    await tEnv.executeSql(sql).await();
    const bySql = [...printed].sort();
    expect(bySql.length).toBeGreaterThan(1);

    const plan = pipeline(tEnv).compilePlan();
    const explained = pipeline(tEnv).explain();
    expect(plan.explain()).toBe(explained.slice(explained.indexOf('== Physical Plan ==')));
    expect(plan.getWeirVersion()).toBe(VERSION);
    expect(JSON.parse(plan.asJsonString()).targets).toEqual([
      { path: 'out3', target: 'default_catalog.default_database.out3' },
    ]);
    const file = join(tempDir(), 'pipeline.json');
    plan.writeToFile(file);
    printed.length = 0;
    const fresh = session(printed);
    const result = fresh.loadPlan(PlanReference.fromFile(file)).execute();
    expect(result.columnTypes().map((c) => c.name)).toEqual(['default_catalog.default_database.out3']);
    await result.await();
    expect([...printed].sort()).toEqual(bySql);
  });

  it('leaves the pipeline to execute after compiling, to the same rows', async () => {
    const printed: string[] = [];
    const tEnv = session(printed);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    await tEnv.executeSql(sql).await();
    const bySql = [...printed].sort();
    printed.length = 0;
    const insert = pipeline(tEnv);
    const json = insert.compilePlan().asJsonString();
    await insert.execute().await();
    expect([...printed].sort()).toEqual(bySql);
    // Compiling again gives the same document: the pipeline's plan is fixed when it is made.
    expect(insert.compilePlan().asJsonString()).toBe(json);
  });
});

describe('TablePipeline.getSinkIdentifier and anonymous sinks', () => {
  it('names a catalog table fully and an anonymous one not at all; the anonymous pipeline compiles to a plan that runs as it does', async () => {
    const printed: string[] = [];
    const tEnv = session(printed);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    const cheap = tEnv.from('bids').where($('price').isLess(3)).select($('item'), $('id'));
    expect(cheap.insertInto('out2').getSinkIdentifier()).toBe('default_catalog.default_database.out2');
    const anonymous = cheap.insertInto(TableDescriptor.forConnector('print').build());
    expect(anonymous.getSinkIdentifier()).toBeUndefined();
    expect(anonymous.explain()).toContain('*anonymous_print$');
    const json = anonymous.compilePlan().asJsonString();
    await anonymous.execute().await();
    const byPipeline = [...printed].sort();
    expect(byPipeline.length).toBeGreaterThan(0);
    expect(byPipeline.every((line) => /^\+I\[., \d+\]$/.test(line))).toBe(true);
    printed.length = 0;
    await session(printed).executePlan(PlanReference.fromJsonString(json)).await();
    expect([...printed].sort()).toEqual(byPipeline);
  });
});

describe('CompiledPlan.printJsonString', () => {
  it('prints the JSON text asJsonString returns, with a line break', () => {
    const tEnv = session([]);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    const plan = tEnv.compilePlanSql(JOBS[0]!);
    const written: string[] = [];
    plan.printJsonString({ write: (text: string) => written.push(text) });
    expect(written).toEqual([`${plan.asJsonString()}\n`]);
    expect(JSON.parse(written[0]!).formatVersion).toBe(1);
  });
});

describe('plans that cannot be run', () => {
  function compiled(): CompiledPlan {
    const tEnv = session([]);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    return tEnv.compilePlanSql(JOBS[0]!);
  }

  it('refuses a plan of another format version in one line naming the fix, at the statement', () => {
    const json = JSON.parse(compiled().asJsonString());
    json.formatVersion = 2;
    json.weirVersion = '9.0.0';
    const file = join(tempDir(), 'future.json');
    writeFileSync(file, JSON.stringify(json));
    expect(oneLineError(() => session([]).loadPlan(PlanReference.fromJsonString(JSON.stringify(json))))).toBe(
      `SQL error: the JSON text is a plan of format version 2 (written by Weir 9.0.0), which Weir ${VERSION} cannot run (it runs format 1); compile the plan again with this Weir (COMPILE PLAN … FOR …)`,
    );
    expect(oneLineError(() => session([]).executeSql(`EXECUTE PLAN '${file}'`))).toBe(
      `SQL error at line 1, column 14: plan file '${file}' is a plan of format version 2 (written by Weir 9.0.0), which Weir ${VERSION} cannot run (it runs format 1); compile the plan again with this Weir (COMPILE PLAN … FOR …)`,
    );
  });

  it('refuses a file that is not a plan', () => {
    const fresh = session([]);
    expect(oneLineError(() => fresh.loadPlan(PlanReference.fromJsonString('{"nodes": []}')))).toBe(
      'SQL error: the JSON text is not a compiled plan: it has no formatVersion; give a file written by COMPILE PLAN or CompiledPlan.writeToFile',
    );
    const wrong = JSON.stringify({
      formatVersion: 1,
      weirVersion: VERSION,
      targets: [{}],
      options: {},
      sinks: [{ kind: 'calc' }],
    });
    expect(oneLineError(() => fresh.loadPlan(PlanReference.fromJsonString(wrong)))).toBe(
      'SQL error: the JSON text is not a compiled plan: a sink in it is not the plan of an INSERT; give a file written by COMPILE PLAN or CompiledPlan.writeToFile',
    );
    expect(oneLineError(() => fresh.loadPlan(PlanReference.fromJsonString('not json')))).toMatch(
      /^SQL error: the JSON text is not a compiled plan: it is not JSON \(.+\); give a file written by COMPILE PLAN or CompiledPlan\.writeToFile$/,
    );
  });

  it('refuses to compile a job over a DataStream, naming where in the plan', () => {
    const tEnv = session([]);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    const env = tEnv.getExecutionEnvironment();
    tEnv.createTemporaryView('numbers', env.fromCollection([{ k: 'a', v: 1 }]), { k: 'STRING', v: 'BIGINT' });
    expect(oneLineError(() => tEnv.compilePlanSql('INSERT INTO out2 SELECT k, v FROM numbers'))).toBe(
      'SQL error: the plan cannot be compiled: plan.input.table.dataStream.stream is a DataStream instance, which a plan file cannot hold; COMPILE PLAN takes jobs over connector tables and registered functions',
    );
  });

  it('refuses a query, which has no sink to plan', () => {
    expect(oneLineError(() => session([]).compilePlanSql('SELECT 1'))).toBe(
      'SQL error at line 1, column 1: compilePlanSql takes an INSERT or EXECUTE STATEMENT SET BEGIN … END; run other statements with executeSql',
    );
  });
});

describe('CompiledPlan.writeToFile', () => {
  it('refuses an existing file, keeps it with ignoreIfExists, and overwrites it under table.plan.force-recompile', () => {
    const tEnv = session([]);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    const file = join(tempDir(), 'nested', 'plan.json');
    const first = tEnv.compilePlanSql(JOBS[0]!);
    first.writeToFile(`file://${file}`);
    expect(readFileSync(file, 'utf8')).toBe(first.asJsonString());
    const second = tEnv.compilePlanSql(JOBS[1]!);
    expect(oneLineError(() => second.writeToFile(file))).toBe(
      `SQL error: plan file '${file}' exists already; add IF NOT EXISTS to keep it, remove it, or SET 'table.plan.force-recompile' = 'true' to overwrite it`,
    );
    second.writeToFile(file, true);
    expect(readFileSync(file, 'utf8')).toBe(first.asJsonString());
    tEnv.executeSql(`SET 'table.plan.force-recompile' = 'true'`);
    second.writeToFile(file);
    expect(readFileSync(file, 'utf8')).toBe(second.asJsonString());
    expect(existsSync(`${file}.${process.pid}.inprogress`)).toBe(false);
  });
});

describe('user-defined functions in a plan', () => {
  const shout = { eval: (s: string | null) => (s === null ? null : `${s}!`), resultType: 'STRING' };
  const total = {
    createAccumulator: () => ({ sum: 0 }),
    accumulate: (acc: { sum: number }, v: number | null) => {
      if (v !== null) acc.sum += v;
    },
    getValue: (acc: { sum: number }) => acc.sum,
    resultType: 'BIGINT',
  };
  const job = 'INSERT INTO out3 SELECT shout(item), total(price), COUNT(*) FROM bids GROUP BY shout(item)';

  it('are named in the plan and found again in the loading session', async () => {
    const printed: string[] = [];
    const tEnv = session(printed);
    for (const ddl of DDL) tEnv.executeSql(ddl);
    tEnv.createTemporarySystemFunction('shout', shout);
    tEnv.createTemporarySystemFunction('total', total);
    await tEnv.executeSql(job).await();
    const bySql = [...printed].sort();
    expect(bySql.some((line) => line.includes('!'))).toBe(true);
    const json = tEnv.compilePlanSql(job).asJsonString();
    expect(json).toMatch(/"\$": "function",\s*"v": "shout"/);
    expect(json).toMatch(/"\$": "function",\s*"v": "total"/);
    expect(json).toMatch(/"\$": "function",\s*"v": "builtin:COUNT"/);

    expect(oneLineError(() => session([]).loadPlan(PlanReference.fromJsonString(json)))).toMatch(
      /^SQL error: the plan calls function '(shout|total)', which this session does not have; register it \(createTemporarySystemFunction or CREATE FUNCTION\) before loading the plan$/,
    );
    printed.length = 0;
    const fresh = session(printed);
    fresh.createTemporarySystemFunction('shout', shout);
    fresh.createTemporarySystemFunction('total', total);
    await fresh.loadPlan(PlanReference.fromJsonString(json)).execute().await();
    expect([...printed].sort()).toEqual(bySql);
  });
});

describe('plan statements in weir sql -f', () => {
  // Two `weir sql` runs, each killed only if it hangs (runWeir's 120 s): on a loaded 2-core
  // machine one run (about 2 s of CPU) can take half a minute or more of wall time, and the
  // test's limit is above both, so a stuck run fails with its own output, not a bare timeout.
  it('one script compiles a plan, a second runs it without any DDL', { timeout: 250_000 }, async () => {
    const dir = tempDir();
    const plan = join(dir, 'plan.json');
    const out = join(dir, 'out');
    const compile = join(dir, 'compile.sql');
    writeFileSync(
      compile,
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '5',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '5');
CREATE TABLE snk (id BIGINT, doubled BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv');
COMPILE PLAN '${plan}' FOR STATEMENT SET BEGIN
  INSERT INTO snk SELECT id, id * 2 FROM src;
END;
COMPILE PLAN '${plan}' IF NOT EXISTS FOR INSERT INTO snk SELECT id, id FROM src;
EXPLAIN PLAN '${plan}';
`,
    );
    const compiled = await runWeir(['sql', '-f', compile]);
    expect(compiled.stderr).toBe('');
    expectExit(compiled, 0);
    expect(compiled.stdout).toContain('Calc(select=[id, *(id, 2) AS doubled]');
    expect(existsSync(out)).toBe(false);

    const execute = join(dir, 'execute.sql');
    writeFileSync(execute, `EXECUTE PLAN '${plan}';\n`);
    const executed = await runWeir(['sql', '-f', execute]);
    expect(executed.stderr).toBe('');
    expectExit(executed, 0);
    const rows = readdirSync(out)
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) => readFileSync(join(out, name), 'utf8').split('\n'))
      .filter((line) => line !== '')
      .sort();
    expect(rows).toEqual(['1,2', '2,4', '3,6', '4,8', '5,10']);
  });
});
