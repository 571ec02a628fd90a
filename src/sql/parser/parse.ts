/**
 * Entry points of the SQL parser: text in, immutable AST out, or one user error with the line
 * and column of the first mistake. Parsing stops at the first error (no recovery), because a
 * statement is short and a second guess at what was meant only adds noise.
 *
 * A worker thread rebuilding a SQL job runs the job file's `executeSql` calls again; the trees
 * the submitting thread parsed travel with the job (`rebuild-memo.ts`), so the worker takes
 * them instead of building the lexer and the parser, which would cost it most of a second.
 */
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import { recallFromSubmitter, rememberForRebuild } from '../../api/rebuild-memo.js';
import { EOF } from './chevrotain.js';
import type { WeirError } from '../../types/errors.js';
import { parseError } from '../errors.js';
import type { Expr, SourcePos, Statement, TypeSyntax } from './ast.js';
import { SqlGrammar } from './grammar.js';
import { Semicolon, sqlLexer } from './tokens.js';

let grammar: SqlGrammar | undefined;
let lexed = false;

/** The parser is built once (grammar analysis takes a few milliseconds) and reused. */
function parser(): SqlGrammar {
  grammar ??= new SqlGrammar();
  return grammar;
}

/** Parses one statement; a trailing `;` is allowed. */
export function parseStatement(sql: string): Statement {
  return run('statement', sql, (p) => p.statement());
}

/** Parses a script of statements separated by `;` (as `weir sql -f` reads). */
export function parseScript(sql: string): Statement[] {
  return run('script', sql, (p) => p.script());
}

/** Parses a standalone expression, e.g. for the Table API's string expressions. */
export function parseExpression(sql: string): Expr {
  return run('expression', sql, (p) => p.expression());
}

/** Parses a data type such as `BIGINT NOT NULL` or `ROW<a INT, b STRING>`, e.g. for a Table API schema. */
export function parseDataType(sql: string): TypeSyntax {
  return run('dataType', sql, (p) => p.dataType());
}

/** The rebuild-memo namespace of parsed trees, keyed by rule and text. */
const MEMO = 'sql.parse';

function run<T>(ruleName: string, sql: string, rule: (p: SqlGrammar) => T): T {
  // Parsing is a pure function of the text, so the submitting thread's tree is the one this
  // worker would build. It arrives unfrozen, which only lets through what frozen nodes refuse.
  const key = `${ruleName}:${sql}`;
  const recalled = recallFromSubmitter(MEMO, key);
  if (recalled !== undefined) return recalled as T;
  lexed = true;
  const tokens = sqlLexer().tokenize(sql);
  if (tokens.errors.length > 0) throw lexingError(sql, tokens.errors[0]!);
  const p = parser();
  p.source = sql;
  p.input = tokens.tokens;
  const result = rule(p);
  const error = p.errors[0];
  if (error !== undefined) throw recognitionError(error, tokens.tokens);
  rememberForRebuild(MEMO, key, result);
  return result;
}

/** @internal Whether this thread has lexed SQL text (and so built the lexer) since it started. */
export function sqlTextLexed(): boolean {
  return lexed;
}

function lexingError(sql: string, error: ILexingError): WeirError {
  const pos: SourcePos = { line: error.line ?? 1, column: error.column ?? 1 };
  const char = sql[error.offset] ?? '';
  if (char === "'") return parseError(pos, 'unterminated string literal; close it with a quote');
  if (char === '`') return parseError(pos, 'unterminated quoted identifier; close it with a backtick');
  if (char === '"')
    return parseError(
      pos,
      'double quotes are not used in Flink SQL; quote names with backticks and strings with single quotes',
    );
  return parseError(pos, `unexpected character '${char}'`);
}

function recognitionError(error: IRecognitionException, tokens: IToken[]): WeirError {
  const token = error.token;
  let pos: SourcePos;
  if (token.tokenType !== EOF && Number.isFinite(token.startLine)) {
    pos = { line: token.startLine!, column: token.startColumn! };
  } else {
    const last = tokens[tokens.length - 1];
    pos = last === undefined ? { line: 1, column: 1 } : { line: last.endLine!, column: last.endColumn! + 1 };
  }
  const before = tokens[tokens.indexOf(token) - 1];
  if (error.name === 'NotAllInputParsedException' && before?.tokenType === Semicolon)
    return parseError(
      pos,
      'only one statement can run here and another one starts; run them one by one or as a script',
    );
  return parseError(pos, error.message);
}
