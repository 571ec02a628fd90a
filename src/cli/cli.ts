/**
 * The `weir` command: picks the subcommand and turns every outcome into an exit code.
 * Usage errors print one line and exit 2; subcommands planned but not built yet say so
 * rather than pretend to work.
 *
 * Each subcommand's module is imported only when that subcommand runs: every module costs a
 * round trip through the TypeScript loader, so `weir --version` should not load the engine,
 * and `weir run` should not load the SQL client.
 */
import { readFileSync } from 'node:fs';
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
      return (await import('./run-command.js')).runCommand(rest, terminal);
    case 'bench':
      return (await import('./bench-command.js')).benchCommand(rest, terminal);
    case 'list':
      return (await import('./list-command.js')).listCommand(rest, terminal);
    case 'savepoint':
      return (await import('./savepoint-command.js')).savepointCommand(rest, terminal);
    case 'stop':
      return (await import('./stop-command.js')).stopCommand(rest, terminal);
    case 'cancel':
      return (await import('./cancel-command.js')).cancelCommand(rest, terminal);
    case 'sql':
      return (await import('./sql-command.js')).sqlCommand(rest, terminal);
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
