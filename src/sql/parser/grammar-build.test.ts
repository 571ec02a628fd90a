/**
 * How the parser and lexer are built. Production builds skip chevrotain's definition
 * validations and build each lookahead function on first use, to start faster, so this test
 * runs the validations (a mistake in the grammar or the tokens fails here) on a build that
 * computes every lookahead up front, and checks that the production build parses alike: over
 * the parser corpus, Nexmark's queries, the error corpus and generated token soup, the
 * production lexer and parser give the same tokens, trees and errors as the validated ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqlGrammar } from './grammar.js';
import { buildSqlLexer } from './tokens.js';

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
