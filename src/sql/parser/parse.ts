/**
 * Entry points of the SQL parser: text in, immutable AST out, or one user error with the line
 * and column of the first mistake. Parsing stops at the first error (no recovery), because a
 * statement is short and a second guess at what was meant only adds noise.
 *
 * A worker thread rebuilding a SQL job runs the job file's `executeSql` calls again; the trees
 * the submitting thread parsed travel with the job (`rebuild-memo.ts`), so the worker takes
 * them instead of lexing and parsing. Such a worker does not even load the lexer, the grammar
 * and chevrotain (`parse-text.ts`): loading them costs it tens of milliseconds of CPU at every
 * start, and every SQL text it can meet is in the memo.
 */
import {
  recallFromSubmitter,
  rebuildingFromCompleteMemo,
  rememberForRebuild,
} from '../../api/rebuild-memo.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { Expr, Statement, TypeSyntax } from './ast.js';
import type { EntryRule } from './parse-text.js';

/** The rebuild-memo namespace of parsed trees, keyed by rule and text. */
const MEMO = 'sql.parse';

// Decided when this module loads, which on a worker is after the memo of the job it rebuilds
// is installed (the job file is what imports the SQL layer).
const text = rebuildingFromCompleteMemo(MEMO) ? undefined : await import('./parse-text.js');

let lexed = false;

/** Parses one statement; a trailing `;` is allowed. */
export function parseStatement(sql: string): Statement {
  return run('statement', sql);
}

/** Parses a script of statements separated by `;` (as `weir sql -f` reads). */
export function parseScript(sql: string): Statement[] {
  return run('script', sql);
}

/** Parses a standalone expression, e.g. for the Table API's string expressions. */
export function parseExpression(sql: string): Expr {
  return run('expression', sql);
}

/** Parses a data type such as `BIGINT NOT NULL` or `ROW<a INT, b STRING>`, e.g. for a Table API schema. */
export function parseDataType(sql: string): TypeSyntax {
  return run('dataType', sql);
}

function run<T>(ruleName: EntryRule, sql: string): T {
  // Parsing is a pure function of the text, so the submitting thread's tree is the one this
  // worker would build. It arrives unfrozen, which only lets through what frozen nodes refuse.
  const key = `${ruleName}:${sql}`;
  const recalled = recallFromSubmitter(MEMO, key);
  if (recalled !== undefined) return recalled as T;
  if (text === undefined) {
    throw userError(
      ErrorCodes.JOB_FILE,
      `a worker thread rebuilding the job met SQL text the submitting thread did not parse (${JSON.stringify(sql.slice(0, 80))}); build the same SQL text every time the job file loads`,
    );
  }
  lexed = true;
  const result = text.parseText(ruleName, sql) as T;
  rememberForRebuild(MEMO, key, result);
  return result;
}

/** @internal Whether this thread has lexed SQL text (and so built the lexer) since it started. */
export function sqlTextLexed(): boolean {
  return lexed;
}

/** @internal Whether this thread has loaded the lexer, the grammar and chevrotain. */
export function sqlParserLoaded(): boolean {
  return text !== undefined;
}
