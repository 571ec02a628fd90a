/**
 * `weir savepoint <job-id> [DIR]`: asks a running job for a savepoint through its REST API and
 * prints where it was written, alone on stdout so that scripts can capture it.
 */
import { checkPositionals, parseControlArgs } from './control-options.js';
import { RestClient } from './rest-client.js';
import type { Terminal } from './terminal.js';
import { ExitCodes, SAVEPOINT_HELP, UsageError } from './usage.js';
import { jobPath, savepointTarget } from './savepoint-target.js';

/** Runs `weir savepoint <argv…>` and returns the exit code. */
export async function savepointCommand(argv: readonly string[], terminal: Terminal): Promise<number> {
  const args = parseControlArgs('savepoint', argv);
  if (args.help) {
    terminal.out(SAVEPOINT_HELP);
    return ExitCodes.OK;
  }
  checkPositionals('savepoint', args.positionals, 2);
  const [jobId, dir] = args.positionals;
  if (jobId === undefined) {
    throw new UsageError(
      'weir savepoint needs a job id, e.g. weir savepoint <job-id> [DIR]; weir list shows them',
    );
  }
  const { location } = await new RestClient(args.port).post(
    `${jobPath(jobId)}/savepoints`,
    savepointTarget(dir),
  );
  terminal.out(String(location));
  return ExitCodes.OK;
}
