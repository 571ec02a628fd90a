/**
 * The HTTP side of the control commands: calls the REST API that `weir run` serves on the
 * loopback address and turns every way that can go wrong into one line saying what to do.
 * The server's own `{ errors: [message] }` is shown as it is, since it already names the fix.
 */
import { WeirError } from '../types/errors.js';

/** A JSON answer of the REST API. */
export type Json = Record<string, unknown>;

/**
 * A failure to talk to the job: printed as one line by the CLI, exit code 1. External,
 * because the fix lies with the job process (start it, or pick its port).
 */
export class ControlError extends WeirError {
  constructor(message: string, cause?: unknown) {
    super('IO', message, { domain: 'external', cause });
    this.name = 'ControlError';
  }
}

/** Calls the REST API of a `weir run` on this machine. */
export class RestClient {
  readonly baseUrl: string;

  constructor(readonly port: number) {
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  /** GET `path`; resolves with the JSON body of a 2xx answer. */
  get(path: string): Promise<Json> {
    return this.request('GET', path);
  }

  /** POST `body` as JSON to `path`; resolves with the JSON body of a 2xx answer. */
  post(path: string, body?: Json): Promise<Json> {
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body?: Json): Promise<Json> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    const json = await response.json().then(
      (value: unknown) => (typeof value === 'object' && value !== null ? (value as Json) : undefined),
      () => undefined,
    );
    if (json === undefined) {
      throw new ControlError(
        `port ${this.port} answered HTTP ${response.status} but not as Weir's REST API; pass --port of a weir run`,
      );
    }
    if (!response.ok) {
      const errors = json.errors;
      const message = Array.isArray(errors) && typeof errors[0] === 'string' ? errors[0] : undefined;
      throw new ControlError(message ?? `the job answered HTTP ${response.status} without a reason`);
    }
    return json;
  }

  private unreachable(error: unknown): ControlError {
    const code = errorCode(error);
    if (code === 'ECONNREFUSED') {
      return new ControlError(
        `no Weir job is serving on port ${this.port}; is weir run running? pass --port`,
        error,
      );
    }
    return new ControlError(
      `cannot reach the Weir job on port ${this.port} (${code ?? 'no answer'}); is weir run running? pass --port`,
      error,
    );
  }
}

/**
 * The system error code behind a failed fetch. Undici wraps it: `TypeError('fetch failed')`
 * with the socket error as `cause`, which is an AggregateError when several addresses were tried.
 */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const { code, errors } = current as { code?: unknown; errors?: unknown };
    if (typeof code === 'string') return code;
    if (Array.isArray(errors) && errors.length > 0) {
      current = errors[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
