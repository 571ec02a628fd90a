/**
 * `weir cancel <job-id>`: ends a job at once through its REST API, without a savepoint. Output
 * its sinks had not committed yet is dropped, as in Flink; `weir stop --savepoint` is the
 * graceful way.
 */
import { checkPositionals, parseControlArgs } from './control-options.js';
import { RestClient } from './rest-client.js';
import { jobPath } from './savepoint-target.js';
import type { Terminal } from './terminal.js';
import { CANCEL_HELP, ExitCodes, UsageError } from './usage.js';

/** Runs `weir cancel <argv…>` and returns the exit code. */
export async function cancelCommand(argv: readonly string[], terminal: Terminal): Promise<number> {
  const args = parseControlArgs('cancel', argv);
  if (args.help) {
    terminal.out(CANCEL_HELP);
    return ExitCodes.OK;
  }
  checkPositionals('cancel', args.positionals, 1);
  const [jobId] = args.positionals;
  if (jobId === undefined) {
    throw new UsageError('weir cancel needs a job id, e.g. weir cancel <job-id>; weir list shows them');
  }
  await new RestClient(args.port).post(`${jobPath(jobId)}/cancel`);
  terminal.out(`cancelled job ${jobId}`);
  return ExitCodes.OK;
}
