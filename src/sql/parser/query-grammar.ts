/**
 * Queries: `WITH`, set operations, `SELECT … FROM … WHERE … GROUP BY … HAVING … WINDOW`,
 * `VALUES`, `ORDER BY`, `LIMIT`, and the FROM clause with joins, subqueries, temporal joins
 * (`FOR SYSTEM_TIME AS OF`) and windowing table functions (`TABLE(TUMBLE(TABLE t, …))`).
 */
import type { IToken } from 'chevrotain';
import { parseError, unsupported } from '../errors.js';
import {
  type Expr,
  type FromItem,
  node,
  type Query,
  type QueryBody,
  type SelectItem,
  type SourcePos,
  type SqlHint,
  type TvfArgValue,
  type WindowSpec,
} from './ast.js';
import { MatchRecognizeGrammar } from './match-grammar.js';
import { identifierValue, posOf, stringValue } from './grammar-base.js';
import * as T from './tokens.js';

const { K } = T;

/** The query rules. */
export class QueryGrammar extends MatchRecognizeGrammar {
  // --------------------------------------------------------------------------------- queries

  override query = this.RULE('query', (): Query => {
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
    let limit = this.OPTION4(() => {
      this.CONSUME(K.LIMIT);
      return this.SUBRULE(this.expression);
    });
    const offset = this.OPTION5(() => {
      this.CONSUME(K.OFFSET);
      const value = this.SUBRULE2(this.expression);
      this.OPTION6(() => this.OR([{ ALT: () => this.CONSUME(K.ROW) }, { ALT: () => this.CONSUME(K.ROWS) }]));
      return value;
    });
    // FETCH FIRST|NEXT n ROW|ROWS ONLY: standard SQL's LIMIT, after OFFSET.
    this.OPTION7(() => {
      this.CONSUME(K.FETCH);
      // NEXT and ONLY are not keywords (they stay usable as names), so they are checked by text.
      const first = this.OR2([
        { ALT: () => this.CONSUME(K.FIRST) },
        { ALT: () => this.CONSUME(T.Identifier) },
      ]);
      this.ACTION(() => expectWord(first, 'FIRST', 'NEXT'));
      const count = this.SUBRULE3(this.expression);
      this.OR3([{ ALT: () => this.CONSUME2(K.ROW) }, { ALT: () => this.CONSUME2(K.ROWS) }]);
      const only = this.CONSUME2(T.Identifier);
      this.ACTION(() => expectWord(only, 'ONLY'));
      limit = count;
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

  /** UNION and EXCEPT, left to right, over INTERSECT terms: INTERSECT binds tighter, as in SQL. */
  protected queryExpression = this.RULE('queryExpression', (): QueryBody => {
    let left = this.SUBRULE(this.intersectTerm);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(K.UNION) }, { ALT: () => this.CONSUME(K.EXCEPT) }]);
      const all = this.SUBRULE(this.setQuantifier);
      const right = this.SUBRULE2(this.intersectTerm);
      left = this.ACTION(() => setOperation(op, all, left, right));
    });
    return left;
  });

  protected intersectTerm = this.RULE('intersectTerm', (): QueryBody => {
    let left = this.SUBRULE(this.queryTerm);
    this.MANY(() => {
      const op = this.CONSUME(K.INTERSECT);
      const all = this.SUBRULE(this.setQuantifier);
      const right = this.SUBRULE2(this.queryTerm);
      left = this.ACTION(() => setOperation(op, all, left, right));
    });
    return left;
  });

  /** `ALL` or `DISTINCT` (the default) after a set operator: whether it was ALL. */
  protected setQuantifier = this.RULE('setQuantifier', (): boolean => {
    const quantifier = this.OPTION(() =>
      this.OR([{ ALT: () => this.CONSUME(K.ALL) }, { ALT: () => this.CONSUME(K.DISTINCT) }]),
    );
    return quantifier?.tokenType === K.ALL;
  });

  protected queryTerm = this.RULE(
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

  /**
   * `GROUPING SETS (…)` in GROUP BY, as a call named `GROUPING SETS` whose arguments are the
   * sets: an expression, a row `(a, b)`, or the empty row `()`. ROLLUP(…) and CUBE(…) parse as
   * ordinary calls; the planner expands all three.
   */
  protected groupingSets = this.RULE('groupingSets', (): Expr => {
    const start = this.CONSUME(T.Identifier);
    this.CONSUME2(T.Identifier);
    this.CONSUME(T.LParen);
    const sets: Expr[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () =>
        sets.push(
          this.OR([
            {
              GATE: () => this.LA(1).tokenType === T.LParen && this.LA(2).tokenType === T.RParen,
              ALT: () => {
                const open = this.CONSUME2(T.LParen);
                this.CONSUME2(T.RParen);
                return this.ACTION(() => node({ kind: 'row', pos: posOf(open), items: [] }) as Expr);
              },
            },
            { ALT: () => this.SUBRULE(this.expression) },
          ]),
        ),
    });
    this.CONSUME(T.RParen);
    return this.ACTION(
      () =>
        node({ kind: 'call', pos: posOf(start), name: 'GROUPING SETS', args: sets, distinct: false }) as Expr,
    );
  });

  /** Whether the next words are GROUPING SETS (both plain identifiers in Flink's dialect). */
  private groupingSetsAhead(): boolean {
    return (
      this.LA(1).image.toUpperCase() === 'GROUPING' &&
      this.LA(2).image.toUpperCase() === 'SETS' &&
      this.LA(3).tokenType === T.LParen
    );
  }

  protected values = this.RULE('values', (): QueryBody => {
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

  protected select = this.RULE('select', (): QueryBody => {
    const start = this.CONSUME(K.SELECT);
    const hints = this.OPTION7(() => this.SUBRULE(this.hintBlock));
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
      this.AT_LEAST_ONE_SEP2({
        SEP: T.Comma,
        DEF: () => {
          const key = this.OR2([
            { GATE: () => this.groupingSetsAhead(), ALT: () => this.SUBRULE(this.groupingSets) },
            // `()`: the empty grouping set, one group of every row (`GROUP BY ()`, `GROUP BY a, ()`).
            {
              GATE: () => this.LA(1).tokenType === T.LParen && this.LA(2).tokenType === T.RParen,
              ALT: () => {
                const open = this.CONSUME3(T.LParen);
                this.CONSUME3(T.RParen);
                return this.ACTION(() => node({ kind: 'row', pos: posOf(open), items: [] }) as Expr);
              },
            },
            { ALT: () => this.SUBRULE2(this.expression) },
          ]);
          groupBy.push(key);
        },
      });
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
        ...(hints === undefined ? {} : { hints }),
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

  /**
   * `/*+ hint [, hint]* *\/`, after SELECT, after a table's name, or after INSERT's target. A
   * hint mixing `k = 'v'` options with plain ones is refused here, as Calcite's parser does.
   */
  protected hintBlock = this.RULE('hintBlock', (): SqlHint[] => {
    const hints: SqlHint[] = [];
    this.CONSUME(T.HintStart);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => hints.push(this.SUBRULE(this.hint)) });
    this.CONSUME(T.HintEnd);
    return hints;
  });

  private hint = this.RULE('hint', (): SqlHint => {
    const nameToken = this.SUBRULE(this.identifier);
    const kvOptions: { key: string; value: string; pos: SourcePos }[] = [];
    const listOptions: string[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({
        SEP: T.Comma,
        DEF: () => {
          const first = this.OR([
            { ALT: () => this.CONSUME(T.StringLiteral) },
            { ALT: () => this.CONSUME(T.NumberLiteral) },
            { ALT: () => this.SUBRULE2(this.identifier) },
          ]);
          const value = this.OPTION2(() => {
            this.CONSUME(T.Equals);
            return this.CONSUME2(T.StringLiteral);
          });
          this.ACTION(() => {
            const text =
              first.tokenType === T.StringLiteral
                ? stringValue(first)
                : first.tokenType === T.NumberLiteral
                  ? first.image
                  : identifierValue(first);
            if (value === undefined) listOptions.push(text);
            else if (first.tokenType === T.NumberLiteral)
              throw parseError(
                posOf(first),
                `a hint option's key is a name or a string, found ${first.image}`,
              );
            else kvOptions.push({ key: text, value: stringValue(value), pos: posOf(first) });
            if (kvOptions.length > 0 && listOptions.length > 0)
              throw parseError(
                posOf(first),
                `hint ${nameToken.image.toUpperCase()} mixes 'key' = 'value' options with plain ones; use one form`,
              );
          });
        },
      });
      this.CONSUME(T.RParen);
    });
    return this.ACTION(() => ({
      pos: posOf(nameToken),
      name: identifierValue(nameToken).toUpperCase(),
      kvOptions,
      listOptions,
    }));
  });

  protected selectItem = this.RULE('selectItem', (): SelectItem => {
    const expr = this.SUBRULE(this.expression);
    const alias = this.OPTION(() => this.SUBRULE(this.alias));
    return this.ACTION(() => node({ kind: 'selectItem', pos: expr.pos, expr, alias }));
  });

  protected alias = this.RULE('alias', (): string => {
    this.OPTION(() => this.CONSUME(K.AS));
    return this.SUBRULE(this.name);
  });

  protected fromClause = this.RULE('fromClause', (): FromItem => {
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

  protected joinClause = this.RULE('joinClause', (left: FromItem): FromItem => {
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

  protected tableReference = this.RULE('tableReference', (): FromItem => {
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
      { ALT: () => this.SUBRULE(this.lateralTable) },
      { ALT: () => this.SUBRULE(this.unnestTable) },
    ]);
    const matched = this.OPTION(() => this.SUBRULE(this.matchRecognize, { ARGS: [item] }));
    const alias = this.OPTION2(() => this.SUBRULE(this.alias));
    const columnAliases = this.OPTION3(() => this.SUBRULE(this.nameList)) ?? [];
    return this.ACTION(() => {
      const result = matched ?? item;
      return alias === undefined ? result : node({ ...result, alias, columnAliases });
    });
  });

  protected namedTable = this.RULE('namedTable', (): FromItem => {
    const start = this.LA(1);
    const name = this.SUBRULE(this.compoundName);
    const hints = this.OPTION2(() => this.SUBRULE(this.hintBlock));
    const asOf = this.OPTION(() => {
      this.CONSUME(K.FOR);
      this.CONSUME(K.SYSTEM_TIME);
      this.CONSUME(K.AS);
      this.CONSUME(K.OF);
      return this.SUBRULE(this.additive);
    });
    return this.ACTION(() =>
      node({
        kind: 'tableRef',
        pos: posOf(start),
        name,
        ...(hints === undefined ? {} : { hints }),
        columnAliases: [],
        systemTimeAsOf: asOf,
      }),
    );
  });

  /** `LATERAL TABLE(split(t.s))`: a user-defined table function called per row on its left. */
  protected lateralTable = this.RULE('lateralTable', (): FromItem => {
    const start = this.CONSUME(K.LATERAL);
    this.CONSUME(K.TABLE);
    this.CONSUME(T.LParen);
    const call = this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
    return this.ACTION(() => {
      if (call.kind !== 'call' || call.over !== undefined)
        throw parseError(call.pos, 'LATERAL TABLE takes a table function call: LATERAL TABLE(f(t.x))');
      return node({ kind: 'lateral', pos: posOf(start), call, columnAliases: [] }) as FromItem;
    });
  });

  /**
   * `UNNEST(t.arr [, t.other…]) [WITH ORDINALITY]`: one row per element of an ARRAY or entry of a
   * MAP; several collections are zipped by position.
   */
  protected unnestTable = this.RULE('unnestTable', (): FromItem => {
    const start = this.CONSUME(K.UNNEST);
    this.CONSUME(T.LParen);
    const args: Expr[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => args.push(this.SUBRULE(this.expression)) });
    this.CONSUME(T.RParen);
    const ordinality = this.OPTION(() => {
      this.CONSUME(K.WITH);
      const word = this.SUBRULE(this.identifier);
      this.ACTION(() => {
        if (word.image.toUpperCase() !== 'ORDINALITY')
          throw parseError(posOf(word), `expected ORDINALITY after UNNEST(…) WITH, got '${word.image}'`);
      });
      return true;
    });
    return this.ACTION(() => {
      const call = node({ kind: 'call', pos: posOf(start), name: 'UNNEST', args, distinct: false });
      const unnest = { ordinality: ordinality === true };
      return node({ kind: 'lateral', pos: posOf(start), call, columnAliases: [], unnest }) as FromItem;
    });
  });

  /** `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))`, with optional `name =>` arguments. */
  protected tableFunction = this.RULE('tableFunction', (): FromItem => {
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

  protected tvfArgument = this.RULE(
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
}

function describeFrom(item: FromItem): string {
  if (item.kind === 'lateral')
    return item.unnest !== undefined ? 'UNNEST(…)' : `LATERAL TABLE(${item.call.name}(…))`;
  return item.kind === 'tableRef' ? item.name.join('.') : item.kind === 'tvf' ? item.name : 'subquery';
}

function setOperation(op: IToken, all: boolean, left: QueryBody, right: QueryBody): QueryBody {
  return node({
    kind: 'setOp',
    pos: posOf(op),
    op: op.image.toUpperCase() as 'UNION' | 'INTERSECT' | 'EXCEPT',
    all,
    left,
    right,
  });
}

/** A parse error unless the token is one of these words (FETCH's NEXT and ONLY). */
function expectWord(token: IToken, ...words: string[]): void {
  if (!words.includes(token.image.toUpperCase()))
    throw parseError(
      posOf(token),
      `expected ${words.join(' or ')} in FETCH FIRST n ROWS ONLY, found '${token.image}'`,
    );
}
