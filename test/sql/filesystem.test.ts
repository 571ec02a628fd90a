/**
 * The filesystem SQL connector: json and csv round trips of every type with NULLs, the text
 * forms Flink's formats write, bounded INSERT then SELECT, parallel readers sharing files, a
 * monitored directory picking up a file written while the job runs, parse errors failing the
 * job with file, line and column or skipped with ignore-parse-errors, updating queries refused
 * at planning, and part files visible only once a checkpoint completes.
 */
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  type ChangelogRow,
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
} from '../../src/index.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('weir-sql-fs-');

function tableEnv(parallelism = 1): TableEnvironment {
  return TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
}

/** The visible (committed) files' text, by file name order. */
function committedText(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('');
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const SCHEMA = {
  i: 'INT',
  b: 'BIGINT',
  d: 'DOUBLE',
  dec: 'DECIMAL(10, 2)',
  s: 'STRING',
  ok: 'BOOLEAN',
  dt: 'DATE',
  tm: 'TIME',
  ts: 'TIMESTAMP(3)',
  ltz: 'TIMESTAMP_LTZ(3)',
  arr: 'ARRAY<INT>',
  r: 'ROW<x INT, y STRING>',
  bin: 'BYTES',
} as const;

const FULL_ROW: Row = {
  i: -7,
  b: 9007199254740991,
  d: 1.5,
  dec: 12.3,
  s: 'a "quoted", text',
  ok: true,
  dt: 19724, // 2024-01-02
  tm: 11_045_000, // 03:04:05
  ts: 1_704_164_645_123, // 2024-01-02 03:04:05.123
  ltz: 1_704_164_645_100,
  arr: [1, null, 3],
  r: { x: 1, y: 'y' },
  bin: new Uint8Array([1, 2, 255]),
};
const NULL_ROW: Row = Object.fromEntries(Object.keys(SCHEMA).map((k) => [k, null]));

/** Writes `rows` through a table with `options`, then reads the table back. */
async function roundTrip(options: string, rows: Row[], schema: Record<string, string> = SCHEMA) {
  const dir = tempDir();
  const tEnv = tableEnv();
  const ddl = Object.entries(schema)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  tEnv.executeSql(
    `CREATE TABLE fs (${ddl}) WITH ('connector' = 'filesystem', 'path' = '${dir}', ${options})`,
  );
  tEnv.createTemporaryView('src', tEnv.getExecutionEnvironment().fromCollection(rows), schema);
  await tEnv.executeSql('INSERT INTO fs SELECT * FROM src').await();
  const text = committedText(dir);
  const back = await tEnv.executeSql('SELECT * FROM fs').collect();
  return { dir, text, back };
}

describe('json', () => {
  test('every type and NULLs round trip, written as Flink writes them (SQL timestamps)', async () => {
    const { text, back } = await roundTrip(`'format' = 'json'`, [FULL_ROW, NULL_ROW]);
    expect(text.split('\n')[0]).toBe(
      '{"i":-7,"b":9007199254740991,"d":1.5,"dec":12.30,"s":"a \\"quoted\\", text","ok":true,' +
        '"dt":"2024-01-02","tm":"03:04:05","ts":"2024-01-02 03:04:05.123","ltz":"2024-01-02 03:04:05.1Z",' +
        '"arr":[1,null,3],"r":{"x":1,"y":"y"},"bin":"AQL/"}',
    );
    expect(back).toEqual([FULL_ROW, NULL_ROW]);
  });

  test('MAP and nested collections round trip', async () => {
    const schema = { m: 'MAP<STRING, INT>', n: 'MAP<INT, ARRAY<STRING>>', rr: 'ARRAY<ROW<a INT, b DOUBLE>>' };
    const rows = [
      {
        m: new Map([
          ['k', 1],
          ['z', null],
        ]),
        n: new Map([[5, ['x', 'y']]]),
        rr: [{ a: 1, b: 0.5 }, null],
      },
      { m: new Map(), n: null, rr: [] },
    ];
    const { text, back } = await roundTrip(`'format' = 'json'`, rows, schema);
    expect(text.split('\n')[0]).toBe(
      '{"m":{"k":1,"z":null},"n":{"5":["x","y"]},"rr":[{"a":1,"b":0.5},null]}',
    );
    expect(back).toEqual(rows);
  });

  test("'json.timestamp-format.standard' = 'ISO-8601' writes a T and reads back", async () => {
    const { text, back } = await roundTrip(
      `'format' = 'json', 'json.timestamp-format.standard' = 'ISO-8601'`,
      [FULL_ROW],
    );
    expect(text).toContain('"ts":"2024-01-02T03:04:05.123","ltz":"2024-01-02T03:04:05.1Z"');
    expect(back).toEqual([FULL_ROW]);
  });

  test('extra fields are ignored, missing ones are NULL, numbers may be strings', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.json'), '{"a":"7","b":"x","extra":1}\n\n{"b":"y"}\n');
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
    );
    expect(await tEnv.executeSql('SELECT * FROM t').collect()).toEqual([
      { a: 7, b: 'x' },
      { a: null, b: 'y' },
    ]);
  });
});

