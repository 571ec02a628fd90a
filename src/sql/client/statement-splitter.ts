/**
 * Splits SQL text into statements at `;`, as the SQL client reads a script or what is typed
 * across lines. A `;` does not end a statement inside a string ('it''s'), a quoted name ("a;b"
 * or `a;b`), a comment (`-- …` to the end of the line, `/* … *\/`), or a `BEGIN … END` block
 * (`EXECUTE STATEMENT SET BEGIN INSERT …; INSERT …; END;`). `CASE … END` inside such a block
 * does not close it. Each statement keeps the line and column where it starts, so errors can
 * point into the script.
 */

/** One statement of a script, without its `;` and without the comments before it. */
export interface ScriptStatement {
  readonly sql: string;
  /** Where the statement starts in the text, 1-based. */
  readonly line: number;
  readonly column: number;
}

/** The complete statements of a text and what follows the last `;` (an incomplete statement). */
export interface SplitResult {
  readonly statements: ScriptStatement[];
  /** The text after the last complete statement; empty or only blanks and comments when none. */
  readonly rest: string;
  /** Whether `rest` holds the start of a statement (not only blanks and comments). */
  readonly pending: boolean;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);

/** Splits `text` into statements; see the module comment. */
export function splitStatements(text: string): SplitResult {
  const statements: ScriptStatement[] = [];
  let line = 1;
  let column = 1;
  let start = -1; // index of the current statement's first significant character
  let startLine = 1;
  let startColumn = 1;
  let blockDepth = 0; // BEGIN … END
  let caseDepth = 0; // CASE … END inside a block
  let restStart = 0;
  let i = 0;
  const advance = (to: number) => {
    for (; i < to && i < text.length; i++) {
      if (text[i] === '\n') {
        line++;
        column = 1;
      } else column++;
    }
  };
  const begin = () => {
    if (start < 0) {
      start = i;
      startLine = line;
      startColumn = column;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      advance(end < 0 ? text.length : end);
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      advance(end < 0 ? text.length : end + 2);
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      begin();
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === c) {
          if (text[j + 1] === c)
            j++; // a doubled quote stands for itself
          else break;
        }
      }
      advance(j + 1);
      continue;
    }
    if (c === ';' && blockDepth === 0) {
      if (start >= 0)
        statements.push({ sql: text.slice(start, i).trimEnd(), line: startLine, column: startColumn });
      start = -1;
      advance(i + 1);
      restStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      advance(i + 1);
      continue;
    }
    begin();
    if (isWordChar(c) && !isWordChar(text[i - 1])) {
      let j = i;
      while (isWordChar(text[j])) j++;
      const word = text.slice(i, j).toUpperCase();
      if (word === 'BEGIN') blockDepth++;
      else if (word === 'CASE' && blockDepth > 0) caseDepth++;
      else if (word === 'END' && blockDepth > 0) {
        if (caseDepth > 0) caseDepth--;
        else blockDepth--;
      }
      advance(j);
      continue;
    }
    advance(i + 1);
  }
  const rest = text.slice(restStart);
  return { statements, rest, pending: start >= 0 };
}

/**
 * An error message with its `line L, column C` moved from the statement to the script (the
 * statement starts at `at`); a message without a position gets the statement's.
 */
export function positionInScript(message: string, at: { line: number; column: number }): string {
  const pattern = /line (\d+), column (\d+)/;
  const match = pattern.exec(message);
  if (match === null) return `error in the statement at line ${at.line}, column ${at.column}: ${message}`;
  const line = Number(match[1]);
  const column = Number(match[2]);
  const scriptLine = at.line + line - 1;
  const scriptColumn = line === 1 ? at.column + column - 1 : column;
  return message.replace(pattern, `line ${scriptLine}, column ${scriptColumn}`);
}
