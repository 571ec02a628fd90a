/**
 * Serves the REST API ({@link createRestApp}) over HTTP on Node's own server, through Hono's
 * Node adapter. It binds to the loopback address by default: the API can cancel and stop jobs
 * and has no authentication, so reaching it from elsewhere must be a deliberate choice.
 */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import type { JobLookup } from './job-registry.js';
import { createRestApp } from './rest-routes.js';

/** Options of {@link startRestServer}. */
export interface RestServerOptions {
  /** The TCP port; 0 picks a free one (read it back from {@link RestServer.port}). */
  readonly port: number;
  /** The address to bind; `127.0.0.1` unless given. */
  readonly host?: string;
  readonly registry: JobLookup;
  /** The clock for durations and backpressure ratios; injectable for tests. */
  readonly now?: () => number;
}

/** A listening REST server. */
export interface RestServer {
  /** Base URL, e.g. `http://127.0.0.1:8081`. */
  readonly url: string;
  /** The port it listens on, useful when 0 was asked for. */
  readonly port: number;
  /**
   * Stops accepting connections and resolves once open requests are answered. A request still
   * open after a short grace (say, a savepoint that never completes) has its connection cut,
   * so that `weir run` can always exit.
   */
  close(): Promise<void>;
}

/** How long {@link RestServer.close} waits for open requests before cutting them, ms. */
const CLOSE_GRACE_MS = 2000;

/**
 * Starts the REST server. Rejects with a one-line message when the port cannot be had.
 *
 * ```ts
 * const registry = new JobRegistry();
 * const server = await startRestServer({ port: 8081, registry });
 * // … later
 * await server.close();
 * ```
 */
export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const host = options.host ?? '127.0.0.1';
  const app = createRestApp({ registry: options.registry, now: options.now });
  // Hono's adapter swaps in its own global Request and Response unless told not to; this
  // server lives inside a user's job process, whose globals are not ours to change.
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () => closeServer(server),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(new Error(listenFailure(error, port, host), { cause: error }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The one-line reason a port could not be had, with the fix. */
function listenFailure(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use; pass --port N to use another port, or --port 0 for any free one`;
    case 'EACCES':
      return `port ${port} needs privileges to bind; pass --port N with N above 1023, or --port 0 for any free one`;
    case 'EADDRNOTAVAIL':
      return `address ${host} is not on this machine; bind the REST server to 127.0.0.1 or another local address`;
    default:
      return `cannot serve the REST API on ${host}:${port} (${error.code ?? error.message}); pass --port 0 for any free port`;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    timer.unref();
    server.close((error) => {
      clearTimeout(timer);
      if (error !== undefined) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
