/**
 * Errors of the Table API: one line that names the operation (`select`, `join`…) and what to
 * change. The operations are planned from SQL text they write themselves, so a SQL error's
 * line and column would point into text the user never saw; they are dropped, and the rest of
 * the SQL layer's message (the unknown column and the columns there are, the bad type) kept.
 * A string expression's parse error keeps its position, which is in the user's own text.
 */
import { ErrorCodes, userError, type WeirError } from '../../types/errors.js';

/** A user error of the Table API operation `op`. */
export function tableApiError(op: string, message: string, cause?: unknown): WeirError {
  return userError(ErrorCodes.SQL_VALIDATION, `Table API ${op}(): ${message}`, cause);
}

const SQL_POSITION = /^SQL (?:parse )?error(?: at line \d+, column \d+)?: /;

/** Runs `fn`; a SQL validation error it throws is rethrown as `op`'s, without its position. */
export function withTableApiErrors<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const e = error as WeirError;
    if (e?.name !== 'WeirError' || !SQL_POSITION.test(e.message)) throw error;
    const rewritten = userError(e.code, `Table API ${op}(): ${e.message.replace(SQL_POSITION, '')}`, e);
    throw rewritten;
  }
}
