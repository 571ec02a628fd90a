/**
 * `weir sql [-f file.sql]`: the SQL client. Without `-f` it reads statements from the terminal
 * with line editing and a history kept in `~/.weir_sql_history` (the newest 1,000 entries); a
 * statement ends with `;` and may span lines; Ctrl-C cancels the running query, not the client.
 * With `-f` it runs the script's statements in order, waits for each INSERT job, and stops at
 * the first error, printing it with the line and column in the script: exit code 0 when all
 * statements ran, 1 on an error, 2 for a usage error (a missing file).
 *
 * The engine and the SQL layer are imported only once the arguments and the script file are
 * found good, so a usage error answers without loading them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { SqlClient, SqlClientOptions } from '../sql/client/sql-client.js';
import { positionInScript, splitStatements } from '../sql/client/statement-splitter.js';
import { formatFailure, type Terminal } from './terminal.js';
import { ExitCodes, SQL_HELP, UsageError } from './usage.js';

/** How many statements the history file keeps. */
const HISTORY_SIZE = 1000;
const PROMPT = 'Weir SQL> ';
const CONTINUATION = '        > ';

/** Where the interactive client keeps its history. */
export function historyPath(): string {
  return join(homedir(), '.weir_sql_history');
}

/** Runs `weir sql` with the words after `sql`. */
export async function sqlCommand(argv: readonly string[], terminal: Terminal): Promise<number> {
  let file: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-f' || arg === '--file') {
      file = argv[++i];
      if (file === undefined) throw new UsageError(`${arg} needs a file name: weir sql -f script.sql`);
    } else if (arg === '-h' || arg === '--help') {
      terminal.out(SQL_HELP);
      return ExitCodes.OK;
    } else if (arg === '-v' || arg === '--verbose') verbose = true;
    else throw new UsageError(`unknown option '${arg}' of weir sql; see weir sql --help`);
  }
  if (file !== undefined && !existsSync(file))
    throw new UsageError(`SQL script '${file}' not found; pass an existing file to -f`);
  const [{ StreamExecutionEnvironment }, { TableEnvironment }, client] = await Promise.all([
    import('../api/environment.js'),
    import('../sql/table-environment.js'),
    import('../sql/client/sql-client.js'),
  ]);
  // A script's relative module paths name files beside it; the interactive client's, the cwd's.
  const tEnv = TableEnvironment.create(
    StreamExecutionEnvironment.getExecutionEnvironment(),
    file === undefined ? {} : { moduleDirectory: dirname(resolve(file)) },
  );
  const newClient: NewClient = (options) => new client.SqlClient(tEnv, options);
  if (file !== undefined) return runScript(file, newClient, terminal, verbose);
  return runInteractive(newClient, terminal, verbose);
}

/** Makes the SQL client over the command's table environment. */
type NewClient = (options: SqlClientOptions) => SqlClient;

async function runScript(file: string, newClient: NewClient, terminal: Terminal, verbose: boolean) {
  const text = readFileSync(file, 'utf8');
  let split = splitStatements(text);
  // The last statement may lack its ';'.
  if (split.pending) split = splitStatements(`${text}\n;`);
  const client = newClient({ out: terminal.out, waitForInserts: true, outFull: () => terminal.outFull?.() });
  const onInterrupt = () => {
    if (!client.cancel()) process.exit(130);
  };
  process.on('SIGINT', onInterrupt);
  try {
    for (const statement of split.statements) {
      try {
        if ((await client.execute(statement.sql)) === 'quit') break;
      } catch (error) {
        const message = formatFailure(error, verbose);
        terminal.err(`weir: ${positionInScript(message, statement)} (in ${file})`);
        return ExitCodes.JOB_FAILED;
      }
    }
    return ExitCodes.OK;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

function loadHistory(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-HISTORY_SIZE);
  } catch {
    return [];
  }
}

function saveHistory(path: string, entries: readonly string[]): void {
  try {
    writeFileSync(path, `${entries.slice(-HISTORY_SIZE).join('\n')}\n`);
  } catch {
    // A history that cannot be written (read-only home) does not stop the client.
  }
}

async function runInteractive(newClient: NewClient, terminal: Terminal, verbose: boolean) {
  const path = historyPath();
  const history = loadHistory(path);
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
    // readline wants the newest entry first.
    history: [...history].reverse(),
    historySize: HISTORY_SIZE,
    prompt: PROMPT,
  });
  const client = newClient({ out: terminal.out, waitForInserts: false, outFull: () => terminal.outFull?.() });
  // Prompts only make sense to a person at a terminal, not to piped input.
  const prompt = process.stdin.isTTY === true ? () => rl.prompt() : () => {};
  let buffer = '';
  const onInterrupt = () => {
    if (client.cancel()) return;
    buffer = '';
    terminal.out('(input cleared; QUIT; leaves the client)');
    rl.setPrompt(PROMPT);
    prompt();
  };
  rl.on('SIGINT', onInterrupt);
  process.on('SIGINT', onInterrupt);
  terminal.out("Weir SQL client. Statements end with ';'. HELP; lists the commands, QUIT; leaves.");
  prompt();
  try {
    for await (const line of rl) {
      buffer += `${line}\n`;
      const bare = buffer.trim().replace(/;$/, '').toUpperCase();
      const split = ['QUIT', 'EXIT', 'HELP'].includes(bare)
        ? { statements: [{ sql: bare, line: 1, column: 1 }], rest: '', pending: false }
        : splitStatements(buffer);
      buffer = split.pending ? split.rest : '';
      for (const statement of split.statements) {
        history.push(statement.sql.replace(/\s+/g, ' '));
        saveHistory(path, history);
        try {
          if ((await client.execute(statement.sql)) === 'quit') return ExitCodes.OK;
        } catch (error) {
          terminal.out(`[ERROR] ${formatFailure(error, verbose)}`);
        }
      }
      rl.setPrompt(split.pending ? CONTINUATION : PROMPT);
      prompt();
    }
    return ExitCodes.OK;
  } finally {
    process.off('SIGINT', onInterrupt);
    rl.close();
  }
}
