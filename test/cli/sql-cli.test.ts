/**
 * `weir sql`: scripts with `-f` (DDL, a bounded INSERT into the print connector, a statement
 * set, a SELECT; exit codes; errors at their line and column in the script), the interactive
 * client driven through piped stdin (two statements and a table, history, Ctrl-C cancelling an
 * unbounded query but not the client), and the statement splitter the client reads with.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { positionInScript, splitStatements } from '../../src/sql/client/statement-splitter.js';
import { type CliRun, describeRun, expectExit, ROOT, runWeir } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-cli-'));
const script = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const SOURCE = `CREATE TABLE src (id INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');`;

describe('weir sql --help', () => {
  it('names the job statements along with the script options', async () => {
    const help = await runWeir(['sql', '--help']);
    expectExit(help, 0);
    expect(help.stdout).toMatch(/^Usage: weir sql \[-f file\.sql\]/);
    for (const statement of [
      'SHOW JOBS;',
      "DESCRIBE JOB 'id';",
      "STOP JOB 'id' [WITH SAVEPOINT];",
      "COMPILE PLAN 'file.json' FOR INSERT …;",
      "EXECUTE PLAN 'file.json';",
    ])
      expect(help.stdout).toContain(statement);
  });
});

describe('weir sql -f', () => {
  it('runs DDL, a bounded INSERT, a statement set and a SELECT, then exits 0', {
    timeout: 120_000,
  }, async () => {
    const path = script(
      'ok.sql',
      `-- a comment; with a semicolon
${SOURCE}
CREATE TABLE out (id INT, tag STRING) WITH ('connector' = 'print');
INSERT INTO out SELECT id, 'a;b' FROM src;
/* a block comment; still a comment */
EXECUTE STATEMENT SET BEGIN
  INSERT INTO out SELECT id, CASE WHEN id > 1 THEN 'big' ELSE 'small' END FROM src;
