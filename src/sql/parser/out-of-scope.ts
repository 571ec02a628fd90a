/**
 * Flink statements and clauses that exist for the JVM (jars, modules, Java procedures), for
 * batch jobs (ANALYZE, TRUNCATE) or for parts of Flink Weir does not have (models, bucketed
 * tables). The grammar does not know them, so a statement using one fails to parse; this module
 * turns that parse error into a one-line refusal that names the construct at its position and
 * what to write instead, rather than "expected a statement" or "unexpected 'JAR'".
 */
import type { IToken } from 'chevrotain';
import { Semicolon } from './tokens.js';

/** What to say instead of the parse error: the construct, where it starts, and what to do. */
export interface OutOfScope {
  readonly token: IToken;
  readonly construct: string;
  readonly hint: string;
}

const TYPESCRIPT_FUNCTION =
  "functions are TypeScript modules here: CREATE FUNCTION f AS 'module.ts#Export' LANGUAGE TYPESCRIPT";
const MODULES =
  'the built-in functions are always loaded (SHOW FUNCTIONS lists them); add more with CREATE FUNCTION … LANGUAGE TYPESCRIPT';
const PROCEDURES = 'run the statements the procedure would run (procedures are Java code of Flink catalogs)';
const MODELS = 'call a model from a TypeScript function (CREATE FUNCTION … LANGUAGE TYPESCRIPT)';
const PARTITION_DIRECTORIES =
  "a filesystem table's partitions are the directories its sink writes as rows arrive";
const NO_BUCKETS = 'the connectors here have no buckets; leave the clause out';

/**
 * The refusal of ALTER TABLE's distribution clauses, for the grammar to give where one parses
 * as something else (DROP DISTRIBUTION reads as dropping a column named DISTRIBUTION).
 */
export const ALTER_DISTRIBUTION = { construct: 'ALTER TABLE … DISTRIBUTION', hint: NO_BUCKETS } as const;

/**
 * A statement's leading words and what refusing them says. A word list matches the first
 * words of the statement (upper-cased, whether keywords or names).
 */
const LEADING: readonly {
  readonly words: readonly string[];
  readonly construct: string;
  readonly hint: string;
}[] = [
  { words: ['ADD', 'JAR'], construct: 'ADD JAR', hint: TYPESCRIPT_FUNCTION },
  { words: ['REMOVE', 'JAR'], construct: 'REMOVE JAR', hint: TYPESCRIPT_FUNCTION },
  { words: ['SHOW', 'JARS'], construct: 'SHOW JARS', hint: TYPESCRIPT_FUNCTION },
  { words: ['LOAD', 'MODULE'], construct: 'LOAD MODULE', hint: MODULES },
  { words: ['UNLOAD', 'MODULE'], construct: 'UNLOAD MODULE', hint: MODULES },
  { words: ['USE', 'MODULES'], construct: 'USE MODULES', hint: MODULES },
  { words: ['SHOW', 'MODULES'], construct: 'SHOW MODULES', hint: MODULES },
  { words: ['SHOW', 'FULL', 'MODULES'], construct: 'SHOW FULL MODULES', hint: MODULES },
  {
    words: ['ANALYZE', 'TABLE'],
    construct: 'ANALYZE TABLE',
    hint: "it gathers statistics for Flink's batch optimizer, and streaming plans here do not use them",
  },
  {
    words: ['TRUNCATE', 'TABLE'],
    construct: 'TRUNCATE TABLE',
    hint: 'drop the table and create it again, or remove its files (it is a batch statement in Flink)',
  },
  { words: ['CALL'], construct: 'CALL', hint: PROCEDURES },
  { words: ['SHOW', 'PROCEDURES'], construct: 'SHOW PROCEDURES', hint: PROCEDURES },
  { words: ['CREATE', 'MODEL'], construct: 'CREATE MODEL', hint: MODELS },
  { words: ['CREATE', 'TEMPORARY', 'MODEL'], construct: 'CREATE MODEL', hint: MODELS },
  { words: ['SHOW', 'MODELS'], construct: 'SHOW MODELS', hint: MODELS },
  { words: ['SHOW', 'PARTITIONS'], construct: 'SHOW PARTITIONS', hint: PARTITION_DIRECTORIES },
  {
    words: ['DESCRIBE', 'FUNCTION'],
    construct: 'DESCRIBE FUNCTION',
    hint: 'SHOW FUNCTIONS and SHOW USER FUNCTIONS list the functions',
  },
  {
    words: ['DESC', 'FUNCTION'],
    construct: 'DESCRIBE FUNCTION',
    hint: 'SHOW FUNCTIONS and SHOW USER FUNCTIONS list the functions',
  },
  {
    words: ['DESCRIBE', 'EXTENDED'],
    construct: 'DESCRIBE EXTENDED',
    hint: 'DESCRIBE name lists the columns and SHOW CREATE TABLE name the whole definition',
  },
  {
    words: ['DESC', 'EXTENDED'],
    construct: 'DESCRIBE EXTENDED',
    hint: 'DESCRIBE name lists the columns and SHOW CREATE TABLE name the whole definition',
  },
];

