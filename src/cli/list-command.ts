/**
 * `weir list`: the jobs a `weir run` on this machine is running, one line each, read from its
 * REST API (`GET /jobs`).
 */
import type { JobSummaryJson } from '../web/index.js';
import { checkPositionals, parseControlArgs } from './control-options.js';
import { RestClient } from './rest-client.js';
import type { Terminal } from './terminal.js';
import { ExitCodes, LIST_HELP } from './usage.js';

/** Runs `weir list <argv…>` and returns the exit code. */
export async function listCommand(argv: readonly string[], terminal: Terminal): Promise<number> {
  const args = parseControlArgs('list', argv);
  if (args.help) {
    terminal.out(LIST_HELP);
    return ExitCodes.OK;
  }
  checkPositionals('list', args.positionals, 0);
  const { jobs } = (await new RestClient(args.port).get('/jobs')) as { jobs: JobSummaryJson[] };
  if (jobs.length === 0) {
    terminal.out('no running jobs');
    return ExitCodes.OK;
  }
  for (const line of formatJobList(jobs)) terminal.out(line);
  return ExitCodes.OK;
}

/**
 * One line per job: id, status and name in aligned columns, e.g. `3f2a…  running     fraud`.
 * The name comes last because it is the only column that may contain spaces.
 */
export function formatJobList(jobs: readonly JobSummaryJson[]): string[] {
  const idWidth = Math.max(...jobs.map((job) => job.id.length));
  const statusWidth = Math.max(...jobs.map((job) => job.status.length));
  return jobs.map((job) => `${job.id.padEnd(idWidth)}  ${job.status.padEnd(statusWidth)}  ${job.name}`);
}
