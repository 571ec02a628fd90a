/**
 * The lexer of Weir's Flink SQL dialect. Keywords are case-insensitive. Reserved keywords can
 * only be used as names when quoted with backticks (`value`, `from`), as in Flink; the
 * non-reserved ones (units, `KEY`, `TABLES`, type names…) also work as plain identifiers,
 * which the grammar allows through the `NonReserved` token category.
 */
import type { IToken, TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

/** Any plain identifier: letters, digits, `_` and `$`, not starting with a digit. */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_$]*/,
  label: 'identifier',
});
/** Category of keywords that may also serve as identifiers. */
export const NonReserved = createToken({ name: 'NonReserved', pattern: Lexer.NA });
/** Category of every keyword, for error messages and type names. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });

/** Every keyword token by its upper-case word. */
export const keywords: Record<string, TokenType> = {};

function keyword(word: string, reserved: boolean): TokenType {
  const token = createToken({
    name: word,
    pattern: new RegExp(word, 'i'),
    label: word,
    longer_alt: Identifier,
    categories: reserved ? [Keyword] : [Keyword, NonReserved],
  });
  keywords[word] = token;
  return token;
}

const RESERVED = [
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'BY',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'ALL',
  'DISTINCT',
  'AS',
  'ON',
  'USING',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'OUTER',
  'CROSS',
  'NATURAL',
  'AND',
  'OR',
  'NOT',
  'IN',
  'EXISTS',
  'BETWEEN',
  'LIKE',
  'SIMILAR',
  'ESCAPE',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'UNKNOWN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'TRY_CAST',
  'INTERVAL',
  'TABLE',
  'CREATE',
  'DROP',
  'INSERT',
  'INTO',
  'OVERWRITE',
  'VALUES',
  'WITH',
  'OVER',
  'PARTITION',
  'WINDOW',
  'SET',
  'RESET',
  'FOR',
  'OF',
  'TO',
  'LATERAL',
  'UNNEST',
  'MATCH_RECOGNIZE',
  'EXTRACT',
  'SUBSTRING',
  'TRIM',
  'POSITION',
  'OVERLAY',
  'PLACING',
  'FLOOR',
  'CEIL',
  'CEILING',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'ALTER',
  'DELETE',
  'UPDATE',
  'MERGE',
  'PIVOT',
  'ARRAY',
  'MAP',
  'MULTISET',
  'DESCRIBE',
  'EXPLAIN',
  'EXECUTE',
  'USE',
  'SHOW',
  'BEGIN',
  'SYSTEM_TIME',
  'BOTH',
  'LEADING',
  'TRAILING',
  'ASYMMETRIC',
  'SYMMETRIC',
  'PRECISION',
  'VARYING',
];
const NON_RESERVED = [
  'TEMPORARY',
  'SYSTEM',
  'IF',
  'VIEW',
  'VIEWS',
  'TABLES',
  'FUNCTION',
  'FUNCTIONS',
  'CATALOG',
  'CATALOGS',
  'DATABASE',
  'DATABASES',
  'WATERMARK',
  'PRIMARY',
  'KEY',
  'ENFORCED',
  'CONSTRAINT',
  'COMMENT',
  'METADATA',
  'VIRTUAL',
  // DROP DATABASE … RESTRICT | CASCADE.
  'RESTRICT',
  'CASCADE',
  'DESC',
  'ASC',
  'PLAN',
  'STATEMENT',
  'DESCRIPTOR',
  'ROWS',
  'RANGE',
  'PRECEDING',
  'FOLLOWING',
  'CURRENT',
  'ROW',
  'UNBOUNDED',
  'FILTER',
  'FIRST',
  'LAST',
  'NULLS',
  'LANGUAGE',
  'PARTITIONED',
  'LOCAL',
  'ZONE',
  'TIMESTAMP_LTZ',
  'YEAR',
  'YEARS',
  'MONTH',
  'MONTHS',
  'DAY',
  'DAYS',
  'HOUR',
  'HOURS',
  'MINUTE',
  'MINUTES',
  'SECOND',
  'SECONDS',
  'MILLISECOND',
  'MILLISECONDS',
  'WEEK',
  'QUARTER',
  // DDL: CREATE TABLE … LIKE options, ALTER TABLE / VIEW, SHOW CREATE / COLUMNS.
  'INCLUDING',
  'EXCLUDING',
  'OVERWRITING',
  'CONSTRAINTS',
  'GENERATED',
  'OPTIONS',
  'WATERMARKS',
  'PARTITIONS',
  'RENAME',
  'ADD',
  'MODIFY',
  'AFTER',
  'COLUMN',
  'COLUMNS',
  'REPLACE',
];

