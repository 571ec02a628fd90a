/**
 * The CLI's help text and its usage error. A usage error is the user's to fix on the command
 * line, so it prints as one line and exits with code 2, never with a stack trace.
 */

/** Exit codes of the `weir` command (a contract, see the CLI section of the API). */
export const ExitCodes = {
  OK: 0,
  JOB_FAILED: 1,
  USAGE: 2,
} as const;

/** A mistake on the command line or in the job file: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Top-level help, printed by `weir --help` and `weir help`. */
export const HELP = `Usage: weir <command> [options]

Commands:
  run <job.ts|job.js> [options] [-- job args…]   run a job in this process
  list [--port N]                                list the jobs of a running weir run
  savepoint <job-id> [DIR] [--port N]            take a savepoint of a running job
  stop <job-id> --savepoint [DIR] [--port N]     take a savepoint, then stop the job
  cancel <job-id> [--port N]                     stop a job at once, without a savepoint
  bench [window-count|checkpoint] [--events N] [--keys K] [--json]
                                                 run a benchmark (checkpoint: also --interval MS)
  bench file-window [--lines N] [--keys K] [--json]
                                                 parallelism 2 against 1 over one NDJSON file
  bench state-backend [--keys N] [--json]        heap against disk state backend
  sql [-f file.sql]                              the SQL client: interactive, or run a script
  help                                           show this help
  --version                                      print the version

Options of run:
  -p, --parallelism N           default parallelism of the job's operators
  --checkpoint-dir DIR          where checkpoints go
  --checkpoint-interval MS      take a checkpoint every MS milliseconds
  --restore latest|PATH         resume from a checkpoint or savepoint (latest: not after
                                the job finished)
  --allow-non-restored-state    skip restored state of operators the job no longer has
  --state-backend heap|disk     where keyed state lives (default heap)
  --port N                      REST API port (default 8081; 0 picks a free one)
  -q, --quiet                   no progress lines on stderr
  -v, --verbose                 full stack traces on failure

A job file either calls env.execute() itself or exports a default function
(env, args) => void | Promise<void> that builds the graph; weir run executes it.
Arguments after -- are passed to the job (as args, and as process.argv.slice(2)).

list, savepoint, stop and cancel talk to the REST API of a weir run on this machine,
at http://127.0.0.1:8081 unless --port says otherwise.

Exit codes: 0 success, 1 job failed (or the job refused or missed a list, savepoint,
stop or cancel request), 2 bad usage or bad job file.`;

/** Help of `weir run`. */
export const RUN_HELP = `Usage: weir run <job.ts|job.js> [--parallelism N] [--slots N] [--checkpoint-dir DIR]
                [--checkpoint-interval MS] [--restore latest|PATH] [--allow-non-restored-state]
                [--state-backend heap|disk] [--task-old-generation MB] [--port N] [--quiet]
                [--verbose] [-- job args…]
Tasks run on --slots worker threads (default: one per core); subtask i of every operator
shares thread i mod slots. Each thread loads the job file again to rebuild the job.
--task-old-generation sets the old generation the task threads start with (0: V8's own start).`;

/** Help of `weir bench`. */
export const BENCH_HELP = `Usage: weir bench [window-count|checkpoint] [--events N] [--keys K] [--interval MS] [--json]`;

/** Help of `weir sql`. */
export const SQL_HELP = `Usage: weir sql [-f file.sql] [--verbose]
Without -f, an interactive SQL client: statements end with ';' and may span lines, history is
kept in ~/.weir_sql_history, HELP; lists the client's commands, Ctrl-C cancels a running query
and QUIT; leaves. Queries over bounded tables print a table; over unbounded ones, each change
as it arrives (op column +I/-U/+U/-D) until Ctrl-C.
With -f, runs the script's statements in order (EXECUTE STATEMENT SET BEGIN … END; included),
waits for each INSERT job, and stops at the first error, printed with its line and column in
the script. Exit codes: 0 success, 1 a statement failed, 2 bad usage.
SHOW JOBS; lists the jobs the session started, DESCRIBE JOB 'id'; shows one, and
STOP JOB 'id' [WITH SAVEPOINT]; stops one (SET 'table.dml-sync' = 'false' lets a script go on
while its INSERT jobs run). COMPILE PLAN 'file.json' FOR INSERT …; writes a job's plan, and
EXECUTE PLAN 'file.json'; runs it without its DDL, e.g. from a savepoint of the SQL job.`;

/** Help of `weir list`. */
export const LIST_HELP = `Usage: weir list [--port N]
Lists the jobs of the weir run serving its REST API on port N (default 8081): id, status, name.`;

/** Help of `weir savepoint`. */
export const SAVEPOINT_HELP = `Usage: weir savepoint <job-id> [DIR] [--port N]
Takes a savepoint of a running job into DIR (default: the job's configured directory) and
prints its path. A relative DIR is taken from the current directory.`;

/** Help of `weir stop`. */
export const STOP_HELP = `Usage: weir stop <job-id> --savepoint [DIR] [--port N]
Takes a savepoint into DIR (default: the job's configured directory), commits the sinks'
output up to it, stops the job and prints the savepoint's path for weir run --restore.`;

/** Help of `weir cancel`. */
export const CANCEL_HELP = `Usage: weir cancel <job-id> [--port N]
Stops a job at once, without a savepoint; weir stop <job-id> --savepoint is the graceful way.`;
