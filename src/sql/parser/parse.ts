/**
 * Entry points of the SQL parser: text in, immutable AST out, or one user error with the line
 * and column of the first mistake. Parsing stops at the first error (no recovery), because a
 * statement is short and a second guess at what was meant only adds noise.
 */
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import { EOF } from './chevrotain.js';
import type { WeirError } from '../../types/errors.js';
import { parseError } from '../errors.js';
import type { Expr, SourcePos, Statement, TypeSyntax } from './ast.js';
import { SqlGrammar } from './grammar.js';
import { Semicolon, sqlLexer } from './tokens.js';

let grammar: SqlGrammar | undefined;

/** The parser is built once (grammar analysis takes a few milliseconds) and reused. */
function parser(): SqlGrammar {
  grammar ??= new SqlGrammar();
  return grammar;
}

/** Parses one statement; a trailing `;` is allowed. */
export function parseStatement(sql: string): Statement {
  return run(sql, (p) => p.statement());
}

/** Parses a script of statements separated by `;` (as `weir sql -f` reads). */
export function parseScript(sql: string): Statement[] {
  return run(sql, (p) => p.script());
}

/** Parses a standalone expression, e.g. for the Table API's string expressions. */
export function parseExpression(sql: string): Expr {
  return run(sql, (p) => p.expression());
}

/** Parses a data type such as `BIGINT NOT NULL` or `ROW<a INT, b STRING>`, e.g. for a Table API schema. */
export function parseDataType(sql: string): TypeSyntax {
  return run(sql, (p) => p.dataType());
}

function run<T>(sql: string, rule: (p: SqlGrammar) => T): T {
  const lexed = sqlLexer().tokenize(sql);
  if (lexed.errors.length > 0) throw lexingError(sql, lexed.errors[0]!);
  const p = parser();
  p.source = sql;
  p.input = lexed.tokens;
  const result = rule(p);
  const error = p.errors[0];
  if (error !== undefined) throw recognitionError(error, lexed.tokens);
  return result;
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