/**
 * Word pairs refused where the parse error stands on their first word, wherever in the
 * statement that is (the statement's first word given for the message).
 */
const AT_ERROR: readonly {
  readonly first: string;
  readonly words: readonly string[];
  readonly construct: string;
  readonly hint: string;
}[] = [
  {
    first: 'CREATE',
    words: ['USING', 'JAR'],
    construct: 'CREATE FUNCTION … USING JAR',
    hint: TYPESCRIPT_FUNCTION,
  },
  { first: 'CREATE', words: ['DISTRIBUTED', 'BY'], construct: 'DISTRIBUTED BY', hint: NO_BUCKETS },
  { first: 'CREATE', words: ['DISTRIBUTED', 'INTO'], construct: 'DISTRIBUTED INTO', hint: NO_BUCKETS },
  { first: 'ALTER', words: ['DISTRIBUTION'], ...ALTER_DISTRIBUTION },
  {
    first: 'ALTER',
    words: ['PARTITION'],
    construct: 'ALTER TABLE … ADD or DROP PARTITION',
    hint: PARTITION_DIRECTORIES,
  },
  ...['ALL', 'ANY', 'SOME'].map((quantifier) => ({
    first: 'SELECT',
    words: [quantifier, '('],
    construct: `a comparison with ${quantifier} (subquery)`,
    hint: 'write x IN (SELECT …) for = ANY, or [NOT] EXISTS (SELECT … WHERE …) for the others',
  })),
  {
    first: 'SELECT',
    words: ['WITHIN', 'GROUP'],
    construct: 'WITHIN GROUP (ORDER BY …)',
    hint: 'leave it out: LISTAGG and ARRAY_AGG take the rows in the order they arrive',
  },
];

const word = (token: IToken | undefined) => token?.image.toUpperCase();

/**
 * The refusal for the statement around the token a parse error stands on, or undefined when
 * the statement is none of the constructs above (the parse error then stands).
 */
export function outOfScope(tokens: readonly IToken[], errorToken: IToken): OutOfScope | undefined {
  let at = tokens.indexOf(errorToken);
  if (at < 0) at = tokens.length;
  let start = at;
  while (start > 0 && tokens[start - 1]!.tokenType !== Semicolon) start--;
  const first = tokens[start];
  if (first === undefined) return undefined;
  for (const rule of LEADING)
    if (rule.words.every((w, i) => word(tokens[start + i]) === w))
      return { token: first, construct: rule.construct, hint: rule.hint };
  // The error may stand on the word before the clause's (ADD PARTITION) or after it (ADD
  // DISTRIBUTION BY, read as a column named DISTRIBUTION; WITHIN GROUP (, read as an alias and
  // a GROUP BY).
  const errorWords = [at, at + 1, at - 1, at - 2].filter((i) => i > start && i < tokens.length);
  for (const rule of AT_ERROR) {
    if (word(first) !== rule.first) continue;
    for (const i of errorWords)
      if (rule.words.every((w, k) => word(tokens[i + k]) === w))
        return { token: tokens[i]!, construct: rule.construct, hint: rule.hint };
  }
  return undefined;
}
