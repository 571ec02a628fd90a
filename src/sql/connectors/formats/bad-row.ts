/**
 * What the SQL file formats do with a row they cannot read: with `<format>.ignore-parse-errors`
 * the file reader skips and counts it (a {@link MalformedLineError}); otherwise the job fails
 * with one line naming the file, the line, the column and the option that skips such rows.
 */
import { MalformedLineError } from '../../../connectors/file/index.js';
import { ErrorCodes, userError } from '../../../types/errors.js';

/** Builds the error for one bad row of `path`; see the module comment. */
export function badRow(
  format: 'json' | 'csv',
  ignoreParseErrors: boolean,
  path: string,
  line: number,
  column: string | undefined,
  reason: string,
): Error {
  const oneLine = reason.replace(/\s*[\r\n]+\s*/g, ' ');
  if (ignoreParseErrors) return new MalformedLineError(oneLine, line);
  const where = `${path}${line > 0 ? ` at line ${line}` : ''}${column === undefined ? '' : `, column '${column}'`}`;
  return userError(
    ErrorCodes.MALFORMED_RECORD,
    `malformed ${format.toUpperCase()} row in ${where}: ${oneLine}; fix the file or set '${format}.ignore-parse-errors' = 'true' to skip bad rows and read bad values as NULL`,
  );
}
