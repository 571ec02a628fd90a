/**
 * `weir list`, `savepoint`, `stop` and `cancel` end to end: the real CLI runs as a child
 * process against a REST server started in this test process on a free port, serving fake
 * jobs, so each test checks both what the user sees and what the job was asked to do.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRegistry, type RestServer, startRestServer } from '../../src/web/index.js';
import { FakeJobClient } from '../../src/web/testing/fake-job-client.js';
import { lines, ROOT, runWeir, expectExit } from './run-cli.js';

let registry: JobRegistry;
let server: RestServer;
let job: FakeJobClient;

beforeEach(async () => {
  registry = new JobRegistry();
  job = new FakeJobClient({
    jobId: 'a1b2c3',
    jobName: 'fraud detection',
    defaultSavepointDir: '/configured',
  });
  registry.add(job);
  server = await startRestServer({ port: 0, registry });
});

afterEach(async () => {
  await server.close();
});

/** Runs `weir <args…> --port <the test server's port>`. */
function weir(...args: string[]) {
  return runWeir([...args, '--port', String(server.port)]);
}

/** A port nothing listens on: one that was free a moment ago. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

describe('weir list', () => {
  it('prints one aligned line per job: id, status, name', async () => {
    registry.add(new FakeJobClient({ jobId: 'z9', jobName: 'sessions', status: 'restarting' }));
    const run = await weir('list');
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual([
      'a1b2c3  running     fraud detection',
      'z9      restarting  sessions',
    ]);
  });

  it('says so when there are no jobs', async () => {
    registry.remove('a1b2c3');
    const run = await weir('list');
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual(['no running jobs']);
  });

  it('explains a refused connection in one line and exits 1', async () => {
    const port = await closedPort();
    const run = await runWeir(['list', '--port', String(port)]);
    expectExit(run, 1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([
      `weir: no Weir job is serving on port ${port}; is weir run running? pass --port`,
    ]);
  });

  it('tells a server that is not Weir apart from a job', async () => {
    const other = createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>'),
    );
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const { port } = other.address() as AddressInfo;
    try {
      const run = await runWeir(['list', '--port', String(port)]);
      expectExit(run, 1);
      expect(lines(run.stderr)).toEqual([
        `weir: port ${port} answered HTTP 404 but not as Weir's REST API; pass --port of a weir run`,
      ]);
    } finally {
      await new Promise((done) => other.close(done));
    }
  });

  it('refuses a bad port and extra words as usage errors (exit 2)', async () => {
    const [badPort, extra] = await Promise.all([
      runWeir(['list', '--port', 'eighty']),
      runWeir(['list', 'everything']),
    ]);
    expectExit(badPort, 2);
    expect(lines(badPort.stderr)).toEqual([
      "weir: --port must be a whole number from 1 to 65535, got 'eighty'",
    ]);
    expectExit(extra, 2);
    expect(lines(extra.stderr)).toEqual(["weir: unexpected argument 'everything'; see weir list --help"]);
  });
});

describe('weir savepoint', () => {
  it('prints the path of the savepoint, resolving a relative DIR against the current directory', async () => {
    const run = await weir('savepoint', 'a1b2c3', 'savepoints');
    expect(run.stderr).toBe('');
    expectExit(run, 0);
    const dir = resolve(ROOT, 'savepoints');
    expect(lines(run.stdout)).toEqual([`${dir}/savepoint-a1b2c3-1`]);
    expect(job.calls).toEqual([`savepoint ${dir}`]);
  });

  it("leaves the directory to the job's configuration when none is given", async () => {
    const run = await weir('savepoint', 'a1b2c3');
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual(['/configured/savepoint-a1b2c3-1']);
    expect(job.calls).toEqual(['savepoint (default)']);
  });

  it("prints the server's reason for an unknown job and exits 1", async () => {
    const run = await weir('savepoint', 'nope', '/sp');
    expectExit(run, 1);
    expect(lines(run.stderr)).toEqual(['weir: job nope not found; run weir list to see running jobs']);
  });

  it('reports a failed savepoint in one line and exits 1', async () => {
    job.savepointFailure = new Error('disk full');
    const run = await weir('savepoint', 'a1b2c3', '/sp');
    expectExit(run, 1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual(['weir: disk full']);
  });

  it('needs a job id (exit 2)', async () => {
    const run = await weir('savepoint');
    expectExit(run, 2);
    expect(lines(run.stderr)).toEqual([
      'weir: weir savepoint needs a job id, e.g. weir savepoint <job-id> [DIR]; weir list shows them',
    ]);
    expect(job.calls).toEqual([]);
  });
});

describe('weir stop', () => {
  it('stops the job with a savepoint and prints its path', async () => {
    const run = await weir('stop', 'a1b2c3', '--savepoint', '/sp');
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual(['/sp/savepoint-a1b2c3-1']);
    expect(job.calls).toEqual(['stop /sp']);
    expect(job.status()).toBe('finished');
  });

  it('takes DIR right after --savepoint, before the job id, and as --savepoint=DIR', async () => {
    const second = new FakeJobClient({ jobId: 'd4' });
    registry.add(second);
    const [before, inline] = await Promise.all([
      weir('stop', '--savepoint', '/early', 'a1b2c3'),
      weir('stop', 'd4', '--savepoint=/inline'),
    ]);
    expect(lines(before.stdout)).toEqual(['/early/savepoint-a1b2c3-1']);
    expect(lines(inline.stdout)).toEqual(['/inline/savepoint-d4-1']);
    expect(second.calls).toEqual(['stop /inline']);
  });

  it('uses the configured directory for a bare --savepoint', async () => {
    const run = await weir('stop', 'a1b2c3', '--savepoint');
    expectExit(run, 0);
    expect(job.calls).toEqual(['stop (default)']);
  });

  it('refuses to stop without --savepoint and points to cancel (exit 2)', async () => {
    const run = await weir('stop', 'a1b2c3');
    expectExit(run, 2);
    expect(lines(run.stderr)).toEqual([
      'weir: weir stop needs --savepoint [DIR]: weir stop a1b2c3 --savepoint [DIR], or weir cancel a1b2c3 to end it without one',
    ]);
    expect(job.calls).toEqual([]);
  });

  it('refuses to stop a job that already ended (exit 1)', async () => {
    job.finish();
    const run = await weir('stop', 'a1b2c3', '--savepoint', '/sp');
    expectExit(run, 1);
    expect(lines(run.stderr)).toEqual([
      'weir: job a1b2c3 is finished; only a running job can stop it with a savepoint',
    ]);
  });
});

describe('weir cancel', () => {
  it('cancels the job and confirms', async () => {
    const run = await weir('cancel', 'a1b2c3');
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual(['cancelled job a1b2c3']);
    expect(job.calls).toEqual(['cancel']);
    expect(job.status()).toBe('cancelled');
  });

  it('reports an unknown job (exit 1) and a missing id (exit 2)', async () => {
    const [unknown, missing] = await Promise.all([weir('cancel', 'nope'), weir('cancel')]);
    expectExit(unknown, 1);
    expect(lines(unknown.stderr)).toEqual(['weir: job nope not found; run weir list to see running jobs']);
    expectExit(missing, 2);
    expect(job.calls).toEqual([]);
  });

  it('explains a refused connection in one line and exits 1', async () => {
    const port = await closedPort();
    const run = await runWeir(['cancel', 'a1b2c3', '--port', String(port)]);
    expectExit(run, 1);
    expect(lines(run.stderr)).toEqual([
      `weir: no Weir job is serving on port ${port}; is weir run running? pass --port`,
    ]);
  });
});
