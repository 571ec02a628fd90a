/**
 * The web layer: the REST API that `weir run` serves and the control commands (`weir list`,
 * `savepoint`, `stop`, `cancel`) call. Entry points import from here.
 */
export { type JobLookup, JobRegistry } from './job-registry.js';
export { createRestApp, ENDPOINTS, type RestAppOptions } from './rest-routes.js';
export { type RestServer, type RestServerOptions, startRestServer } from './rest-server.js';
export type * from './job-views.js';
export type { ErrorBody } from './rest-errors.js';
