/**
 * Names of FileSink part files. A committed part is
 * `<prefix>-<jobId>-<subtask>-<counter>-<attemptId><suffix>`; while in progress or pending it is
 * the same name with a leading '.' and a trailing '.inprogress', so readers that skip hidden
 * files (FileSource included) never see it.
 *
 * The attempt id in the name is what makes exactly-once recovery simple. A committed name is
 * unique across attempts, so an attempt restored twice from the same checkpoint can never produce
 * a second file under a name that is already committed with other content, and a commit that
 * finds its final name present knows it was its own rename. The hidden name carries the attempt
 * too, so recovery can tell the running attempt's files from what crashed attempts left behind.
 */
import { join } from 'node:path';
import { ErrorCodes, userError } from '../../types/errors.js';

/** Part file naming options, after Flink's OutputFileConfig. */
export interface OutputFileConfig {
  /** Default 'part'. Must not start with '.' or '_', which would hide committed files. */
  partPrefix?: string;
  /** Default ''; e.g. '.ndjson'. */
  partSuffix?: string;
}

/** Where a part is written, and where it goes when committed. */
export interface PartPaths {
  readonly inProgressPath: string;
  readonly finalPath: string;
}

/** The ending of every hidden (in-progress or pending) part file. */
export const IN_PROGRESS_SUFFIX = '.inprogress';

/** Checks the options once, so that naming a part cannot fail later. */
export function validateOutputFileConfig(config: OutputFileConfig): Required<OutputFileConfig> {
  const partPrefix = config.partPrefix ?? 'part';
  const partSuffix = config.partSuffix ?? '';
  const bad = (message: string) =>
    userError(ErrorCodes.INVALID_ARGUMENT, `FileSink output file config: ${message}`);
  if (
    typeof partPrefix !== 'string' ||
    partPrefix.length === 0 ||
    /^[._]/.test(partPrefix) ||
    partPrefix.includes('/')
  ) {
    throw bad(
      `partPrefix must be a non-empty name without '/' that does not start with '.' or '_', got ${JSON.stringify(partPrefix)}`,
    );
  }
  if (typeof partSuffix !== 'string' || partSuffix.includes('/')) {
    throw bad(`partSuffix must be a string without '/', got ${JSON.stringify(partSuffix)}`);
  }
  return { partPrefix, partSuffix };
}

/**
 * The form of an id (job or attempt) inside a file name. Anything but letters, digits and '_'
 * becomes '_', so the '-' separators of a part name stay unambiguous and a hostile id cannot
 * reach another directory.
 */
export function nameToken(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

/** The paths of part `counter` of a subtask, written by attempt `attemptId`, in `bucketDir`. */
export function partPaths(
  bucketDir: string,
  config: Required<OutputFileConfig>,
  jobId: string,
  attemptId: string,
  subtask: number,
  counter: number,
): PartPaths {
  const name = `${config.partPrefix}-${nameToken(jobId)}-${subtask}-${counter}-${nameToken(attemptId)}${config.partSuffix}`;
  return {
    inProgressPath: join(bucketDir, `.${name}${IN_PROGRESS_SUFFIX}`),
    finalPath: join(bucketDir, name),
  };
}

/** What the name of a hidden part file says about it. */
export interface HiddenPartName {
  readonly subtask: number;
  readonly counter: number;
  /** The attempt token, as {@link nameToken} made it. */
  readonly attempt: string;
}

/**
 * Parses the name of a hidden part file written with `config`; undefined for any other name,
 * so that clean-up never touches files the sink did not write.
 */
export function parseHiddenPartName(
  name: string,
  config: Required<OutputFileConfig>,
): HiddenPartName | undefined {
  const head = `.${config.partPrefix}-`;
  const tail = `${config.partSuffix}${IN_PROGRESS_SUFFIX}`;
  if (!name.startsWith(head) || !name.endsWith(tail) || name.length <= head.length + tail.length) {
    return undefined;
  }
  const middle = name.slice(head.length, name.length - tail.length);
  // Anchored at the end, where subtask, counter and attempt are; the job token holds no '-'.
  const match = /-(\d+)-(\d+)-([A-Za-z0-9_]+)$/.exec(middle);
  if (match === null || match.index === 0) return undefined;
  return { subtask: Number(match[1]), counter: Number(match[2]), attempt: match[3]! };
}
