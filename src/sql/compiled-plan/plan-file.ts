/**
 * Reading and writing plan files. A worker thread rebuilding a job runs the job file's
 * statements again, COMPILE PLAN and EXECUTE PLAN included: it takes the plan text the
 * submitting thread wrote or read (`rebuild-memo.ts`) instead of touching the file, so it runs
 * the very plan the submitter ran even if the file changed since, and never finds "its own"
 * file already there.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { recallFromSubmitter, rememberForRebuild } from '../../api/rebuild-memo.js';
import { validationError } from '../errors.js';
import type { SourcePos } from '../parser/ast.js';

/** The rebuild-memo namespace of plan texts, keyed by absolute path. */
const MEMO = 'sql.plan-file';

/** A plan file's absolute path: relative paths are the working directory's, as in Flink. */
export function planPath(file: string): string {
  return resolve(file.replace(/^file:(\/\/(?=\/))?/, ''));
}

/**
 * Whether this thread rebuilds a job whose submitting thread wrote or read the plan file at
 * `path`: then it has done so already, and the worker takes its text.
 */
export function planFromSubmitter(path: string): boolean {
  return recallFromSubmitter(MEMO, path) !== undefined;
}

/** Whether the plan file exists (for a rebuilding worker: whether the submitter had it). */
export function planFileExists(path: string): boolean {
  return recallFromSubmitter(MEMO, path) !== undefined || existsSync(path);
}

/** The text of a plan file; a missing or unreadable file is a one-line error at `pos`. */
export function readPlanFile(path: string, pos?: SourcePos): string {
  const recalled = recallFromSubmitter(MEMO, path);
  if (typeof recalled === 'string') return recalled;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw validationError(
      pos,
      code === 'ENOENT'
        ? `plan file '${path}' does not exist; write it first with COMPILE PLAN '${path}' FOR …`
        : `cannot read plan file '${path}' (${(error as Error).message}); check the path and its permissions`,
    );
  }
  rememberForRebuild(MEMO, path, text);
  return text;
}

/**
 * Writes a plan file whole (a reader never sees half a plan), making its directory. An existing
 * file is replaced: the caller decides whether it may be.
 */
export function writePlanFile(path: string, text: string, pos?: SourcePos): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.inprogress`;
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    throw validationError(
      pos,
      `cannot write plan file '${path}' (${(error as Error).message}); choose a path in a writable directory`,
    );
  }
  rememberForRebuild(MEMO, path, text);
}
