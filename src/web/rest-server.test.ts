/**
 * The REST API over a real socket on an ephemeral port, against fake jobs: every endpoint,
 * the error shape, and what happens when the port is taken.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WeirError } from '../types/errors.js';
import { JobRegistry } from './job-registry.js';
import { type RestServer, startRestServer } from './rest-server.js';
import { FakeJobClient, taskSnapshot } from './testing/fake-job-client.js';

const NOW = 1_700_000_010_000;
const START = NOW - 10_000;

let registry: JobRegistry;
let server: RestServer;
let job: FakeJobClient;

beforeEach(async () => {
  registry = new JobRegistry(() => NOW);
  job = new FakeJobClient({
    jobId: 'a1',
    jobName: 'fraud-detection',
    startTime: START,
    restarts: 2,
    tasks: [
      taskSnapshot({
        vertexId: 2,
        vertexName: 'Sink',
        subtaskIndex: 1,
        recordsIn: 30,
        sinkRecordsIn: 30,
        watermark: 4500,
      }),
      taskSnapshot({
        vertexId: 1,
        vertexName: 'Source: txns',
        isSource: true,
        recordsOut: 100,
        watermark: 5000,
        backpressuredMs: 2500,
        backpressureRatio: 0.25,
      }),
      taskSnapshot({
        vertexId: 2,
        vertexName: 'Sink',
        subtaskIndex: 0,
        recordsIn: 70,
        sinkRecordsIn: 70,
        watermark: 4000,
        inputQueueLength: 12,
        inputBufferUsage: 0.75,
      }),
    ],
  });
  registry.add(job);
  server = await startRestServer({ port: 0, registry, now: () => NOW });
});

afterEach(async () => {
  await server.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('startRestServer', () => {
  it('listens on loopback on the ephemeral port it reports', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('rejects with a one-line message naming --port when the port is taken', async () => {
    const error = await startRestServer({ port: server.port, registry }).then(
      () => undefined,
      (e: unknown) => e as WeirError,
    );
    expect(error).toBeInstanceOf(WeirError);
    expect(error?.domain).toBe('user');
    expect(error?.message).toBe(
      `port ${server.port} on 127.0.0.1 is already in use; pass --port N to use another port, or --port 0 for any free one`,
    );
  });

  it('stops answering once closed', async () => {
    const { url } = server;
    await server.close();
    await expect(fetch(`${url}/jobs`)).rejects.toThrow();
    server = await startRestServer({ port: 0, registry });
  });
});

describe('GET', () => {
  it('/ lists the endpoints', async () => {
    const { status, json } = await call('GET', '/');
    expect(status).toBe(200);
    expect(json.endpoints).toContain('GET /jobs/:id/checkpoints');
  });

  it('/jobs lists every job with its status and restarts', async () => {
    registry.add(new FakeJobClient({ jobId: 'b2', jobName: 'other', status: 'restarting', startTime: 7 }));
    const { status, json } = await call('GET', '/jobs');
    expect(status).toBe(200);
    expect(json).toEqual({
      jobs: [
        { id: 'a1', name: 'fraud-detection', status: 'running', startTime: START, restarts: 2 },
        { id: 'b2', name: 'other', status: 'restarting', startTime: 7, restarts: 0 },
      ],
    });
  });

  it('/jobs/:id gives vertices in id order with per-subtask metrics and totals', async () => {
    const { status, json } = await call('GET', '/jobs/a1');
    expect(status).toBe(200);
    expect(json).toMatchObject({ id: 'a1', name: 'fraud-detection', status: 'running', duration: 10_000 });
    const [source, sink] = json.vertices as Record<string, any>[];
    expect(source).toMatchObject({ id: 1, name: 'Source: txns', parallelism: 1, isSource: true });
    expect(source!.subtasks[0]).toMatchObject({ subtask: 0, backpressuredMs: 2500, backpressureRatio: 0.25 });
    expect(sink!.subtasks[0]).toMatchObject({ subtask: 0, inputBufferUsage: 0.75 });
    expect(source!.watermark).toBe(5000);
    expect(sink).toMatchObject({ id: 2, parallelism: 2, watermark: 4000, backpressureRatio: 0 });
    // The vertex's watermark is the lowest of its subtasks'.
    expect(sink!.subtasks.map((s: { watermark: number }) => s.watermark)).toEqual([4000, 4500]);
    expect(sink!.totals).toEqual({ recordsIn: 100, recordsOut: 0, sinkRecordsIn: 100, inputQueueLength: 12 });
    expect(json.totals).toEqual({
      recordsIn: 100,
      recordsOut: 100,
      sinkRecordsIn: 100,
      inputQueueLength: 12,
    });
  });

  it('/jobs/:id writes the infinite watermarks as null (none yet) and "end"', async () => {
    job.currentTasks = [
      taskSnapshot({ vertexId: 1, watermark: Number.POSITIVE_INFINITY }),
      taskSnapshot({ vertexId: 2, subtaskIndex: 0, watermark: 10 }),
      taskSnapshot({ vertexId: 2, subtaskIndex: 1, watermark: Number.NEGATIVE_INFINITY }),
    ];
    const { json } = await call('GET', '/jobs/a1');
    const [ended, waiting] = json.vertices as any[];
    expect(ended.watermark).toBe('end');
    expect(waiting.subtasks.map((s: { watermark: unknown }) => s.watermark)).toEqual([10, null]);
    expect(waiting.watermark).toBeNull();
  });

  it('/jobs/:id gives an ended job the duration up to its end', async () => {
    const later = new FakeJobClient({ jobId: 'c3', startTime: START });
    const clock = { now: START + 4000 };
    const stamped = new JobRegistry(() => clock.now);
    stamped.add(later);
    const own = await startRestServer({ port: 0, registry: stamped, now: () => NOW });
    try {
      later.finish();
      await later.result;
      const json = (await (await fetch(`${own.url}/jobs/c3`)).json()) as Record<string, unknown>;
      expect(json.status).toBe('finished');
      // Ended at START + 4 s by the registry's clock, although the request came at NOW.
      expect(json.duration).toBe(4000);
    } finally {
      await own.close();
    }
  });

  it('/jobs/:id reports an unknown duration for an ended job whose end was not recorded', async () => {
    const own = await startRestServer({ port: 0, registry: { jobs: () => [job] }, now: () => NOW });
    try {
      job.finish();
      const json = (await (await fetch(`${own.url}/jobs/a1`)).json()) as Record<string, unknown>;
      expect(json.duration).toBeNull();
    } finally {
      await own.close();
    }
  });

  it('/jobs/:id/checkpoints gives the statistics with nulls for unknowns', async () => {
    job.checkpointStats = {
      completed: 3,
      failed: 1,
      inProgress: 0,
      latestCompleted: {
        id: 4,
        savepoint: false,
        status: 'completed',
        triggerTimestamp: 123,
        durationMs: 40,
        sizeBytes: 2048,
        path: '/ck/a1/chk-4',
        failureMessage: undefined,
      },
      history: [],
      restored: { id: 2, path: undefined },
    };
    const { status, json } = await call('GET', '/jobs/a1/checkpoints');
    expect(status).toBe(200);
    expect(json).toEqual({
      completed: 3,
      failed: 1,
      inProgress: 0,
      latestCompleted: {
        id: 4,
        savepoint: false,
        status: 'completed',
        triggerTimestamp: 123,
        durationMs: 40,
        sizeBytes: 2048,
        path: '/ck/a1/chk-4',
        failureMessage: null,
      },
      history: [],
      restored: { id: 2, path: null },
    });
  });

  it('answers an unknown job with 404 and the hint to run weir list', async () => {
    for (const path of ['/jobs/nope', '/jobs/nope/checkpoints']) {
      const { status, json } = await call('GET', path);
      expect(status).toBe(404);
      expect(json).toEqual({ errors: ['job nope not found; run weir list to see running jobs'] });
    }
  });

  it('answers an unknown path with 404 in the same error shape', async () => {
    const { status, json } = await call('GET', '/jobz');
    expect(status).toBe(404);
    expect(json).toEqual({ errors: ['no endpoint GET /jobz; GET / lists the endpoints'] });
  });
});

describe('POST /jobs/:id/savepoints', () => {
  it('waits for the savepoint and answers 201 with its location', async () => {
    const { status, json } = await call('POST', '/jobs/a1/savepoints', { targetDirectory: '/sp' });
    expect(status).toBe(201);
    expect(json).toEqual({ location: '/sp/savepoint-a1-1' });
    expect(job.calls).toEqual(['savepoint /sp']);
  });

  it('leaves the directory to the job when the body is empty', async () => {
    job.defaultSavepointDir = '/configured';
    const { status, json } = await call('POST', '/jobs/a1/savepoints');
    expect(status).toBe(201);
    expect(json).toEqual({ location: '/configured/savepoint-a1-1' });
    expect(job.calls).toEqual(['savepoint (default)']);
  });

  it('answers a user error from the job with 400 and its first line only', async () => {
    job.savepointFailure = new WeirError('INVALID_ARGUMENT', 'no savepoint directory; pass one\nat secret', {
      domain: 'user',
    });
    const { status, json } = await call('POST', '/jobs/a1/savepoints', {});
    expect(status).toBe(400);
    expect(json).toEqual({ errors: ['no savepoint directory; pass one'] });
  });

  it('answers any other failure with 500 and no stack trace', async () => {
    job.savepointFailure = new Error('disk full');
    const { status, json } = await call('POST', '/jobs/a1/savepoints', { targetDirectory: '/sp' });
    expect(status).toBe(500);
    expect(json).toEqual({ errors: ['disk full'] });
    expect(JSON.stringify(json)).not.toMatch(/at .*\.ts/);
  });

  it('refuses an ended job with 409 without asking it', async () => {
    job.finish();
    const { status, json } = await call('POST', '/jobs/a1/savepoints', { targetDirectory: '/sp' });
    expect(status).toBe(409);
    expect(json.errors).toEqual(['job a1 is finished; only a running job can take a savepoint']);
    expect(job.calls).toEqual([]);
  });

  it('refuses bad bodies with 400', async () => {
    const cases: [unknown, string][] = [
      ['{not json', 'request body is not JSON; send {"targetDirectory": "/abs/dir"} or no body'],
      [[1], 'request body must be a JSON object like {"targetDirectory": "/abs/dir"}'],
      [{ targetDirectory: 5 }, 'targetDirectory must be a non-empty string such as "/abs/dir"'],
      [
        { targetDirectory: 'rel/dir' },
        "targetDirectory 'rel/dir' is relative; give an absolute path, since the server's working directory is not yours",
      ],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await call('POST', '/jobs/a1/savepoints', body);
      expect(status).toBe(400);
      expect(json).toEqual({ errors: [message] });
    }
    expect(job.calls).toEqual([]);
  });

  it('passes a URI target on to the job', async () => {
    const { json } = await call('POST', '/jobs/a1/savepoints', { targetDirectory: 'file:///sp' });
    expect(json.location).toBe('file:///sp/savepoint-a1-1');
  });

  it('answers 404 for an unknown job', async () => {
    const { status } = await call('POST', '/jobs/zz/savepoints', { targetDirectory: '/sp' });
    expect(status).toBe(404);
  });
});

describe('POST /jobs/:id/stop', () => {
  it('stops the job with a savepoint and returns its location', async () => {
    const { status, json } = await call('POST', '/jobs/a1/stop', { targetDirectory: '/sp' });
    expect(status).toBe(200);
    expect(json).toEqual({ location: '/sp/savepoint-a1-1' });
    expect(job.calls).toEqual(['stop /sp']);
    expect(job.status()).toBe('finished');
  });

  it('reports a failed stop as an error', async () => {
    job.savepointFailure = new Error('barrier timed out');
    const { status, json } = await call('POST', '/jobs/a1/stop', {});
    expect(status).toBe(500);
    expect(json).toEqual({ errors: ['barrier timed out'] });
  });
});

describe('cancel', () => {
  it('PATCH /jobs/:id?mode=cancel cancels the job and answers 202', async () => {
    const { status, json } = await call('PATCH', '/jobs/a1?mode=cancel');
    expect(status).toBe(202);
    expect(json).toEqual({ id: 'a1', status: 'cancelled' });
    expect(job.calls).toEqual(['cancel']);
  });

  it('POST /jobs/:id/cancel does the same', async () => {
    const { status } = await call('POST', '/jobs/a1/cancel');
    expect(status).toBe(202);
    expect(job.calls).toEqual(['cancel']);
  });

  it('refuses another PATCH mode without cancelling', async () => {
    const { status, json } = await call('PATCH', '/jobs/a1?mode=stop');
    expect(status).toBe(400);
    expect(json).toEqual({ errors: ["unsupported mode 'stop'; use PATCH /jobs/:id?mode=cancel"] });
    expect(job.calls).toEqual([]);
  });

  it('answers 409 for a job that already ended and 404 for an unknown one', async () => {
    job.fail(new Error('boom'));
    expect((await call('POST', '/jobs/a1/cancel')).status).toBe(409);
    expect((await call('PATCH', '/jobs/zz?mode=cancel')).status).toBe(404);
    expect(job.calls).toEqual([]);
  });
});

describe('JobRegistry', () => {
  it('replaces a job of the same id and forgets removed ones', () => {
    const again = new FakeJobClient({ jobId: 'a1', jobName: 'second' });
    registry.add(again);
    expect(registry.jobs()).toEqual([again]);
    expect(registry.remove('a1')).toBe(true);
    expect(registry.remove('a1')).toBe(false);
    expect(registry.jobs()).toEqual([]);
  });

  it('stamps the end time once the result settles, including on failure', async () => {
    expect(registry.endTime('a1')).toBeUndefined();
    job.fail(new Error('boom'));
    await job.result.catch(() => {});
    expect(registry.endTime('a1')).toBe(NOW);
  });
});