END;
SELECT id * 10 AS ten FROM src`,
    );
    const run = await runWeir(['sql', '-f', path], 60_000);
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const out = run.stdout;
    for (const id of [1, 2, 3]) expect(out).toContain(`+I[${id}, a;b]`);
    expect(out).toContain('+I[1, small]');
    expect(out).toContain('+I[3, big]');
    // The SELECT (the last statement, without its ';') prints a table after both jobs finished.
    expect(out).toMatch(/\| ten \|\n\+-+\+\n\| 10 +\|\n\| 20 +\|\n\| 30 +\|/);
    expect(out.indexOf('+I[3, big]')).toBeLessThan(out.indexOf('| ten |'));
    expect(out).toContain('3 rows in set');
  });

  it('a table of an updating query holds each byte string once, however its bytes were made', {
    timeout: 120_000,
  }, async () => {
    // x'0102' is a Buffer and x'01' || x'02' a plain Uint8Array: the update of the group's
    // count must retract the row printed before it.
    const path = script(
      'bytes.sql',
      "SELECT b, COUNT(*) AS n FROM (VALUES (x'0102'), (x'01' || x'02'), (x'41')) AS t(b) GROUP BY b",
    );
    const run = await runWeir(['sql', '-f', path], 60_000);
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    expect(run.stdout).toMatch(/\| x'0102' \| 2 +\|/);
    expect(run.stdout).not.toMatch(/\| x'0102' \| 1 +\|/);
    expect(run.stdout).toContain('2 rows in set');
  });

  it('stops at the first error and prints it at its line and column in the script, exit 1', {
    timeout: 120_000,
  }, async () => {
    const path = script('bad.sql', `${SOURCE}\nSELECT id FROM src;\nSELECT id,\n  nope FROM src;\nSELECT 1;`);
    const run = await runWeir(['sql', '-f', path], 60_000);
    expectExit(run, 1);
    // 'nope' is on line 5 of the script, column 3; line 2 of its statement.
    expect(run.stderr.trim()).toBe(
      `weir: SQL error at line 5, column 3: column 'nope' not found; available columns: id, name (in ${path})`,
    );
    expect(run.stdout).toContain('| id |'); // the statements before it ran
  });

  it('a parse error on the first line of a statement is moved by its column', {
    timeout: 120_000,
  }, async () => {
    const path = script('parse.sql', `${SOURCE} SELECT FROM src;`);
    const select = SOURCE.split('\n')[1]!.length + 2;
    const run = await runWeir(['sql', '-f', path], 60_000);
    expectExit(run, 1);
    // FROM is 7 characters after the start of the SELECT, on the script's line 2.
    expect(run.stderr).toContain(`weir: SQL parse error at line 2, column ${select + 7}: `);
  });

  it("resolves a relative CREATE FUNCTION module path against the script's directory", {
    timeout: 120_000,
  }, async () => {
    // The script and its module sit together away from the working directory (the repository).
    const sub = join(dir, 'udfs');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(sub, 'plus.ts'),
      `export const PlusTen = { resultType: 'INT', eval: (x: number | null) => (x === null ? null : x + 10) };\n`,
    );
    const path = join(sub, 'script.sql');
    writeFileSync(
      path,
      `${SOURCE}\nCREATE FUNCTION plus_ten AS './plus.ts#PlusTen' LANGUAGE TYPESCRIPT;\nSELECT plus_ten(id) AS p FROM src;`,
    );
    const run = await runWeir(['sql', '-f', path], 60_000);
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    expect(run.stdout).toMatch(/\| p +\|\n\+-+\+\n\| 11 +\|\n\| 12 +\|\n\| 13 +\|/);
  });

  it('usage errors exit 2', { timeout: 120_000 }, async () => {
    const missing = await runWeir(['sql', '-f', join(dir, 'missing.sql')]);
    expectExit(missing, 2);
    expect(missing.stderr).toMatch(/SQL script '.*missing\.sql' not found/);
    const bad = await runWeir(['sql', '--bogus']);
    expectExit(bad, 2);
    expect(bad.stderr).toContain("unknown option '--bogus' of weir sql");
  });
});

/**
 * When a session is killed as stuck: a bound for a hung client, not a speed expectation, and the
 * only one. A session's waits share it: on a loaded 2-core machine starting the client alone
 * (loading the engine and the SQL layer, about 2 s of CPU) can take half a minute of wall time,
 * so a deadline per wait failed runs that were merely slow. It stays under the tests' 120 s
 * limit, so a stuck session fails with the text it waited for and the client's output.
 */
const SESSION_LIMIT_MS = 110_000;

/**
 * Runs `weir sql` with piped stdin; `drive` writes to it and may wait for output. A wait ends
 * when the text is printed or when the client ends (killed at {@link SESSION_LIMIT_MS} if it
 * hangs), and then fails with what it waited for and the client's output.
 */
function interactive(
  home: string,
  drive: (io: {
    write(text: string): void;
    waitFor(text: string): Promise<void>;
    interrupt(): void;
  }) => Promise<void>,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/weir.js', 'sql'], {
      cwd: ROOT,
      env: { ...process.env, HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const waiters: { text: string; done: () => void; fail: (why: string) => void }[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const w of [...waiters])
        if (stdout.includes(w.text)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done();
        }
    });
    const waitFor = (text: string) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise<void>((done, fail) => {
            waiters.push({
              text,
              done,
              fail: (why: string) =>
                fail(
                  new Error(
                    `weir sql: waited for ${JSON.stringify(text)}, ${why}\n${describeRun({ code: child.exitCode, stdout, stderr, timedOut })}`,
                  ),
                ),
            });
          });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, SESSION_LIMIT_MS);
    child.on('error', reject);
    // A write after the client ended fails with EPIPE; the end itself is reported by 'close'.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      clearTimeout(timer);
      // A pending wait fails the drive, which rejects with what it waited for.
      if (waiters.length > 0) for (const w of [...waiters]) w.fail(`but the client ended (code ${code})`);
      else resolve({ code, stdout, stderr, timedOut });
    });
    // A drive that fails leaves a client that may run an unbounded query: end it with the test.
    drive({ write: (text) => child.stdin.write(text), waitFor, interrupt: () => child.kill('SIGINT') }).then(
      () => child.stdin.end(),
      (error: unknown) => {
        child.kill('SIGKILL');
        reject(error);
      },
    );
  });
}

describe('weir sql, interactive', () => {
  it('runs two statements typed across lines, prints a table and keeps a history', {
    timeout: 120_000,
  }, async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const run = await interactive(home, async (io) => {
      io.write(`${SOURCE.split('\n')[0]}\n${SOURCE.split('\n')[1]}\n`);
      io.write('SELECT id,\n  id + 1 AS nxt FROM src;\n');
      io.write('QUIT;\n');
    });
    expectExit(run, 0);
    expect(run.stdout).toContain('OK');
    expect(run.stdout).toMatch(/\| id \| nxt \|\n\+-+\+-+\+\n\| 1 +\| 2 +\|\n\| 2 +\| 3 +\|\n\| 3 +\| 4 +\|/);
    const history = readFileSync(join(home, '.weir_sql_history'), 'utf8').trim().split('\n');
    expect(history).toEqual([
      expect.stringMatching(/^CREATE TABLE src \(id INT, name STRING\) WITH .* 'fields.id.end' = '3'\)$/),
      'SELECT id, id + 1 AS nxt FROM src',
      'QUIT',
    ]);
  });

  it('prints an unbounded query as changes until Ctrl-C, which cancels the query, not the client', {
    timeout: 120_000,
  }, async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const run = await interactive(home, async (io) => {
      // No number-of-rows and no sequence: an unbounded table of sevens.
      io.write(
        "CREATE TABLE gen (id INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.id.min' = '7', 'fields.id.max' = '7');\n",
      );
      io.write('SELECT id FROM gen;\n');
      await io.waitFor(`${'| +I | 7            |\n'.repeat(3)}`);
      io.interrupt();
      await io.waitFor('Query cancelled');
      io.write('SELECT bad FROM gen;\nHELP;\nEXIT;\n');
    });
    expectExit(run, 0);
    expect(run.stdout).toMatch(/\| op \| id +\|/);
    expect(run.stdout).toMatch(/\| op \| id +\|\n\+-+\+-+\+\n(\| \+I \| 7 +\|\n){3}/);
    expect(run.stdout).toMatch(/Query cancelled after \d+ rows\./);
    // The client went on: the next statements ran.
    expect(run.stdout).toContain("[ERROR] SQL error at line 1, column 8: column 'bad' not found");
    expect(run.stdout).toContain('QUIT; or EXIT;');
  });
});

describe('splitStatements', () => {
  it('splits at ; outside strings, quoted names, comments and BEGIN … END, with positions', () => {
    const text = `SELECT ';' FROM t; -- x;y