for (const word of RESERVED) keyword(word, true);
for (const word of NON_RESERVED) keyword(word, false);

/** Shorthand for a keyword token, e.g. `K.SELECT`. */
export const K = keywords;

const punct = (name: string, pattern: RegExp, label: string): TokenType =>
  createToken({ name, pattern, label });

/** Skipped: blanks and line breaks. */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
/** Skipped: `-- …` to the end of the line. */
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
/**
 * `/*+`: opens a hint (Flink's Oracle-style `/*+ OPTIONS('k'='v') *\/`, `SELECT /*+ STATE_TTL(…) *\/`).
 * It is tried before {@link BlockComment}, so a hint is never skipped as a comment; where the
 * grammar takes no hint it is a parse error, as in Flink.
 */
export const HintStart = createToken({ name: 'HintStart', pattern: /\/\*\+/, label: "'/*+'" });
/**
 * `*\/` closing a hint. It only exists inside one: elsewhere `*` and `/` stay the operators they
 * always were (a multiplication followed by a comment), so the pattern looks back for an
 * unclosed {@link HintStart}.
 */
export const HintEnd = createToken({
  name: 'HintEnd',
  pattern: { exec: matchHintEnd },
  line_breaks: false,
  start_chars_hint: ['*'],
  label: "'*/'",
});

function matchHintEnd(text: string, offset: number, tokens: IToken[]): RegExpExecArray | null {
  if (text.charCodeAt(offset + 1) !== 47 /* / */) return null;
  // The look back stops at the first token no hint holds (an operator, `;`, a reserved word),
  // so a script full of `a*/*c*/` outside hints is not lexed in quadratic time.
  const outside = tokensOutsideHints();
  for (let i = tokens.length - 1; i >= 0; i--) {
    const type = tokens[i]!.tokenType;
    if (type === HintStart) return Object.assign(['*/'], { index: offset, input: text }) as RegExpExecArray;
    if (type === HintEnd || outside.has(type)) return null;
  }
  return null;
}

let outsideHints: Set<TokenType> | undefined;

/** Tokens a hint never contains: all but names, literals, `(`, `)`, `,`, `=` and `.`. */
function tokensOutsideHints(): Set<TokenType> {
  if (outsideHints !== undefined) return outsideHints;
  const inside = new Set<TokenType>([
    Identifier,
    QuotedIdentifier,
    StringLiteral,
    NumberLiteral,
    LParen,
    RParen,
    Comma,
    Equals,
    Dot,
  ]);
  for (const token of Object.values(keywords)) if (token.CATEGORIES?.includes(NonReserved)) inside.add(token);
  outsideHints = new Set(allTokens.filter((t) => !inside.has(t) && t !== HintStart && t !== HintEnd));
  return outsideHints;
}

