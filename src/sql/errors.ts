/**
 * How the SQL layer reports mistakes: every error is a one-line user error that starts with
 * where the problem is (`line L, column C`) and names the construct, so the SQL client and
 * `executeSql` can print it as is.
 */
import { type ErrorCode, ErrorCodes, userError, WeirError } from '../types/errors.js';
import type { SourcePos } from './parser/ast.js';

/** A syntax error: `SQL parse error at line 2, column 8: expected ')' after the column list`. */
export function parseError(pos: SourcePos, message: string): WeirError {
  return userError(
    ErrorCodes.SQL_PARSE,
    `SQL parse error at line ${pos.line}, column ${pos.column}: ${message}`,
  );
}

/** A statement that parses but is wrong: unknown names, type mismatches, bad options. */
export function validationError(pos: SourcePos | undefined, message: string): WeirError {
  return sqlError(ErrorCodes.SQL_VALIDATION, pos, message);
}

/** Syntax or a feature not supported (yet): `ALL ROWS PER MATCH is not supported`. */
export function unsupported(pos: SourcePos | undefined, construct: string, hint?: string): WeirError {
  return sqlError(ErrorCodes.SQL_UNSUPPORTED, pos, `${construct} is not supported${hint ? `; ${hint}` : ''}`);
}

function sqlError(code: ErrorCode, pos: SourcePos | undefined, message: string): WeirError {
  return userError(code, sqlMessage(pos, message));
}

/** `message` after where it is: `SQL error at line L, column C: …`. */
function sqlMessage(pos: SourcePos | undefined, message: string): string {
  const where = pos === undefined ? '' : ` at line ${pos.line}, column ${pos.column}`;
  return `SQL error${where}: ${message}`;
}

/**
 * A name that no column in scope has, as `validationError` words it (`SQL error at line 3,
 * column 9: column 'x' not found; available columns: a, b`), carrying the name and its
 * position, so a planner that reads an enclosing query's columns (`nested-outer.ts`) tells it
 * from other errors by its class instead of by its text.
 */
export class ColumnNotFoundError extends WeirError {
  /**
   * `path` is the name the message quotes, in its parts (`['a', 'x']` for `a.x`); `detail` is
   * the message after the position.
   */
  constructor(
    readonly pos: SourcePos,
    readonly path: readonly string[],
    detail: string,
  ) {
    super(ErrorCodes.SQL_VALIDATION, sqlMessage(pos, detail), { domain: 'user' });
  }
}