/* a;b */ SELECT "a;b"
  FROM t;EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT CASE WHEN x THEN 1 END FROM t; INSERT INTO b SELECT 1; END;
SELECT 'it''s;'`;
    const split = splitStatements(text);
    expect(split.statements).toEqual([
      { sql: "SELECT ';' FROM t", line: 1, column: 1 },
      { sql: 'SELECT "a;b"\n  FROM t', line: 2, column: 11 },
      {
        sql: 'EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT CASE WHEN x THEN 1 END FROM t; INSERT INTO b SELECT 1; END',
        line: 3,
        column: 10,
      },
    ]);
    expect(split.pending).toBe(true);
    expect(split.rest.trim()).toBe("SELECT 'it''s;'");
    expect(splitStatements('SELECT 1; -- done\n').pending).toBe(false);
  });

  it('joining statements with ; and splitting gives them back (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('SELECT 1', 'a', 'x = y', 'BEGIN x; y; END', 'CASE WHEN a THEN b END'),
      fc
        .string({ unit: fc.constantFrom('a', ';', ' ', '-', '*', '/', '\n') })
        .map((s) => `'${s.replaceAll("'", "''")}'`),
      fc
        .string({ unit: fc.constantFrom('a', ';', ' ', "'") })
        .map((s) => `/* ${s.replaceAll('*/', '')} */ b`),
    );
    const statement = fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 5 }), (statements) => {
        const split = splitStatements(statements.map((s) => `${s};\n`).join(''));
        const strip = (s: string) => s.replace(/^\/\*[\s\S]*?\*\/\s*/, '').trim();
        expect(split.statements.map((s) => s.sql)).toEqual(statements.map(strip));
      }),
    );
  });

  it('moves an error position from the statement into the script', () => {
    const at = { line: 4, column: 7 };
    expect(positionInScript('SQL error at line 1, column 8: x', at)).toBe(
      'SQL error at line 4, column 14: x',
    );
    expect(positionInScript('SQL error at line 3, column 2: x', at)).toBe('SQL error at line 6, column 2: x');
    expect(positionInScript('job failed', at)).toBe('error in the statement at line 4, column 7: job failed');
  });
});
