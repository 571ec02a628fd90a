/**
 * The `MATCH_RECOGNIZE (…)` clause after a FROM item, in Flink's order: `PARTITION BY`, `ORDER
 * BY`, `MEASURES`, the rows-per-match mode, `AFTER MATCH SKIP …`, `PATTERN (…) [WITHIN …]` and
 * `DEFINE`. Its words other than SQL's reserved ones are plain identifiers checked by text, so
 * `pattern` or `measures` stay usable as column names elsewhere. The pattern's tokens are
 * collected here and read by `match-pattern.ts`, which names each construct Flink lacks.
 */
import type { IToken } from 'chevrotain';
import { parseError, unsupported } from '../errors.js';
import {
  type AfterMatchSkip,
  type Expr,
  type FromItem,
  type MatchRecognizeRef,
  node,
  type OrderItem,
} from './ast.js';
import { ExpressionGrammar } from './expression-grammar.js';
import { identifierValue, posOf } from './grammar-base.js';
import { parsePattern } from './match-pattern.js';
import * as T from './tokens.js';

const { K } = T;

/** Whether a token is an unquoted identifier spelled `word` (upper case). */
function isWord(token: IToken, word: string): boolean {
  return token.tokenType === T.Identifier && token.image.toUpperCase() === word;
}

