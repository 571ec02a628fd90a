/**
 * The statements of Weir's Flink SQL dialect — CREATE TABLE / VIEW / FUNCTION, DROP, SHOW,
 * DESCRIBE, SET, RESET, USE, EXPLAIN, INSERT, EXECUTE STATEMENT SET, the job statements and
 * queries — on top of the query, expression and base grammars. This class is the parser: it runs chevrotain's
 * grammar analysis once, when constructed.
 */
import type { ILookaheadStrategy, IToken, OptionalProductionType, Rule } from 'chevrotain';
import { parseError, unsupported } from '../errors.js';
import {
  type ColumnDef,
  type AlterCatalogAction,
  type AlterColumn,
  type AlterTableAction,
  type ComputedColumnDef,
  type CreateTable,
  type Insert,
  type StaticPartitionValue,
  type LikeClause,
  type LikeOption,
  node,
  type PrimaryKeyDef,
  type Query,
  type SourcePos,
  type Statement,
  type WatermarkDef,
} from './ast.js';
import { EOF, LLkLookaheadStrategy } from './chevrotain.js';
import { sqlErrorMessages } from './error-messages.js';
import { ALTER_DISTRIBUTION } from './out-of-scope.js';
import { checkType, posOf, stringValue } from './grammar-base.js';
import { QueryGrammar } from './query-grammar.js';
import * as T from './tokens.js';

const { K } = T;

/** How a {@link SqlGrammar} is built. */
export interface SqlGrammarOptions {
  /**
   * Run chevrotain's grammar validations (ambiguous alternatives, left recursion, …) while
   * building. They find mistakes in the grammar, not in the SQL being parsed, and take about
   * 40% of the build, which every process that parses SQL pays (a worker thread rebuilding a
   * SQL job too), so they run in the grammar's own test rather than in production.
   */
  readonly validate?: boolean;
}

/** Longest token sequence the grammar looks ahead to choose a way. */
const MAX_LOOKAHEAD = 3;

type LookaheadFunction = (this: unknown, ...args: unknown[]) => unknown;
type AlternationOptions = Parameters<ILookaheadStrategy['buildLookaheadForAlternation']>[0];
type AlternationLookahead = ReturnType<ILookaheadStrategy['buildLookaheadForAlternation']>;
type OptionalOptions = {
  prodOccurrence: number;
  prodType: OptionalProductionType;
  rule: Rule;
  maxLookahead: number;
  dynamicTokensEnabled: boolean;
};

/**
 * Chevrotain's LL(k) lookahead, each function built on its first call rather than all of them
 * when the parser is built. The function built is the one chevrotain would have built up
 * front, from the same grammar, so parses and error messages do not change.
 */
class LazyLookahead extends LLkLookaheadStrategy {
  override buildLookaheadForAlternation(options: AlternationOptions): AlternationLookahead {
    return lazily(() => super.buildLookaheadForAlternation(options)) as AlternationLookahead;
  }

  override buildLookaheadForOptional(options: OptionalOptions): () => boolean {
    return lazily(() => super.buildLookaheadForOptional(options)) as () => boolean;
  }
}

/** A function that builds the real one on its first call; chevrotain calls it on the parser. */
function lazily(build: () => (...args: never[]) => unknown): LookaheadFunction {
  let built: LookaheadFunction | undefined;
  return function (this: unknown, ...args: unknown[]): unknown {
    built ??= build() as LookaheadFunction;
    return built.apply(this, args);
  };
}