describe('csv', () => {
  test('every type but MAP and NULLs round trip, without a header', async () => {
    const { text, back } = await roundTrip(`'format' = 'csv'`, [FULL_ROW, NULL_ROW]);
    expect(text).toBe(
      '-7,9007199254740991,1.5,12.30,"a ""quoted"", text",true,2024-01-02,03:04:05,' +
        '2024-01-02 03:04:05.123,2024-01-02 03:04:05.1Z,1;;3,1;y,AQL/\n' +
        ',,,,,,,,,,,,\n',
    );
    // Without a null literal an empty string column reads back as '', as in Flink.
    expect(back).toEqual([FULL_ROW, { ...NULL_ROW, s: '' }]);
  });

  test('delimiter, quote character and null literal options', async () => {
    const { text, back } = await roundTrip(
      `'format' = 'csv', 'csv.field-delimiter' = '\\t', 'csv.quote-character' = '''', 'csv.null-literal' = 'n/a'`,
      [FULL_ROW, NULL_ROW, { ...NULL_ROW, s: '' }],
    );
    expect(text.split('\n')[1]).toBe(Array(13).fill('n/a').join('\t'));
    expect(text.split('\n')[0]).toContain(`\ta "quoted", text\t`);
    expect(back).toEqual([FULL_ROW, NULL_ROW, { ...NULL_ROW, s: '' }]);
  });

  test("quoted fields with line breaks, comments with 'csv.allow-comments', no quoting when disabled", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), '# a comment\n1,"two\nlines"\n2,"x"\n');
    writeFileSync(join(dir, 'b.txt'), '3,"q"\n');
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE a (n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'a.csv')}', 'format' = 'csv', 'csv.allow-comments' = 'true')`,
    );
    tEnv.executeSql(
      `CREATE TABLE b (n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'b.txt')}', 'format' = 'csv', 'csv.disable-quote-character' = 'true')`,
    );
    expect(await tEnv.executeSql('SELECT * FROM a').collect()).toEqual([
      { n: 1, s: 'two\nlines' },
      { n: 2, s: 'x' },
    ]);
    expect(await tEnv.executeSql('SELECT * FROM b').collect()).toEqual([{ n: 3, s: '"q"' }]);
  });
});

