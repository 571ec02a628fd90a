/**
 * The REST API's routes, in the spirit of Flink's: `/jobs`, `/jobs/:id`, its checkpoints,
 * savepoints, stop and cancel. Built as a Hono app apart from the socket, so tests can call it
 * in process with `app.request(…)` and the server module only deals with listening.
 *
 * Savepoint and stop answer once the savepoint is written (Flink answers at once with a
 * trigger id to poll); a local job's savepoint takes seconds at most, and one request that
 * returns the path keeps `weir savepoint` simple.
 */
import { Hono } from 'hono';
import type { JobClient, JobStatus } from '../runtime/job-client.js';
import type { JobLookup } from './job-registry.js';
import { checkpointStatsView, jobDetails, jobSummary } from './job-views.js';
import { jobNotFound, RestError, toErrorResponse } from './rest-errors.js';

/** The endpoints, as `GET /` lists them. */
export const ENDPOINTS = [
  'GET /jobs',
  'GET /jobs/:id',
  'GET /jobs/:id/checkpoints',
  'POST /jobs/:id/savepoints {"targetDirectory"?: "/abs/dir"}',
  'POST /jobs/:id/stop {"targetDirectory"?: "/abs/dir"}',
  'PATCH /jobs/:id?mode=cancel',
  'POST /jobs/:id/cancel',
] as const;

/** Options of {@link createRestApp}. */
export interface RestAppOptions {
  readonly registry: JobLookup;
  /** The clock for durations and backpressure ratios; injectable for tests. */
  readonly now?: () => number;
}

const ENDED: readonly JobStatus[] = ['finished', 'failed', 'cancelled'];

/** The REST API as a Hono app, not yet bound to a port. */
export function createRestApp({ registry, now = Date.now }: RestAppOptions): Hono {
  const app = new Hono();
  const find = (jobId: string): JobClient => {
    const client = registry.jobs().find((job) => job.jobId === jobId);
    if (client === undefined) throw jobNotFound(jobId);
    return client;
  };

  app.get('/', (c) => c.json({ name: 'weir', endpoints: ENDPOINTS }));
  app.get('/jobs', (c) => c.json({ jobs: registry.jobs().map(jobSummary) }));
  app.get('/jobs/:id', (c) => {
    const client = find(c.req.param('id'));
    return c.json(jobDetails(client, now(), registry.endTime?.(client.jobId)));
  });
  app.get('/jobs/:id/checkpoints', (c) => c.json(checkpointStatsView(find(c.req.param('id')).checkpoints())));
  app.post('/jobs/:id/savepoints', async (c) => {
    const client = running(find(c.req.param('id')), 'take a savepoint');
    const { targetDirectory } = await savepointRequest(await c.req.text());
    return c.json({ location: await client.triggerSavepoint(targetDirectory) }, 201);
  });
  app.post('/jobs/:id/stop', async (c) => {
    const client = running(find(c.req.param('id')), 'stop it with a savepoint');
    const { targetDirectory } = await savepointRequest(await c.req.text());
    return c.json({ location: await client.stopWithSavepoint(targetDirectory) }, 200);
  });
  app.patch('/jobs/:id', (c) => {
    const mode = c.req.query('mode');
    if (mode !== 'cancel') {
      throw new RestError(400, `unsupported mode '${mode ?? ''}'; use PATCH /jobs/:id?mode=cancel`);
    }
    return c.json(cancel(find(c.req.param('id'))), 202);
  });
  app.post('/jobs/:id/cancel', (c) => c.json(cancel(find(c.req.param('id'))), 202));

  app.notFound((c) =>
    c.json({ errors: [`no endpoint ${c.req.method} ${c.req.path}; GET / lists the endpoints`] }, 404),
  );
  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    return c.json(body, status);
  });
  return app;
}

/** The job, if it has not ended; a savepoint of an ended job cannot be taken. */
function running(client: JobClient, action: string): JobClient {
  const status = client.status();
  if (ENDED.includes(status)) {
    throw new RestError(409, `job ${client.jobId} is ${status}; only a running job can ${action}`);
  }
  return client;
}

function cancel(client: JobClient): { id: string; status: JobStatus } {
  const status = client.status();
  if (ENDED.includes(status)) {
    throw new RestError(409, `job ${client.jobId} is already ${status}; there is nothing to cancel`);
  }
  client.cancel();
  return { id: client.jobId, status: client.status() };
}

/**
 * The body of a savepoint or stop request: empty, or `{ "targetDirectory": "/abs/dir" }`. A
 * relative path is refused because the server's working directory is not the caller's; a URI
 * with a scheme (`file:///…`) is passed on for the checkpoint storage to judge.
 */
async function savepointRequest(text: string): Promise<{ targetDirectory: string | undefined }> {
  if (text.trim() === '') return { targetDirectory: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RestError(400, 'request body is not JSON; send {"targetDirectory": "/abs/dir"} or no body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RestError(400, 'request body must be a JSON object like {"targetDirectory": "/abs/dir"}');
  }
  const dir = (body as { targetDirectory?: unknown }).targetDirectory;
  if (dir === undefined || dir === null) return { targetDirectory: undefined };
  if (typeof dir !== 'string' || dir === '') {
    throw new RestError(400, 'targetDirectory must be a non-empty string such as "/abs/dir"');
  }
  if (!dir.startsWith('/') && !/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(dir) && !/^[a-zA-Z]:[\\/]/.test(dir)) {
    throw new RestError(
      400,
      `targetDirectory '${dir}' is relative; give an absolute path, since the server's working directory is not yours`,
    );
  }
  return { targetDirectory: dir };
}
