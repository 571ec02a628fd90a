/**
 * How the parser and lexer are built. Production builds skip chevrotain's definition
 * validations and build each lookahead function on first use, to start faster, so this test
 * runs the validations (a mistake in the grammar or the tokens fails here) on a build that
 * computes every lookahead up front, and checks that the production build parses alike: over
 * the parser corpus, Nexmark's queries, the error corpus and generated token soup, the
 * production lexer and parser give the same tokens, trees and errors as the validated ones,
 * and the production lexer (keywords built with start hints) the same tokens as one in safe mode.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lexer as ChevrotainLexer } from './chevrotain.js';
import { SqlGrammar } from './grammar.js';
import { allTokens, buildSqlLexer } from './tokens.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIRS = ['test/sql/corpus', 'test/sql/corpus/errors', 'bench/nexmark/sql'];
const corpus = DIRS.flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => readFileSync(join(ROOT, dir, file), 'utf8')),
);

type Lexer = ReturnType<typeof buildSqlLexer>;

/** Everything a parse produces: tokens, lexing errors, the tree or the first recognition error. */
function outcome(lexer: Lexer, grammar: SqlGrammar, sql: string): unknown {
  const lexed = lexer.tokenize(sql);
  const tokens = lexed.tokens.map((t) => [t.tokenType.name, t.image, t.startLine, t.startColumn]);
  if (lexed.errors.length > 0) return { tokens, lexError: lexed.errors[0]!.offset };
  grammar.source = sql;
  grammar.input = lexed.tokens;
  let tree: unknown;
  try {
    tree = grammar.script();
  } catch (error) {
    // Semantic checks in the grammar's actions throw user errors; both builds must agree.
    return { tokens, thrown: String(error) };
  }
  const error = grammar.errors[0];
  return { tokens, tree, error: error && [error.name, error.message, error.token.startOffset] };
}

describe('building the SQL parser', () => {
  const lexer = buildSqlLexer();
  const grammar = new SqlGrammar();
  let validatedLexer = lexer;
  let validatedGrammar = grammar;

  it('passes chevrotain validations of the tokens and the grammar', () => {
    // Building with validations throws on the first definition error, naming the rule or token.
    validatedLexer = buildSqlLexer(true);
    validatedGrammar = new SqlGrammar({ validate: true });
    expect(validatedLexer.lexerDefinitionErrors).toEqual([]);
    expect(validatedGrammar).not.toBe(grammar);
    expect(corpus.length).toBeGreaterThan(20);
  });

  it('parses the corpus the same with and without validations', () => {
    for (const sql of corpus) {
      expect(outcome(lexer, grammar, sql)).toEqual(outcome(validatedLexer, validatedGrammar, sql));
    }
  });

  it('lexes the corpus the same as a lexer that tries every token at every character', () => {
    // Safe mode skips the first-character table the keywords' start hints build.
    const safe = new ChevrotainLexer(allTokens, { positionTracking: 'full', safeMode: true });
    const tokens = (l: Lexer, sql: string) =>
      l.tokenize(sql).tokens.map((t) => [t.tokenType.name, t.image, t.startLine, t.startColumn, t.endColumn]);
    for (const sql of corpus) expect(tokens(lexer, sql)).toEqual(tokens(safe, sql));
    const mixed = 'select Select sElEcT selects _from fromage\nWHERE\twhere1 INTERVAL interval_x';
    expect(tokens(lexer, mixed)).toEqual(tokens(safe, mixed));
  });

  it('parses generated statements the same with and without validations', () => {
    const words = ['SELECT', 'a', 'FROM', 't', 'WHERE', '(', ')', ',', '1', "'x'", 'GROUP', 'BY'];
    const soup = fc.array(fc.constantFrom(...words, '+', '*', 'AS', 'JOIN', 'ON', '=', ';'), {
      maxLength: 20,
    });
    fc.assert(
      fc.property(soup, (parts) => {
        const sql = parts.join(' ');
        expect(outcome(lexer, grammar, sql)).toEqual(outcome(validatedLexer, validatedGrammar, sql));
      }),
      { numRuns: 300 },
    );
  });
});
