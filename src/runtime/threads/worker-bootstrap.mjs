// The entry point of a worker thread. Loader hooks registered on the main thread do not reach
// workers, so each worker registers the TypeScript loader itself before loading its code and
// the job's module.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
