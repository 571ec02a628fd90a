/**
 * The SQL client's statement runner, shared by `weir sql` interactively and with `-f`. It runs
 * one statement at a time on a TableEnvironment and prints what it gives:
 *
 * - a query over bounded sources runs to its end and prints as a table (the changes applied,
 *   so an updating query shows its final rows);
 * - a query over an unbounded source prints each change as it arrives, with an `op` column
 *   (`+I`, `-U`, `+U`, `-D`, as Flink's tableau mode), until it is cancelled ({@link cancel},
 *   which Ctrl-C calls) — the client itself goes on; while the output is full
 *   ({@link SqlClientOptions.outFull}) the query takes no changes from its job;
 * - INSERT and statement sets start their job; `waitForInserts` makes the runner wait for it
 *   (scripts do), otherwise it prints the job id and returns; `SET 'table.dml-sync'` overrides
 *   that, so a script can start a job and manage it with SHOW JOBS, DESCRIBE JOB and STOP JOB;
 * - HELP, QUIT and EXIT are the client's own; everything else goes to `executeSql`.
 *
 * Results are written in lines through `out`; the caller decides where errors go. A table
 * is written in chunks, and while the output is full the client writes no further chunk and
 * waits, so a table larger than stdout's buffer reaches a slow reader as it reads instead of
 * queueing in memory, and the next statement runs only once all but its last chunk went out.
 */
import type { JobClient } from '../../runtime/job-client.js';
import type { Transformation } from '../../graph/transformation.js';
import type { Sink } from '../../types/sink.js';
import { formatValue } from '../expressions/runtime.js';
import { localTimeZone, type TimeZone } from '../expressions/time-zone.js';
import type { Row } from '../expressions/compiler.js';
import { parseStatement } from '../parser/parse.js';
import type { ChangelogRow } from '../planner/changelog.js';
import type { PlanColumn } from '../planner/logical.js';
import type { TableEnvironment } from '../table-environment.js';
import { tableLines } from '../table-result.js';

/** The client's help text, printed by HELP. */
export const CLIENT_HELP = `Statements end with ';' and may span lines. Besides SQL (CREATE, ALTER, DROP,
SHOW, DESCRIBE, EXPLAIN, SELECT, INSERT INTO, CREATE TABLE … AS SELECT, EXECUTE STATEMENT SET
BEGIN … END) the client knows:
  SET 'key' = 'value';   set a session option (SET; lists them)
  SHOW JOBS; DESCRIBE JOB 'id'; STOP JOB 'id' [WITH SAVEPOINT];
                         the jobs this session started; restore one from its savepoint
                         with SET 'execution.savepoint.path' = '…' before the next INSERT
  COMPILE PLAN 'f.json' [IF NOT EXISTS] FOR INSERT …; EXECUTE PLAN 'f.json';
                         write a job's physical plan, and run it later without its DDL
  RESET ['key'];         reset one option or all
  HELP;                  show this help
  QUIT; or EXIT;         leave the client
A query over unbounded sources prints its changes as they arrive; Ctrl-C cancels it.`;

/**
 * About how many characters of lines the client hands to `out` at once: few writes for a large
 * table, and what it writes past a full output stays small next to a pipe's buffer (64 KiB).
 */
const CHUNK_CHARS = 16 * 1024;

/** What running a statement asks of the caller. */
export type StatementOutcome = 'continue' | 'quit';

/** Options of {@link SqlClient}. */
export interface SqlClientOptions {
  /** Writes one line of output. */
  readonly out: (line: string) => void;
  /**
   * Wait for the jobs of INSERT statements to finish (scripts); otherwise print their id. The
   * session's `table.dml-sync`, when set, decides instead.
   */
  readonly waitForInserts: boolean;
  /**
   * Undefined while `out` takes more lines; else a promise that resolves once it does again. An
   * unbounded query takes no more changes from its job meanwhile, so a slow reader holds the job
   * back (backpressure) instead of the lines queueing in memory, and a table's next chunk waits
   * for it too. Left out, `out` never waits.
   */
  readonly outFull?: () => Promise<void> | undefined;
}

/** Runs statements for the SQL client; see the module comment. */
export class SqlClient {
  private running: JobClient | undefined;
  private cancelled = false;

  constructor(
    private readonly tEnv: TableEnvironment,
    private readonly options: SqlClientOptions,
  ) {}

  /** Whether a query or INSERT job is running now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Cancels the running query (Ctrl-C); returns false when nothing runs. */
  cancel(): boolean {
    if (this.running === undefined) return false;
    this.cancelled = true;
    this.running.cancel();
    return true;
  }

  /** Runs one statement (without its `;`). Errors are thrown, with their one-line message. */
  async execute(sql: string): Promise<StatementOutcome> {
    const word = sql.trim().toUpperCase();
    if (word === 'QUIT' || word === 'EXIT') return 'quit';
    if (word === 'HELP') {
      await this.print([CLIENT_HELP]);
      return 'continue';
    }
    const statement = parseStatement(sql);
    if (statement.kind === 'queryStatement') {
      await this.query(sql);
      return 'continue';
    }
    const result = this.tEnv.executeSql(sql);
    const job = result.getJobClient();
    if (job === undefined) {
      await this.print(await result.toLines());
      return 'continue';
    }
    if (!(this.tEnv.getConfig().get<boolean>('table.dml-sync') ?? this.options.waitForInserts)) {
      await this.print([`Job submitted: ${job.jobId}`]);
      return 'continue';
    }
    this.running = job;
    try {
      await result.await();
    } finally {
      this.running = undefined;
    }
    await this.print([`Job ${job.jobId} finished.`]);
    return 'continue';
  }

