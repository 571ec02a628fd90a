/**
 * The options shared by the commands that control a running job through its REST API
 * (`list`, `savepoint`, `stop`, `cancel`): the port to reach it on, `--help` and `--verbose`.
 * Each command adds its own positional words and flags.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './usage.js';

/** The port `weir run` serves its REST API on unless told otherwise, as Flink's does. */
export const DEFAULT_REST_PORT = 8081;

/** What a control command was given. */
export interface ControlArgs {
  readonly port: number;
  readonly positionals: readonly string[];
  /** The command's own boolean flags that were present, by name without dashes. */
  readonly flags: ReadonlySet<string>;
  readonly help: boolean;
}

/**
 * Parses the words after `weir <command>`. `flags` are the command's own boolean options;
 * anything else that starts with a dash is refused.
 */
export function parseControlArgs(
  command: string,
  argv: readonly string[],
  flags: readonly string[] = [],
): ControlArgs {
  const options = {
    port: { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
    ...Object.fromEntries(flags.map((flag) => [flag, { type: 'boolean' }])),
  } as const satisfies NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${describe(error)}; see weir ${command} --help`);
  }
  const { values, positionals } = parsed;
  const port = values.port;
  return {
    port: typeof port === 'string' ? parsePort('--port', port, false) : DEFAULT_REST_PORT,
    positionals,
    flags: new Set(flags.filter((flag) => values[flag] === true)),
    help: values.help === true,
  };
}

/**
 * Reads a TCP port number. A server may ask for 0 (any free port); a client cannot connect to
 * it, hence `allowZero`. `weir run --port` can use this with `allowZero = true`.
 */
export function parsePort(name: string, text: string, allowZero: boolean): number {
  const value = Number(text);
  const low = allowZero ? 0 : 1;
  if (!/^\s*\d+\s*$/.test(text) || value < low || value > 65535) {
    throw new UsageError(`${name} must be a whole number from ${low} to 65535, got '${text}'`);
  }
  return value;
}

/** Refuses words beyond the `max` a command takes. */
export function checkPositionals(command: string, positionals: readonly string[], max: number): void {
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument '${positionals[max]}'; see weir ${command} --help`);
  }
}

/** parseArgs' complaint in the CLI's words. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0]!.trim();
  const option = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    return `option ${option.replace(' <value>', '')} needs a value`;
  }
  return message;
}
