/**
 * The grammar of Weir's Flink SQL dialect, written with chevrotain's embedded-actions parser:
 * each rule returns its AST node directly. Node construction sits in `ACTION` blocks because
 * chevrotain first runs every rule once without input to record the grammar, and nothing that
 * reads tokens may run then. Expressions follow SQL precedence: OR < AND < NOT < comparison
 * and predicates < `+ - ||` < `* / %` < unary sign < primary.
 */
import { EmbeddedActionsParser, EOF, type IToken, type TokenType } from 'chevrotain';
import { parseError, unsupported } from '../errors.js';
import {
  type Binary,
  type BinaryOp,
  type ColumnDef,
  type ComputedColumnDef,
  type Expr,
  type FrameBound,
  type FromItem,
  type Insert,
  node,
  type OrderItem,
  type PrimaryKeyDef,
  type Query,
  type QueryBody,
  type SelectItem,
  type SourcePos,
  type Statement,
  type TimeUnit,
  type TvfArgValue,
  type TypeSyntax,
  type WatermarkDef,
  type WindowSpec,
} from './ast.js';
import { sqlErrorMessages } from './error-messages.js';
import * as T from './tokens.js';

const { K } = T;

/** `MINUTES` → `MINUTE`: Flink accepts both forms of every unit. */
function unitOf(token: IToken): TimeUnit {
  const word = token.image.toUpperCase();
  return (word.endsWith('S') && word !== 'S' ? word.slice(0, -1) : word) as TimeUnit;
}

