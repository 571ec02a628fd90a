/**
 * Job statements over running jobs (job-statements.ts): SHOW JOBS and DESCRIBE JOB list the
 * session's INSERT jobs with their status; STOP JOB cancels; STOP JOB … WITH SAVEPOINT ends the
 * job as finished with its savepoint's path, and an INSERT after `SET 'execution.savepoint.path'`
 * restores from it and writes the rest of its input into a filesystem sink, each row exactly
 * once; stopping a job that is not running, or WITH DRAIN, is an error at the statement. The
 * parse and unknown-id errors are in job-statements.slt; the `weir sql -f` path is at the end.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { ROOT, runWeir, expectExit } from '../cli/run-cli.js';
import { waitFor } from '../support/recording-sink.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-job-statements-'));
  dirs.push(dir);
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The ids of the rows in the committed (not hidden) files of a csv table directory. */
function committedIds(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map(Number)
    .sort((a, b) => a - b);
}

function session(parallelism = 1): TableEnvironment {
  return TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
}

async function errorOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('SHOW JOBS, DESCRIBE JOB, STOP JOB', () => {
  it('list a running INSERT job, cancel it with STOP JOB, and refuse to stop it again', {
    timeout: 60_000,
  }, async () => {
    const tEnv = session();
    tEnv.executeSql(`CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100')`);
    tEnv.executeSql(`CREATE TABLE snk (id BIGINT) WITH ('connector' = 'blackhole')`);
    const before = Date.now();
    const job = tEnv.executeSql('INSERT INTO snk SELECT id FROM src').getJobClient()!;
    const after = Date.now();
    const shown = await tEnv.executeSql('SHOW JOBS').collect();
    expect(shown).toEqual([
      { 'job id': job.jobId, 'job name': 'insert-into_snk', status: 'RUNNING', 'start time': job.startTime },
    ]);
    expect(job.startTime).toBeGreaterThanOrEqual(before);
    expect(job.startTime).toBeLessThanOrEqual(after);
    expect(await tEnv.executeSql(`DESCRIBE JOB '${job.jobId}'`).collect()).toEqual(shown);
    const text = await tEnv.executeSql('SHOW JOBS').toText();
    expect(text).toMatch(/\| job id +\| job name +\| status +\| start time +\|/);
    expect(text).toContain(`| ${job.jobId} | insert-into_snk | RUNNING |`);

    expect(
      await errorOf(() => tEnv.executeSql(`STOP JOB '${job.jobId}' WITH SAVEPOINT WITH DRAIN`).collect()),
    ).toBe(
      "SQL error at line 1, column 1: STOP JOB … WITH DRAIN is not supported; Weir's stop does not advance the watermark to the end; stop WITH SAVEPOINT and restore from it, or let bounded input end",
    );
    expect(job.status()).toBe('running');
    // The job runs without checkpointing, so it cannot take a savepoint; it keeps running.
    expect(await errorOf(() => tEnv.executeSql(`STOP JOB '${job.jobId}' WITH SAVEPOINT`).collect())).toMatch(
      new RegExp(
        `^SQL error at line 1, column 1: job '${job.jobId}' cannot take a savepoint \\(.+\\); start it after SET 'state.savepoints.dir' = '<dir>' and SET 'execution.checkpointing.interval' or 'state.checkpoints.dir', or STOP JOB without WITH SAVEPOINT$`,
      ),
    );
    expect(job.status()).toBe('running');

    expect(await tEnv.executeSql(`STOP JOB '${job.jobId}'`).collect()).toEqual([{ result: 'OK' }]);
    expect(job.status()).toBe('cancelled');
    expect((await tEnv.executeSql(`DESCRIBE JOB '${job.jobId}'`).collect())[0]!.status).toBe('CANCELED');
    expect(await errorOf(async () => tEnv.executeSql(`\n  STOP JOB '${job.jobId}'`))).toBe(
      `SQL error at line 2, column 3: job '${job.jobId}' is CANCELED; only a running job can be stopped (SHOW JOBS shows each job's status)`,
    );
  });

  it.each([1, 2])(
    'stop a job WITH SAVEPOINT and restore the next INSERT from it: every row once in the filesystem sink (parallelism %i)',
    {
      timeout: 120_000,
    },
    async (parallelism) => {
      const root = tempDir();
      const out = join(root, 'out');
      const rows = 3000;
      const setup = (tEnv: TableEnvironment) => {
        tEnv.executeSql(`SET 'state.checkpoints.dir' = 'file://${join(root, 'checkpoints')}'`);
        tEnv.executeSql(`SET 'state.savepoints.dir' = '${join(root, 'savepoints')}'`);
        tEnv.executeSql(`SET 'execution.checkpointing.interval' = '100 ms'`);
        tEnv.executeSql(
          `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000',
          'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}')`,
        );
        // Small parts, so some are committed before the stop and one is in progress across it.
        tEnv.executeSql(
          `CREATE TABLE snk (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv',
          'sink.rolling-policy.file-size' = '1kb')`,
        );
      };
      const first = session(parallelism);
      setup(first);
      const job = first.executeSql('INSERT INTO snk SELECT id FROM src').getJobClient()!;
      await waitFor(
        () => job.checkpoints().completed >= 2,
        'two completed checkpoints before the stop',
        60_000,
      );
      const stopped = await first.executeSql(`STOP JOB '${job.jobId}' WITH SAVEPOINT`).collect();
      const path = stopped[0]!['savepoint path'] as string;
      expect(Object.keys(stopped[0]!)).toEqual(['savepoint path']);
      expect(path.startsWith(join(root, 'savepoints'))).toBe(true);
      expect(existsSync(path)).toBe(true);
      expect(job.status()).toBe('finished');
      expect((await first.executeSql(`DESCRIBE JOB '${job.jobId}'`).collect())[0]!.status).toBe('FINISHED');
      // The sink committed up to the savepoint, and the job stopped before its input ended.
      const before = committedIds(out);
      expect(before.length).toBeGreaterThan(0);
      expect(before.length).toBeLessThan(rows);
      expect(new Set(before).size).toBe(before.length);
      // One subtask writes the sequence in order: what it committed is a prefix.
      if (parallelism === 1) expect(before).toEqual(before.map((_, i) => i + 1));

      // A new session, as a later `weir sql` would be, restores from the path STOP JOB gave.
      const second = session(parallelism);
      setup(second);
      second.executeSql(`SET 'execution.savepoint.path' = '${path}'`);
      const result = second.executeSql('INSERT INTO snk SELECT id FROM src');
      await result.await();
      expect(committedIds(out)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
      expect(result.getJobClient()!.checkpoints().restored?.path).toBe(path);
    },
  );

  it('a savepoint that does not exist fails the restoring INSERT instead of starting afresh', {
    timeout: 60_000,
  }, async () => {
    const tEnv = session();
    tEnv.executeSql(`SET 'execution.savepoint.path' = '${join(tempDir(), 'nothing-here')}'`);
    tEnv.executeSql(`CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '5')`);
    tEnv.executeSql(`CREATE TABLE snk (id BIGINT) WITH ('connector' = 'blackhole')`);
    expect(await errorOf(() => tEnv.executeSql('INSERT INTO snk SELECT id FROM src').await())).toMatch(
      /nothing-here/,
    );
    tEnv.executeSql(`RESET 'execution.savepoint.path'`);
    await tEnv.executeSql('INSERT INTO snk SELECT id FROM src').await();
  });
});

describe('job statements in weir sql -f', () => {
  it('a script starts a job without waiting (table.dml-sync false), lists it, and stops at an unknown id', {
    timeout: 120_000,
  }, async () => {
    const dir = tempDir();
    const script = join(dir, 'jobs.sql');
    writeFileSync(
      script,
      `SET 'table.dml-sync' = 'false';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
CREATE TABLE snk (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO snk SELECT id FROM src;
SHOW JOBS;
STOP JOB
  'no-such-job';
SELECT 1;
`,
    );
    const run = await runWeir(['sql', '-f', script], 60_000);
    expectExit(run, 1);
    const id = /Job submitted: ([0-9a-f]+)/.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    expect(run.stdout).toMatch(
      new RegExp(
        `\\| ${id} \\| insert-into_snk \\| RUNNING \\| \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\|`,
      ),
    );
    expect(run.stderr.trim()).toBe(
      `weir: SQL error at line 7, column 3: no job 'no-such-job' in this session; its jobs: ${id} (weir list shows the cluster's) (in ${script})`,
    );
  });

  it('the interactive client stops a job WITH SAVEPOINT and a script restores from the path it printed', {
    timeout: 120_000,
  }, async () => {
    const root = tempDir();
    const out = join(root, 'out');
    const rows = 3000;
    const setup = `SET 'state.checkpoints.dir' = '${join(root, 'checkpoints')}';
SET 'state.savepoints.dir' = 'file:${join(root, 'savepoints')}';
SET 'execution.checkpointing.interval' = '100 ms';
CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
CREATE TABLE snk (id BIGINT) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv',
  'sink.rolling-policy.file-size' = '1kb');
`;
    const client = spawn(process.execPath, ['bin/weir.js', 'sql'], {
      cwd: ROOT,
      env: { ...process.env, HOME: root },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    client.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    client.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const closed = new Promise<number | null>((resolve) => client.on('close', resolve));
    // A bound for a stuck client, not a speed expectation; two waits fit the test's time limit.
    const until = async (condition: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 50_000;
      while (!condition()) {
        if (client.exitCode !== null)
          throw new Error(`weir sql ended while waiting for ${what}: ${stdout}\nstderr: ${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`timed out after 50 s waiting for ${what}: ${stdout}\nstderr: ${stderr}`);
        await sleep(20);
      }
    };
    client.stdin.write(`${setup}INSERT INTO snk SELECT id FROM src;\n`);
    await until(() => /Job submitted: [0-9a-f]+/.test(stdout), "the INSERT's job id");
    const id = /Job submitted: ([0-9a-f]+)/.exec(stdout)![1]!;
    // Stop once the job has committed rows, not after a fixed time: on a loaded machine the
    // start-up eats any fixed time, and the 3 s the rows take leave little room after it.
    await until(() => committedIds(out).length > 0, 'a committed row');
    client.stdin.write(`STOP JOB '${id}' WITH SAVEPOINT;\nSHOW JOBS;\nQUIT;\n`);
    expect(await closed, `weir sql failed: ${stdout}\nstderr: ${stderr}`).toBe(0);
    const path = /\| savepoint path +\|\n\+-+\+\n\| (\S+) +\|/.exec(stdout)?.[1];
    expect(path?.startsWith(join(root, 'savepoints'))).toBe(true);
    expect(stdout).toContain(`| ${id} | insert-into_snk | FINISHED |`);
    expect(committedIds(out).length).toBeLessThan(rows);

    const script = join(root, 'restore.sql');
    writeFileSync(
      script,
      `${setup}SET 'execution.savepoint.path' = '${path}';\nINSERT INTO snk SELECT id FROM src;\n`,
    );
    const run = await runWeir(['sql', '-f', script], 60_000);
    expectExit(run, 0);
    expect(run.stderr).toContain(`restoring job 'insert-into_snk' from savepoint`);
    expect(committedIds(out)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
  });
});
