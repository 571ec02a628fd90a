/**
 * The lowest layer of Weir's SQL grammar: names, literals and data types, plus the helpers
 * every rule uses (token positions, source text). Chevrotain grammars grow by inheritance:
 * expressions, queries and statements each add their rules in a subclass, and the last one
 * runs the grammar analysis. Rules build AST nodes in `ACTION` blocks because chevrotain first
 * runs each rule without input to record the grammar.
 */
import type { IParserConfig, IToken, TokenType } from 'chevrotain';
import { EmbeddedActionsParser, EOF } from './chevrotain.js';
import { parseError } from '../errors.js';
import { node, type SourcePos, type TimeUnit, type TypeSyntax } from './ast.js';
import * as T from './tokens.js';

const { K } = T;

/** `MINUTES` → `MINUTE`: Flink accepts both forms of every unit. */
export function unitOf(token: IToken): TimeUnit {
  const word = token.image.toUpperCase();
  return (word.endsWith('S') && word !== 'S' ? word.slice(0, -1) : word) as TimeUnit;
}

/** A token's 1-based line and column. */
export function posOf(token: IToken): SourcePos {
  return { line: token.startLine ?? 1, column: token.startColumn ?? 1 };
}

/** The text of a string literal without its quotes, with `''` unescaped. */
export function stringValue(token: IToken): string {
  return token.image.slice(1, -1).replaceAll("''", "'");
}

/** An identifier's name: backticks removed and doubled backticks unescaped. */
export function identifierValue(token: IToken): string {
  return token.tokenType === T.QuotedIdentifier
    ? token.image.slice(1, -1).replaceAll('``', '`')
    : token.image;
}