describe('bounded jobs', () => {
  test('INSERT INTO a table then SELECT from it gives the rows; parallel readers share the files', async () => {
    const dir = tempDir();
    const tEnv = tableEnv(2);
    tEnv.executeSql(
      `CREATE TABLE gen (id BIGINT, name STRING) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '500', 'fields.name.length' = '3')`,
    );
    tEnv.executeSql(
      `CREATE TABLE fs (id BIGINT, name STRING, big BOOLEAN) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`,
    );
    await tEnv.executeSql('INSERT INTO fs SELECT id, name, id > 250 FROM gen').await();
    // Two writer subtasks, each with its own part file; nothing is left hidden at the end.
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readdirSync(dir).length).toBe(2);
    const rows = await tEnv.executeSql('SELECT id, big FROM fs WHERE CHAR_LENGTH(name) = 3').collect();
    expect(rows.map((r) => r.id as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    expect(rows.filter((r) => r.big).length).toBe(250);
  });

  test("'sink.rolling-policy.file-size' cuts the output into parts of about that size", async () => {
    const dir = tempDir();
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000')`,
    );
    tEnv.executeSql(
      `CREATE TABLE fs (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json', 'sink.rolling-policy.file-size' = '1kb')`,
    );
    await tEnv.executeSql('INSERT INTO fs SELECT id FROM gen').await();
    const sizes = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8').length);
    // About 12 bytes a row: 12 KB in parts of 1 KB and one row more, the last one smaller.
    expect(sizes.length).toBeGreaterThanOrEqual(11);
    expect(Math.max(...sizes)).toBeLessThan(1024 + 20);
    expect(
      committedText(dir)
        .split('\n')
        .filter((l) => l !== '').length,
    ).toBe(1000);
  });

  test('updating input is refused when the INSERT is planned', () => {
    const dir = tempDir();
    const tEnv = tableEnv();
    const change: ChangelogRow = { kind: '+I', row: { id: 1 } };
    const changes = tEnv.getExecutionEnvironment().fromElements(change);
    tEnv.createTemporaryView('changes', tEnv.fromChangelogStream(changes, { id: 'BIGINT' }));
    tEnv.executeSql(
      `CREATE TABLE fs (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
    );
    expect(() => tEnv.executeSql('INSERT INTO fs SELECT id FROM changes')).toThrow(
      "SQL error at line 1, column 1: table sink 'fs' takes insert-only rows, but the query produces retract changes; use a connector that accepts updates",
    );
  });

  test('a path that does not exist fails with the option named', async () => {
    const tEnv = tableEnv();
    const missing = join(tempDir(), 'nothing-here');
    tEnv.executeSql(
      `CREATE TABLE t (a INT) WITH ('connector' = 'filesystem', 'path' = '${missing}', 'format' = 'json')`,
    );
    await expect(tEnv.executeSql('SELECT * FROM t').collect()).rejects.toThrow(
      `SQL error at line 1, column 15: the 'path' of table 't' (${missing}) does not exist; create it or point 'path' at an existing file or directory`,
    );
  });
});

describe('PARTITIONED BY', () => {
  test('rows go to col=value directories without their partition columns, and read back with them', async () => {
    const dir = tempDir();
    const tEnv = tableEnv(2);
    tEnv.executeSql(
      `CREATE TABLE fs (id INT, dt DATE, name STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = 'file://${dir}', 'format' = 'csv')`,
    );
    const rows = [
      { id: 1, dt: 19724, name: 'a', hm: '10:00' },
      { id: 2, dt: 19724, name: 'b', hm: '10:00' },
      { id: 3, dt: 19725, name: 'c', hm: 'x/y' },
      { id: 4, dt: null, name: 'd', hm: '' },
    ];
    tEnv.createTemporaryView('src', tEnv.getExecutionEnvironment().fromCollection(rows), {
      id: 'INT',
      dt: 'DATE',
      name: 'STRING',
      hm: 'STRING',
    });
    await tEnv.executeSql('INSERT INTO fs SELECT * FROM src').await();
    expect(readdirSync(dir).sort()).toEqual(['dt=2024-01-02', 'dt=2024-01-03', 'dt=__DEFAULT_PARTITION__']);
    expect(readdirSync(join(dir, 'dt=2024-01-02'))).toEqual(['hm=10%3A00']);
    expect(readdirSync(join(dir, 'dt=2024-01-03'))).toEqual(['hm=x%2Fy']);
    expect(committedText(join(dir, 'dt=2024-01-03', 'hm=x%2Fy'))).toBe('3,c\n');
    const back = await tEnv.executeSql('SELECT * FROM fs').collect();
    const byId = (a: Row, b: Row) => (a.id as number) - (b.id as number);
    // NULL and '' share the default partition, which reads back as NULL.
    expect(back.sort(byId)).toEqual([...rows.slice(0, 3), { id: 4, dt: null, name: 'd', hm: null }]);
    expect(await tEnv.executeSql("SELECT id FROM fs WHERE hm = '10:00'").collect()).toEqual(
      expect.arrayContaining([{ id: 1 }, { id: 2 }]),
    );
  });
});

describe('parse errors', () => {
  const badJson = '{"a":1,"b":"x"}\n{"a":"one","b":"y"}\nnot json\n{"a":3,"b":"z"}\n';
  const badCsv = '1,x\n2\none,y\n3,z\n';

  test('a bad json row fails the job naming file, line, column and the option that skips it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.json'), badJson);
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
    );
    const error = await tEnv
      .executeSql('SELECT * FROM t')
      .collect()
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toBe(
      `malformed JSON row in ${join(dir, 'in.json')} at line 2, column 'a': 'one' is not INT; fix the file or set 'json.ignore-parse-errors' = 'true' to skip bad rows and read bad values as NULL`,
    );
  });

  test("'json.ignore-parse-errors' skips bad lines and nulls bad values; 'json.fail-on-missing-field' rejects missing ones", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.json'), badJson);
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json', 'json.ignore-parse-errors' = 'true')`,
    );
    // As in Flink: the line that is not JSON is skipped, the value that is not an INT is NULL.
    expect(await tEnv.executeSql('SELECT * FROM t').collect()).toEqual([
      { a: 1, b: 'x' },
      { a: null, b: 'y' },
      { a: 3, b: 'z' },
    ]);
    const missing = tempDir();
    writeFileSync(join(missing, 'in.json'), '{"a":1}\n');
    tEnv.executeSql(
      `CREATE TABLE m (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${missing}', 'format' = 'json', 'json.fail-on-missing-field' = 'true')`,
    );
    await expect(tEnv.executeSql('SELECT * FROM m').collect()).rejects.toThrow(
      `malformed JSON row in ${join(missing, 'in.json')} at line 1, column 'b': the field is missing and 'json.fail-on-missing-field' is true; fix the file or set 'json.ignore-parse-errors' = 'true' to skip bad rows and read bad values as NULL`,
    );
  });

  test('a bad csv row fails the job, or is skipped with csv.ignore-parse-errors', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.csv'), badCsv);
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`,
    );
    tEnv.executeSql(
      `CREATE TABLE s (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'csv.ignore-parse-errors' = 'true')`,
    );
    await expect(tEnv.executeSql('SELECT * FROM t').collect()).rejects.toThrow(
      `malformed CSV row in ${join(dir, 'in.csv')} at line 2: expected 2 fields but found 1; fix the file or set 'csv.ignore-parse-errors' = 'true' to skip bad rows and read bad values as NULL`,
    );
    // The record with one field is skipped, the value that is not an INT is NULL.
    expect(await tEnv.executeSql('SELECT * FROM s').collect()).toEqual([
      { a: 1, b: 'x' },
      { a: null, b: 'y' },
      { a: 3, b: 'z' },
    ]);
  });
});

describe('unbounded jobs', () => {
  test('a monitored directory picks up a file written after the job read the first one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'first.json'), '{"n":1}\n{"n":2}\n');
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE t (n INT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json', 'source.monitor-interval' = '20 ms')`,
    );
    const seen: number[] = [];
    const stream = tEnv.toDataStream(tEnv.sqlQuery('SELECT n * 10 AS n FROM t')).map((row: Row) => {
      seen.push(row.n as number);
      return row;
    });
    const collected = stream.executeAndCollect(4);
    await waitUntil(() => seen.length >= 2, 'the first file to be read');
    // Written hidden, then renamed: a monitored file must be complete when it appears.
    writeFileSync(join(dir, '.second.json'), '{"n":3}\n{"n":4}\n');
    renameSync(join(dir, '.second.json'), join(dir, 'second.json'));
    const rows = await collected;
    expect(rows.map((r) => r.n)).toEqual([10, 20, 30, 40]);
  });

  test('without a checkpoint, rolled parts stay hidden', async () => {
    const input = tempDir();
    const output = join(tempDir(), 'out');
    writeFileSync(join(input, 'a.csv'), '1,x\n2,y\n');
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE src (n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'csv', 'source.monitor-interval' = '1 min')`,
    );
    tEnv.executeSql(
      `CREATE TABLE dst (n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${output}', 'format' = 'csv', 'sink.rolling-policy.file-size' = '1')`,
    );
    const job = tEnv.executeSql('INSERT INTO dst SELECT n, s FROM src').getJobClient()!;
    const hiddenText = () =>
      existsSync(output)
        ? readdirSync(output)
            .filter((n) => n.startsWith('.'))
            .map((n) => readFileSync(join(output, n), 'utf8'))
            .join('')
        : '';
    try {
      // A 1-byte file size rolls a part at every row: the first row's part is pending, written
      // and closed, but only a checkpoint or the end of input would commit it.
      await waitUntil(() => hiddenText().startsWith('1,x\n'), 'the first part to roll');
      expect(readdirSync(output).filter((n) => !n.startsWith('.'))).toEqual([]);
    } finally {
      job.cancel();
      await job.result.catch(() => {});
    }
  });

  test('with checkpoints, part files stay hidden until a checkpoint completes, then hold whole rows', async () => {
    const input = tempDir();
    const output = join(tempDir(), 'out');
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(30);
    const tEnv = TableEnvironment.create(env);
    tEnv.executeSql(
      `CREATE TABLE src (n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${input}', 'format' = 'csv', 'source.monitor-interval' = '20 ms')`,
    );
    tEnv.executeSql(
      // As in Flink's row formats, a part stays open across checkpoints until the rolling
      // policy rolls it: a short rollover interval, checked often, rolls it at each checkpoint.
      `CREATE TABLE dst (n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${output}', 'format' = 'json', 'sink.rolling-policy.rollover-interval' = '1 ms', 'sink.rolling-policy.check-interval' = '1 ms')`,
    );
    const lines = Array.from({ length: 300 }, (_, i) => `${i},row ${i}`);
    writeFileSync(join(input, 'a.csv'), `${lines.slice(0, 150).join('\n')}\n`);
    const job = tEnv.executeSql('INSERT INTO dst SELECT n, s FROM src').getJobClient()!;
    try {
      await waitUntil(() => committedText(output).split('\n').length > 150, 'the first file to be committed');
      writeFileSync(join(input, 'b.csv'), `${lines.slice(150).join('\n')}\n`);
      await waitUntil(
        () => committedText(output).split('\n').length > 300,
        'the second file to be committed',
      );
      const names = readdirSync(output);
      // Every committed file is whole rows; in-progress parts are hidden with a leading '.'.
      for (const name of names.filter((n) => !n.startsWith('.')))
        expect(readFileSync(join(output, name), 'utf8')).toMatch(/^(\{"n":\d+,"s":"row \d+"\}\n)+$/);
      expect(names.every((n) => n.startsWith('.') || n.startsWith('part-'))).toBe(true);
      const committed = committedText(output)
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { n: number }).n)
        .sort((a, b) => a - b);
      expect(committed).toEqual(Array.from({ length: 300 }, (_, i) => i));
    } finally {
      job.cancel();
      await job.result.catch(() => {});
    }
  });
});
