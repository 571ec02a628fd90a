/**
 * Serves the REST API ({@link createRestApp}) over HTTP on Node's own server, through Hono's
 * Node adapter. It binds to the loopback address by default: the API can cancel and stop jobs
 * and has no authentication, so reaching it from elsewhere must be a deliberate choice.
 */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { ErrorCodes, userError, WeirError } from '../types/errors.js';
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
 * Starts the REST server. Rejects with a {@link WeirError} whose one-line message names the fix
 * when the port cannot be had; a taken or privileged port is a user error (domain `user`).
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
      reject(listenFailure(error, port, host));
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

/**
 * Why a port could not be had, in one line with the fix. The port and address are the user's
 * choice, so these are user errors; anything unforeseen is blamed on the system.
 */
function listenFailure(error: NodeJS.ErrnoException, port: number, host: string): WeirError {
  const user = (message: string) => userError(ErrorCodes.INVALID_ARGUMENT, message, error);
  switch (error.code) {
    case 'EADDRINUSE':
      return user(
        `port ${port} on ${host} is already in use; pass --port N to use another port, or --port 0 for any free one`,
      );
    case 'EACCES':
      return user(
        `port ${port} needs privileges to bind; pass --port N with N above 1023, or --port 0 for any free one`,
      );
    case 'EADDRNOTAVAIL':
      return user(
        `address ${host} is not on this machine; bind the REST server to 127.0.0.1 or another local address`,
      );
    default:
      return new WeirError(
        ErrorCodes.IO,
        `cannot serve the REST API on ${host}:${port} (${error.code ?? error.message}); pass --port 0 for any free port`,
        { domain: 'external', cause: error },
      );
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