  /**
   * Writes `lines` through `out` in chunks of about {@link CHUNK_CHARS}; between chunks it waits
   * while the output is full (see {@link SqlClientOptions.outFull}). Text of one chunk never
   * waits, so a line such as `Query cancelled` still goes out while a reader holds off, and the
   * client goes on. Lines may hold line breaks of their own.
   */
  private async print(lines: Iterable<string>): Promise<void> {
    let chunk: string[] = [];
    let size = 0;
    for (const line of lines) {
      if (size >= CHUNK_CHARS) {
        this.options.out(chunk.join('\n'));
        chunk = [];
        size = 0;
        const full = this.options.outFull?.();
        if (full !== undefined) await full;
      }
      chunk.push(line);
      size += line.length + 1;
    }
    if (chunk.length > 0) this.options.out(chunk.join('\n'));
  }

  private async query(sql: string): Promise<void> {
    const table = this.tEnv.sqlQuery(sql);
    const columns = table.plan.columns;
    const config = this.tEnv.getConfig();
    const env = this.tEnv.getExecutionEnvironment();
    const parallelism = config.get<number>('parallelism.default');
    if (parallelism !== undefined) env.setParallelism(parallelism);
    const mode = config.get<'streaming' | 'batch'>('execution.runtime-mode');
    if (mode !== undefined) env.setRuntimeMode(mode);
    const watermarkInterval = config.get<number>('pipeline.auto-watermark-interval');
    if (watermarkInterval !== undefined) env.getConfig().setAutoWatermarkInterval(watermarkInterval);
    const stream = this.tEnv.toChangelogStream(table);
    const zone = localTimeZone(config);
    const bounded = sourcesOf(stream.transformation).every(
      (t) => t.details.source?.getBoundedness() === 'bounded',
    );
    const rows: Row[] = [];
    let count = 0;
    const widths = columns.map((c) => Math.max(c.name.length, 12));
    const line = (op: string, values: readonly string[]) =>
      `| ${op.padEnd(2)} | ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
    const rule = `+----+-${widths.map((w) => '-'.repeat(w)).join('-+-')}-+`;
    const onChange = bounded
      ? (change: ChangelogRow) => applyChange(rows, change)
      : (change: ChangelogRow) => {
          count++;
          this.options.out(line(change.kind, formatRow(change.row, columns, zone)));
        };
    const outFull = this.options.outFull;
    const sink: Sink<ChangelogRow> = {
      createWriter: () => ({
        write: onChange,
        // A bounded query's rows are printed at its end: only the changes' lines can queue.
        ...(bounded || outFull === undefined ? {} : { isAvailable: outFull }),
        flush() {},
        close() {},
      }),
    };
    stream.sinkTo(sink, 'SqlClientResult').setParallelism(1);
    if (!bounded)
      await this.print([
        rule,
        line(
          'op',
          columns.map((c) => c.name),
        ),
        rule,
      ]);
    this.cancelled = false;
    const job = env.executeAsync(`collect: ${sql.replace(/\s+/g, ' ').slice(0, 60)}`);
    this.running = job;
    try {
      await job.result;
    } catch (error) {
      if (!this.cancelled) throw error;
    } finally {
      this.running = undefined;
    }
    if (bounded && !this.cancelled) {
      await this.print(tableLines(columns, rows, zone));
      return;
    }
    const received = bounded ? rows.length : count;
    const what = `${received} row${received === 1 ? '' : 's'}`;
    const end = this.cancelled ? `Query cancelled after ${what}.` : `Received a total of ${what}.`;
    await this.print(bounded ? [end] : [rule, end]);
  }
}

/** The source transformations a stream reads. */
function sourcesOf(root: Transformation): Transformation[] {
  const found: Transformation[] = [];
  const seen = new Set<Transformation>();
  const visit = (t: Transformation) => {
    if (seen.has(t)) return;
    seen.add(t);
    if (t.kind === 'source') found.push(t);
    for (const input of t.inputs) visit(input);
  };
  visit(root);
  return found;
}

function formatRow(row: Row, columns: readonly PlanColumn[], zone: TimeZone): string[] {
  return columns.map((c) => formatValue(row[c.name], c.type, zone));
}

/**
 * A row's text for finding an equal row; a BIGINT past 2^53 is a bigint, which JSON lacks, and a
 * byte string is its hex bytes, since JSON writes a Buffer and a plain Uint8Array with the same
 * bytes differently (the replacer sees a Buffer's toJSON result, so it reads the raw value).
 */
function rowText(row: Row): string {
  return JSON.stringify(row, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array)
      return `x'${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex')}'`;
    return typeof value === 'bigint' ? `${value}n` : value;
  });
}

/** Applies one change to the materialized rows: inserts add, retractions remove an equal row. */
function applyChange(rows: Row[], change: ChangelogRow): void {
  if (change.kind === '+I' || change.kind === '+U') {
    rows.push(change.row);
    return;
  }
  const text = rowText(change.row);
  const index = rows.findIndex((r) => rowText(r) === text);
  if (index >= 0) rows.splice(index, 1);
}
