/**
 * How the REST API reports a failure: an HTTP status and `{ errors: [message] }`, as Flink's
 * REST API does. A message is one line that names the problem and the fix; stack traces never
 * leave the server, since the caller cannot act on them and they reveal internals.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { WeirError } from '../types/errors.js';

/** The body of every error response. */
export interface ErrorBody {
  readonly errors: readonly string[];
}

/** A failure with the HTTP status it should be answered with. */
export class RestError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

/** The 404 for a job id the server does not know. */
export function jobNotFound(jobId: string): RestError {
  return new RestError(404, `job ${jobId} not found; run weir list to see running jobs`);
}

/**
 * The status and one-line message for anything thrown while answering. A user error from the
 * runtime (say, no savepoint directory configured) is the caller's to fix, hence 400; anything
 * else is the server's fault, hence 500.
 */
export function toErrorResponse(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  const status = error instanceof RestError ? error.status : isUserError(error) ? 400 : 500;
  return { status, body: { errors: [firstLine(error)] } };
}

function isUserError(error: unknown): boolean {
  return error instanceof WeirError && error.domain === 'user';
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n', 1)[0]!.trim();
  if (line.length > 0) return line;
  return error instanceof Error ? error.name : 'unknown error';
}
