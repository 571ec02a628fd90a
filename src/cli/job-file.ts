/**
 * Loading a job file. A job file is an ES module that either starts a job while it loads
 * (`await env.execute()` at the top level) or exports a default function `(env, args)` that
 * builds the graph. Loading happens by absolute file URL, so relative paths, spaces and
 * Windows drive letters all resolve the same way.
 */
import { statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StreamExecutionEnvironment } from '../api/environment.js';
import { UsageError } from './usage.js';

/** The default export of a job file that leaves execution to `weir run`. */
export type JobMain = (env: StreamExecutionEnvironment, args: string[]) => void | Promise<void>;

/** The absolute path of an existing job file; a {@link UsageError} naming the path otherwise. */
export function resolveJobFile(path: string): string {
  const absolute = resolve(path);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    throw new UsageError(
      `job file not found: ${path}; check the path, e.g. weir run examples/fraud-detection.ts`,
    );
  }
  if (!isFile) throw new UsageError(`${path} is not a file; give the path of a .ts or .js job file`);
  return absolute;
}

/** The job's name by default: the file name without its extension. */
export function jobNameOf(path: string): string {
  return basename(path, extname(path));
}

/** Imports the job file and returns its default export if that is a function. */
export async function importJobFile(absolutePath: string): Promise<JobMain | undefined> {
  const module = (await import(pathToFileURL(absolutePath).href)) as { default?: unknown };
  return typeof module.default === 'function' ? (module.default as JobMain) : undefined;
}

/** True if `error` means the file could not be loaded as a module at all (not that its code failed). */
export function isLoadError(error: unknown): boolean {
  if (error instanceof SyntaxError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    /^ERR_(MODULE_NOT_FOUND|UNKNOWN_FILE_EXTENSION|UNSUPPORTED_|IMPORT_)/.test(code)
  ) {
    return true;
  }
  return error.message.startsWith('Transform failed') || isCommonJsMixUp(error);
}

/**
 * True if an ES module job file was loaded as CommonJS, which happens to a `.ts` file outside a
 * package whose package.json says `"type": "module"`.
 */
export function isCommonJsMixUp(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'ERR_REQUIRE_CYCLE_MODULE' ||
    code === 'ERR_REQUIRE_ESM' ||
    error.message.includes('Cannot use import statement outside a module')
  );
}

/** The fix for {@link isCommonJsMixUp}. */
export const COMMONJS_HINT =
  'the file was loaded as CommonJS; add "type": "module" to the nearest package.json or rename it to .mts';
