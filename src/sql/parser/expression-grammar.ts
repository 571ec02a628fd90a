/**
 * Expressions, with SQL precedence: OR < AND < NOT < comparison and predicates (`IS`, `IN`,
 * `BETWEEN`, `LIKE`) < `+ - ||` < `* / %` < unary sign < primary (literals, CASE, CAST,
 * calls with `FILTER` and `OVER`, columns, subqueries). Subqueries need the query rules,
 * which the subclass defines.
 */
import type { IToken } from 'chevrotain';
import { parseError, unsupported } from '../errors.js';
import {
  type Binary,
  type BinaryOp,
  type Expr,
  type FrameBound,
  node,
  type OrderItem,
  type Query,
  type TimeUnit,
  type WindowSpec,
} from './ast.js';
import {
  checkType,
  GrammarBase,
  identifierValue,
  posOf,
  stringValue,
  TIME_UNITS,
  unitOf,
} from './grammar-base.js';
import * as T from './tokens.js';
import { EOF } from './chevrotain.js';

const { K } = T;

/** Functions Flink calls without parentheses: `SELECT CURRENT_TIMESTAMP`. */
const NILADIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'CURRENT_TIMESTAMP',
  'LOCALTIMESTAMP',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'LOCALTIME',
]);

/** Calls whose first argument is a time unit keyword: `TIMESTAMPDIFF(MINUTE, t1, t2)`. */
const TIME_UNIT_FIRST: ReadonlySet<string> = new Set(['TIMESTAMPDIFF', 'TIMESTAMPADD']);

const UNIT_NAMES: ReadonlySet<string> = new Set([
  'NANOSECOND',
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
  'MONTH',
  'QUARTER',
  'YEAR',
]);

/** The first argument as a unit symbol when it is a bare unit name (parsed as a column). */
function unitFirst(args: readonly Expr[]): readonly Expr[] {
  const [first, ...rest] = args;
  if (first?.kind !== 'column' || first.path.length !== 1) return args;
  const word = first.path[0]!.toUpperCase();
  if (!UNIT_NAMES.has(word)) return args;
  return [node({ kind: 'symbol', pos: first.pos, name: word as TimeUnit }), ...rest];
}

/**
 * The units of `EXTRACT` that are plain words rather than keywords (so a column may still be
 * called `dow` or `epoch`), singular; a trailing `S` is accepted as for the keyword units.
 */
const EXTRACT_WORD_UNITS: ReadonlySet<string> = new Set([
  'DOW',
  'ISODOW',
  'DOY',
  'ISOYEAR',
  'DECADE',
  'CENTURY',
  'MILLENNIUM',
  'EPOCH',
  'MICROSECOND',
  'NANOSECOND',
]);

/** The unit names `EXTRACT` accepts, for its error message. */
const EXTRACT_UNIT_LIST =
  'YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND, DOW, ISODOW, DOY, ISOYEAR, DECADE, CENTURY, MILLENNIUM or EPOCH';

/**
 * One side of `OVERLAPS` as its start and end: a `(start, end)` pair, or a single point that
 * starts and ends the period, as Calcite reads it.
 */
function overlapsPeriod(side: Expr): [Expr, Expr] {
  if (side.kind !== 'row') return [side, side];
  if (side.items.length !== 2)
    throw parseError(
      side.pos,
      `OVERLAPS compares two periods of two values each, as in (start, end) OVERLAPS (start, end); this one has ${side.items.length}`,
    );
  return [side.items[0]!, side.items[1]!];
}

/** Calls parsed by the SQL/JSON rule, whose parentheses hold clauses. */
const JSON_CALLS = [
  'JSON_VALUE',
  'JSON_QUERY',
  'JSON_EXISTS',
  'JSON_OBJECT',
  'JSON_ARRAY',
  'JSON_OBJECTAGG',
  'JSON_ARRAYAGG',
] as const;

/** The kinds of `IS JSON` spelled as plain words (ARRAY is a keyword). */
const JSON_KINDS = ['VALUE', 'SCALAR', 'OBJECT'] as const;

const KEYWORD_TOKENS: ReadonlySet<unknown> = new Set(Object.values(K));

/** Whether a token is a plain identifier spelled as one of `words` (upper case). */
function softWord(token: IToken, ...words: readonly string[]): boolean {
  return token.tokenType === T.Identifier && words.includes(token.image.toUpperCase());
}

const ALIAS_FOLLOWERS: ReadonlySet<unknown> = new Set([K.FROM, T.Comma, T.RParen, T.Semicolon, EOF]);

