/**
 * The `weir` command: picks the subcommand and turns every outcome into an exit code.
 * Usage errors print one line and exit 2; subcommands planned but not built yet say so
 * rather than pretend to work.
 */
import { readFileSync } from 'node:fs';
import { benchCommand } from './bench-command.js';
import { cancelCommand } from './cancel-command.js';
import { listCommand } from './list-command.js';
import { runCommand } from './run-command.js';
import { savepointCommand } from './savepoint-command.js';
import { sqlCommand } from './sql-command.js';
import { stopCommand } from './stop-command.js';
import { formatFailure, type Terminal } from './terminal.js';
import { ExitCodes, HELP, UsageError } from './usage.js';

/** Subcommands from the design that this version does not have yet. */
const UNAVAILABLE: readonly string[] = [];

/** Runs the CLI with `argv` (the words after `weir`) and returns the exit code. */
export async function runCli(argv: readonly string[], terminal: Terminal): Promise<number> {
  const end = argv.indexOf('--');
  const own = end === -1 ? argv : argv.slice(0, end);
  const verbose = own.includes('--verbose') || own.includes('-v');
  try {
    return await dispatch(argv, terminal);
  } catch (error) {
    if (error instanceof UsageError) {
      terminal.err(`weir: ${error.message}`);
      return ExitCodes.USAGE;
    }
    terminal.err(`weir: ${formatFailure(error, verbose)}`);
    return ExitCodes.JOB_FAILED;
  }
}

async function dispatch(argv: readonly string[], terminal: Terminal): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      terminal.out(HELP);
      return ExitCodes.OK;
    case '--version':
    case '-V':
    case 'version':
      terminal.out(version());
      return ExitCodes.OK;
    case 'run':
      return runCommand(rest, terminal);
    case 'bench':
      return benchCommand(rest, terminal);
    case 'list':
      return listCommand(rest, terminal);
    case 'savepoint':
      return savepointCommand(rest, terminal);
    case 'stop':
      return stopCommand(rest, terminal);
    case 'cancel':
      return cancelCommand(rest, terminal);
    case 'sql':
      return sqlCommand(rest, terminal);
    default:
      if (UNAVAILABLE.includes(command)) {
        throw new UsageError(`weir ${command} is not available in this version; see weir --help`);
      }
      throw new UsageError(`unknown command '${command}'; see weir --help`);
  }
}

/** The package version, from package.json next to `src/`. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