/** The tokens of time units, singular and plural. */
export const TIME_UNITS = [
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

/** Names, literals and types; subclasses add the rest of the grammar. */
export class GrammarBase extends EmbeddedActionsParser {
  /** The text being parsed, for constructs that keep their source (computed columns, watermarks). */
  source = '';

  constructor(config: IParserConfig) {
    super(T.allTokens, config);
  }

  /** The source from `first` to the last consumed token. */
  protected textFrom(first: IToken): string {
    return this.source.slice(first.startOffset, (this.LA(0).endOffset ?? first.startOffset) + 1);
  }

  /** Where the next token starts, or just past the last one at the end of input. */
  protected nextPos(): SourcePos {
    const next = this.LA(1);
    if (next.tokenType !== EOF) return posOf(next);
    const last = this.LA(0);
    return { line: last.endLine ?? 1, column: (last.endColumn ?? 0) + 1 };
  }

  // ----------------------------------------------------------------------- names and literals

  protected identifier = this.RULE(
    'identifier',
    (): IToken =>
      this.OR([
        { ALT: () => this.CONSUME(T.Identifier) },
        { ALT: () => this.CONSUME(T.QuotedIdentifier) },
        { ALT: () => this.CONSUME(T.NonReserved) },
      ]),
  );

  protected name = this.RULE('name', (): string => {
    const token = this.SUBRULE(this.identifier);
    return this.ACTION(() => identifierValue(token));
  });

  /** `a.b.c`: catalog, database and object, or a table and its column. */
  protected compoundName = this.RULE('compoundName', (): string[] => {
    const parts: string[] = [this.SUBRULE(this.name)];
    this.MANY(() => {
      this.CONSUME(T.Dot);
      parts.push(this.SUBRULE2(this.name));
    });
    return parts;
  });

  protected nameList = this.RULE('nameList', (): string[] => {
    const names: string[] = [];
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => names.push(this.SUBRULE(this.name)) });
    this.CONSUME(T.RParen);
    return names;
  });

  protected string = this.RULE('string', (): string => {
    const token = this.CONSUME(T.StringLiteral);
    return this.ACTION(() => stringValue(token));
  });

  protected integer = this.RULE('integer', (): number => {
    const token = this.CONSUME(T.NumberLiteral);
    return this.ACTION(() => Number(token.image));
  });

  protected timeUnit = this.RULE('timeUnit', (): TimeUnit => {
    const token = this.OR(TIME_UNITS.map((unit) => ({ ALT: () => this.CONSUME(unit) })));
    return this.ACTION(() => unitOf(token));
  });

  // ----------------------------------------------------------------------------------- types

  /** Any data type; names are checked where a type is used (columns, CAST). */
  dataType = this.RULE('dataType', (): TypeSyntax => {
    let intervalUnit: TimeUnit | undefined;
    let intervalToUnit: TimeUnit | undefined;
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
          // INTERVAL DAY(2) TO SECOND(3): the precisions do not change the values kept.
          this.OPTION7(() => this.SUBRULE(this.intervalPrecision));
          this.OPTION(() => {
            this.CONSUME(K.TO);
            intervalToUnit = this.SUBRULE2(this.timeUnit);
            this.OPTION8(() => this.SUBRULE2(this.intervalPrecision));
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
          // TIMESTAMP(3) WITHOUT TIME ZONE is TIMESTAMP(3). WITHOUT is a plain word (so the
          // gate), and JSON_QUERY's `RETURNING type WITHOUT ARRAY WRAPPER` has it after a type too.
          this.OPTION9({
            GATE: () => this.LA(1).image.toUpperCase() === 'WITHOUT' && this.LA(2).tokenType === K.TIME,
            DEF: () => {
              this.CONSUME3(T.Identifier);
              this.CONSUME3(K.TIME);
              this.CONSUME2(K.ZONE);
            },
          });
        },
      },
    ]);
    // `INT ARRAY`, `STRING MULTISET`: the postfix spellings of ARRAY<INT> and MULTISET<STRING>.
    const collections: IToken[] = [];
    this.MANY(() =>
      collections.push(
        this.OR6([{ ALT: () => this.CONSUME2(K.ARRAY) }, { ALT: () => this.CONSUME2(K.MULTISET) }]),
      ),
    );
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
    return this.ACTION(() => {
      let type: TypeSyntax = node({
        kind: 'type',
        pos: posOf(nameToken),
        name: nameToken.image.toUpperCase(),
        params,
        args,
        nullable: collections.length > 0 || nullable,
        withLocalTimeZone,
        intervalUnit,
        ...(intervalToUnit === undefined ? {} : { intervalToUnit }),
      });
      collections.forEach((token, i) => {
        type = node({
          kind: 'type',
          pos: posOf(token),
          name: token.image.toUpperCase(),
          params: [],
          args: [{ type }],
          nullable: i < collections.length - 1 || nullable,
          withLocalTimeZone: false,
          intervalUnit: undefined,
        });
      });
      return type;
    });
  });

  /** `(p)` after an interval unit. */
  private intervalPrecision = this.RULE('intervalPrecision', (): void => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.integer);
    this.CONSUME(T.RParen);
  });

  /** An element type (`STRING` in `ARRAY<STRING>`) or a named field (`zip INT` in `ROW<…>`). */
  protected typeArg = this.RULE('typeArg', (): { name?: string; type: TypeSyntax } =>
    this.OR([
      {
        // `ARRAY<INT ARRAY>` is an element type, not a field INT of a bare ARRAY type.
        GATE: () => !(isCollectionWord(this.LA(2)) && this.LA(3).tokenType !== T.Less),
        IGNORE_AMBIGUITIES: true,
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
}

function isCollectionWord(token: IToken): boolean {
  return token.tokenType === K.ARRAY || token.tokenType === K.MULTISET;
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
export function checkType(type: TypeSyntax): void {
  if (!TYPE_NAMES.has(type.name))
    throw parseError(
      type.pos,
      `unknown type '${type.name}'; use one of BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p, s), STRING, VARCHAR(n), TIMESTAMP(p), TIMESTAMP_LTZ(p), DATE, TIME, ARRAY<T>, MAP<K, V>, ROW<…>`,
    );
  for (const arg of type.args) checkType(arg.type);
}
