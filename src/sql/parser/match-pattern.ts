/**
 * The `PATTERN (…)` of `MATCH_RECOGNIZE`: pattern variables concatenated, each with an optional
 * quantifier (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, `{,m}`) and an optional `?` making it
 * reluctant. What Flink does not support either (alternation, groups, `PERMUTE`, exclusions,
 * anchors, `??`) is refused by name at its position. Which patterns can match nothing, or end
 * greedily, is the planner's check: it needs the whole pattern.
 */
import type { IToken } from 'chevrotain';
import { parseError, unsupported } from '../errors.js';
import type { PatternElement, SourcePos } from './ast.js';
import { identifierValue, posOf } from './grammar-base.js';
import * as T from './tokens.js';

/** Constructs of the SQL standard's patterns Flink refuses, by their first token. */
const REFUSED: ReadonlyMap<unknown, [string, string]> = new Map([
  [T.Pipe, ['alternation (|) in a pattern', 'run one query per alternative']],
  [T.Concat, ['alternation (|) in a pattern', 'run one query per alternative']],
  [T.LParen, ['a pattern group such as (A B)+', 'quantify single variables']],
  [T.Caret, ['the anchor ^ in a pattern', 'drop it; a stream has no start']],
  [T.Dollar, ['the anchor $ in a pattern', 'drop it; a stream has no end']],
]);

/** The pattern's tokens that are not variable names (the grammar passes names and these). */
const NOT_NAMES: ReadonlySet<unknown> = new Set([
  T.NumberLiteral,
  T.Plus,
  T.Star,
  T.Question,
  T.LBrace,
  T.RBrace,
  T.Comma,
  T.Minus,
  T.RParen,
]);

/** Reads a pattern's tokens (between its parentheses, which open at `pos`). */
export function parsePattern(tokens: readonly IToken[], pos: SourcePos): PatternElement[] {
  const elements: PatternElement[] = [];
  let i = 0;
  const peek = (): IToken | undefined => tokens[i];
  const expectNumber = (): number => {
    const token = tokens[i];
    if (token?.tokenType !== T.NumberLiteral || !/^\d+$/.test(token.image))
      throw parseError(
        token === undefined ? pos : posOf(token),
        `expected a whole number in a pattern quantifier {n,m}, found ${token === undefined ? "')'" : `'${token.image}'`}`,
      );
    i++;
    return Number(token.image);
  };
  while (i < tokens.length) {
    const token = tokens[i]!;
    const refused = REFUSED.get(token.tokenType);
    if (refused !== undefined) throw unsupported(posOf(token), refused[0], refused[1]);
    if (token.tokenType === T.LBrace && tokens[i + 1]?.tokenType === T.Minus)
      throw unsupported(posOf(token), 'pattern exclusion {- … -} (only ALL ROWS PER MATCH has it)');
    if (NOT_NAMES.has(token.tokenType))
      throw parseError(posOf(token), `expected a pattern variable, found '${token.image}'`);
    const variable = identifierValue(token);
    if (variable.toUpperCase() === 'PERMUTE' && tokens[i + 1]?.tokenType === T.LParen)
      throw unsupported(posOf(token), 'PERMUTE in a pattern', 'list the variables in one order');
    i++;
    let min = 1;
    let max = 1;
    let quantified = true;
    const q = peek();
    if (q?.tokenType === T.Star) [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (q?.tokenType === T.Plus) [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (q?.tokenType === T.Question) [min, max] = [0, 1];
    else if (q?.tokenType === T.LBrace) {
      if (tokens[i + 1]?.tokenType === T.Minus)
        throw unsupported(posOf(q), 'pattern exclusion {- … -} (only ALL ROWS PER MATCH has it)');
      i++;
      if (peek()?.tokenType === T.Comma) {
        i++;
        min = 0;
        max = expectNumber();
      } else {
        min = expectNumber();
        max = min;
        if (peek()?.tokenType === T.Comma) {
          i++;
          max = peek()?.tokenType === T.RBrace ? Number.POSITIVE_INFINITY : expectNumber();
        }
      }
      const close = peek();
      if (close?.tokenType !== T.RBrace)
        throw parseError(
          close === undefined ? pos : posOf(close),
          "expected '}' closing a pattern quantifier",
        );
      if (max < min || max === 0)
        throw parseError(posOf(q), `pattern quantifier {${min},${max}} needs 0 <= n <= m and m > 0`);
    } else quantified = false;
    if (quantified) i++; // the quantifier's last token: `*`, `+`, `?` or `}`
    let greedy = true;
    if (quantified && peek()?.tokenType === T.Question) {
      if (q?.tokenType === T.Question || (min === 0 && max === 1))
        throw unsupported(
          posOf(peek()!),
          'the reluctant optional quantifier ?? (as in Flink)',
          'use ? (greedy)',
        );
      greedy = false;
      i++;
    }
    elements.push({ pos: posOf(token), variable, min, max, greedy });
  }
  if (elements.length === 0)
    throw parseError(pos, 'PATTERN needs at least one pattern variable: PATTERN (A B+)');
  return elements;
}