function posOf(token: IToken): SourcePos {
  return { line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

/** The text of a string literal without its quotes, with `''` unescaped. */
export function stringValue(token: IToken): string {
  return token.image.slice(1, -1).replaceAll("''", "'");
}

function identifierValue(token: IToken): string {
  return token.tokenType === T.QuotedIdentifier
    ? token.image.slice(1, -1).replaceAll('``', '`')
    : token.image;
}

const TIME_UNITS = [
  K.YEAR,
  K.YEARS,
  K.QUARTER,
  K.MONTH,
  K.MONTHS,
  K.WEEK,
  K.DAY,
  K.DAYS,
  K.HOUR,
  K.HOURS,
  K.MINUTE,
  K.MINUTES,
  K.SECOND,
  K.SECONDS,
  K.MILLISECOND,
  K.MILLISECONDS,
] as TokenType[];

/** The parser. One instance is reused: set `input`, call a rule, read `errors`. */
export class SqlGrammar extends EmbeddedActionsParser {
  /** The text being parsed, for constructs that keep their source (computed columns, watermarks). */
  source = '';

  constructor() {
    super(T.allTokens, { maxLookahead: 3, recoveryEnabled: false, errorMessageProvider: sqlErrorMessages });
    this.performSelfAnalysis();
  }

  // ----------------------------------------------------------------------- names and literals

  private identifier = this.RULE(
    'identifier',
    (): IToken =>
      this.OR([
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.CONSUME(T.QuotedIdentifier) },
        { ALT: () => this.CONSUME(T.NonReserved) },
      ]),
  );

  private name = this.RULE('name', (): string => {
    const token = this.SUBRULE(this.identifier);
    return this.ACTION(() => identifierValue(token));
  });

  /** `a.b.c`: catalog, database and object, or a table and its column. */
  private compoundName = this.RULE('compoundName', (): string[] => {
    const parts: string[] = [this.SUBRULE(this.name)];
    this.MANY(() => {
      this.CONSUME(T.Dot);
      parts.push(this.SUBRULE2(this.name));
    });
    return parts;
  });

  private nameList = this.RULE('nameList', (): string[] => {
    const names: string[] = [];
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => names.push(this.SUBRULE(this.name)) });
    this.CONSUME(T.RParen);
    return names;
  });

  private string = this.RULE('string', (): string => {
    const token = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => stringValue(token));
  });

  private integer = this.RULE('integer', (): number => {
    const token = this.CONSUME(T.NumberLiteral);
    return this.ACTION(() => Number(token.image));
  });

  private timeUnit = this.RULE('timeUnit', (): TimeUnit => {
    const token = this.OR(TIME_UNITS.map((unit) => ({ ALT: () => this.CONSUME(unit) })));
    return this.ACTION(() => unitOf(token));
  });

  // ----------------------------------------------------------------------------------- types

  /** Any data type; names are checked where a type is used (columns, CAST). */
  dataType = this.RULE('dataType', (): TypeSyntax => {
    let intervalUnit: TimeUnit | undefined;
    let nameToken!: IToken;
    const params: number[] = [];
    const args: { name?: string; type: TypeSyntax }[] = [];
    let withLocalTimeZone = false;
    let nullable = true;
    this.OR([
      {
        ALT: () => {
          nameToken = this.CONSUME(K.INTERVAL);
          intervalUnit = this.SUBRULE(this.timeUnit);
          this.OPTION(() => {
            this.CONSUME(K.TO);
            this.SUBRULE2(this.timeUnit);
          });
        },
      },
      {
        ALT: () => {
          nameToken = this.OR2(
            [T.Identifier, T.NonReserved, K.DATE, K.TIME, K.TIMESTAMP, K.ARRAY, K.MAP, K.MULTISET].map(
              (t) => ({
                ALT: () => this.CONSUME(t as TokenType),
              }),
            ),
          );
          this.OPTION2(() => {
            this.CONSUME(T.LParen);
            this.AT_LEAST_ONE_SEP({
              SEP: T.Comma,
              DEF: () =>
                this.OR3([
                  { ALT: () => params.push(this.SUBRULE(this.integer)) },
                  { ALT: () => args.push(this.SUBRULE(this.typeArg)) },
                ]),
            });
            this.CONSUME(T.RParen);
          });
          this.OPTION3(() => {
            this.CONSUME(T.Less);
            this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE2(this.typeArg)) });
            this.CONSUME(T.Greater);
          });
          // DOUBLE PRECISION, CHARACTER VARYING
          this.OPTION4(() =>
            this.OR4([{ ALT: () => this.CONSUME(K.PRECISION) }, { ALT: () => this.CONSUME(K.VARYING) }]),
          );
          // Only with LOCAL next: `STRING WITH (…)` is a missing ')' before the table's options.
          this.OPTION5({
            GATE: () => this.LA(2).tokenType === K.LOCAL,
            DEF: () => {
              this.CONSUME(K.WITH);
              this.CONSUME(K.LOCAL);
              this.CONSUME2(K.TIME);
              this.CONSUME(K.ZONE);
              withLocalTimeZone = true;
            },
          });
        },
      },
    ]);
    this.OPTION6(() => {
      this.OR5([
        {
          ALT: () => {
            this.CONSUME(K.NOT);
            this.CONSUME(K.NULL);
            nullable = false;
          },
        },
        { ALT: () => this.CONSUME2(K.NULL) },
      ]);
    });
    return this.ACTION(() =>
      node({
        kind: 'type',
        pos: posOf(nameToken),
        name: nameToken.image.toUpperCase(),
        params,
        args,
        nullable,
        withLocalTimeZone,
        intervalUnit,
      }),
    );
  });

  /** An element type (`STRING` in `ARRAY<STRING>`) or a named field (`zip INT` in `ROW<…>`). */
  private typeArg = this.RULE('typeArg', (): { name?: string; type: TypeSyntax } =>
    this.OR([
      {
        ALT: () => {
          const name = this.SUBRULE(this.name);
          const type = this.SUBRULE(this.dataType);
          this.OPTION(() => this.CONSUME(T.StringLiteral)); // a field comment
          return { name, type };
        },
      },
      { ALT: () => ({ type: this.SUBRULE2(this.dataType) }) },
    ]),
  );

  // ----------------------------------------------------------------------------- expressions

  expression = this.RULE('expression', (): Expr => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      const op = this.CONSUME(K.OR);
      const right = this.SUBRULE2(this.andExpression);
      left = this.ACTION(() => binary('OR', left, right, op));
    });
    return left;
  });

  private andExpression = this.RULE('andExpression', (): Expr => {
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      const op = this.CONSUME(K.AND);
      const right = this.SUBRULE2(this.notExpression);
      left = this.ACTION(() => binary('AND', left, right, op));
    });
    return left;
  });

  private notExpression = this.RULE(
    'notExpression',
    (): Expr =>
      this.OR([
        {
          ALT: () => {
            const not = this.CONSUME(K.NOT);
            const operand = this.SUBRULE(this.notExpression);
            return this.ACTION(() => node({ kind: 'unary', pos: posOf(not), op: 'NOT', operand }) as Expr);
          },
        },
        { ALT: () => this.SUBRULE(this.predicate) },
      ]),
  );

  /** Comparison and the predicates `IS`, `IN`, `BETWEEN`, `LIKE` on an additive operand. */
  private predicate = this.RULE('predicate', (): Expr => {
    const left = this.SUBRULE(this.additive);
    let result: Expr = left;
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => this.CONSUME(T.Equals) },
              { ALT: () => this.CONSUME(T.NotEquals) },
              { ALT: () => this.CONSUME(T.Less) },
              { ALT: () => this.CONSUME(T.LessEquals) },
              { ALT: () => this.CONSUME(T.Greater) },
              { ALT: () => this.CONSUME(T.GreaterEquals) },
            ]);
            const right = this.SUBRULE2(this.additive);
            result = this.ACTION(() =>
              binary(op.image === '!=' ? '<>' : (op.image as BinaryOp), left, right, op),
            );
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.IS);
            const negated = this.OPTION2(() => this.CONSUME(K.NOT)) !== undefined;
            this.OR3([
              {
                ALT: () => {
                  const test = this.OR4([
                    { ALT: () => this.CONSUME(K.NULL) },
                    { ALT: () => this.CONSUME(K.TRUE) },
                    { ALT: () => this.CONSUME(K.FALSE) },
                    { ALT: () => this.CONSUME(K.UNKNOWN) },
                  ]);
                  result = this.ACTION(() =>
                    node({
                      kind: 'is',
                      pos: left.pos,
                      test: test.image.toUpperCase() as 'NULL',
                      negated,
                      operand: left,
                    }),
                  );
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.DISTINCT);
                  this.CONSUME(K.FROM);
                  const right = this.SUBRULE3(this.additive);
                  result = this.ACTION(() =>
                    node({ kind: 'isDistinctFrom', pos: left.pos, negated, left, right }),
                  );
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            const negated = this.OPTION3(() => this.CONSUME2(K.NOT)) !== undefined;
            this.OR5([
              {
                ALT: () => {
                  this.CONSUME(K.IN);
                  this.CONSUME(T.LParen);
                  this.OR6([
                    {
                      GATE: () => this.queryAhead(),
                      ALT: () => {
                        const query = this.SUBRULE(this.query);
                        result = this.ACTION(() =>
                          node({ kind: 'inQuery', pos: left.pos, negated, operand: left, query }),
                        );
                      },
                    },
                    {
                      ALT: () => {
                        const list: Expr[] = [];
                        this.AT_LEAST_ONE_SEP({
                          SEP: T.Comma,
                          DEF: () => list.push(this.SUBRULE(this.expression)),
                        });
                        result = this.ACTION(() =>
                          node({ kind: 'inList', pos: left.pos, negated, operand: left, list }),
                        );
                      },
                    },
                  ]);
                  this.CONSUME(T.RParen);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.BETWEEN);
                  this.OPTION4(() =>
                    this.OR7([
                      { ALT: () => this.CONSUME(K.ASYMMETRIC) },
                      { ALT: () => this.CONSUME(K.SYMMETRIC) },
                    ]),
                  );
                  const low = this.SUBRULE4(this.additive);
                  this.CONSUME2(K.AND);
                  const high = this.SUBRULE5(this.additive);
                  result = this.ACTION(() =>
                    node({ kind: 'between', pos: left.pos, negated, operand: left, low, high }),
                  );
                },
              },
              {
                ALT: () => {
                  const similar =
                    this.OR8([
                      { ALT: () => this.CONSUME(K.LIKE) },
                      {
                        ALT: () => {
                          this.CONSUME(K.SIMILAR);
                          return this.CONSUME(K.TO);
                        },
                      },
                    ]).tokenType === K.TO;
                  const pattern = this.SUBRULE6(this.additive);
                  const escapeChar = this.OPTION5(() => {
                    this.CONSUME(K.ESCAPE);
                    return this.SUBRULE7(this.additive);
                  });
                  result = this.ACTION(() =>
                    node({
                      kind: 'like',
                      pos: left.pos,
                      negated,
                      similar,
                      operand: left,
                      pattern,
                      escape: escapeChar,
                    }),
                  );
                },
              },
            ]);
          },
        },
      ]);
    });
    return result;
  });

  private additive = this.RULE('additive', (): Expr => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.Plus) },
        { ALT: () => this.CONSUME(T.Minus) },
        { ALT: () => this.CONSUME(T.Concat) },
      ]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => binary(op.image as BinaryOp, left, right, op));
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): Expr => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        { ALT: () => this.CONSUME(T.Slash) },
        { ALT: () => this.CONSUME(T.Percent) },
      ]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => binary(op.image as BinaryOp, left, right, op));
    });
    return left;
  });

  private unary = this.RULE(
    'unary',
    (): Expr =>
      this.OR([
        {
          ALT: () => {
            const sign = this.OR2([
              { ALT: () => this.CONSUME(T.Minus) },
              { ALT: () => this.CONSUME(T.Plus) },
            ]);
            const operand = this.SUBRULE(this.unary);
            return this.ACTION(
              () => node({ kind: 'unary', pos: posOf(sign), op: sign.image as '-', operand }) as Expr,
            );
          },
        },
        { ALT: () => this.SUBRULE(this.postfix) },
      ]),
  );

  /** A primary with `[index]` element access. */
  private postfix = this.RULE('postfix', (): Expr => {
    let value = this.SUBRULE(this.primary);
    this.MANY(() => {
      const open = this.CONSUME(T.LBracket);
      const index = this.SUBRULE(this.expression);
      this.CONSUME(T.RBracket);
      value = this.ACTION(() =>
        node({ kind: 'call', pos: posOf(open), name: 'ITEM', args: [value, index], distinct: false }),
      );
    });
    return value;
  });

  private primary = this.RULE(
    'primary',
    (): Expr =>
      this.OR([
        { ALT: () => this.SUBRULE(this.literal) },
        { ALT: () => this.SUBRULE(this.intervalLiteral) },
        { ALT: () => this.SUBRULE(this.typedLiteral) },
        { ALT: () => this.SUBRULE(this.caseExpression) },
        { ALT: () => this.SUBRULE(this.castExpression) },
        { ALT: () => this.SUBRULE(this.specialCall) },
        { ALT: () => this.SUBRULE(this.existsExpression) },
        { ALT: () => this.SUBRULE(this.parenthesized) },
        { ALT: () => this.SUBRULE(this.callOrColumn) },
        { ALT: () => this.SUBRULE(this.starExpression) },
        {
          ALT: () => {
            const token = this.CONSUME(K.MATCH_RECOGNIZE);
            return this.ACTION(() => {
              throw unsupported(posOf(token), 'MATCH_RECOGNIZE');
            });
          },
        },
      ]),
  );

  private literal = this.RULE('literal', (): Expr => {
    const token = this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.BinaryLiteral) },
      { ALT: () => this.CONSUME(K.TRUE) },
      { ALT: () => this.CONSUME(K.FALSE) },
      { ALT: () => this.CONSUME(K.NULL) },
    ]);
    return this.ACTION(() => {
      const pos = posOf(token);
      const text = token.image;
      switch (token.tokenType) {
        case T.NumberLiteral:
          return node({ kind: 'literal', pos, type: 'number', value: Number(text), text });
        case T.StringLiteral:
          return node({ kind: 'literal', pos, type: 'string', value: stringValue(token), text });
        case T.BinaryLiteral:
          return node({ kind: 'literal', pos, type: 'binary', value: text.slice(2, -1), text });
        case K.NULL:
          return node({ kind: 'literal', pos, type: 'null', value: null, text });
        default:
          return node({ kind: 'literal', pos, type: 'boolean', value: token.tokenType === K.TRUE, text });
      }
    });
  });

  private intervalLiteral = this.RULE('intervalLiteral', (): Expr => {
    const start = this.CONSUME(K.INTERVAL);
    const sign = this.OPTION(() =>
      this.OR([{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]),
    );
    const text = this.OR2([
      { ALT: () => this.SUBRULE(this.string) },
      { ALT: () => String(this.SUBRULE(this.integer)) },
    ]);
    const unit = this.SUBRULE(this.timeUnit);
    this.OPTION2(() => {
      this.CONSUME(T.LParen);
      this.SUBRULE2(this.integer);
      this.CONSUME(T.RParen);
    });
    const toUnit = this.OPTION3(() => {
      this.CONSUME(K.TO);
      const u = this.SUBRULE2(this.timeUnit);
      this.OPTION4(() => {
        this.CONSUME2(T.LParen);
        this.SUBRULE3(this.integer);
        this.CONSUME2(T.RParen);
      });
      return u;
    });
    return this.ACTION(() =>
      node({ kind: 'interval', pos: posOf(start), negative: sign?.image === '-', text, unit, toUnit }),
    );
  });

  private typedLiteral = this.RULE('typedLiteral', (): Expr => {
    const type = this.OR([
      { ALT: () => this.CONSUME(K.DATE) },
      { ALT: () => this.CONSUME(K.TIME) },
      { ALT: () => this.CONSUME(K.TIMESTAMP) },
    ]);
    const text = this.SUBRULE(this.string);
    return this.ACTION(() =>
      node({ kind: 'typedLiteral', pos: posOf(type), type: type.image.toUpperCase() as 'DATE', text }),
    );
  });

  private caseExpression = this.RULE('caseExpression', (): Expr => {
    const start = this.CONSUME(K.CASE);
    const operand = this.OPTION(() => this.SUBRULE(this.expression));
    const whens: { when: Expr; then: Expr }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(K.WHEN);
      const when = this.SUBRULE2(this.expression);
      this.CONSUME(K.THEN);
      const then = this.SUBRULE3(this.expression);
      whens.push({ when, then });
    });
    const otherwise = this.OPTION2(() => {
      this.CONSUME(K.ELSE);
      return this.SUBRULE4(this.expression);
    });
    this.CONSUME(K.END);
    return this.ACTION(() => node({ kind: 'case', pos: posOf(start), operand, whens, otherwise }));
  });

  private castExpression = this.RULE('castExpression', (): Expr => {
    const start = this.OR([{ ALT: () => this.CONSUME(K.CAST) }, { ALT: () => this.CONSUME(K.TRY_CAST) }]);
    this.CONSUME(T.LParen);
    const operand = this.SUBRULE(this.expression);
    this.CONSUME(K.AS);
    const type = this.SUBRULE(this.dataType);
    this.CONSUME(T.RParen);
    return this.ACTION(() => {
      checkType(type);
      return node({ kind: 'cast', pos: posOf(start), operand, type, safe: start.tokenType === K.TRY_CAST });
    });
  });

  /** The calls with keywords inside their parentheses: EXTRACT, SUBSTRING, TRIM, POSITION, FLOOR, CEIL. */
  private specialCall = this.RULE('specialCall', (): Expr => {
    let start!: IToken;
    const args: Expr[] = [];
    const symbol = (token: IToken, name = token.image.toUpperCase()): Expr =>
      node({ kind: 'symbol', pos: posOf(token), name: unitOf({ ...token, image: name }) });
    this.OR([
      {
        ALT: () => {
          start = this.CONSUME(K.EXTRACT);
          this.CONSUME(T.LParen);
          const unit = this.OR2(TIME_UNITS.map((u) => ({ ALT: () => this.CONSUME(u) })));
          this.CONSUME(K.FROM);
          const value = this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
          this.ACTION(() => args.push(symbol(unit), value));
        },
      },
      {
        ALT: () => {
          start = this.CONSUME(K.SUBSTRING);
          this.CONSUME2(T.LParen);
          args.push(this.SUBRULE2(this.expression));
          this.OR3([
            {
              ALT: () => {
                this.CONSUME2(K.FROM);
                args.push(this.SUBRULE3(this.expression));
                this.OPTION(() => {
                  this.CONSUME(K.FOR);
                  args.push(this.SUBRULE4(this.expression));
                });
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Comma);
                args.push(this.SUBRULE5(this.expression));
                this.OPTION2(() => {
                  this.CONSUME2(T.Comma);
                  args.push(this.SUBRULE6(this.expression));
                });
              },
            },
          ]);
          this.CONSUME2(T.RParen);
        },
      },
      {
        ALT: () => {
          // TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) or TRIM(s): args are mode, chars, s.
          start = this.CONSUME(K.TRIM);
          this.CONSUME3(T.LParen);
          const mode = this.OPTION3(() =>
            this.OR4([
              { ALT: () => this.CONSUME(K.BOTH) },
              { ALT: () => this.CONSUME(K.LEADING) },
              { ALT: () => this.CONSUME(K.TRAILING) },
            ]),
          );
          const first = this.OPTION4(() => this.SUBRULE7(this.expression));
          const source = this.OPTION5(() => {
            this.CONSUME3(K.FROM);
            return this.SUBRULE8(this.expression);
          });
          this.CONSUME3(T.RParen);
          this.ACTION(() => {
            const pos = posOf(start);
            const modeName = mode?.image.toUpperCase() ?? 'BOTH';
            const space: Expr = node({ kind: 'literal', pos, type: 'string', value: ' ', text: "' '" });
            args.push(node({ kind: 'symbol', pos, name: modeName }));
            if (source === undefined) args.push(space, first ?? space);
            else args.push(first ?? space, source);
          });
        },
      },
      {
        ALT: () => {
          start = this.CONSUME(K.POSITION);
          this.CONSUME4(T.LParen);
          args.push(this.SUBRULE(this.additive));
          this.CONSUME(K.IN);
          args.push(this.SUBRULE9(this.expression));
          this.CONSUME4(T.RParen);
        },
      },
      {
        ALT: () => {
          start = this.OR5([
            { ALT: () => this.CONSUME(K.FLOOR) },
            { ALT: () => this.CONSUME(K.CEIL) },
            { ALT: () => this.CONSUME(K.CEILING) },
          ]);
          this.CONSUME5(T.LParen);
          args.push(this.SUBRULE1(this.expression));
          this.OPTION6(() => {
            this.CONSUME(K.TO);
            const unit = this.OR6(TIME_UNITS.map((u) => ({ ALT: () => this.CONSUME2(u) })));
            this.ACTION(() => args.push(symbol(unit)));
          });
          this.CONSUME5(T.RParen);
        },
      },
    ]);
    return this.ACTION(() => {
      const name = start.image.toUpperCase();
      return node({
        kind: 'call',
        pos: posOf(start),
        name: name === 'CEILING' ? 'CEIL' : name,
        args,
        distinct: false,
      });
    });
  });

  private existsExpression = this.RULE('existsExpression', (): Expr => {
    const start = this.CONSUME(K.EXISTS);
    this.CONSUME(T.LParen);
    const query = this.SUBRULE(this.query);
    this.CONSUME(T.RParen);
    return this.ACTION(() => node({ kind: 'exists', pos: posOf(start), query }));
  });

  /** `(expr)`, a row `(a, b)`, or a scalar subquery `(SELECT …)`. */
  private parenthesized = this.RULE('parenthesized', (): Expr => {
    const open = this.CONSUME(T.LParen);
    const result = this.OR([
      {
        GATE: () => this.queryAhead(),
        ALT: () => {
          const query = this.SUBRULE(this.query);
          return this.ACTION(() => node({ kind: 'subquery', pos: posOf(open), query }) as Expr);
        },
      },
      {
        ALT: () => {
          const items: Expr[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.expression)) });
          return this.ACTION(
            (): Expr => (items.length === 1 ? items[0]! : node({ kind: 'row', pos: posOf(open), items })),
          );
        },
      },
    ]);
    this.CONSUME(T.RParen);
    return result;
  });

  /** Whether a query starts here, past any number of `(`: decides `((SELECT …))` from `((a + b))`. */
  private queryAhead(): boolean {
    let i = 1;
    while (this.LA(i).tokenType === T.LParen) i++;
    const type = this.LA(i).tokenType;
    return type === K.SELECT || type === K.WITH || type === K.VALUES;
  }

  private starExpression = this.RULE('starExpression', (): Expr => {
    const star = this.CONSUME(T.Star);
    return this.ACTION(() => node({ kind: 'star', pos: posOf(star), qualifier: [] }));
  });

  /** A column `a.b.c`, a qualified star `t.*`, or a call `f(…) [FILTER (…)] [OVER …]`. */
  private callOrColumn = this.RULE('callOrColumn', (): Expr => {
    const first = this.OR([
      { ALT: () => this.SUBRULE(this.identifier) },
      { ALT: () => this.CONSUME(K.LEFT) },
      { ALT: () => this.CONSUME(K.RIGHT) },
      { ALT: () => this.CONSUME(K.MAP) },
      { ALT: () => this.CONSUME(K.ARRAY) },
    ]);
    const path: string[] = [this.ACTION(() => identifierValue(first))];
    let star = false;
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.OR2([
        { ALT: () => path.push(this.SUBRULE(this.name)) },
        {
          ALT: () => {
            this.CONSUME(T.Star);
            star = true;
          },
        },
      ]);
    });
    const call = this.OPTION(() => this.SUBRULE(this.callArguments));
    const filter = this.OPTION2(() => {
      this.CONSUME(K.FILTER);
      this.CONSUME(T.LParen);
      this.CONSUME(K.WHERE);
      const condition = this.SUBRULE(this.expression);
      this.CONSUME(T.RParen);
      return condition;
    });
    const over = this.OPTION3(() => {
      const token = this.CONSUME(K.OVER);
      return this.OR3([
        { ALT: () => this.SUBRULE(this.windowSpec) },
        {
          ALT: () => {
            const base = this.SUBRULE2(this.name);
            return this.ACTION(
              () =>
                node({
                  kind: 'windowSpec',
                  pos: posOf(token),
                  base,
                  partitionBy: [],
                  orderBy: [],
                }) as WindowSpec,
            );
          },
        },
      ]);
    });
    return this.ACTION(() => {
      const pos = posOf(first);
      if (star) return node({ kind: 'star', pos, qualifier: path });
      if (call === undefined) return node({ kind: 'column', pos, path });
      return node({
        kind: 'call',
        pos,
        name: path.join('.').toUpperCase(),
        args: call.args,
        distinct: call.distinct,
        filter,
        over,
      });
    });
  });

  private callArguments = this.RULE('callArguments', (): { args: Expr[]; distinct: boolean } => {
    const args: Expr[] = [];
    let distinct = false;
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.OPTION2(() =>
        this.OR([
          {
            ALT: () => {
              this.CONSUME(K.DISTINCT);
              distinct = true;
            },
          },
          { ALT: () => this.CONSUME(K.ALL) },
        ]),
      );
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.expression)) });
    });
    this.CONSUME(T.RParen);
    return { args, distinct };
  });

  private windowSpec = this.RULE('windowSpec', (): WindowSpec => {
    const open = this.CONSUME(T.LParen);
    const base = this.OPTION(() => this.SUBRULE(this.name));
    const partitionBy: Expr[] = [];
    this.OPTION2(() => {
      this.CONSUME(K.PARTITION);
      this.CONSUME(K.BY);
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => partitionBy.push(this.SUBRULE(this.expression)) });
    });
    const orderBy = this.OPTION3(() => this.SUBRULE(this.orderByClause)) ?? [];
    const frame = this.OPTION4(() => {
      const unit = this.OR([{ ALT: () => this.CONSUME(K.ROWS) }, { ALT: () => this.CONSUME(K.RANGE) }]);
      let start!: FrameBound;
      let end: FrameBound = { kind: 'currentRow' };
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(K.BETWEEN);
            start = this.SUBRULE(this.frameBound);
            this.CONSUME(K.AND);
            end = this.SUBRULE2(this.frameBound);
          },
        },
        { ALT: () => (start = this.SUBRULE3(this.frameBound)) },
      ]);
      return this.ACTION(() => ({ unit: unit.image.toUpperCase() as 'ROWS', start, end }));
    });
    this.CONSUME(T.RParen);
    return this.ACTION(() =>
      node({ kind: 'windowSpec', pos: posOf(open), base, partitionBy, orderBy, frame }),
    );
  });

  private frameBound = this.RULE(
    'frameBound',
    (): FrameBound =>
      this.OR([
        {
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            this.CONSUME(K.UNBOUNDED);
            const dir = this.OR2([
              { ALT: () => this.CONSUME(K.PRECEDING) },
              { ALT: () => this.CONSUME(K.FOLLOWING) },
            ]);
            return this.ACTION(() =>
              dir.tokenType === K.PRECEDING
                ? { kind: 'unboundedPreceding' as const }
                : { kind: 'unboundedFollowing' as const },
            );
          },
        },
        {
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            this.CONSUME(K.CURRENT);
            this.CONSUME(K.ROW);
            return { kind: 'currentRow' as const };
          },
        },
        {
          ALT: () => {
            const offset = this.SUBRULE(this.additive);
            const dir = this.OR3([
              { ALT: () => this.CONSUME2(K.PRECEDING) },
              { ALT: () => this.CONSUME2(K.FOLLOWING) },
            ]);
            return this.ACTION(() => ({
              kind: dir.tokenType === K.PRECEDING ? ('preceding' as const) : ('following' as const),
              offset,
            }));
          },
        },
      ]),
  );

  private orderByClause = this.RULE('orderByClause', (): OrderItem[] => {
    const items: OrderItem[] = [];
    this.CONSUME(K.ORDER);
    this.CONSUME(K.BY);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const expr = this.SUBRULE(this.expression);
        const dir = this.OPTION(() =>
          this.OR([{ ALT: () => this.CONSUME(K.ASC) }, { ALT: () => this.CONSUME(K.DESC) }]),
        );
        const nulls = this.OPTION2(() => {
          this.CONSUME(K.NULLS);
          return this.OR2([{ ALT: () => this.CONSUME(K.FIRST) }, { ALT: () => this.CONSUME(K.LAST) }]);
        });
        this.ACTION(() =>
          items.push(
            node({
              kind: 'orderItem',
              pos: expr.pos,
              expr,
              descending: dir?.tokenType === K.DESC,
              nullsFirst: nulls === undefined ? undefined : nulls.tokenType === K.FIRST,
            }),
          ),
        );
      },
    });
    return items;
  });

  // --------------------------------------------------------------------------------- queries

  query = this.RULE('query', (): Query => {
    const start = this.LA(1);
    const ctes: { name: string; columns: string[]; query: Query }[] = [];
    this.OPTION(() => {
      this.CONSUME(K.WITH);
      this.AT_LEAST_ONE_SEP({
        SEP: T.Comma,
        DEF: () => {
          const name = this.SUBRULE(this.name);
          const columns = this.OPTION2(() => this.SUBRULE(this.nameList)) ?? [];
          this.CONSUME(K.AS);
          this.CONSUME(T.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(T.RParen);
          ctes.push({ name, columns, query });
        },
      });
    });
    const body = this.SUBRULE(this.queryExpression);
    const orderBy = this.OPTION3(() => this.SUBRULE(this.orderByClause)) ?? [];
    const limit = this.OPTION4(() => {
      this.CONSUME(K.LIMIT);
      return this.SUBRULE(this.expression);
    });
    const offset = this.OPTION5(() => {
      this.CONSUME(K.OFFSET);
      const value = this.SUBRULE2(this.expression);
      this.OPTION6(() => this.OR([{ ALT: () => this.CONSUME(K.ROW) }, { ALT: () => this.CONSUME(K.ROWS) }]));
      return value;
    });
    return this.ACTION(() => {
      if (
        ctes.length === 0 &&
        orderBy.length === 0 &&
        limit === undefined &&
        offset === undefined &&
        body.kind === 'query'
      )
        return body;
      return node({ kind: 'query', pos: posOf(start), with: ctes, body, orderBy, limit, offset });
    });
  });

  private queryExpression = this.RULE('queryExpression', (): QueryBody => {
    let left = this.SUBRULE(this.queryTerm);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(K.UNION) },
        { ALT: () => this.CONSUME(K.INTERSECT) },
        { ALT: () => this.CONSUME(K.EXCEPT) },
      ]);
      const quantifier = this.OPTION(() =>
        this.OR2([{ ALT: () => this.CONSUME(K.ALL) }, { ALT: () => this.CONSUME(K.DISTINCT) }]),
      );
      const right = this.SUBRULE2(this.queryTerm);
      left = this.ACTION(() =>
        node({
          kind: 'setOp',
          pos: posOf(op),
          op: op.image.toUpperCase() as 'UNION',
          all: quantifier?.tokenType === K.ALL,
          left,
          right,
        }),
      );
    });
    return left;
  });

  private queryTerm = this.RULE(
    'queryTerm',
    (): QueryBody =>
      this.OR([
        { ALT: () => this.SUBRULE(this.select) },
        { ALT: () => this.SUBRULE(this.values) },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const inner = this.SUBRULE(this.query);
            this.CONSUME(T.RParen);
            return inner;
          },
        },
      ]),
  );

  private values = this.RULE('values', (): QueryBody => {
    const start = this.CONSUME(K.VALUES);
    const rows: Expr[][] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const row: Expr[] = [];
        this.CONSUME(T.LParen);
        this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => row.push(this.SUBRULE(this.expression)) });
        this.CONSUME(T.RParen);
        rows.push(row);
      },
    });
    return this.ACTION(() =>
      node({ kind: 'values', pos: posOf(start), rows: rows.map((r) => Object.freeze(r)) }),
    );
  });

  private select = this.RULE('select', (): QueryBody => {
    const start = this.CONSUME(K.SELECT);
    const quantifier = this.OPTION(() =>
      this.OR([{ ALT: () => this.CONSUME(K.ALL) }, { ALT: () => this.CONSUME(K.DISTINCT) }]),
    );
    const items: SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
    const from = this.OPTION2(() => {
      this.CONSUME(K.FROM);
      return this.SUBRULE(this.fromClause);
    });
    const where = this.OPTION3(() => {
      this.CONSUME(K.WHERE);
      return this.SUBRULE(this.expression);
    });
    const groupBy: Expr[] = [];
    this.OPTION4(() => {
      this.CONSUME(K.GROUP);
      this.CONSUME(K.BY);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => groupBy.push(this.SUBRULE2(this.expression)) });
    });
    const having = this.OPTION5(() => {
      this.CONSUME(K.HAVING);
      return this.SUBRULE3(this.expression);
    });
    const windows: { name: string; spec: WindowSpec }[] = [];
    this.OPTION6(() => {
      this.CONSUME(K.WINDOW);
      this.AT_LEAST_ONE_SEP3({
        SEP: T.Comma,
        DEF: () => {
          const name = this.SUBRULE(this.name);
          this.CONSUME(K.AS);
          windows.push({ name, spec: this.SUBRULE(this.windowSpec) });
        },
      });
    });
    return this.ACTION(() =>
      node({
        kind: 'select',
        pos: posOf(start),
        distinct: quantifier?.tokenType === K.DISTINCT,
        items,
        from,
        where,
        groupBy,
        having,
        windows,
      }),
    );
  });

  private selectItem = this.RULE('selectItem', (): SelectItem => {
    const expr = this.SUBRULE(this.expression);
    const alias = this.OPTION(() => this.SUBRULE(this.alias));
    return this.ACTION(() => node({ kind: 'selectItem', pos: expr.pos, expr, alias }));
  });

  private alias = this.RULE('alias', (): string => {
    this.OPTION(() => this.CONSUME(K.AS));
    return this.SUBRULE(this.name);
  });

  private fromClause = this.RULE('fromClause', (): FromItem => {
    let left = this.SUBRULE(this.tableReference);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            const comma = this.CONSUME(T.Comma);
            const right = this.SUBRULE2(this.tableReference);
            left = this.ACTION(() =>
              node({ kind: 'join', pos: posOf(comma), joinType: 'comma', left, right, using: [] }),
            );
          },
        },
        { ALT: () => (left = this.SUBRULE(this.joinClause, { ARGS: [left] })) },
      ]);
    });
    return left;
  });

  private joinClause = this.RULE('joinClause', (left: FromItem): FromItem => {
    const typeToken = this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(K.INNER) },
        { ALT: () => this.CONSUME(K.CROSS) },
        {
          ALT: () => {
            const side = this.OR2([
              { ALT: () => this.CONSUME(K.LEFT) },
              { ALT: () => this.CONSUME(K.RIGHT) },
              { ALT: () => this.CONSUME(K.FULL) },
            ]);
            this.OPTION2(() => this.CONSUME(K.OUTER));
            return side;
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(K.NATURAL);
            return this.ACTION(() => {
              throw unsupported(posOf(token), 'NATURAL JOIN', 'write the join condition with ON');
            });
          },
        },
      ]),
    );
    const join = this.CONSUME(K.JOIN);
    const right = this.SUBRULE(this.tableReference);
    let on: Expr | undefined;
    let using: string[] = [];
    this.OPTION3(() =>
      this.OR3([
        {
          ALT: () => {
            this.CONSUME(K.ON);
            on = this.SUBRULE(this.expression);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.USING);
            using = this.SUBRULE(this.nameList);
          },
        },
      ]),
    );
    return this.ACTION(() => {
      const joinType = (typeToken?.image.toUpperCase() ?? 'INNER') as 'INNER' | 'CROSS';
      const pos = posOf(typeToken ?? join);
      if (joinType !== 'CROSS' && on === undefined && using.length === 0)
        throw parseError(
          this.nextPos(),
          `expected ON or USING after ${joinType} JOIN ${describeFrom(right)}`,
        );
      return node({ kind: 'join', pos, joinType, left, right, on, using });
    });
  });

  /** The source from `first` to the last consumed token. */
  private textFrom(first: IToken): string {
    return this.source.slice(first.startOffset, (this.LA(0).endOffset ?? first.startOffset) + 1);
  }

  /** Where the next token starts, or just past the last one at the end of input. */
  private nextPos(): SourcePos {
    const next = this.LA(1);
    if (next.tokenType !== EOF) return posOf(next);
    const last = this.LA(0);
    return { line: last.endLine ?? 1, column: (last.endColumn ?? 0) + 1 };
  }

  private tableReference = this.RULE('tableReference', (): FromItem => {
    const item = this.OR([
      { ALT: () => this.SUBRULE(this.namedTable) },
      { ALT: () => this.SUBRULE(this.tableFunction) },
      {
        ALT: () => {
          const open = this.CONSUME(T.LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(T.RParen);
          return this.ACTION(
            () => node({ kind: 'subqueryRef', pos: posOf(open), query, columnAliases: [] }) as FromItem,
          );
        },
      },
      {
        ALT: () => {
          const token = this.OR2([
            { ALT: () => this.CONSUME(K.LATERAL) },
            { ALT: () => this.CONSUME(K.UNNEST) },
          ]);
          return this.ACTION(() => {
            throw unsupported(posOf(token), `${token.image.toUpperCase()} in FROM`);
          });
        },
      },
    ]);
    this.OPTION(() => {
      const token = this.CONSUME(K.MATCH_RECOGNIZE);
      this.ACTION(() => {
        throw unsupported(posOf(token), 'MATCH_RECOGNIZE');
      });
    });
    const alias = this.OPTION2(() => this.SUBRULE(this.alias));
    const columnAliases = this.OPTION3(() => this.SUBRULE(this.nameList)) ?? [];
    return this.ACTION(() => (alias === undefined ? item : node({ ...item, alias, columnAliases })));
  });

  private namedTable = this.RULE('namedTable', (): FromItem => {
    const start = this.LA(1);
    const name = this.SUBRULE(this.compoundName);
    const asOf = this.OPTION(() => {
      this.CONSUME(K.FOR);
      this.CONSUME(K.SYSTEM_TIME);
      this.CONSUME(K.AS);
      this.CONSUME(K.OF);
      return this.SUBRULE(this.additive);
    });
    return this.ACTION(() =>
      node({ kind: 'tableRef', pos: posOf(start), name, columnAliases: [], systemTimeAsOf: asOf }),
    );
  });

  /** `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))`, with optional `name =>` arguments. */
  private tableFunction = this.RULE('tableFunction', (): FromItem => {
    const start = this.CONSUME(K.TABLE);
    this.CONSUME(T.LParen);
    const fn = this.SUBRULE(this.identifier);
    this.CONSUME2(T.LParen);
    const args: { name?: string; value: TvfArgValue }[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const name = this.OPTION(() => {
          const n = this.SUBRULE(this.name);
          this.CONSUME(T.Arrow);
          return n;
        });
        const value = this.SUBRULE(this.tvfArgument);
        args.push({ name, value });
      },
    });
    this.CONSUME(T.RParen);
    this.CONSUME2(T.RParen);
    return this.ACTION(() =>
      node({ kind: 'tvf', pos: posOf(start), name: fn.image.toUpperCase(), args, columnAliases: [] }),
    );
  });

  private tvfArgument = this.RULE(
    'tvfArgument',
    (): TvfArgValue =>
      this.OR([
        {
          ALT: () => {
            const start = this.CONSUME(K.TABLE);
            const name = this.SUBRULE(this.compoundName);
            const partitionBy: string[] = [];
            this.OPTION(() => {
              this.CONSUME(K.PARTITION);
              this.CONSUME(K.BY);
              this.OR2([
                {
                  ALT: () => {
                    const names = this.SUBRULE(this.nameList);
                    this.ACTION(() => partitionBy.push(...names));
                  },
                },
                { ALT: () => partitionBy.push(this.SUBRULE(this.name)) },
              ]);
            });
            return this.ACTION(() =>
              Object.freeze({ kind: 'tableArg' as const, pos: posOf(start), name, partitionBy }),
            );
          },
        },
        {
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            const start = this.CONSUME(K.DESCRIPTOR);
            const columns = this.SUBRULE2(this.nameList);
            return this.ACTION(() =>
              Object.freeze({ kind: 'descriptor' as const, pos: posOf(start), columns }),
            );
          },
        },
        { ALT: () => this.SUBRULE(this.expression) },
      ]),
  );

  // ------------------------------------------------------------------------------ statements

  /** One statement, with an optional trailing `;`. */
  statement = this.RULE('statement', (): Statement => {
    const result = this.SUBRULE(this.statementBody);
    this.OPTION(() => this.CONSUME(T.Semicolon));
    return result;
  });

  /** Statements separated by `;`; empty statements are skipped. */
  script = this.RULE('script', (): Statement[] => {
    const statements: Statement[] = [];
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(T.Semicolon) },
        { ALT: () => statements.push(this.SUBRULE(this.statementBody)) },
      ]),
    );
    return statements;
  });

  private statementBody = this.RULE(
    'statementBody',
    (): Statement =>
      this.OR([
        { ALT: () => this.SUBRULE(this.createStatement) },
        { ALT: () => this.SUBRULE(this.dropStatement) },
        { ALT: () => this.SUBRULE(this.showStatement) },
        { ALT: () => this.SUBRULE(this.describeStatement) },
        { ALT: () => this.SUBRULE(this.setStatement) },
        { ALT: () => this.SUBRULE(this.resetStatement) },
        { ALT: () => this.SUBRULE(this.useStatement) },
        { ALT: () => this.SUBRULE(this.explainStatement) },
        { ALT: () => this.SUBRULE(this.statementSet) },
        { ALT: () => this.SUBRULE(this.insertStatement) },
        {
          ALT: () => {
            const query = this.SUBRULE(this.query);
            return this.ACTION(() => node({ kind: 'queryStatement', pos: query.pos, query }) as Statement);
          },
        },
        {
          ALT: () => {
            const token = this.OR2([
              { ALT: () => this.CONSUME(K.ALTER) },
              { ALT: () => this.CONSUME(K.DELETE) },
              { ALT: () => this.CONSUME(K.UPDATE) },
              { ALT: () => this.CONSUME(K.MERGE) },
            ]);
            return this.ACTION(() => {
              throw unsupported(posOf(token), token.image.toUpperCase());
            });
          },
        },
      ]),
  );

  private ifNotExists = this.RULE('ifNotExists', (): boolean => {
    const token = this.OPTION(() => {
      const t = this.CONSUME(K.IF);
      this.CONSUME(K.NOT);
      this.CONSUME(K.EXISTS);
      return t;
    });
    return token !== undefined;
  });

  private createStatement = this.RULE('createStatement', (): Statement => {
    const start = this.CONSUME(K.CREATE);
    const temporary =
      this.OPTION(() => {
        this.CONSUME(K.TEMPORARY);
        this.OPTION2(() => this.CONSUME(K.SYSTEM));
        return true;
      }) ?? false;
    return this.OR([
      { ALT: () => this.SUBRULE(this.createTable, { ARGS: [posOf(start), temporary] }) },
      { ALT: () => this.SUBRULE(this.createView, { ARGS: [posOf(start), temporary] }) },
      { ALT: () => this.SUBRULE(this.createFunction, { ARGS: [posOf(start), temporary] }) },
    ]);
  });

  private createTable = this.RULE('createTable', (pos: SourcePos, temporary: boolean): Statement => {
    this.CONSUME(K.TABLE);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = this.SUBRULE(this.compoundName);
    const columns: (ColumnDef | ComputedColumnDef)[] = [];
    let watermark: WatermarkDef | undefined;
    let primaryKey: PrimaryKeyDef | undefined;
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () =>
        this.OR([
          { ALT: () => (watermark = this.SUBRULE(this.watermarkDefinition)) },
          // A column named PRIMARY or CONSTRAINT must be quoted, as in Flink.
          { IGNORE_AMBIGUITIES: true, ALT: () => (primaryKey = this.SUBRULE(this.primaryKeyDefinition)) },
          {
            ALT: () => {
              const column = this.SUBRULE(this.columnDefinition);
              columns.push(column.column);
              if (column.primaryKey !== undefined) primaryKey = column.primaryKey;
            },
          },
        ]),
    });
    this.CONSUME(T.RParen);
    const comment = this.OPTION(() => {
      this.CONSUME(K.COMMENT);
      return this.SUBRULE(this.string);
    });
    const partitionedBy =
      this.OPTION2(() => {
        this.CONSUME(K.PARTITIONED);
        this.CONSUME(K.BY);
        return this.SUBRULE(this.nameList);
      }) ?? [];
    const options = this.OPTION3(() => this.SUBRULE(this.withOptions)) ?? [];
    this.OPTION4(() => {
      const token = this.CONSUME(K.LIKE);
      this.ACTION(() => {
        throw unsupported(posOf(token), 'CREATE TABLE … LIKE', 'list the columns and options in full');
      });
    });
    this.OPTION5(() => {
      const token = this.CONSUME(K.AS);
      this.ACTION(() => {
        throw unsupported(posOf(token), 'CREATE TABLE … AS SELECT', 'create the table, then INSERT INTO it');
      });
    });
    return this.ACTION(() =>
      node({
        kind: 'createTable',
        pos,
        name,
        temporary,
        ifNotExists,
        columns,
        watermark,
        primaryKey,
        comment,
        partitionedBy,
        options,
      }),
    );
  });

  private columnDefinition = this.RULE(
    'columnDefinition',
    (): { column: ColumnDef | ComputedColumnDef; primaryKey?: PrimaryKeyDef } => {
      const start = this.LA(1);
      const name = this.SUBRULE(this.name);
      let column!: ColumnDef | ComputedColumnDef;
      let primaryKey: PrimaryKeyDef | undefined;
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.AS);
            const first = this.LA(1);
            const expr = this.SUBRULE(this.expression);
            const text = this.ACTION(() => this.textFrom(first));
            const comment = this.OPTION(() => {
              this.CONSUME(K.COMMENT);
              return this.SUBRULE(this.string);
            });
            column = this.ACTION(() =>
              node({ kind: 'computedColumn', pos: posOf(start), name, expr, text, comment }),
            );
          },
        },
        {
          ALT: () => {
            const type = this.SUBRULE(this.dataType);
            this.OPTION2(() => {
              const token = this.CONSUME(K.METADATA);
              this.ACTION(() => {
                throw unsupported(posOf(token), 'METADATA columns');
              });
            });
            primaryKey = this.OPTION3(() => this.SUBRULE(this.primaryKeyConstraint, { ARGS: [[name]] }));
            const comment = this.OPTION4(() => {
              this.CONSUME2(K.COMMENT);
              return this.SUBRULE2(this.string);
            });
            column = this.ACTION(() => {
              if (start.tokenType === K.WATERMARK)
                throw parseError(
                  type.pos,
                  `expected FOR after WATERMARK (WATERMARK FOR column AS expression), found '${type.name}'`,
                );
              checkType(type);
              return node({ kind: 'physicalColumn', pos: posOf(start), name, type, comment });
            });
          },
        },
      ]);
      return { column, primaryKey };
    },
  );

  private watermarkDefinition = this.RULE('watermarkDefinition', (): WatermarkDef => {
    const start = this.CONSUME(K.WATERMARK);
    this.CONSUME(K.FOR);
    const column = this.SUBRULE(this.name);
    this.CONSUME(K.AS);
    const first = this.LA(1);
    const expr = this.SUBRULE(this.expression);
    return this.ACTION(() =>
      node({ kind: 'watermark', pos: posOf(start), column, expr, text: this.textFrom(first) }),
    );
  });

  private primaryKeyDefinition = this.RULE('primaryKeyDefinition', (): PrimaryKeyDef => {
    const constraint = this.OPTION(() => {
      this.CONSUME(K.CONSTRAINT);
      return this.SUBRULE(this.name);
    });
    const columns = this.ACTION(() => [] as string[]);
    return this.SUBRULE(this.primaryKeyConstraint, { ARGS: [columns, constraint] });
  });

  /** `PRIMARY KEY [(cols)] NOT ENFORCED`; the columns come from the caller for column constraints. */
  private primaryKeyConstraint = this.RULE(
    'primaryKeyConstraint',
    (columns: string[], constraint?: string): PrimaryKeyDef => {
      const start = this.CONSUME(K.PRIMARY);
      this.CONSUME(K.KEY);
      const listed = this.OPTION(() => this.SUBRULE(this.nameList));
      const notEnforced = this.OPTION2(() => {
        this.CONSUME(K.NOT);
        this.CONSUME(K.ENFORCED);
        return true;
      });
      return this.ACTION(() =>
        node({
          kind: 'primaryKey',
          pos: posOf(start),
          name: constraint,
          columns: listed ?? columns,
          enforced: notEnforced !== true,
        }),
      );
    },
  );

  private withOptions = this.RULE('withOptions', (): { key: string; value: string; pos: SourcePos }[] => {
    const options: { key: string; value: string; pos: SourcePos }[] = [];
    this.CONSUME(K.WITH);
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const keyToken = this.CONSUME(T.StringLiteral);
        this.CONSUME(T.Equals);
        const value = this.SUBRULE(this.string);
        this.ACTION(() =>
          options.push(Object.freeze({ key: stringValue(keyToken), value, pos: posOf(keyToken) })),
        );
      },
    });
    this.CONSUME(T.RParen);
    return options;
  });

  private createView = this.RULE('createView', (pos: SourcePos, temporary: boolean): Statement => {
    this.CONSUME(K.VIEW);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = this.SUBRULE(this.compoundName);
    const columns = this.OPTION(() => this.SUBRULE(this.nameList)) ?? [];
    this.CONSUME(K.AS);
    const query = this.SUBRULE(this.query);
    return this.ACTION(() => node({ kind: 'createView', pos, name, temporary, ifNotExists, columns, query }));
  });

  private createFunction = this.RULE('createFunction', (pos: SourcePos, temporary: boolean): Statement => {
    this.CONSUME(K.FUNCTION);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = this.SUBRULE(this.compoundName);
    this.CONSUME(K.AS);
    const className = this.SUBRULE(this.string);
    this.OPTION(() => {
      this.CONSUME(K.LANGUAGE);
      this.SUBRULE(this.identifier);
    });
    return this.ACTION(() => node({ kind: 'createFunction', pos, name, temporary, ifNotExists, className }));
  });

  private dropStatement = this.RULE('dropStatement', (): Statement => {
    const start = this.CONSUME(K.DROP);
    const temporary =
      this.OPTION(() => {
        this.CONSUME(K.TEMPORARY);
        this.OPTION2(() => this.CONSUME(K.SYSTEM));
        return true;
      }) ?? false;
    const object = this.OR([
      { ALT: () => this.CONSUME(K.TABLE) },
      { ALT: () => this.CONSUME(K.VIEW) },
      { ALT: () => this.CONSUME(K.FUNCTION) },
    ]);
    const ifExists =
      this.OPTION3(() => {
        this.CONSUME(K.IF);
        this.CONSUME(K.EXISTS);
        return true;
      }) ?? false;
    const name = this.SUBRULE(this.compoundName);
    return this.ACTION(() =>
      node({
        kind: 'drop',
        pos: posOf(start),
        object: object.image.toUpperCase() as 'TABLE',
        name,
        temporary,
        ifExists,
      }),
    );
  });

  private showStatement = this.RULE('showStatement', (): Statement => {
    const start = this.CONSUME(K.SHOW);
    const object = this.OR([
      { ALT: () => this.CONSUME(K.TABLES) },
      { ALT: () => this.CONSUME(K.VIEWS) },
      { ALT: () => this.CONSUME(K.FUNCTIONS) },
      { ALT: () => this.CONSUME(K.CATALOGS) },
      { ALT: () => this.CONSUME(K.DATABASES) },
    ]);
    return this.ACTION(() =>
      node({ kind: 'show', pos: posOf(start), object: object.image.toUpperCase() as 'TABLES' }),
    );
  });

  private describeStatement = this.RULE('describeStatement', (): Statement => {
    const start = this.OR([{ ALT: () => this.CONSUME(K.DESCRIBE) }, { ALT: () => this.CONSUME(K.DESC) }]);
    const name = this.SUBRULE(this.compoundName);
    return this.ACTION(() => node({ kind: 'describe', pos: posOf(start), name }));
  });

  private setStatement = this.RULE('setStatement', (): Statement => {
    const start = this.CONSUME(K.SET);
    const pair = this.OPTION(() => {
      const key = this.SUBRULE(this.string);
      this.CONSUME(T.Equals);
      const value = this.SUBRULE2(this.string);
      return { key, value };
    });
    return this.ACTION(() => node({ kind: 'set', pos: posOf(start), key: pair?.key, value: pair?.value }));
  });

  private resetStatement = this.RULE('resetStatement', (): Statement => {
    const start = this.CONSUME(K.RESET);
    const key = this.OPTION(() => this.SUBRULE(this.string));
    return this.ACTION(() => node({ kind: 'reset', pos: posOf(start), key }));
  });

  private useStatement = this.RULE('useStatement', (): Statement => {
    const start = this.CONSUME(K.USE);
    const catalog = this.OPTION(() => this.CONSUME(K.CATALOG)) !== undefined;
    const name = this.SUBRULE(this.compoundName);
    return this.ACTION(() => node({ kind: 'use', pos: posOf(start), catalog, name }));
  });

  private explainStatement = this.RULE('explainStatement', (): Statement => {
    const start = this.CONSUME(K.EXPLAIN);
    this.OPTION(() => {
      this.CONSUME(K.PLAN);
      this.CONSUME(K.FOR);
    });
    const statement = this.OR([
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.statementSet) },
      { ALT: () => this.SUBRULE(this.query) },
    ]);
    return this.ACTION(() => node({ kind: 'explain', pos: posOf(start), statement: statement as Query }));
  });

  private statementSet = this.RULE('statementSet', (): Statement => {
    const start = this.CONSUME(K.EXECUTE);
    this.CONSUME(K.STATEMENT);
    this.CONSUME(K.SET);
    this.CONSUME(K.BEGIN);
    const inserts: Insert[] = [];
    this.AT_LEAST_ONE(() => {
      inserts.push(this.SUBRULE(this.insertStatement) as Insert);
      this.CONSUME(T.Semicolon);
    });
    this.CONSUME(K.END);
    return this.ACTION(() => node({ kind: 'statementSet', pos: posOf(start), inserts }));
  });

  private insertStatement = this.RULE('insertStatement', (): Statement => {
    const start = this.CONSUME(K.INSERT);
    const overwrite =
      this.OR([
        { ALT: () => this.CONSUME(K.INTO) },
        {
          ALT: () => {
            this.CONSUME(K.OVERWRITE);
            return undefined;
          },
        },
      ]) === undefined;
    const table = this.SUBRULE(this.compoundName);
    const columns = this.OPTION(() => this.SUBRULE(this.nameList)) ?? [];
    const query = this.SUBRULE(this.query);
    return this.ACTION(() => node({ kind: 'insert', pos: posOf(start), table, overwrite, columns, query }));
  });
}