/** The parser. One instance is reused: set `input`, call a rule, read `errors`. */
export class SqlGrammar extends QueryGrammar {
  constructor(options: SqlGrammarOptions = {}) {
    super({
      maxLookahead: MAX_LOOKAHEAD,
      recoveryEnabled: false,
      errorMessageProvider: sqlErrorMessages,
      skipValidations: options.validate !== true,
      // The validated build computes every lookahead up front, as chevrotain does by default,
      // which the grammar's test compares the lazy one against. (Chevrotain checks whether the
      // key is present, so it is left out rather than undefined.)
      ...(options.validate === true
        ? {}
        : { lookaheadStrategy: new LazyLookahead({ maxLookahead: MAX_LOOKAHEAD }) }),
    });
    this.performSelfAnalysis();
  }

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
        // Before SHOW and DESCRIBE, whose other forms these would otherwise be read as.
        {
          GATE: () => this.startsJobStatement(),
          IGNORE_AMBIGUITIES: true,
          ALT: () => this.SUBRULE(this.jobStatement),
        },
        // COMPILE is a plain identifier, not a keyword, so tables and columns may keep the name.
        {
          GATE: () => isWord(this.LA(1), 'COMPILE'),
          IGNORE_AMBIGUITIES: true,
          ALT: () => this.SUBRULE(this.compilePlan),
        },
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
        { ALT: () => this.SUBRULE(this.alterStatement) },
        { ALT: () => this.SUBRULE(this.replaceTable) },
        {
          ALT: () => {
            const token = this.OR2([
              { ALT: () => this.CONSUME(K.DELETE) },
              { ALT: () => this.CONSUME(K.UPDATE) },
              { ALT: () => this.CONSUME(K.MERGE) },
            ]);
            return this.ACTION(() => {
              // Flink runs these on batch tables only.
              throw unsupported(
                posOf(token),
                token.image.toUpperCase(),
                "streaming queries change a sink's rows through their changelog instead: INSERT INTO a table with a primary key",
              );
            });
          },
        },
      ]),
  );

  /**
   * Whether the statement is a job statement. JOBS, JOB, STOP, SAVEPOINT and DRAIN are plain
   * identifiers, not keywords, so tables and columns may keep those names.
   */
  private startsJobStatement(): boolean {
    const [first, second] = [this.LA(1), this.LA(2)];
    if (first.tokenType === K.SHOW) return isWord(second, 'JOBS');
    if (first.tokenType === K.DESCRIBE || first.tokenType === K.DESC)
      return isWord(second, 'JOB') && this.LA(3).tokenType === T.StringLiteral;
    return isWord(first, 'STOP');
  }

  /** `SHOW JOBS`, `DESCRIBE JOB 'id'`, `STOP JOB 'id' [WITH SAVEPOINT] [WITH DRAIN]`. */
  private jobStatement = this.RULE(
    'jobStatement',
    (): Statement =>
      this.OR([
        {
          ALT: () => {
            const start = this.CONSUME(K.SHOW);
            this.CONSUME(T.Identifier);
            return this.ACTION(() => node({ kind: 'showJobs', pos: posOf(start) }));
          },
        },
        {
          ALT: () => {
            const verb = this.OR2([
              { ALT: () => this.CONSUME(K.DESCRIBE) },
              { ALT: () => this.CONSUME(K.DESC) },
              { ALT: () => this.CONSUME2(T.Identifier) },
            ]);
            const job = this.CONSUME3(T.Identifier);
            const idToken = this.LA(1);
            const jobId = this.SUBRULE(this.string);
            const options: IToken[] = [];
            this.MANY(() => {
              this.CONSUME(K.WITH);
              options.push(this.CONSUME4(T.Identifier));
            });
            return this.ACTION(() => jobStatementNode(verb, job, jobId, posOf(idToken), options));
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
    return this.OR2([
      {
        ALT: () => {
          this.CONSUME(K.OR);
          this.CONSUME(K.REPLACE);
          return this.SUBRULE2(this.createTable, { ARGS: [posOf(start), false, 'createOrReplace'] });
        },
      },
      {
        ALT: () => {
          let system = false;
          const temporary =
            this.OPTION(() => {
              this.CONSUME(K.TEMPORARY);
              this.OPTION2(() => {
                this.CONSUME(K.SYSTEM);
                system = true;
              });
              return true;
            }) ?? false;
          return this.OR([
            { ALT: () => this.SUBRULE(this.createTable, { ARGS: [posOf(start), temporary] }) },
            { ALT: () => this.SUBRULE(this.createView, { ARGS: [posOf(start), temporary] }) },
            { ALT: () => this.SUBRULE(this.createFunction, { ARGS: [posOf(start), temporary, system] }) },
            { ALT: () => this.SUBRULE(this.createCatalog, { ARGS: [posOf(start), temporary] }) },
            { ALT: () => this.SUBRULE(this.createDatabase, { ARGS: [posOf(start), temporary] }) },
          ]);
        },
      },
    ]);
  });

  /** `REPLACE TABLE name WITH (…) AS query`: CTAS over a table that must exist. */
  private replaceTable = this.RULE('replaceTable', (): Statement => {
    const start = this.CONSUME(K.REPLACE);
    return this.SUBRULE(this.createTable, { ARGS: [posOf(start), false, 'replace'] });
  });

  private createTable = this.RULE(
    'createTable',
    (pos: SourcePos, temporary: boolean, replace?: 'createOrReplace' | 'replace'): Statement => {
      this.CONSUME(K.TABLE);
      const ifNotExists = this.SUBRULE(this.ifNotExists);
      const name = this.SUBRULE(this.compoundName);
      const columns: (ColumnDef | ComputedColumnDef)[] = [];
      let watermark: WatermarkDef | undefined;
      let primaryKey: PrimaryKeyDef | undefined;
      // Optional only so that `CREATE TABLE t WITH (…) LIKE s` and `… AS SELECT` reach their errors.
      const afterName = this.LA(1);
      const columnList = this.OPTION6(() => {
        this.CONSUME(T.LParen);
        this.AT_LEAST_ONE_SEP({
          SEP: T.Comma,
          DEF: () =>
            // One token of lookahead, and gates that read the next two: at the grammar's three,
            // chevrotain keys the `name type …` paths by every pair of non-reserved keywords (tens of
            // thousands of keys each), which made the first CREATE TABLE cost over 100 ms. The gates
            // pick the same way the three-token paths did.
            this.OR({
              MAX_LOOKAHEAD: 1,
              IGNORE_AMBIGUITIES: true,
              DEF: [
                {
                  GATE: () => this.LA(2).tokenType === K.FOR,
                  ALT: () => (watermark = this.SUBRULE(this.watermarkDefinition)),
                },
                // Flink takes no UNIQUE constraint; refused before `c UNIQUE` reads as a column.
                {
                  GATE: () => this.LA(1).tokenType === K.CONSTRAINT && isWord(this.LA(3), 'UNIQUE'),
                  ALT: () => {
                    const start = this.CONSUME(K.CONSTRAINT);
                    this.ACTION(() => {
                      throw unsupported(
                        posOf(start),
                        'a UNIQUE constraint',
                        'declare the key as PRIMARY KEY (…) NOT ENFORCED, the one constraint Flink takes',
                      );
                    });
                  },
                },
                // A column named PRIMARY or CONSTRAINT must be quoted, as in Flink.
                {
                  GATE: () => this.primaryKeyAhead(),
                  ALT: () => (primaryKey = this.SUBRULE(this.primaryKeyDefinition)),
                },
                {
                  ALT: () => {
                    const column = this.SUBRULE(this.columnDefinition);
                    columns.push(column.column);
                    if (column.primaryKey !== undefined) primaryKey = column.primaryKey;
                  },
                },
              ],
            }),
        });
        this.CONSUME(T.RParen);
        return true;
      });
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
      const like = this.OPTION4(() => this.SUBRULE(this.likeClause));
      const asPos = this.ACTION(() => this.nextPos());
      const asQuery = this.OPTION5(() => {
        this.CONSUME(K.AS);
        return this.SUBRULE(this.query);
      });
      this.ACTION(() => {
        if (asQuery !== undefined) {
          const where = asPos;
          if (columnList !== undefined)
            throw unsupported(
              posOf(afterName),
              'a column list in CREATE TABLE … AS SELECT',
              'the table takes its columns from the query; CAST in the query to change a type',
            );
          if (partitionedBy.length > 0)
            throw unsupported(
              where,
              'PARTITIONED BY in CREATE TABLE … AS SELECT',
              'create the table, then INSERT INTO it',
            );
          if (like !== undefined) throw parseError(where, 'CREATE TABLE … LIKE cannot also have AS query');
          if (temporary)
            throw unsupported(
              pos,
              'CREATE TEMPORARY TABLE … AS SELECT',
              'create a permanent table (drop TEMPORARY)',
            );
          if (replace !== undefined && ifNotExists)
            throw parseError(pos, 'REPLACE TABLE … AS cannot have IF NOT EXISTS');
          return;
        }
        if (replace !== undefined)
          throw parseError(asPos, `expected AS and a query after REPLACE TABLE ${name.join('.')} … WITH (…)`);
        if (columnList === undefined && like === undefined)
          throw parseError(
            posOf(afterName),
            `expected '(' and the column list after CREATE TABLE ${name.join('.')}, found '${afterName.image}'`,
          );
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
          ...(like === undefined ? {} : { like }),
          ...(asQuery === undefined ? {} : { asQuery }),
          ...(replace === undefined ? {} : { replace }),
        }),
      );
    },
  );

  /** `LIKE source [(INCLUDING | EXCLUDING | OVERWRITING feature …)]`, options separated by blanks. */
  private likeClause = this.RULE('likeClause', (): LikeClause => {
    const start = this.CONSUME(K.LIKE);
    const sourceStart = this.LA(1);
    const source = this.SUBRULE(this.compoundName);
    const options: LikeOption[] = [];
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.AT_LEAST_ONE(() => {
        const strategy = this.OR([
          { ALT: () => this.CONSUME(K.INCLUDING) },
          { ALT: () => this.CONSUME(K.EXCLUDING) },
          { ALT: () => this.CONSUME(K.OVERWRITING) },
        ]);
        const feature = this.OR2([
          { ALT: () => this.CONSUME(K.ALL) },
          { ALT: () => this.CONSUME(K.CONSTRAINTS) },
          { ALT: () => this.CONSUME(K.GENERATED) },
          { ALT: () => this.CONSUME(K.METADATA) },
          { ALT: () => this.CONSUME(K.OPTIONS) },
          { ALT: () => this.CONSUME(K.PARTITIONS) },
          { ALT: () => this.CONSUME(K.WATERMARKS) },
        ]);
        this.ACTION(() =>
          options.push(
            Object.freeze({
              strategy: strategy.image.toUpperCase() as LikeOption['strategy'],
              feature: feature.image.toUpperCase() as LikeOption['feature'],
              pos: posOf(strategy),
            }),
          ),
        );
      });
      this.CONSUME(T.RParen);
    });
    return this.ACTION(() =>
      node({ kind: 'like', pos: posOf(start), source, sourcePos: posOf(sourceStart), options }),
    );
  });

  /**
   * Whether a table element is a table-level primary key: `PRIMARY KEY …`, or `CONSTRAINT name
   * PRIMARY …` (a quoted constraint name is enough, as no column type is quoted).
   */
  private primaryKeyAhead(): boolean {
    const first = this.LA(1).tokenType;
    const second = this.LA(2).tokenType;
    if (first === K.PRIMARY) return second === K.KEY;
    if (first !== K.CONSTRAINT) return false;
    if (second === T.QuotedIdentifier) return true;
    const named = second === T.Identifier || (second.CATEGORIES ?? []).includes(T.NonReserved);
    return named && this.LA(3).tokenType === K.PRIMARY;
  }

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
            const metadata = this.OPTION2(() => {
              this.CONSUME(K.METADATA);
              const key = this.OPTION5(() => {
                this.CONSUME(K.FROM);
                return this.SUBRULE3(this.string);
              });
              const virtual = this.OPTION6(() => this.CONSUME(K.VIRTUAL)) !== undefined;
              return { key, virtual };
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
              return node({ kind: 'physicalColumn', pos: posOf(start), name, type, comment, metadata });
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
    this.CONSUME(K.WITH);
    return this.SUBRULE(this.optionList);
  });

  /** `('k' = 'v', …)`, of WITH and ALTER TABLE … SET. */
  private optionList = this.RULE('optionList', (): { key: string; value: string; pos: SourcePos }[] => {
    const options: { key: string; value: string; pos: SourcePos }[] = [];
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

  /** `CATALOG [IF NOT EXISTS] name [COMMENT '…'] WITH (…)` after CREATE. */
  private createCatalog = this.RULE('createCatalog', (pos: SourcePos, temporary: boolean): Statement => {
    const token = this.CONSUME(K.CATALOG);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = this.SUBRULE(this.name);
    const comment = this.OPTION(() => {
      this.CONSUME(K.COMMENT);
      return this.SUBRULE(this.string);
    });
    const options = this.SUBRULE(this.withOptions);
    return this.ACTION(() => {
      if (temporary) throw parseError(posOf(token), 'a catalog cannot be TEMPORARY; write CREATE CATALOG');
      return node({ kind: 'createCatalog', pos, name, ifNotExists, comment, options });
    });
  });

  /** `DATABASE [IF NOT EXISTS] [catalog.]name [COMMENT '…'] [WITH (…)]` after CREATE. */
  private createDatabase = this.RULE('createDatabase', (pos: SourcePos, temporary: boolean): Statement => {
    const token = this.CONSUME(K.DATABASE);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const nameStart = this.LA(1);
    const name = this.SUBRULE(this.compoundName);
    const comment = this.OPTION(() => {
      this.CONSUME(K.COMMENT);
      return this.SUBRULE(this.string);
    });
    const options = this.OPTION2(() => this.SUBRULE(this.withOptions)) ?? [];
    return this.ACTION(() => {
      if (temporary) throw parseError(posOf(token), 'a database cannot be TEMPORARY; write CREATE DATABASE');
      return node({
        kind: 'createDatabase',
        pos,
        name,
        namePos: posOf(nameStart),
        ifNotExists,
        comment,
        options,
      });
    });
  });

  private createView = this.RULE('createView', (pos: SourcePos, temporary: boolean): Statement => {
    this.CONSUME(K.VIEW);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = this.SUBRULE(this.compoundName);
    const columns = this.OPTION(() => this.SUBRULE(this.nameList)) ?? [];
    const comment = this.OPTION2(() => {
      this.CONSUME(K.COMMENT);
      return this.SUBRULE(this.string);
    });
    this.CONSUME(K.AS);
    const first = this.LA(1);
    const query = this.SUBRULE(this.query);
    const queryText = this.ACTION(() => this.textFrom(first));
    return this.ACTION(() =>
      node({ kind: 'createView', pos, name, temporary, ifNotExists, columns, comment, query, queryText }),
    );
  });

  private createFunction = this.RULE(
    'createFunction',
    (pos: SourcePos, temporary: boolean, system: boolean): Statement => {
      this.CONSUME(K.FUNCTION);
      const ifNotExists = this.SUBRULE(this.ifNotExists);
      const nameStart = this.LA(1);
      const name = this.SUBRULE(this.compoundName);
      this.CONSUME(K.AS);
      const className = this.SUBRULE(this.string);
      const language = this.OPTION(() => {
        this.CONSUME(K.LANGUAGE);
        return this.SUBRULE(this.identifier);
      });
      return this.ACTION(() => {
        if (system && name.length > 1)
          throw parseError(
            posOf(nameStart),
            `a temporary system function has no catalog or database, so its name has one part, not ${name.join('.')}`,
          );
        return node({
          kind: 'createFunction',
          pos,
          name,
          temporary,
          ...(system ? { system } : {}),
          ifNotExists,
          className,
          language: language === undefined ? undefined : language.image.toUpperCase(),
        });
      });
    },
  );

  private dropStatement = this.RULE('dropStatement', (): Statement => {
    const start = this.CONSUME(K.DROP);
    let system = false;
    const temporary =
      this.OPTION(() => {
        this.CONSUME(K.TEMPORARY);
        this.OPTION2(() => {
          this.CONSUME(K.SYSTEM);
          system = true;
        });
        return true;
      }) ?? false;
    const object = this.OR([
      { ALT: () => this.CONSUME(K.TABLE) },
      { ALT: () => this.CONSUME(K.VIEW) },
      { ALT: () => this.CONSUME(K.FUNCTION) },
      { ALT: () => this.CONSUME(K.CATALOG) },
      { ALT: () => this.CONSUME(K.DATABASE) },
    ]);
    const ifExists =
      this.OPTION3(() => {
        this.CONSUME(K.IF);
        this.CONSUME(K.EXISTS);
        return true;
      }) ?? false;
    const nameStart = this.LA(1);
    const name = this.SUBRULE(this.compoundName);
    const mode = this.OPTION4(() =>
      this.OR2([{ ALT: () => this.CONSUME(K.RESTRICT) }, { ALT: () => this.CONSUME(K.CASCADE) }]),
    );
    return this.ACTION((): Statement => {
      const what = object.image.toUpperCase();
      const namePos = posOf(nameStart);
      if (mode !== undefined && what !== 'DATABASE')
        throw parseError(posOf(mode), `${mode.image.toUpperCase()} applies to DROP DATABASE only; remove it`);
      if (temporary && (what === 'CATALOG' || what === 'DATABASE'))
        throw parseError(posOf(object), `a ${what.toLowerCase()} cannot be TEMPORARY; write DROP ${what}`);
      if (what === 'CATALOG') {
        if (name.length > 1)
          throw parseError(
            namePos,
            `a catalog name has one part, not ${name.join('.')}; quote it if it holds dots`,
          );
        return node({ kind: 'dropCatalog', pos: posOf(start), name: name[0]!, namePos, ifExists });
      }
      if (what === 'DATABASE')
        return node({
          kind: 'dropDatabase',
          pos: posOf(start),
          name,
          namePos,
          ifExists,
          cascade: mode?.tokenType === K.CASCADE,
        });
      return node({
        kind: 'drop',
        pos: posOf(start),
        object: what as 'TABLE',
        name,
        namePos,
        temporary,
        ...(system && what === 'FUNCTION' ? { system } : {}),
        ifExists,
      });
    });
  });

  private showStatement = this.RULE('showStatement', (): Statement => {
    const start = this.CONSUME(K.SHOW);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.TABLES);
          const from = this.OPTION(() => {
            this.OR2([{ ALT: () => this.CONSUME(K.FROM) }, { ALT: () => this.CONSUME(K.IN) }]);
            const nameStart = this.LA(1);
            const name = this.SUBRULE(this.compoundName);
            return { name, pos: posOf(nameStart) };
          });
          const like = this.OPTION2(() => {
            const negated = this.OPTION3(() => this.CONSUME(K.NOT)) !== undefined;
            this.CONSUME(K.LIKE);
            return { pattern: this.SUBRULE(this.string), negated };
          });
          return this.ACTION(() =>
            node({
              kind: 'show',
              pos: posOf(start),
              object: 'TABLES',
              from: from?.name,
              fromPos: from?.pos,
              like,
            }),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.CURRENT);
          const object = this.OR3([
            { ALT: () => this.CONSUME2(K.CATALOG) },
            { ALT: () => this.CONSUME2(K.DATABASE) },
          ]);
          return this.ACTION(() =>
            node({
              kind: 'show',
              pos: posOf(start),
              object: `CURRENT ${object.image.toUpperCase()}` as 'CURRENT CATALOG',
            }),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.VIEWS);
          return this.ACTION(() => node({ kind: 'show', pos: posOf(start), object: 'VIEWS' }));
        },
      },
      {
        ALT: () => {
          const object = this.OR4([
            { ALT: () => this.CONSUME(K.CATALOGS) },
            { ALT: () => this.CONSUME(K.DATABASES) },
          ]);
          const filter = this.SUBRULE(this.showFilter);
          return this.ACTION(() => {
            if (filter.from !== undefined && object.tokenType === K.CATALOGS)
              throw parseError(filter.from.pos, 'SHOW CATALOGS lists every catalog; remove FROM / IN');
            if (filter.from !== undefined && filter.from.name.length > 1)
              throw parseError(
                filter.from.pos,
                `a catalog name has one part, not ${filter.from.name.join('.')}; quote it if it holds dots`,
              );
            return node({
              kind: 'show',
              pos: posOf(start),
              object: object.tokenType === K.CATALOGS ? 'CATALOGS' : 'DATABASES',
              from: filter.from?.name,
              fromPos: filter.from?.pos,
              like: filter.like,
            });
          });
        },
      },
      { ALT: () => this.SUBRULE(this.showFunctions, { ARGS: [posOf(start)] }) },
      { ALT: () => this.SUBRULE(this.showCreateOrColumns, { ARGS: [posOf(start)] }) },
    ]);
  });

  /**
   * `SHOW [USER] FUNCTIONS [FROM | IN [catalog.]database] [[NOT] LIKE | ILIKE 'pattern']`. USER
   * and ILIKE are plain identifiers here, not keywords, so that columns may keep those names.
   */
  private showFunctions = this.RULE('showFunctions', (pos: SourcePos): Statement => {
    const user = this.OPTION(() => this.CONSUME(T.Identifier));
    this.CONSUME(K.FUNCTIONS);
    const filter = this.SUBRULE(this.showFilter);
    return this.ACTION(() => {
      if (user !== undefined && user.image.toUpperCase() !== 'USER')
        throw parseError(
          posOf(user),
          `unexpected '${user.image}'; write SHOW FUNCTIONS or SHOW USER FUNCTIONS`,
        );
      return node({
        kind: 'show',
        pos,
        object: user === undefined ? 'FUNCTIONS' : 'USER FUNCTIONS',
        from: filter.from?.name,
        fromPos: filter.from?.pos,
        like: filter.like,
      });
    });
  });

  /** `[FROM | IN name] [[NOT] LIKE | ILIKE 'pattern']` of SHOW CATALOGS / DATABASES / FUNCTIONS. */
  private showFilter = this.RULE(
    'showFilter',
    (): {
      from?: { name: string[]; pos: SourcePos };
      like?: { pattern: string; negated: boolean; ignoreCase: boolean };
    } => {
      const from = this.OPTION(() => {
        this.OR([{ ALT: () => this.CONSUME(K.FROM) }, { ALT: () => this.CONSUME(K.IN) }]);
        const nameStart = this.LA(1);
        const name = this.SUBRULE(this.compoundName);
        return { name, pos: posOf(nameStart) };
      });
      const like = this.OPTION2(() => {
        const negated = this.OPTION3(() => this.CONSUME(K.NOT)) !== undefined;
        // ILIKE is a plain identifier here, not a keyword.
        const operator = this.OR2([
          { ALT: () => this.CONSUME(K.LIKE) },
          { ALT: () => this.CONSUME(T.Identifier) },
        ]);
        const pattern = this.SUBRULE(this.string);
        return { pattern, negated, operator };
      });
      return this.ACTION(() => {
        if (
          like !== undefined &&
          like.operator.tokenType !== K.LIKE &&
          like.operator.image.toUpperCase() !== 'ILIKE'
        )
          throw parseError(
            posOf(like.operator),
            `unexpected '${like.operator.image}'; write LIKE or ILIKE 'pattern'`,
          );
        return {
          ...(from === undefined ? {} : { from }),
          ...(like === undefined
            ? {}
            : {
                like: {
                  pattern: like.pattern,
                  negated: like.negated,
                  ignoreCase: like.operator.tokenType !== K.LIKE,
                },
              }),
        };
      });
    },
  );

  /** `SHOW CREATE TABLE | VIEW name`, `SHOW COLUMNS FROM | IN name [[NOT] LIKE 'pattern']`. */
  private showCreateOrColumns = this.RULE(
    'showCreateOrColumns',
    (pos: SourcePos): Statement =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.CREATE);
            const object = this.OR2([
              { ALT: () => this.CONSUME(K.TABLE) },
              { ALT: () => this.CONSUME(K.VIEW) },
              { ALT: () => this.CONSUME(K.CATALOG) },
            ]);
            const nameStart = this.LA(1);
            const name = this.SUBRULE(this.compoundName);
            return this.ACTION(() => {
              if (object.tokenType === K.CATALOG && name.length > 1)
                throw parseError(
                  posOf(nameStart),
                  `a catalog name has one part, not ${name.join('.')}; quote it if it holds dots`,
                );
              return node({
                kind: 'showCreate',
                pos,
                object: object.image.toUpperCase() as 'TABLE' | 'VIEW' | 'CATALOG',
                name,
                namePos: posOf(nameStart),
              });
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.COLUMNS);
            this.OR3([{ ALT: () => this.CONSUME(K.FROM) }, { ALT: () => this.CONSUME(K.IN) }]);
            const nameStart = this.LA(1);
            const name = this.SUBRULE2(this.compoundName);
            const like = this.OPTION(() => {
              const not = this.OPTION2(() => this.CONSUME(K.NOT)) !== undefined;
              this.CONSUME(K.LIKE);
              const pattern = this.SUBRULE(this.string);
              return { pattern, not };
            });
            return this.ACTION(() =>
              node({
                kind: 'showColumns',
                pos,
                name,
                namePos: posOf(nameStart),
                ...(like === undefined ? {} : { like }),
              }),
            );
          },
        },
      ]),
  );

  private alterStatement = this.RULE('alterStatement', (): Statement => {
    const start = this.CONSUME(K.ALTER);
    return this.OR([
      { ALT: () => this.SUBRULE(this.alterTable, { ARGS: [posOf(start)] }) },
      { ALT: () => this.SUBRULE(this.alterView, { ARGS: [posOf(start)] }) },
      { ALT: () => this.SUBRULE(this.alterCatalog, { ARGS: [posOf(start)] }) },
      { ALT: () => this.SUBRULE(this.alterDatabase, { ARGS: [posOf(start)] }) },
    ]);
  });

  /** `CATALOG name SET (…) | RESET ('k', …) | COMMENT '…'` after ALTER. */
  private alterCatalog = this.RULE('alterCatalog', (pos: SourcePos): Statement => {
    this.CONSUME(K.CATALOG);
    const nameStart = this.LA(1);
    const name = this.SUBRULE(this.name);
    const action = this.OR<AlterCatalogAction>([
      {
        ALT: () => {
          this.CONSUME(K.SET);
          return { kind: 'setOptions', options: this.SUBRULE(this.optionList) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.RESET);
          this.CONSUME(T.LParen);
          const keys: { key: string; pos: SourcePos }[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => {
              const token = this.CONSUME(T.StringLiteral);
              this.ACTION(() => keys.push({ key: stringValue(token), pos: posOf(token) }));
            },
          });
          this.CONSUME(T.RParen);
          return { kind: 'resetOptions', keys };
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.COMMENT);
          return { kind: 'comment', comment: this.SUBRULE(this.string) };
        },
      },
    ]);
    return this.ACTION(() =>
      node({ kind: 'alterCatalog', pos, name, namePos: posOf(nameStart), action: Object.freeze(action) }),
    );
  });

  /** `DATABASE [catalog.]name SET (…)` after ALTER. */
  private alterDatabase = this.RULE('alterDatabase', (pos: SourcePos): Statement => {
    this.CONSUME(K.DATABASE);
    const nameStart = this.LA(1);
    const name = this.SUBRULE(this.compoundName);
    this.CONSUME(K.SET);
    const options = this.SUBRULE(this.optionList);
    return this.ACTION(() => node({ kind: 'alterDatabase', pos, name, namePos: posOf(nameStart), options }));
  });

  private alterTable = this.RULE('alterTable', (pos: SourcePos): Statement => {
    this.CONSUME(K.TABLE);
    const ifExists =
      this.OPTION(() => {
        this.CONSUME(K.IF);
        this.CONSUME(K.EXISTS);
        return true;
      }) ?? false;
    const nameStart = this.LA(1);
    const name = this.SUBRULE(this.compoundName);
    const actionStart = this.LA(1);
    const action = this.OR<AlterTableAction>([
      {
        ALT: () => {
          this.CONSUME(K.RENAME);
          return this.OR2<AlterTableAction>([
            {
              ALT: () => {
                this.CONSUME(K.TO);
                const to = this.SUBRULE2(this.compoundName);
                return { kind: 'renameTable', to };
              },
            },
            {
              ALT: () => {
                const from = this.SUBRULE(this.name);
                this.CONSUME2(K.TO);
                const to = this.SUBRULE2(this.name);
                return { kind: 'renameColumn', from, to };
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.SET);
          const options = this.SUBRULE(this.optionList);
          return { kind: 'setOptions', options };
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.RESET);
          this.CONSUME(T.LParen);
          const keys: { key: string; pos: SourcePos }[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => {
              const token = this.CONSUME(T.StringLiteral);
              this.ACTION(() => keys.push({ key: stringValue(token), pos: posOf(token) }));
            },
          });
          this.CONSUME(T.RParen);
          return { kind: 'resetOptions', keys };
        },
      },
      {
        ALT: () => {
          const verb = this.OR3([{ ALT: () => this.CONSUME(K.ADD) }, { ALT: () => this.CONSUME(K.MODIFY) }]);
          const change = this.SUBRULE(this.schemaChange);
          return this.ACTION(() => ({
            kind: verb.tokenType === K.ADD ? 'addSchema' : 'modifySchema',
            ...change,
          })) as AlterTableAction;
        },
      },
      { ALT: () => this.SUBRULE(this.alterTableDrop) },
    ]);
    return this.ACTION(() =>
      node({
        kind: 'alterTable',
        pos,
        name,
        namePos: posOf(nameStart),
        ifExists,
        actionPos: posOf(actionStart),
        action: Object.freeze(action),
      }),
    );
  });

  /** `DROP PRIMARY KEY | CONSTRAINT name | WATERMARK | (columns) | column` of ALTER TABLE. */
  private alterTableDrop = this.RULE('alterTableDrop', (): AlterTableAction => {
    this.CONSUME(K.DROP);
    return this.OR({
      // WATERMARK and PRIMARY are non-reserved: here they are the keywords, as in Flink.
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(K.PRIMARY);
            this.CONSUME(K.KEY);
            return { kind: 'dropPrimaryKey' } as AlterTableAction;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.CONSTRAINT);
            const constraint = this.SUBRULE(this.name);
            return { kind: 'dropPrimaryKey', constraint } as AlterTableAction;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.WATERMARK);
            return { kind: 'dropWatermark' } as AlterTableAction;
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            const columns: { name: string; pos: SourcePos }[] = [];
            this.AT_LEAST_ONE_SEP({
              SEP: T.Comma,
              DEF: () => {
                const first = this.LA(1);
                const column = this.SUBRULE2(this.name);
                this.ACTION(() => columns.push({ name: column, pos: posOf(first) }));
              },
            });
            this.CONSUME(T.RParen);
            return { kind: 'dropColumns', columns } as AlterTableAction;
          },
        },
        {
          ALT: () => {
            const first = this.LA(1);
            const column = this.SUBRULE3(this.name);
            return this.ACTION(() => {
              // Flink reads an unquoted DROP DISTRIBUTION as the table's distribution; a column
              // of that name is dropped as `distribution`, quoted.
              if (isWord(first, 'DISTRIBUTION'))
                throw unsupported(posOf(first), ALTER_DISTRIBUTION.construct, ALTER_DISTRIBUTION.hint);
              return {
                kind: 'dropColumns',
                columns: [{ name: column, pos: posOf(first) }],
              } as AlterTableAction;
            });
          },
        },
      ],
    });
  });

  /** The columns, watermark and primary key of ALTER TABLE ADD / MODIFY: one, or a list in parentheses. */
  private schemaChange = this.RULE('schemaChange', (): SchemaChange => {
    const change: SchemaChange = { columns: [] };
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({
            SEP: T.Comma,
            DEF: () => this.SUBRULE(this.schemaElement, { ARGS: [change] }),
          });
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE2(this.schemaElement, { ARGS: [change] }) },
    ]);
    return change;
  });

  /** A column `[FIRST | AFTER column]`, a watermark or a primary key, added to `change`. */
  private schemaElement = this.RULE('schemaElement', (change: SchemaChange): void => {
    // Chosen as in CREATE TABLE's column list, with one token of lookahead and gates.
    this.OR({
      MAX_LOOKAHEAD: 1,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.LA(2).tokenType === K.FOR,
          ALT: () => {
            const watermark = this.SUBRULE(this.watermarkDefinition);
            this.ACTION(() => (change.watermark = watermark));
          },
        },
        {
          GATE: () => this.primaryKeyAhead(),
          ALT: () => {
            const primaryKey = this.SUBRULE(this.primaryKeyDefinition);
            this.ACTION(() => (change.primaryKey = primaryKey));
          },
        },
        {
          ALT: () => {
            const column = this.SUBRULE(this.columnDefinition);
            const position = this.OPTION(() =>
              this.OR2<AlterColumn['position']>([
                {
                  ALT: () => {
                    this.CONSUME(K.FIRST);
                    return { first: true };
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME(K.AFTER);
                    return { after: this.SUBRULE(this.name) };
                  },
                },
              ]),
            );
            this.ACTION(() => {
              if (column.primaryKey !== undefined) change.primaryKey = column.primaryKey;
              change.columns.push(
                Object.freeze({ column: column.column, ...(position === undefined ? {} : { position }) }),
              );
            });
          },
        },
      ],
    });
  });

  private alterView = this.RULE('alterView', (pos: SourcePos): Statement => {
    this.CONSUME(K.VIEW);
    const nameStart = this.LA(1);
    const name = this.SUBRULE(this.compoundName);
    const change = this.OR<{ rename?: string[]; query?: Query; queryText?: string }>([
      {
        ALT: () => {
          this.CONSUME(K.RENAME);
          this.CONSUME(K.TO);
          return { rename: this.SUBRULE2(this.compoundName) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.AS);
          const first = this.LA(1);
          const query = this.SUBRULE(this.query);
          return { query, queryText: this.ACTION(() => this.textFrom(first)) };
        },
      },
    ]);
    return this.ACTION(() => node({ kind: 'alterView', pos, name, namePos: posOf(nameStart), ...change }));
  });

  private describeStatement = this.RULE('describeStatement', (): Statement => {
    const start = this.OR([{ ALT: () => this.CONSUME(K.DESCRIBE) }, { ALT: () => this.CONSUME(K.DESC) }]);
    // `DESCRIBE catalog` alone, or `DESCRIBE catalog.db.t`, names a table called catalog.
    return this.OR2({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () =>
            this.LA(1).tokenType === K.CATALOG &&
            this.LA(2).tokenType !== T.Dot &&
            this.LA(2).tokenType !== T.Semicolon &&
            this.LA(2).tokenType !== EOF,
          ALT: () => {
            this.CONSUME(K.CATALOG);
            // `DESCRIBE CATALOG extended` describes a catalog called extended.
            const extended = this.OPTION({
              GATE: () =>
                this.LA(1).image.toUpperCase() === 'EXTENDED' &&
                this.LA(2).tokenType !== T.Semicolon &&
                this.LA(2).tokenType !== EOF,
              DEF: () => this.CONSUME(T.Identifier),
            });
            const nameStart = this.LA(1);
            const name = this.SUBRULE(this.name);
            return this.ACTION(() =>
              node({
                kind: 'describeCatalog',
                pos: posOf(start),
                name,
                namePos: posOf(nameStart),
                extended: extended !== undefined,
              }),
            );
          },
        },
        {
          ALT: () => {
            const nameStart = this.LA(1);
            const name = this.SUBRULE(this.compoundName);
            return this.ACTION(() =>
              node({ kind: 'describe', pos: posOf(start), name, namePos: posOf(nameStart) }),
            );
          },
        },
      ],
    });
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

  /**
   * `COMPILE [AND EXECUTE] PLAN 'file' [IF NOT EXISTS] FOR insert | statement set`; the set is
   * written as Flink writes it (`STATEMENT SET BEGIN … END`) or with EXECUTE before it.
   */
  private compilePlan = this.RULE('compilePlan', (): Statement => {
    const start = this.CONSUME(T.Identifier);
    const execute =
      this.OPTION(() => {
        this.CONSUME(K.AND);
        this.CONSUME(K.EXECUTE);
        return true;
      }) === true;
    this.CONSUME(K.PLAN);
    const file = this.SUBRULE(this.planFile);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    this.CONSUME(K.FOR);
    const first = this.LA(1);
    const statement = this.OR([
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.statementSet) },
      { ALT: () => this.SUBRULE(this.statementSetBody, { ARGS: [posOf(first)] }) },
    ]);
    return this.ACTION(() => {
      if (statement.kind !== 'insert' && statement.kind !== 'statementSet')
        throw parseError(posOf(first), 'COMPILE PLAN takes an INSERT or a statement set after FOR');
      return node({ kind: 'compilePlan', pos: posOf(start), ...file, ifNotExists, execute, statement });
    });
  });

  /** The quoted path of a plan file, and where it is written. */
  private planFile = this.RULE('planFile', (): { file: string; filePos: SourcePos } => {
    const token = this.LA(1);
    const file = this.SUBRULE(this.string);
    return { file, filePos: posOf(token) };
  });

  /** `EXPLAIN PLAN 'file'` (a compiled plan), or EXPLAIN of a query, INSERT or statement set. */
  private explainStatement = this.RULE('explainStatement', (): Statement => {
    const start = this.CONSUME(K.EXPLAIN);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.PLAN);
          const file = this.SUBRULE(this.planFile);
          return this.ACTION(
            () => node({ kind: 'explainPlanFile', pos: posOf(start), ...file }) as Statement,
          );
        },
      },
      { ALT: () => this.SUBRULE(this.explainBody, { ARGS: [posOf(start)] }) },
    ]);
  });

  private explainBody = this.RULE('explainBody', (pos: SourcePos): Statement => {
    this.OPTION(() =>
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(K.PLAN);
            this.CONSUME(K.FOR);
          },
        },
        // Flink's explain details: the plans always show changelog modes; the others are named.
        {
          ALT: () =>
            this.AT_LEAST_ONE_SEP({
              SEP: T.Comma,
              DEF: () => {
                const detail = this.CONSUME(T.Identifier);
                this.ACTION(() => checkExplainDetail(detail));
              },
            }),
        },
      ]),
    );
    const statement = this.OR([
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.statementSet) },
      // EXPLAIN STATEMENT SET BEGIN … END, without EXECUTE.
      { ALT: () => this.SUBRULE(this.statementSetBody, { ARGS: [pos] }) },
      // EXPLAIN CREATE TABLE … AS: explained as a statement set of its INSERT.
      {
        ALT: () => {
          const first = this.LA(1);
          const created = this.SUBRULE(this.createStatement);
          return this.ACTION(() => {
            if (created.kind !== 'createTable' || created.asQuery === undefined)
              throw parseError(
                posOf(first),
                'EXPLAIN takes a query, INSERT, a statement set or CREATE TABLE … AS; other CREATE statements have no plan',
              );
            return node({
              kind: 'statementSet',
              pos: created.pos,
              inserts: [ctasInsert(created)],
              creates: [created],
            });
          });
        },
      },
      { ALT: () => this.SUBRULE(this.query) },
    ]);
    return this.ACTION(() =>
      // EXPLAIN EXECUTE PLAN 'file' explains the plan it would run.
      statement.kind === 'executePlan'
        ? node({ kind: 'explainPlanFile', pos, file: statement.file, filePos: statement.filePos })
        : node({ kind: 'explain', pos, statement: statement as Query }),
    );
  });

  /**
   * `EXECUTE STATEMENT SET BEGIN … END`, or the SQL client's `BEGIN STATEMENT SET; … END` (the
   * script splitter keeps that block together, so it arrives here as one statement);
   * `EXECUTE PLAN 'file'`, which runs a compiled plan; and Flink's `EXECUTE INSERT …` and
   * `EXECUTE query`, the same as the statement without EXECUTE.
   */
  private statementSet = this.RULE(
    'statementSet',
    (): Statement =>
      this.OR([
        {
          ALT: () => {
            const start = this.CONSUME(K.EXECUTE);
            return this.OR3([
              { ALT: () => this.SUBRULE(this.statementSetBody, { ARGS: [posOf(start)] }) },
              // Flink's EXECUTE INSERT … and EXECUTE SELECT … run the statement as it stands.
              { ALT: () => this.SUBRULE2(this.insertStatement) },
              {
                ALT: () => {
                  const query = this.SUBRULE(this.query);
                  return this.ACTION(
                    () => node({ kind: 'queryStatement', pos: query.pos, query }) as Statement,
                  );
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.PLAN);
                  const file = this.SUBRULE(this.planFile);
                  return this.ACTION(
                    () => node({ kind: 'executePlan', pos: posOf(start), ...file }) as Statement,
                  );
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            const start = this.CONSUME(K.BEGIN);
            this.CONSUME(K.STATEMENT);
            this.CONSUME(K.SET);
            this.CONSUME(T.Semicolon);
            const body = this.SUBRULE(this.statementSetInserts);
            return this.ACTION(() => node({ kind: 'statementSet', pos: posOf(start), ...body }));
          },
        },
      ]),
  );

  /** `STATEMENT SET BEGIN INSERT …; … END`, after EXECUTE or EXPLAIN. */
  private statementSetBody = this.RULE('statementSetBody', (pos: SourcePos): Statement => {
    this.CONSUME(K.STATEMENT);
    this.CONSUME(K.SET);
    this.CONSUME(K.BEGIN);
    const body = this.SUBRULE(this.statementSetInserts);
    return this.ACTION(() => node({ kind: 'statementSet', pos, ...body }));
  });

  /**
   * `INSERT …; CREATE TABLE … AS …; END`: the inside of a statement set. Each CTAS also gives
   * the INSERT of its query into the table it creates, in its place among the inserts.
   */
  private statementSetInserts = this.RULE(
    'statementSetInserts',
    (): { inserts: Insert[]; creates?: CreateTable[] } => {
      const inserts: Insert[] = [];
      const creates: CreateTable[] = [];
      this.AT_LEAST_ONE(() => {
        this.OR([
          { ALT: () => inserts.push(this.SUBRULE(this.insertStatement) as Insert) },
          {
            ALT: () => {
              const first = this.LA(1);
              const created = this.SUBRULE(this.createStatement);
              this.ACTION(() => {
                if (created.kind !== 'createTable' || created.asQuery === undefined)
                  throw parseError(
                    posOf(first),
                    'a statement set holds only INSERT and CREATE TABLE … AS statements; run the others before it',
                  );
                creates.push(created);
                inserts.push(ctasInsert(created));
              });
            },
          },
        ]);
        this.CONSUME(T.Semicolon);
      });
      this.CONSUME(K.END);
      return creates.length === 0 ? { inserts } : { inserts, creates };
    },
  );

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
    const nameStart = this.LA(1);
    const table = this.SUBRULE(this.compoundName);
    const tableHints = this.OPTION2(() => this.SUBRULE(this.hintBlock));
    const partition = this.OPTION3(() => this.SUBRULE(this.partitionSpec));
    const columns = this.OPTION(() => this.SUBRULE(this.nameList)) ?? [];
    const query = this.SUBRULE(this.query);
    return this.ACTION(() =>
      node({
        kind: 'insert',
        pos: posOf(start),
        table,
        namePos: posOf(nameStart),
        overwrite,
        ...(tableHints === undefined ? {} : { tableHints }),
        ...(partition === undefined ? {} : { partition }),
        columns,
        query,
      }),
    );
  });

  /** `PARTITION (column = 'value' | number, …)` of INSERT: the static partition columns' values. */
  private partitionSpec = this.RULE('partitionSpec', (): StaticPartitionValue[] => {
    this.CONSUME(K.PARTITION);
    this.CONSUME(T.LParen);
    const values: StaticPartitionValue[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: T.Comma,
      DEF: () => {
        const first = this.LA(1);
        const column = this.SUBRULE(this.name);
        this.CONSUME(T.Equals);
        const minus = this.OPTION(() => this.CONSUME(T.Minus));
        const value = this.OR([
          { GATE: () => minus === undefined, ALT: () => this.CONSUME(T.StringLiteral) },
          { ALT: () => this.CONSUME(T.NumberLiteral) },
        ]);
        this.ACTION(() =>
          values.push({
            column,
            pos: posOf(first),
            value:
              value.tokenType === T.StringLiteral ? stringValue(value) : `${minus ? '-' : ''}${value.image}`,
          }),
        );
      },
    });
    this.CONSUME(T.RParen);
    return values;
  });
}

