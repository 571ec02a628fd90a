/**
 * Parses the arguments of `weir run` with node's `util.parseArgs`. Everything after the first
 * `--` belongs to the job and is passed through untouched, so a job may take options of its
 * own (`weir run job.ts -- --count 10`) without weir rejecting them.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_REST_PORT, parsePort } from './control-options.js';
import { UsageError } from './usage.js';

/** What `weir run` was asked to do. */
export interface RunOptions {
  readonly jobFile: string;
  readonly jobArgs: readonly string[];
  readonly parallelism?: number;
  /** Worker threads (task slots); default one per core. */
  readonly slots?: number;
  readonly checkpointDir?: string;
  readonly checkpointInterval?: number;
  readonly restore?: string;
  readonly stateBackend?: 'heap' | 'disk';
  /**
   * The task threads' initial old generation, MB (`--task-old-generation`; 0 is V8's own
   * start); undefined leaves it to the job and the engine's default. Known before the job file
   * loads, so the worker threads started meanwhile have it.
   */
  readonly taskOldGenerationMb?: number;
  readonly allowNonRestoredState: boolean;
  /** Port of the REST API; 0 picks a free one. */
  readonly port: number;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly help: boolean;
}

const OPTIONS = {
  parallelism: { type: 'string', short: 'p' },
  slots: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  'checkpoint-interval': { type: 'string' },
  restore: { type: 'string' },
  'state-backend': { type: 'string' },
  'task-old-generation': { type: 'string' },
  'allow-non-restored-state': { type: 'boolean' },
  port: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses `argv` (the words after `run`); throws {@link UsageError} on anything invalid. */
export function parseRunOptions(argv: readonly string[]): RunOptions {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const passed = split === -1 ? [] : argv.slice(split + 1);
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...own], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${describeParseError(error)}; see weir run --help`);
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  const [jobFile, ...extra] = positionals;
  if (jobFile === undefined && !help) {
    throw new UsageError('weir run needs a job file, e.g. weir run examples/fraud-detection.ts');
  }
  const backend = values['state-backend'];
  if (backend !== undefined && backend !== 'heap' && backend !== 'disk') {
    throw new UsageError(`--state-backend must be 'heap' or 'disk', got '${backend}'`);
  }
  if (values.restore !== undefined && values.restore.length === 0) {
    throw new UsageError("--restore needs 'latest' or a checkpoint path");
  }
  if (values['checkpoint-dir'] !== undefined && values['checkpoint-dir'].length === 0) {
    throw new UsageError('--checkpoint-dir needs a directory');
  }
  if (values.restore === 'latest' && values['checkpoint-dir'] === undefined && !help) {
    throw new UsageError('--restore latest needs --checkpoint-dir DIR to look for checkpoints in');
  }
  return {
    jobFile: jobFile ?? '',
    jobArgs: [...extra, ...passed],
    parallelism: positiveInteger('--parallelism', values.parallelism),
    slots: positiveInteger('--slots', values.slots),
    checkpointDir: values['checkpoint-dir'] === undefined ? undefined : resolve(values['checkpoint-dir']),
    checkpointInterval: positiveInteger('--checkpoint-interval', values['checkpoint-interval']),
    restore:
      values.restore === undefined || values.restore === 'latest' ? values.restore : resolve(values.restore),
    stateBackend: backend,
    taskOldGenerationMb: oldGenerationMb(values['task-old-generation']),
    allowNonRestoredState: values['allow-non-restored-state'] === true,
    port: values.port === undefined ? DEFAULT_REST_PORT : parsePort('--port', values.port, true),
    verbose: values.verbose === true,
    quiet: values.quiet === true,
    help,
  };
}

/** Reads an option that must be a whole number >= 1. */
export function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${name} must be a whole number >= 1, got '${text}'`);
  }
  return value;
}

/** Reads `--task-old-generation`: whole MB from 0 (V8's own start) to 65536. */
function oldGenerationMb(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || value > 65536) {
    throw new UsageError(
      `--task-old-generation must be a whole number of MB from 0 (V8's own start) to 65536, got '${text}'`,
    );
  }
  return value;
}

/** parseArgs' complaint in the CLI's words, e.g. "unknown option '--bogus'". */
function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const option = /'([^']+)'/.exec(firstLine(error))?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    return `unknown option '${option}' (options for the job go after --)`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    return `option ${option.replace(' <value>', '')} needs a value`;
  }
  return firstLine(error);
}

/** The first line of an error's message. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!.trim();
}
