/**
 * Names of FileSink part files. A committed part is `<prefix>-<jobId>-<subtask>-<counter><suffix>`;
 * while in progress or pending it is the same name with a leading '.' and a trailing
 * '.inprogress', so readers that skip hidden files (FileSource included) never see it.
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

/** The paths of part `counter` of a subtask in `bucketDir`. */
export function partPaths(
  bucketDir: string,
  config: Required<OutputFileConfig>,
  jobId: string,
  subtask: number,
  counter: number,
): PartPaths {
  // Job ids come from the runtime; keep anything that could break a file name out of it.
  const job = jobId.replace(/[^A-Za-z0-9_-]/g, '_');
  const name = `${config.partPrefix}-${job}-${subtask}-${counter}${config.partSuffix}`;
  return { inProgressPath: join(bucketDir, `.${name}.inprogress`), finalPath: join(bucketDir, name) };
}