/** Type names of Flink SQL, with their synonyms. */
export const TYPE_NAMES: ReadonlySet<string> = new Set([
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'INT',
  'INTEGER',
  'BIGINT',
  'FLOAT',
  'REAL',
  'DOUBLE',
  'DECIMAL',
  'DEC',
  'NUMERIC',
  'CHAR',
  'CHARACTER',
  'VARCHAR',
  'STRING',
  'BINARY',
  'VARBINARY',
  'BYTES',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMP_LTZ',
  'INTERVAL',
  'ARRAY',
  'MAP',
  'MULTISET',
  'ROW',
  'RAW',
  'NULL',
]);

/** Rejects unknown type names where they are written, with the known ones as the fix. */
function checkType(type: TypeSyntax): void {
  if (!TYPE_NAMES.has(type.name))
    throw parseError(
      type.pos,
      `unknown type '${type.name}'; use one of BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), STRING, VARCHAR(n), TIMESTAMP(p), TIMESTAMP_LTZ(p), DATE, TIME, ARRAY<T>, MAP<K, V>, ROW<…>`,
    );
  for (const arg of type.args) checkType(arg.type);
}

function describeFrom(item: FromItem): string {
  return item.kind === 'tableRef' ? item.name.join('.') : item.kind === 'tvf' ? item.name : 'subquery';
}

function binary(op: BinaryOp, left: Expr, right: Expr, _token: IToken): Binary {
  return node({ kind: 'binary', pos: left.pos, op, left, right });
}