/**
 * Whether `word` is the ILIKE operator: the word ILIKE with a pattern after it, not an alias
 * named ilike that a FROM, a comma or the end follows.
 */
function ilikeOperator(word: IToken, next: IToken): boolean {
  return softWord(word, 'ILIKE') && !ALIAS_FOLLOWERS.has(next.tokenType);
}

/** A word of a SQL/JSON clause, as a symbol argument. */
function jsonWord(token: IToken): Expr {
  return node({ kind: 'symbol', pos: posOf(token), name: token.image.toUpperCase() });
}

/** The expression rules. */
export class ExpressionGrammar extends GrammarBase {
  /** A full query, for subqueries; defined by the query grammar. */
  declare query: (...args: never[]) => Query;

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

  protected andExpression = this.RULE('andExpression', (): Expr => {
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      const op = this.CONSUME(K.AND);
      const right = this.SUBRULE2(this.notExpression);
      left = this.ACTION(() => binary('AND', left, right, op));
    });
    return left;
  });

  protected notExpression = this.RULE(
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
  protected predicate = this.RULE('predicate', (): Expr => {
    const left = this.SUBRULE(this.additive);
    let result: Expr = left;
    // `(s1, e1) OVERLAPS (s2, e2)`: OVERLAPS is a plain word, so columns may carry the name;
    // the gate keeps an alias or a clause word after an expression from entering here.
    this.option(21, {
      GATE: () => softWord(this.LA(1), 'OVERLAPS'),
      DEF: () => {
        const word = this.consume(21, T.Identifier);
        const right = this.subrule(21, this.additive);
        result = this.ACTION(() =>
          node({
            kind: 'call',
            pos: posOf(word),
            name: 'OVERLAPS',
            args: [...overlapsPeriod(left), ...overlapsPeriod(right)],
            distinct: false,
          }),
        );
      },
    });
    // A plain word after the operand is an alias or a clause word, except ILIKE.
    this.OPTION({
      GATE: () => this.LA(1).tokenType !== T.Identifier || ilikeOperator(this.LA(1), this.LA(2)),
      DEF: () => {
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
                  // `s IS [NOT] JSON [VALUE | SCALAR | ARRAY | OBJECT]`: JSON and its kinds are
                  // plain words, so a column may still be called `json`.
                  GATE: () => softWord(this.LA(1), 'JSON'),
                  ALT: () => {
                    this.CONSUME(T.Identifier);
                    const kind = this.option(20, {
                      GATE: () => this.LA(1).tokenType === K.ARRAY || softWord(this.LA(1), ...JSON_KINDS),
                      DEF: () =>
                        this.or(20, [
                          { ALT: () => this.CONSUME2(T.Identifier) },
                          { ALT: () => this.CONSUME(K.ARRAY) },
                        ]),
                    });
                    result = this.ACTION(() => {
                      const kindName = kind?.image.toUpperCase() ?? 'VALUE';
                      const test: Expr = node({
                        kind: 'call',
                        pos: left.pos,
                        name: 'IS_JSON',
                        args: [left, node({ kind: 'symbol', pos: left.pos, name: kindName })],
                        distinct: false,
                      });
                      return negated
                        ? node({ kind: 'unary', pos: left.pos, op: 'NOT', operand: test })
                        : test;
                    });
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
                    const between = this.CONSUME(K.BETWEEN);
                    const symmetric = this.OPTION4(() =>
                      this.OR7([
                        { ALT: () => this.CONSUME(K.ASYMMETRIC) },
                        { ALT: () => this.CONSUME(K.SYMMETRIC) },
                      ]),
                    );
                    const low = this.SUBRULE4(this.additive);
                    this.CONSUME2(K.AND);
                    const high = this.SUBRULE5(this.additive);
                    result = this.ACTION(() => {
                      const range = (lo: Expr, hi: Expr): Expr =>
                        node({ kind: 'between', pos: left.pos, negated, operand: left, low: lo, high: hi });
                      if (symmetric?.tokenType !== K.SYMMETRIC) return range(low, high);
                      // SYMMETRIC accepts the bounds in either order: x BETWEEN 10 AND 1 holds for 5.
                      return binary(negated ? 'AND' : 'OR', range(low, high), range(high, low), between);
                    });
                  },
                },
                {
                  ALT: () => {
                    const operator = this.OR8([
                      { ALT: () => this.CONSUME(K.LIKE) },
                      {
                        ALT: () => {
                          this.CONSUME(K.SIMILAR);
                          return this.CONSUME(K.TO);
                        },
                      },
                      // ILIKE is a plain word, so columns and SHOW … ILIKE keep it.
                      {
                        GATE: () => ilikeOperator(this.LA(1), this.LA(2)),
                        ALT: () => this.CONSUME3(T.Identifier),
                      },
                    ]);
                    const similar = operator.tokenType === K.TO;
                    const ignoreCase = operator.tokenType === T.Identifier;
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
                        ...(ignoreCase ? { ignoreCase } : {}),
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
      },
    });
    return result;
  });

  protected additive = this.RULE('additive', (): Expr => {
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

  protected multiplicative = this.RULE('multiplicative', (): Expr => {
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

  protected unary = this.RULE(
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

  /**
   * A primary with `[index]` element access, or the value constructors `ARRAY[a, …]` and
   * `MAP[k, v, …]` (the keyword parses as a column, so the brackets decide).
   */
  protected postfix = this.RULE('postfix', (): Expr => {
    const start = this.LA(1);
    let value = this.SUBRULE(this.primary);
    this.MANY(() => {
      const open = this.CONSUME(T.LBracket);
      const items: Expr[] = [];
      this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => items.push(this.SUBRULE(this.expression)) });
      this.CONSUME(T.RBracket);
      value = this.ACTION(() => {
        const valueConstructor =
          (start.tokenType === K.ARRAY || start.tokenType === K.MAP) &&
          value.kind === 'column' &&
          value.path.length === 1
            ? value.path[0]!.toUpperCase()
            : undefined;
        if (valueConstructor !== undefined)
          return node({ kind: 'call', pos: value.pos, name: valueConstructor, args: items, distinct: false });
        if (items.length !== 1)
          throw parseError(items[1]!.pos, 'an element access takes one index: arr[1] or map[key]');
        return node({
          kind: 'call',
          pos: posOf(open),
          name: 'ITEM',
          args: [value, items[0]!],
          distinct: false,
        });
      });
    });
    return value;
  });

  protected primary = this.RULE(
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
        {
          // The SQL/JSON functions look like calls up to their clauses.
          GATE: () => softWord(this.LA(1), ...JSON_CALLS) && this.LA(2).tokenType === T.LParen,
          IGNORE_AMBIGUITIES: true,
          ALT: () => this.SUBRULE(this.jsonCall),
        },
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

  protected literal = this.RULE('literal', (): Expr => {
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

  protected intervalLiteral = this.RULE('intervalLiteral', (): Expr => {
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

  protected typedLiteral = this.RULE('typedLiteral', (): Expr => {
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

  protected caseExpression = this.RULE('caseExpression', (): Expr => {
    const start = this.CONSUME(K.CASE);
    const operand = this.OPTION(() => this.SUBRULE(this.expression));
    const whens: { when: Expr; then: Expr }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(K.WHEN);
      const values = [this.SUBRULE2(this.expression)];
      // `CASE x WHEN 1, 2 THEN …`: a value list matches when x equals any of them.
      this.MANY(() => {
        const comma = this.CONSUME(T.Comma);
        const value = this.SUBRULE5(this.expression);
        this.ACTION(() => {
          if (operand === undefined)
            throw parseError(
              posOf(comma),
              'a WHEN list (WHEN a, b THEN) needs CASE with an operand (CASE x WHEN a, b THEN); write WHEN c1 OR c2 THEN',
            );
        });
        values.push(value);
      });
      this.CONSUME(K.THEN);
      const then = this.SUBRULE3(this.expression);
      for (const when of values) whens.push({ when, then });
    });
    const otherwise = this.OPTION2(() => {
      this.CONSUME(K.ELSE);
      return this.SUBRULE4(this.expression);
    });
    this.CONSUME(K.END);
    return this.ACTION(() => node({ kind: 'case', pos: posOf(start), operand, whens, otherwise }));
  });

  protected castExpression = this.RULE('castExpression', (): Expr => {
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

  /**
   * The calls with keywords inside their parentheses: EXTRACT, SUBSTRING, TRIM, POSITION, OVERLAY,
   * FLOOR, CEIL.
   */
  protected specialCall = this.RULE('specialCall', (): Expr => {
    let start!: IToken;
    const args: Expr[] = [];
    const symbol = (token: IToken, name = token.image.toUpperCase()): Expr =>
      node({ kind: 'symbol', pos: posOf(token), name: unitOf({ ...token, image: name }) });
    this.OR([
      {
        ALT: () => {
          start = this.CONSUME(K.EXTRACT);
          this.CONSUME(T.LParen);
          const unit = this.OR2([
            ...TIME_UNITS.map((u) => ({ ALT: () => this.CONSUME(u) })),
            // DOW, EPOCH… are plain words; an unknown word fails here, at its own position.
            { ALT: () => this.consume(22, T.Identifier) },
          ]);
          this.CONSUME(K.FROM);
          const value = this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
          this.ACTION(() => {
            if (unit.tokenType === T.Identifier && !EXTRACT_WORD_UNITS.has(unitOf(unit)))
              throw parseError(
                posOf(unit),
                `EXTRACT has no unit '${unit.image}'; use one of ${EXTRACT_UNIT_LIST}`,
              );
            args.push(symbol(unit), value);
          });
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
          // OVERLAY(s PLACING r FROM n [FOR l]): args are s, r, n[, l]. The numbered forms run out
          // of indexes in this rule: the indexed calls take one explicitly.
          start = this.consume(10, K.OVERLAY);
          this.consume(10, T.LParen);
          args.push(this.subrule(10, this.expression));
          this.consume(10, K.PLACING);
          args.push(this.subrule(11, this.expression));
          this.consume(10, K.FROM);
          args.push(this.subrule(12, this.expression));
          this.option(10, () => {
            this.consume(10, K.FOR);
            args.push(this.subrule(13, this.expression));
          });
          this.consume(10, T.RParen);
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

  /**
   * A SQL/JSON function, whose parentheses hold clauses after the arguments:
   * `JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY)`, `JSON_OBJECT(KEY 'k' VALUE v ABSENT
   * ON NULL)`. A `[KEY] k VALUE v` pair becomes two arguments. The clauses follow the arguments
   * as symbols, one per word (`NULL`, `ON`, `EMPTY`…), except that `DEFAULT` is followed by its
   * expression and `RETURNING` by a CAST of NULL to the type; `json-syntax.ts` reads them back.
   */
  protected jsonCall = this.RULE('jsonCall', (): Expr => {
    const start = this.CONSUME(T.Identifier);
    const args: Expr[] = [];
    const pairs: boolean[] = [];
    const clauses: Expr[] = [];
    this.CONSUME(T.LParen);
    this.OPTION({
      // `JSON_ARRAY(NULL ON NULL)` has clauses only.
      GATE: () => this.LA(2).tokenType !== K.ON,
      DEF: () =>
        this.AT_LEAST_ONE_SEP({
          SEP: T.Comma,
          DEF: () => {
            this.OPTION2({ GATE: () => this.keyWordAhead(), DEF: () => this.CONSUME(K.KEY) });
            const first = this.SUBRULE(this.expression);
            const value = this.OPTION3({
              GATE: () => softWord(this.LA(1), 'VALUE'),
              DEF: () => {
                this.CONSUME2(T.Identifier);
                return this.SUBRULE2(this.expression);
              },
            });
            this.ACTION(() => {
              args.push(first);
              if (value !== undefined) args.push(value);
              pairs.push(value !== undefined);
            });
          },
        }),
    });
    this.MANY(() =>
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            GATE: () => softWord(this.LA(1), 'DEFAULT'),
            ALT: () => {
              const word = this.CONSUME3(T.Identifier);
              const value = this.SUBRULE3(this.expression);
              this.ACTION(() => clauses.push(jsonWord(word), value));
            },
          },
          {
            GATE: () => softWord(this.LA(1), 'RETURNING'),
            ALT: () => {
              const word = this.CONSUME4(T.Identifier);
              const type = this.SUBRULE(this.dataType);
              this.ACTION(() => {
                checkType(type);
                const pos = posOf(word);
                const operand: Expr = node({ kind: 'literal', pos, type: 'null', value: null, text: 'NULL' });
                clauses.push(jsonWord(word), node({ kind: 'cast', pos, operand, type, safe: false }));
              });
            },
          },
          {
            ALT: () => {
              const word = this.OR2([
                { ALT: () => this.CONSUME5(T.Identifier) },
                { ALT: () => this.CONSUME(K.NULL) },
                { ALT: () => this.CONSUME(K.TRUE) },
                { ALT: () => this.CONSUME(K.FALSE) },
                { ALT: () => this.CONSUME(K.UNKNOWN) },
                { ALT: () => this.CONSUME(K.ON) },
                { ALT: () => this.CONSUME(K.WITH) },
                { ALT: () => this.CONSUME(K.ARRAY) },
              ]);
              this.ACTION(() => clauses.push(jsonWord(word)));
            },
          },
        ],
      }),
    );
    this.CONSUME(T.RParen);
    return this.ACTION(() => {
      const name = start.image.toUpperCase();
      const object = name === 'JSON_OBJECT' || name === 'JSON_OBJECTAGG';
      const wrong = pairs.findIndex((pair) => pair !== object);
      if (wrong >= 0)
        throw parseError(
          posOf(start),
          object
            ? `${name} takes KEY k VALUE v pairs: ${name}(KEY 'a' VALUE x)`
            : `${name} takes plain arguments, not KEY k VALUE v pairs`,
        );
      return node({ kind: 'call', pos: posOf(start), name, args: [...args, ...clauses], distinct: false });
    });
  });

  /** Whether `KEY` starts a `KEY k VALUE v` pair rather than naming a column `key`. */
  protected keyWordAhead(): boolean {
    if (this.LA(1).tokenType !== K.KEY) return false;
    const next = this.LA(2).tokenType;
    return (
      next === T.StringLiteral ||
      next === T.QuotedIdentifier ||
      next === T.LParen ||
      (next === T.Identifier && !softWord(this.LA(2), 'VALUE')) ||
      KEYWORD_TOKENS.has(next)
    );
  }

  protected existsExpression = this.RULE('existsExpression', (): Expr => {
    const start = this.CONSUME(K.EXISTS);
    this.CONSUME(T.LParen);
    const query = this.SUBRULE(this.query);
    this.CONSUME(T.RParen);
    return this.ACTION(() => node({ kind: 'exists', pos: posOf(start), query }));
  });

  /** `(expr)`, a row `(a, b)`, or a scalar subquery `(SELECT …)`. */
  protected parenthesized = this.RULE('parenthesized', (): Expr => {
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
  protected queryAhead(): boolean {
    let i = 1;
    while (this.LA(i).tokenType === T.LParen) i++;
    const type = this.LA(i).tokenType;
    return type === K.SELECT || type === K.WITH || type === K.VALUES;
  }

  protected starExpression = this.RULE('starExpression', (): Expr => {
    const star = this.CONSUME(T.Star);
    return this.ACTION(() => node({ kind: 'star', pos: posOf(star), qualifier: [] }));
  });

  /** A column `a.b.c`, a qualified star `t.*`, or a call `f(…) [FILTER (…)] [OVER …]`. */
  protected callOrColumn = this.RULE('callOrColumn', (): Expr => {
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
      if (call === undefined) {
        // CURRENT_TIMESTAMP, CURRENT_DATE… are calls without parentheses in Flink (unless quoted).
        const niladic = path.length === 1 && first.tokenType !== T.QuotedIdentifier;
        const upper = path[0]!.toUpperCase();
        if (niladic && NILADIC_FUNCTIONS.has(upper))
          return node({ kind: 'call', pos, name: upper, args: [], distinct: false });
        return node({ kind: 'column', pos, path });
      }
      const name = path.join('.').toUpperCase();
      return node({
        kind: 'call',
        pos,
        name,
        args: TIME_UNIT_FIRST.has(name) ? unitFirst(call.args) : call.args,
        distinct: call.distinct,
        filter,
        over,
      });
    });
  });

  protected callArguments = this.RULE('callArguments', (): { args: Expr[]; distinct: boolean } => {
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
      // ARRAY_AGG(x RESPECT NULLS | IGNORE NULLS): the word becomes a trailing argument.
      this.OPTION3({
        GATE: () => softWord(this.LA(1), 'RESPECT', 'IGNORE'),
        DEF: () => {
          const word = this.CONSUME(T.Identifier);
          this.CONSUME(K.NULLS);
          this.ACTION(() => args.push(jsonWord(word)));
        },
      });
      // Flink has no ORDER BY inside an aggregate call (ARRAY_AGG(x ORDER BY y)).
      this.OPTION4(() => {
        const order = this.LA(1);
        this.SUBRULE(this.orderByClause);
        this.ACTION(() => {
          throw unsupported(posOf(order), 'ORDER BY inside a function call', 'sort in a subquery first');
        });
      });
    });
    this.CONSUME(T.RParen);
    return { args, distinct };
  });

  protected windowSpec = this.RULE('windowSpec', (): WindowSpec => {
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

  protected frameBound = this.RULE(
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

  protected orderByClause = this.RULE('orderByClause', (): OrderItem[] => {
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
}

function binary(op: BinaryOp, left: Expr, right: Expr, _token: IToken): Binary {
  return node({ kind: 'binary', pos: left.pos, op, left, right });
}
