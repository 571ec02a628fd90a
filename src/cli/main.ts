/**
 * Entry point of the `weir` command (imported by `bin/weir.js`). Runs the CLI, then ends the
 * process with its exit code once output has drained.
 *
 * Node's warnings are reprinted as one `weir: warning:` line each, so that, for instance, the
 * note that checkpoints are not taken yet reads like the CLI's other messages.
 */
import { watchStdout } from './broken-pipe.js';
import { runCli } from './cli.js';
import { drained, processTerminal } from './terminal.js';

/** Grace period for open handles a finished job left behind (e.g. a user's timer), ms. */
const EXIT_GRACE_MS = 1000;

// A reader that stops early (`weir sql -f big.sql | head`) ends the command quietly, with 141.
watchStdout();

process.removeAllListeners('warning');
process.on('warning', (warning) => {
  process.stderr.write(`weir: warning: ${warning.message.split('\n', 1)[0]}\n`);
});

const code = await runCli(process.argv.slice(2), processTerminal);
process.exitCode = code;
// Writes to a pipe are asynchronous: a reader slower than the grace period (a loaded machine,
// `| less`) would lose what is still queued when process.exit ends the process. So the grace
// period starts once stdout and stderr have drained; then exit even if the job left something
// scheduled.
await Promise.all([drained(process.stdout), drained(process.stderr)]);
setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
