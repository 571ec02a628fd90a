/**
 * The closed set of errors Weir raises. Each has a stable code, a domain saying whose fault it
 * is, and whether retrying can help. A user error's message names the problem and the fix in
 * one line, because it is printed as is by the CLI.
 */

/** Who has to act: the user (fix the job), an external system, or Weir itself (a bug). */
export type ErrorDomain = 'user' | 'external' | 'internal';

/** Stable error codes. Add new ones at the end; never reuse a code for a different meaning. */
export const ErrorCodes = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  INVALID_KEY: 'INVALID_KEY',
  MALFORMED_RECORD: 'MALFORMED_RECORD',
  JOB_FILE: 'JOB_FILE',
  STATE_ACCESS: 'STATE_ACCESS',
  INVALID_GRAPH: 'INVALID_GRAPH',
  MISSING_TIMESTAMP: 'MISSING_TIMESTAMP',
  USER_FUNCTION: 'USER_FUNCTION',
  IO: 'IO',
  CANCELLED: 'CANCELLED',
  INTERNAL: 'INTERNAL',
  /** A checkpoint or savepoint is missing, corrupt, or in a format this version cannot read. */
  CHECKPOINT_UNUSABLE: 'CHECKPOINT_UNUSABLE',
  /** Restored state does not fit the job: an operator's state has no home, or maxParallelism changed. */
  STATE_MISMATCH: 'STATE_MISMATCH',
  /** Checkpoints kept failing beyond the tolerable number, or a savepoint could not be taken. */
  CHECKPOINT_FAILED: 'CHECKPOINT_FAILED',
  /** A channel between tasks broke: its other end closed before end of input, or its thread died. */
  CHANNEL_FAILED: 'CHANNEL_FAILED',
  /** A record could not be serialized to cross a thread or process boundary. */
  SERIALIZATION: 'SERIALIZATION',
  /** A worker thread running tasks crashed or exited unexpectedly. */
  WORKER_FAILED: 'WORKER_FAILED',
  /** A SQL statement is not valid syntax; the message gives its line and column. */
  SQL_PARSE: 'SQL_PARSE',
  /** A SQL statement names an unknown object, mistypes an expression or sets a bad option. */
  SQL_VALIDATION: 'SQL_VALIDATION',
  /** A SQL statement uses syntax or a feature Weir does not support yet; the message names it. */
  SQL_UNSUPPORTED: 'SQL_UNSUPPORTED',
} as const;

/** One of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Options for {@link WeirError}. */
export interface WeirErrorOptions {
  domain?: ErrorDomain;
  retriable?: boolean;
  cause?: unknown;
}

/** The base of every error Weir throws on purpose. */
export class WeirError extends Error {
  readonly code: ErrorCode;
  readonly domain: ErrorDomain;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: WeirErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeirError';
    this.code = code;
    this.domain = options.domain ?? 'user';
    this.retriable = options.retriable ?? false;
  }
}

/** Shorthand for a user error with a one-line message naming the problem and the fix. */
export function userError(code: ErrorCode, message: string, cause?: unknown): WeirError {
  return new WeirError(code, message, { domain: 'user', cause });
}