/** The pattern-recognition rules. */
export class MatchRecognizeGrammar extends ExpressionGrammar {
  /** The clause after `MATCH_RECOGNIZE`, applied to the FROM item `input`. */
  protected matchRecognize = this.RULE('matchRecognize', (input: FromItem): FromItem => {
    const start = this.CONSUME(K.MATCH_RECOGNIZE);
    this.CONSUME(T.LParen);
    const partitionBy: Expr[] = [];
    this.OPTION(() => {
      this.CONSUME(K.PARTITION);
      this.CONSUME(K.BY);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => partitionBy.push(this.SUBRULE(this.expression)) });
    });
    const orderBy: OrderItem[] = this.OPTION2(() => this.SUBRULE(this.orderByClause)) ?? [];
    const measures: { expr: Expr; alias: string; text: string }[] = [];
    this.OPTION3({
      GATE: () => isWord(this.LA(1), 'MEASURES'),
      DEF: () => {
        this.CONSUME(T.Identifier);
        this.AT_LEAST_ONE_SEP2({
          SEP: T.Comma,
          DEF: () => {
            const first = this.LA(1);
            const expr = this.SUBRULE2(this.expression);
            const text = this.ACTION(() => this.textFrom(first));
            this.CONSUME(K.AS);
            const alias = this.SUBRULE(this.name);
            measures.push({ expr, alias, text });
          },
        });
      },
    });
    this.OPTION4(() => this.SUBRULE(this.rowsPerMatch));
    const afterMatch = this.OPTION5(() => this.SUBRULE(this.afterMatchSkip)) ?? { kind: 'pastLastRow' };
    const patternWord = this.CONSUME2(T.Identifier, { ERR_MSG: 'expected PATTERN (…) in MATCH_RECOGNIZE' });
    this.ACTION(() => {
      if (!isWord(patternWord, 'PATTERN'))
        throw parseError(
          posOf(patternWord),
          `expected PATTERN (…) in MATCH_RECOGNIZE, found '${patternWord.image}'`,
        );
    });
    const open = this.CONSUME2(T.LParen);
    const tokens: IToken[] = [];
    let depth = 0;
    this.MANY({
      GATE: () => depth > 0 || this.LA(1).tokenType !== T.RParen,
      DEF: () => {
        const token = this.SUBRULE(this.patternToken);
        this.ACTION(() => {
          if (token.tokenType === T.LParen) depth++;
          if (token.tokenType === T.RParen) depth--;
          tokens.push(token);
        });
      },
    });
    this.CONSUME2(T.RParen);
    const within = this.OPTION6({
      GATE: () => isWord(this.LA(1), 'WITHIN'),
      DEF: () => {
        this.CONSUME3(T.Identifier);
        return this.SUBRULE3(this.expression);
      },
    });
    const defineWord = this.CONSUME4(T.Identifier, {
      ERR_MSG: "expected DEFINE after MATCH_RECOGNIZE's PATTERN (…)",
    });
    const define: MatchRecognizeRef['define'][number][] = [];
    this.AT_LEAST_ONE_SEP3({
      SEP: T.Comma,
      DEF: () => {
        const variable = this.SUBRULE(this.identifier);
        this.CONSUME2(K.AS);
        const first = this.LA(1);
        const condition = this.SUBRULE4(this.expression);
        this.ACTION(() =>
          define.push({
            variable: identifierValue(variable),
            pos: posOf(variable),
            condition,
            text: this.textFrom(first),
          }),
        );
      },
    });
    this.CONSUME3(T.RParen);
    return this.ACTION(() => {
      if (!isWord(defineWord, 'DEFINE'))
        throw parseError(
          posOf(defineWord),
          `expected DEFINE after MATCH_RECOGNIZE's PATTERN, found '${defineWord.image}'`,
        );
      const pattern = parsePattern(tokens, posOf(open));
      return node<MatchRecognizeRef>({
        kind: 'matchRecognize',
        pos: posOf(start),
        input,
        partitionBy,
        orderBy,
        measures,
        afterMatch,
        pattern,
        within,
        define,
        columnAliases: [],
      });
    });
  });

  /** One token of a pattern, for `parsePattern`. */
  protected patternToken = this.RULE(
    'patternToken',
    (): IToken =>
      this.OR([
        { ALT: () => this.SUBRULE(this.identifier) },
        { ALT: () => this.CONSUME(T.NumberLiteral) },
        { ALT: () => this.CONSUME(T.Plus) },
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Question) },
        { ALT: () => this.CONSUME(T.LBrace) },
        { ALT: () => this.CONSUME(T.RBrace) },
        { ALT: () => this.CONSUME(T.Comma) },
        { ALT: () => this.CONSUME(T.Minus) },
        { ALT: () => this.CONSUME(T.Pipe) },
        { ALT: () => this.CONSUME(T.Concat) },
        { ALT: () => this.CONSUME(T.Caret) },
        { ALT: () => this.CONSUME(T.Dollar) },
        { ALT: () => this.CONSUME(T.LParen) },
        { ALT: () => this.CONSUME(T.RParen) },
      ]),
  );

  /** `ONE ROW PER MATCH`; `ALL ROWS PER MATCH` is refused, as Flink refuses it. */
  protected rowsPerMatch = this.RULE('rowsPerMatch', (): void => {
    const first = this.OR([
      { GATE: () => isWord(this.LA(1), 'ONE'), ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(K.ALL) },
    ]);
    this.OR2([{ ALT: () => this.CONSUME(K.ROW) }, { ALT: () => this.CONSUME(K.ROWS) }]);
    const per = this.CONSUME2(T.Identifier);
    const match = this.CONSUME3(T.Identifier);
    this.ACTION(() => {
      if (first.tokenType === K.ALL)
        throw unsupported(posOf(first), 'ALL ROWS PER MATCH (as in Flink)', 'use ONE ROW PER MATCH');
      if (!isWord(per, 'PER') || !isWord(match, 'MATCH'))
        throw parseError(posOf(per), `expected ONE ROW PER MATCH, found '${per.image} ${match.image}'`);
    });
  });

  /** `AFTER MATCH SKIP PAST LAST ROW | TO NEXT ROW | TO FIRST v | TO LAST v`. */
  protected afterMatchSkip = this.RULE('afterMatchSkip', (): AfterMatchSkip => {
    this.CONSUME(K.AFTER);
    const match = this.CONSUME(T.Identifier);
    const skip = this.CONSUME2(T.Identifier);
    const result = this.OR([
      {
        GATE: () => isWord(this.LA(1), 'PAST'),
        ALT: (): AfterMatchSkip => {
          this.CONSUME3(T.Identifier);
          this.CONSUME(K.LAST);
          this.CONSUME(K.ROW);
          return { kind: 'pastLastRow' };
        },
      },
      {
        ALT: (): AfterMatchSkip => {
          this.CONSUME(K.TO);
          return this.OR2([
            {
              GATE: () => isWord(this.LA(1), 'NEXT'),
              ALT: (): AfterMatchSkip => {
                this.CONSUME4(T.Identifier);
                this.CONSUME2(K.ROW);
                return { kind: 'toNextRow' };
              },
            },
            {
              ALT: (): AfterMatchSkip => {
                const which = this.OR3([
                  { ALT: () => this.CONSUME(K.FIRST) },
                  { ALT: () => this.CONSUME2(K.LAST) },
                ]);
                const variable = this.SUBRULE(this.identifier);
                return this.ACTION(() => ({
                  kind: which.tokenType === K.FIRST ? 'toFirst' : 'toLast',
                  variable: identifierValue(variable),
                  pos: posOf(variable),
                }));
              },
            },
          ]);
        },
      },
    ]);
    this.ACTION(() => {
      if (!isWord(match, 'MATCH') || !isWord(skip, 'SKIP'))
        throw parseError(
          posOf(match),
          `expected AFTER MATCH SKIP, found 'AFTER ${match.image} ${skip.image}'`,
        );
    });
    return result;
  });
}
