/**
 * Errors crossing threads. Structured cloning keeps an Error's message but drops its class and
 * own fields, and the restart logic and the CLI depend on a `WeirError`'s code and domain, so
 * they travel explicitly.
 */
import { ErrorCodes, WeirError } from '../../types/errors.js';
import type { SerializedError } from './protocol.js';

/** Flattens any thrown value into a {@link SerializedError}. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof WeirError) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: error.code,
      domain: error.domain,
      retriable: error.retriable,
    };
  }
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: undefined,
      domain: undefined,
      retriable: undefined,
    };
  }
  return {
    name: 'Error',
    message: String(error),
    stack: undefined,
    code: undefined,
    domain: undefined,
    retriable: undefined,
  };
}

/** Rebuilds the error, as a `WeirError` when it was one. */
export function deserializeError(serialized: SerializedError): Error {
  const error =
    serialized.code === undefined
      ? new Error(serialized.message)
      : new WeirError(serialized.code, serialized.message, {
          domain: serialized.domain,
          retriable: serialized.retriable,
        });
  if (serialized.code === undefined) error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

/** The error for a worker thread that died without reporting why. */
export function workerDiedError(threadIndex: number, detail: string): WeirError {
  return new WeirError(ErrorCodes.WORKER_FAILED, `worker thread ${threadIndex} ${detail}`, {
    domain: 'internal',
    retriable: true,
  });
}
