/**
 * Helpers the savepoint-taking commands share: the request body naming the target directory,
 * and the URL path of a job.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Json } from './rest-client.js';

/**
 * The body of a savepoint or stop request. A relative DIR is made absolute here, against the
 * directory the user typed it in, because the job process that writes the savepoint runs
 * elsewhere. A URI (`file:///…`) is passed on as it is.
 */
export function savepointTarget(dir: string | undefined): Json {
  if (dir === undefined) return {};
  const uri = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(dir);
  return { targetDirectory: uri || isAbsolute(dir) ? dir : resolve(dir) };
}

/** `/jobs/<id>`, with the id escaped so that any text the user typed stays one path segment. */
export function jobPath(jobId: string): string {
  return `/jobs/${encodeURIComponent(jobId)}`;
}
