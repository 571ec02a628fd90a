/**
 * Lookup joins: `JOIN t FOR SYSTEM_TIME AS OF p.proctime` against a bounded filesystem table,
 * inner and LEFT, on a plain column, an expression of the probe side and two columns, with
 * duplicate table keys, probe keys the table lacks, NULL keys and a further condition; the
 * EXPLAIN line; Flink's legacy option keys and the mixed-style error; and what happens when the
 * table is read continuously (refused without a primary key, a streaming temporal join with
 * one). Expected rows are computed by hand from the small tables below.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-lookup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Key 2 twice; no key 3; a row with a NULL key (empty field) that nothing may match.
const SIDE = join(dir, 'side.csv');
writeFileSync(SIDE, '0,zero,a\n1,one,a\n2,two,a\n2,deux,b\n,none,a\n');

const PROBE = `CREATE VIEW probe AS SELECT * FROM (VALUES (1, 10), (2, 20), (3, 30), (CAST(NULL AS INT), 40), (5, 50)) AS t(k, id)`;

function tableEnv(
  sideWith = `'connector' = 'filesystem', 'path' = '${SIDE}', 'format' = 'csv'`,
): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(`CREATE TABLE side (sk INT, v STRING, tag STRING) WITH (${sideWith})`);
  tEnv.executeSql(PROBE);
  return tEnv;
}

const joined = (kind: string, on: string) =>
  `SELECT P.id, S.v FROM (SELECT *, PROCTIME() AS pt FROM probe) P ${kind} side FOR SYSTEM_TIME AS OF P.pt AS S ON ${on}`;

async function rows(tEnv: TableEnvironment, sql: string): Promise<string[]> {
  const result = (await tEnv.executeSql(sql).collect()) as Row[];
  return result.map((r) => `${r.id}:${r.v}`).sort();
}

describe('lookup join', () => {
  test('inner join: each probe row with every table row of its key; missing and NULL keys drop it', async () => {
    expect(await rows(tableEnv(), joined('JOIN', 'P.k = S.sk'))).toEqual(['10:one', '20:deux', '20:two']);
  });

  test('LEFT join pads probe rows without a match, NULL keys included', async () => {
    expect(await rows(tableEnv(), joined('LEFT JOIN', 'P.k = S.sk'))).toEqual(
      ['10:one', '20:deux', '20:two', '30:null', '40:null', '50:null'].sort(),
    );
  });

  test('the probe key may be an expression over the probe side', async () => {
    // mod(k, 3): 1→1, 2→2, 3→0, NULL→none, 5→2.
    expect(await rows(tableEnv(), joined('JOIN', 'mod(P.k, 3) = S.sk'))).toEqual(
      ['10:one', '20:deux', '20:two', '30:zero', '50:deux', '50:two'].sort(),
    );
  });

  test('the rest of the condition filters matches; a LEFT join pads when none passes', async () => {
    expect(await rows(tableEnv(), joined('LEFT JOIN', "P.k = S.sk AND S.tag = 'b'"))).toEqual(
      ['10:null', '20:deux', '30:null', '40:null', '50:null'].sort(),
    );
  });

  test('two key columns', async () => {
    const tEnv = tableEnv();
    const sql = `SELECT P.id, S.v FROM (SELECT *, 'a' AS t, PROCTIME() AS pt FROM probe) P JOIN side FOR SYSTEM_TIME AS OF P.pt AS S ON P.k = S.sk AND S.tag = P.t`;
    expect(await rows(tEnv, sql)).toEqual(['10:one', '20:two']);
  });

  test('a projection above the join that renames and reorders columns gives the rows an unprojected join would', async () => {
    // Picked and renamed columns are written by the join itself; `+ 0` keeps a computing Calc.
    const from = `FROM (SELECT *, PROCTIME() AS pt FROM probe) P LEFT JOIN side FOR SYSTEM_TIME AS OF P.pt AS S ON P.k = S.sk`;
    const picked = (await tableEnv()
      .executeSql(`SELECT S.v AS val, P.id AS pid, S.sk AS key ${from}`)
      .collect()) as Row[];
    const computed = (await tableEnv()
      .executeSql(`SELECT S.v AS val, P.id + 0 AS pid, S.sk AS key ${from}`)
      .collect()) as Row[];
    const text = (rs: Row[]) => rs.map((r) => JSON.stringify(r)).sort();
    expect(text(picked)).toEqual(text(computed));
    expect(Object.keys(picked[0]!)).toEqual(['val', 'pid', 'key']);
    expect(text(picked)).toContain('{"val":null,"pid":30,"key":null}');
  });

  test('probe and table columns of the same names both reach the projected rows', async () => {
    const tEnv = tableEnv();
    // The side file again, its columns named as the probe's (k, id).
    tEnv.executeSql(
      `CREATE TABLE same (k INT, id STRING, tag STRING) WITH ('connector' = 'filesystem', 'path' = '${SIDE}', 'format' = 'csv')`,
    );
    const sql = `SELECT S.id AS sid, P.id, S.k AS sk, P.k FROM (SELECT *, PROCTIME() AS pt FROM probe) P LEFT JOIN same FOR SYSTEM_TIME AS OF P.pt AS S ON P.k = S.k`;
    const result = (await tEnv.executeSql(sql).collect()) as Row[];
    expect(result.map((r) => JSON.stringify(r)).sort()).toEqual(
      [
        '{"sid":"one","id":10,"sk":1,"k":1}',
        '{"sid":"two","id":20,"sk":2,"k":2}',
        '{"sid":"deux","id":20,"sk":2,"k":2}',
        '{"sid":null,"id":30,"sk":null,"k":3}',
        '{"sid":null,"id":40,"sk":null,"k":null}',
        '{"sid":null,"id":50,"sk":null,"k":5}',
      ].sort(),
    );
  });

  test("EXPLAIN shows Flink's LookupJoin with the probe expression as a $f field", () => {
    const plan = tableEnv().explainSql(joined('JOIN', 'mod(P.k, 3) = S.sk'));
    expect(plan).toContain(
      'LookupJoin(table=[default_catalog.default_database.side], joinType=[InnerJoin], lookup=[sk=$f3], probe=[$f3=MOD(k, 3)]',
    );
    expect(tableEnv().explainSql(joined('LEFT JOIN', 'P.k = S.sk'))).toContain(
      'joinType=[LeftOuterJoin], lookup=[sk=k]',
    );
  });

  test('a condition without an equality to look up by is refused', () => {
    expect(() => tableEnv().explainSql(joined('JOIN', 'P.k > S.sk'))).toThrow(
      /lookup join on 'side' needs an equality between one of its columns and the left side/,
    );
  });

  test('a continuously read table is refused without a primary key, and joined by versions with one', () => {
    const monitored = `'connector' = 'filesystem', 'path' = '${SIDE}', 'format' = 'csv', 'source.monitor-interval' = '1 s'`;
    expect(() => tableEnv(monitored).explainSql(joined('JOIN', 'P.k = S.sk'))).toThrow(
      /lookup join needs a bounded table, but 'side' is read continuously/,
    );
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    tEnv.executeSql(
      `CREATE TABLE side (sk INT NOT NULL, v STRING, tag STRING, PRIMARY KEY (sk) NOT ENFORCED) WITH (${monitored})`,
    );
    tEnv.executeSql(PROBE);
    const plan = tEnv.explainSql(joined('JOIN', 'P.k = S.sk'));
    expect(plan).toContain('TemporalJoin(joinType=[inner], key=[k=sk]');
    expect(plan).not.toContain('LookupJoin');
  });
});

describe("Flink's legacy filesystem option keys", () => {
  const legacy = `'connector.type' = 'filesystem', 'connector.path' = 'file://${SIDE}', 'format.type' = 'csv'`;

  test('are read as the current keys', async () => {
    expect(await rows(tableEnv(legacy), joined('JOIN', 'P.k = S.sk'))).toEqual([
      '10:one',
      '20:deux',
      '20:two',
    ]);
  });

  test('format.<option> maps to the format option, and is checked as it', async () => {
    const semicolons = join(dir, 'side-semicolons.csv');
    writeFileSync(semicolons, '1;uno;a\n');
    const tEnv = tableEnv(
      `'connector.type' = 'filesystem', 'connector.path' = '${semicolons}', 'format.type' = 'csv', 'format.field-delimiter' = ';'`,
    );
    expect(await rows(tEnv, joined('JOIN', 'P.k = S.sk'))).toEqual(['10:uno']);
    expect(() => tableEnv(`${legacy}, 'format.field-delimiter' = ';;'`)).toThrow(/csv\.field-delimiter/);
  });

  test('mixing legacy and current keys is a one-line error naming the key', () => {
    expect(() => tableEnv(`${legacy}, 'path' = '${SIDE}'`)).toThrow(
      /option 'path' mixes current keys with legacy ones \('connector.type'\)/,
    );
  });

  test('a legacy connector.type other than filesystem, or a key with no equivalent, is refused', () => {
    expect(() => tableEnv(`'connector.type' = 'kafka', 'connector.topic' = 't'`)).toThrow(
      /legacy 'connector.type' = 'kafka' is not supported; write 'connector' = 'kafka'/,
    );
    expect(() => tableEnv(`${legacy}, 'connector.flavour' = 'x'`)).toThrow(
      /legacy option 'connector.flavour' has no equivalent/,
    );
  });
});