/** The INSERT of a CTAS statement's query into the table it creates. */
function ctasInsert(created: CreateTable): Insert {
  return node({
    kind: 'insert',
    pos: created.pos,
    table: created.name,
    namePos: created.pos,
    overwrite: false,
    columns: [],
    query: created.asQuery!,
  });
}

/** Accepts Flink's CHANGELOG_MODE explain detail (always shown); names the details Weir does not print. */
function checkExplainDetail(detail: IToken): void {
  const name = detail.image.toUpperCase();
  if (name === 'CHANGELOG_MODE') return;
  if (name === 'ESTIMATED_COST' || name === 'JSON_EXECUTION_PLAN' || name === 'PLAN_ADVICE')
    throw unsupported(
      posOf(detail),
      `EXPLAIN ${name}`,
      'EXPLAIN prints the logical and physical plans with changelog modes',
    );
  throw parseError(
    posOf(detail),
    `unknown EXPLAIN detail '${detail.image}'; expected ESTIMATED_COST, CHANGELOG_MODE, JSON_EXECUTION_PLAN or PLAN_ADVICE`,
  );
}

/** What ALTER TABLE ADD / MODIFY lists, gathered while parsing. */
interface SchemaChange {
  columns: AlterColumn[];
  watermark?: WatermarkDef;
  primaryKey?: PrimaryKeyDef;
}

