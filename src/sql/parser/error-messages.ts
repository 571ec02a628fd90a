/**
 * Parse error messages in the words of the statement, not of the grammar: what was expected,
 * in which construct, and what was found (`expected THEN in CASE, found 'x'`). Chevrotain calls
 * these builders; `parse.ts` adds the line and column.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { EOF } from './chevrotain.js';

/** Where in a statement each grammar rule is, for "in …" in messages. */
const RULE_CONTEXT: Record<string, string> = {
  nameList: 'the name list',
  dataType: 'the type',
  typeArg: 'the type',
  createTable: 'the column list of CREATE TABLE',
  columnDefinition: 'the column definition',
  watermarkDefinition: 'WATERMARK FOR column AS expression',
  primaryKeyDefinition: 'PRIMARY KEY (columns) NOT ENFORCED',
  primaryKeyConstraint: 'PRIMARY KEY (columns) NOT ENFORCED',
  withOptions: "WITH ('key' = 'value', …)",
  optionList: "WITH ('key' = 'value', …)",
  likeClause: 'LIKE source (INCLUDING | EXCLUDING | OVERWRITING feature …)',
  alterTable: 'ALTER TABLE',
  alterTableDrop: 'ALTER TABLE … DROP',
  schemaChange: 'ALTER TABLE … ADD / MODIFY',
  schemaElement: 'ALTER TABLE … ADD / MODIFY',
  alterView: 'ALTER VIEW',
  showCreateOrColumns: 'SHOW',
  createView: 'CREATE VIEW',
  createFunction: 'CREATE FUNCTION',
  dropStatement: 'DROP',
  showStatement: 'SHOW',
  describeStatement: 'DESCRIBE',
  jobStatement: "STOP JOB '<job id>' [WITH SAVEPOINT] [WITH DRAIN]",
  setStatement: "SET 'key' = 'value'",
  resetStatement: "RESET 'key'",
  statementSet: 'EXECUTE STATEMENT SET | INSERT … | query | PLAN',
  statementSetBody: 'EXECUTE STATEMENT SET BEGIN … END',
  statementSetInserts: 'EXECUTE STATEMENT SET BEGIN … END',
  insertStatement: 'INSERT INTO',
  partitionSpec: "PARTITION (column = 'value', …)",
  compilePlan: "COMPILE PLAN 'file' [IF NOT EXISTS] FOR INSERT … | STATEMENT SET BEGIN … END",
  planFile: "the plan file path ('file.json')",
  select: 'SELECT',
  caseExpression: 'CASE',
  castExpression: 'CAST',
  intervalLiteral: 'the INTERVAL literal',
  specialCall: 'the function call',
  callArguments: 'the function arguments',
  callOrColumn: 'the function call',
  tableFunction: 'TABLE(function(…))',
  tvfArgument: 'the table function arguments',
  windowSpec: 'the window specification',
  frameBound: 'the window frame',
  orderByClause: 'ORDER BY',
  joinClause: 'the join',
  namedTable: 'FOR SYSTEM_TIME AS OF',
  parenthesized: 'the parentheses',
  predicate: 'the condition',
  existsExpression: 'EXISTS',
  query: 'the query',
  values: 'VALUES',
};

/** What a rule's alternatives start, for "expected …" when none of them matched. */
const RULE_EXPECTS: Record<string, string> = {
  statementBody:
    'a statement (SELECT, INSERT, CREATE, ALTER, DROP, SHOW, DESCRIBE, SET, RESET, USE, EXPLAIN, EXECUTE STATEMENT SET, COMPILE PLAN, EXECUTE PLAN, SHOW JOBS, DESCRIBE JOB, STOP JOB)',
  statement: 'a statement',
  script: 'a statement',
  primary: 'an expression',
  unary: 'an expression',
  notExpression: 'an expression',
  tableReference: 'a table name, a subquery or TABLE(…)',
  timeUnit: 'a time unit (MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER, YEAR)',
  dataType: 'a type such as INT, STRING or TIMESTAMP(3)',
  typeArg: 'a type or a field name and type',
  identifier: 'a name',
  name: 'a name',
  compoundName: 'a name',
  createStatement: 'TABLE, VIEW or FUNCTION after CREATE',
  dropStatement: 'TABLE, VIEW or FUNCTION after DROP',
  showStatement: 'TABLES, VIEWS, FUNCTIONS, CATALOGS, DATABASES, CURRENT, CREATE, COLUMNS or JOBS after SHOW',
  queryTerm: 'SELECT, VALUES or a parenthesised query',
  frameBound: 'UNBOUNDED PRECEDING, CURRENT ROW or an offset PRECEDING/FOLLOWING',
  literal: 'a literal',
  specialCall: 'a function argument',
  tvfArgument: 'TABLE t, DESCRIPTOR(column) or a value',
  compilePlan: 'INSERT INTO … or STATEMENT SET BEGIN … END after COMPILE PLAN … FOR',
};

/** `FROM`, `'abc'`, or "the end of the statement". */
export function describeToken(token: IToken | undefined): string {
  if (token === undefined || token.tokenType === EOF) return 'the end of the statement';
  return `'${token.image}'`;
}

function tokenLabel(type: TokenType): string {
  return type.LABEL ?? type.name;
}

function context(ruleName: string): string {
  const where = RULE_CONTEXT[ruleName];
  return where === undefined ? '' : ` in ${where}`;
}

/** The message builders chevrotain calls on a syntax error. */
export const sqlErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    if (expected.name === 'RParen' && ruleName === 'createTable')
      return `expected ')' after the column list, or ',' before the next column, found ${describeToken(actual)}`;
    if (expected.name === 'RParen' && actual.tokenType !== EOF && ruleName !== 'createTable')
      return `expected ')'${context(ruleName)}, found ${describeToken(actual)}`;
    return `expected ${tokenLabel(expected)}${context(ruleName)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    // After an alias or a column list: named, rather than reported as a stray word.
    if (firstRedundant.image.toUpperCase() === 'MATCH_RECOGNIZE')
      return 'MATCH_RECOGNIZE goes right after the table or subquery, before any alias: FROM t MATCH_RECOGNIZE (…) AS mr';
    return `unexpected ${describeToken(firstRedundant)} after a complete statement (is a keyword misspelt or a comma missing before it?)`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName, customUserDescription }) {
    const found = describeToken(actual[0]);
    const expected =
      customUserDescription ??
      RULE_EXPECTS[ruleName] ??
      [...new Set(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => tokenLabel(path[0]!))))]
        .slice(0, 8)
        .join(', ');
    return `expected ${expected}${RULE_EXPECTS[ruleName] === undefined ? context(ruleName) : ''}, found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName, customUserDescription }) {
    const expected =
      customUserDescription ??
      [...new Set(expectedIterationPaths.map((path) => tokenLabel(path[0]!)))].slice(0, 8).join(' or ');
    return `expected ${expected}${context(ruleName)}, found ${describeToken(actual[0])}`;
  },
};
