/**
 * `CREATE [TEMPORARY [SYSTEM]] FUNCTION name AS 'identifier' [LANGUAGE …]`: what the identifier
 * names, by language.
 *
 * - JAVA and SCALA (and no LANGUAGE clause, Flink's default): a class name. There is no JVM, so
 *   the name is looked up among the classes the program bound to TypeScript implementations
 *   with `TableEnvironment.registerFunctionClass`; that is how scripts written for Flink (the
 *   Nexmark queries' `count_char`) run unchanged.
 * - TYPESCRIPT and JAVASCRIPT: `'path/to/module.ts#Export'`, a module and one of its exports
 *   (`default` when `#Export` is left out), the path absolute or relative: to the script's
 *   directory in `weir sql -f dir/script.sql` (as an import is to its file, so a script and its
 *   modules move together), to the job file's directory (`weir run job.ts`) when the module is
 *   there, else to the working directory (the interactive client). The export is a
 *   {@link ScalarFunction}, {@link TableFunction} or aggregate
 *   function class (instantiated with no arguments) or such an object. Modules load
 *   asynchronously, so the function exists once the statement's `await()` resolves; a job file
 *   that awaits it loads the module again in every worker thread, as its other registrations
 *   happen there too.
 * - PYTHON is refused by name.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getEnvironmentDefaults } from '../../api/context.js';
import { unsupported, validationError } from '../errors.js';
import type { CreateFunction } from '../parser/ast.js';
import type { UserDefinedFunction } from './user-functions.js';

/**
 * What `registerFunctionClass` binds a class name to: a function object, or a class whose
 * instances are function objects (constructed with no arguments, once per CREATE FUNCTION).
 */
export type FunctionClassImpl = UserDefinedFunction | (new () => UserDefinedFunction);

/** The languages CREATE FUNCTION accepts, as written after LANGUAGE. */
const LANGUAGES = ['JAVA', 'SCALA', 'PYTHON', 'TYPESCRIPT', 'JAVASCRIPT'];

/**
 * The function a CREATE FUNCTION names: at once for a bound class name, or a promise for a
 * TypeScript or JavaScript module's export, a relative module path resolved against
 * `moduleDirectory` when given (a SQL script's directory). Throws a one-line error for PYTHON,
 * an unknown language or an unbound class name.
 */
export function resolveCreateFunction(
  statement: CreateFunction,
  classes: ReadonlyMap<string, FunctionClassImpl>,
  moduleDirectory?: string,
): UserDefinedFunction | Promise<UserDefinedFunction> {
  const language = statement.language ?? 'JAVA';
  const name = statement.name[statement.name.length - 1]!;
  if (!LANGUAGES.includes(language))
    throw validationError(
      statement.pos,
      `unknown function language '${language}'; use LANGUAGE TYPESCRIPT, JAVASCRIPT, JAVA or SCALA`,
    );
  if (language === 'PYTHON')
    throw unsupported(
      statement.pos,
      'CREATE FUNCTION … LANGUAGE PYTHON',
      `write '${name}' in TypeScript and create it with LANGUAGE TYPESCRIPT or tEnv.createTemporarySystemFunction('${name}', fn)`,
    );
  if (language === 'TYPESCRIPT' || language === 'JAVASCRIPT')
    return loadModuleFunction(statement, moduleDirectory);
  const impl = classes.get(statement.className);
  if (impl === undefined)
    throw validationError(
      statement.pos,
      `function class '${statement.className}' is not bound; bind a TypeScript implementation with tEnv.registerFunctionClass('${statement.className}', impl), or write CREATE FUNCTION ${name} AS 'module.ts#Export' LANGUAGE TYPESCRIPT`,
    );
  return instantiate(impl);
}

/** A function object from a bound or exported implementation. */
function instantiate(impl: FunctionClassImpl): UserDefinedFunction {
  return typeof impl === 'function' ? new impl() : impl;
}

/**
 * Where a module path points: as is when absolute; in `moduleDirectory` when given; else next to
 * the job file being run (`weir run job.ts`, and its reloads in worker threads) when the module
 * is there, else in the working directory.
 */
function modulePath(path: string, moduleDirectory: string | undefined): string {
  if (isAbsolute(path)) return path;
  if (moduleDirectory !== undefined) return resolve(moduleDirectory, path);
  const defaults = getEnvironmentDefaults();
  // A worker thread rebuilding the job's graph runs the job file with it as process.argv[1].
  const job =
    defaults?.jobModule?.path ?? (defaults?.graphCapture === undefined ? undefined : process.argv[1]);
  if (job !== undefined) {
    const besideJob = resolve(dirname(job), path);
    if (existsSync(besideJob)) return besideJob;
  }
  return resolve(process.cwd(), path);
}

/** Imports `'module#Export'` and makes the function of its export. */
async function loadModuleFunction(
  statement: CreateFunction,
  moduleDirectory: string | undefined,
): Promise<UserDefinedFunction> {
  const hash = statement.className.lastIndexOf('#');
  const path = hash < 0 ? statement.className : statement.className.slice(0, hash);
  const exportName = hash < 0 ? 'default' : statement.className.slice(hash + 1);
  const absolute = modulePath(path, moduleDirectory);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw validationError(
      statement.pos,
      `cannot load function module '${absolute}': ${(error as Error).message.split('\n', 1)[0]}; give an absolute path or one relative to ${moduleDirectory === undefined ? 'the working directory' : `the script's directory ${moduleDirectory}`}`,
    );
  }
  const impl = module[exportName];
  if (!isFunctionImpl(impl))
    throw validationError(
      statement.pos,
      `module '${path}' has no function export '${exportName}'; export a ScalarFunction, TableFunction or aggregate function class${Object.keys(module).length > 0 ? ` (exports: ${Object.keys(module).join(', ')})` : ''}`,
    );
  return instantiate(impl);
}

/** Whether an export can be a function: a class, or an object with `eval` or `accumulate`. */
function isFunctionImpl(value: unknown): value is FunctionClassImpl {
  if (typeof value === 'function') return value.prototype !== undefined;
  if (typeof value !== 'object' || value === null) return false;
  return (
    typeof (value as { eval?: unknown }).eval === 'function' ||
    typeof (value as { accumulate?: unknown }).accumulate === 'function'
  );
}