/** Whether a token is an unquoted identifier spelled `word` (upper case). */
function isWord(token: IToken, word: string): boolean {
  return token.tokenType === T.Identifier && token.image.toUpperCase() === word;
}

/** DESCRIBE JOB or STOP JOB from its tokens, with an error at any word out of place. */
function jobStatementNode(
  verb: IToken,
  job: IToken,
  jobId: string,
  jobIdPos: SourcePos,
  options: readonly IToken[],
): Statement {
  const pos = posOf(verb);
  const stop = verb.tokenType === T.Identifier;
  if (!isWord(job, 'JOB'))
    throw parseError(
      posOf(job),
      `unexpected '${job.image}'; write ${stop ? 'STOP' : 'DESCRIBE'} JOB '<job id>'`,
    );
  if (!stop) {
    if (options.length > 0)
      throw parseError(
        posOf(options[0]!),
        "DESCRIBE JOB takes no WITH options; write DESCRIBE JOB '<job id>'",
      );
    return node({ kind: 'describeJob', pos, jobId, jobIdPos });
  }
  const words = options.map((o) => o.image.toUpperCase());
  const bad = words.findIndex((w, i) => (w !== 'SAVEPOINT' && w !== 'DRAIN') || words.indexOf(w) !== i);
  if (bad !== -1)
    throw parseError(
      posOf(options[bad]!),
      `unexpected WITH ${options[bad]!.image}; STOP JOB takes WITH SAVEPOINT and WITH DRAIN, each at most once`,
    );
  return node({
    kind: 'stopJob',
    pos,
    jobId,
    jobIdPos,
    withSavepoint: words.includes('SAVEPOINT'),
    withDrain: words.includes('DRAIN'),
  });
}