/** Skipped: block comments, from slash-star to star-slash. */
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
});
/** `'text'`, with `''` for a quote. */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  label: 'a string',
});
/** `x'0F'`. */
export const BinaryLiteral = createToken({
  name: 'BinaryLiteral',
  pattern: /[xX]'[0-9A-Fa-f]*'/,
  label: 'a binary string',
});
/** `1`, `1.5`, `.5`, `1e3`. */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/,
  label: 'a number',
});
/** `` `name` ``, with doubled backticks for a backtick. */
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /`(?:[^`]|``)+`/,
  label: 'identifier',
});
/** The `(` token. */
export const LParen = punct('LParen', /\(/, "'('");
/** The `)` token. */
export const RParen = punct('RParen', /\)/, "')'");
/** The `[` token. */
export const LBracket = punct('LBracket', /\[/, "'['");
/** The `]` token. */
export const RBracket = punct('RBracket', /]/, "']'");
/** The `,` token. */
export const Comma = punct('Comma', /,/, "','");
/** The `.` token. */
export const Dot = punct('Dot', /\./, "'.'");
/** The `;` token. */
export const Semicolon = punct('Semicolon', /;/, "';'");
/** The `=>` token. */
export const Arrow = punct('Arrow', /=>/, "'=>'");
/** The `<>` token. */
export const NotEquals = punct('NotEquals', /<>|!=/, "'<>'");
/** The `<=` token. */
export const LessEquals = punct('LessEquals', /<=/, "'<='");
/** The `>=` token. */
export const GreaterEquals = punct('GreaterEquals', />=/, "'>='");
/** The `<` token. */
export const Less = punct('Less', /</, "'<'");
/** The `>` token. */
export const Greater = punct('Greater', />/, "'>'");
/** The `=` token. */
export const Equals = punct('Equals', /=/, "'='");
/** The `||` token. */
export const Concat = punct('Concat', /\|\|/, "'||'");
/** The `+` token. */
export const Plus = punct('Plus', /\+/, "'+'");
/** The `-` token. */
export const Minus = punct('Minus', /-/, "'-'");
/** The `*` token. */
export const Star = punct('Star', /\*/, "'*'");
/** The `/` token. */
export const Slash = punct('Slash', /\//, "'/'");
/** The `%` token. */
export const Percent = punct('Percent', /%/, "'%'");
/** The `{` token: a `MATCH_RECOGNIZE` quantifier `{n,m}`. */
export const LBrace = punct('LBrace', /\{/, "'{'");
/** The `}` token. */
export const RBrace = punct('RBrace', /\}/, "'}'");
/** The `?` token: an optional pattern variable, or a reluctant quantifier. */
export const Question = punct('Question', /\?/, "'?'");
/** The `|` token: pattern alternation, which is refused by name. */
export const Pipe = punct('Pipe', /\|/, "'|'");
/** The `^` token: a pattern anchor, which is refused by name. */
export const Caret = punct('Caret', /\^/, "'^'");
/** The `$` token: a pattern anchor, which is refused by name. */
export const Dollar = punct('Dollar', /\$/, "'$'");

/** All tokens in matching order: comments before operators, keywords before identifiers. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  HintStart,
  BlockComment,
  HintEnd,
  BinaryLiteral,
  StringLiteral,
  NumberLiteral,
  QuotedIdentifier,
  Arrow,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  Concat,
  Pipe,
  Caret,
  Dollar,
  LBrace,
  RBrace,
  Question,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Semicolon,
  NonReserved,
  Keyword,
  // Longest first, so INTERVAL is tried before IN; a longer identifier (DATE_FORMAT) still wins
  // over a keyword that is its prefix through `longer_alt`.
  ...Object.values(keywords).sort((a, b) => b.name.length - a.name.length),
  Identifier,
];

let lexer: InstanceType<typeof Lexer> | undefined;

/**
 * A new lexer, with line and column on every token. Chevrotain's validations of the token
 * definitions (unreachable or empty patterns, …) find mistakes in this file, not in the SQL
 * being lexed, and take most of the build, so they run only when `validate` is set, as the
 * parser's own test does.
 */
export function buildSqlLexer(validate = false): InstanceType<typeof Lexer> {
  hintWordTokens();
  return new Lexer(allTokens, { positionTracking: 'full', skipValidations: !validate });
}

/**
 * Tells chevrotain what it would otherwise find by parsing each keyword's pattern (a third of
 * the lexer's build): a word can only start with its first letter, in either case, and never
 * matches a line break. Both are facts of the pattern, so tokens and positions do not change.
 */
function hintWordTokens(): void {
  for (const token of allTokens) {
    const pattern = token.PATTERN;
    if (!(pattern instanceof RegExp) || pattern.flags !== 'i' || !/^[A-Za-z_]\w*$/.test(pattern.source))
      continue;
    const first = pattern.source[0]!;
    token.START_CHARS_HINT = [...new Set([first.toUpperCase(), first.toLowerCase()])];
    token.LINE_BREAKS = false;
  }
}

/** The lexer, built on first use and reused by every parse in the process. */
export function sqlLexer(): InstanceType<typeof Lexer> {
  lexer ??= buildSqlLexer();
  return lexer;
}
