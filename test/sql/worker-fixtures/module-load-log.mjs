// Preloaded with --import: logs the URL of every module each thread loads, one file per module
// loader thread, into $WEIR_MODULE_LOG_DIR, for the test that a worker skips the SQL parser.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
const file = ${JSON.stringify(process.env.WEIR_MODULE_LOG_DIR)} + '/loader-' + threadId + '.txt';
export async function load(url, context, next) {
  appendFileSync(file, url + '\\n');
  return next(url, context);
}`)}`,
);
