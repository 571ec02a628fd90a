/**
 * `weir stop <job-id> --savepoint [DIR]`: stops a job gracefully through its REST API. The job
 * takes a savepoint, its sinks commit the output up to it, and then it ends as finished; the
 * savepoint's path is printed on stdout to restore from later with `weir run --restore PATH`.
 */
import { checkPositionals, parseControlArgs } from './control-options.js';
import { RestClient } from './rest-client.js';
import { jobPath, savepointTarget } from './savepoint-target.js';
import type { Terminal } from './terminal.js';
import { ExitCodes, STOP_HELP, UsageError } from './usage.js';

/** Runs `weir stop <argv…>` and returns the exit code. */
export async function stopCommand(argv: readonly string[], terminal: Terminal): Promise<number> {
  const { words, inlineDir } = splitInlineSavepoint(argv);
  const args = parseControlArgs('stop', words, ['savepoint']);
  if (args.help) {
    terminal.out(STOP_HELP);
    return ExitCodes.OK;
  }
  checkPositionals('stop', args.positionals, inlineDir === undefined ? 2 : 1);
  const [jobId, positionalDir] = orderJobAndDir(words, args.positionals);
  if (jobId === undefined) {
    throw new UsageError(
      'weir stop needs a job id, e.g. weir stop <job-id> --savepoint [DIR]; weir list shows them',
    );
  }
  // Flink's stop always takes a savepoint; asking for it explicitly keeps that visible, and
  // points whoever wanted to end the job without one to cancel.
  if (!args.flags.has('savepoint') && inlineDir === undefined) {
    throw new UsageError(
      `weir stop needs --savepoint [DIR]: weir stop ${jobId} --savepoint [DIR], or weir cancel ${jobId} to end it without one`,
    );
  }
  const { location } = await new RestClient(args.port).post(
    `${jobPath(jobId)}/stop`,
    savepointTarget(inlineDir ?? positionalDir),
  );
  terminal.out(String(location));
  return ExitCodes.OK;
}

/**
 * The job id and DIR among the positional words. They normally come as `<job-id> --savepoint
 * DIR`; when DIR directly follows `--savepoint` ahead of the job id (`--savepoint DIR <job-id>`),
 * the word after the flag is the directory.
 */
function orderJobAndDir(words: readonly string[], positionals: readonly string[]): (string | undefined)[] {
  const [first, second] = positionals;
  if (second === undefined) return [first, undefined];
  const flag = words.indexOf('--savepoint');
  const dirFirst = flag !== -1 && words.indexOf(first!) === flag + 1;
  return dirFirst ? [second, first] : [first, second];
}

/** Takes `--savepoint=DIR` apart, since parseArgs cannot have a flag with an optional value. */
function splitInlineSavepoint(argv: readonly string[]): { words: string[]; inlineDir: string | undefined } {
  let inlineDir: string | undefined;
  const words: string[] = [];
  for (const word of argv) {
    if (word.startsWith('--savepoint=')) {
      inlineDir = word.slice('--savepoint='.length);
      if (inlineDir === '') throw new UsageError('--savepoint= needs a directory, or leave out the =');
    } else {
      words.push(word);
    }
  }
  return { words, inlineDir };
}
