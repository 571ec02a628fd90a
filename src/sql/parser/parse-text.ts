/**
 * The lexer and parser at work: SQL text in, a tree of the named grammar rule out, or one user
 * error with the line and column of the first mistake. Only `parse.ts` imports this module,
 * and only on threads that may parse text: it loads chevrotain and the grammar, which a worker
 * thread rebuilding a SQL job from its submitter's parsed trees never needs.
 */
import type { ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { WeirError } from '../../types/errors.js';
import { parseError, unsupported } from '../errors.js';
import type { SourcePos } from './ast.js';
import { EOF } from './chevrotain.js';
import { SqlGrammar } from './grammar.js';
import { outOfScope } from './out-of-scope.js';
import { Semicolon, sqlLexer } from './tokens.js';

/** The grammar rules the entry points of `parse.ts` start from. */
export type EntryRule = 'statement' | 'script' | 'expression' | 'dataType';

let grammar: SqlGrammar | undefined;

/** The parser is built once (grammar analysis takes a few milliseconds) and reused. */
function parser(): SqlGrammar {
  grammar ??= new SqlGrammar();
  return grammar;
}

/** Lexes and parses `sql` with `ruleName`, throwing the first error as a user error. */
export function parseText(ruleName: EntryRule, sql: string): unknown {
  const tokens = sqlLexer().tokenize(sql);
  if (tokens.errors.length > 0) throw lexingError(sql, tokens.errors[0]!);
  const p = parser();
  p.source = sql;
  p.input = tokens.tokens;
  const result = p[ruleName]();
  const error = p.errors[0];
  if (error !== undefined) throw recognitionError(error, tokens.tokens);
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
  const refused = outOfScope(tokens, token);
  if (refused !== undefined)
    return unsupported(
      { line: refused.token.startLine!, column: refused.token.startColumn! },
      refused.construct,
      refused.hint,
    );
  return parseError(pos, error.message);
}
