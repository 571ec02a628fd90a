/**
 * The `jdbc` table sink for PostgreSQL, exactly-once by two-phase commit.
 *
 * Modes: a table without a primary key is written append-only (`INSERT`); with one, rows are
 * upserted (`INSERT … ON CONFLICT (key) DO UPDATE`) and -D rows deleted by key, so an updating
 * query (GROUP BY) can be written. Rows are buffered and sent in batches of
 * `sink.buffer-flush.max-rows`, or when `sink.buffer-flush.interval` has passed since the oldest
 * buffered row (a processing-time timer, so a stream that goes quiet still gets its rows sent);
 * in upsert mode the buffer keeps the last change per key, as Flink's does, so a batch names
 * each key once. Batches go out without the task waiting, but at most
 * {@link MAX_BATCHES_IN_FLIGHT} at a time: with those in flight and the buffer full, the writer
 * reports itself unavailable and the task feeds it nothing until a batch is done, so a slow
 * server backpressures the sources.
 *
 * Exactly-once (the default): all batches a writer sends between two checkpoint barriers go
 * into one transaction on the writer's connection. At the barrier it is
 * `PREPARE TRANSACTION`d (it survives a crash of Weir and of the server), and the prepared id is
 * the checkpoint's committable; `COMMIT PREPARED` runs when the checkpoint completes, and again
 * after a restore from it (a missing prepared transaction then means it was committed already).
 * Without checkpoints only the end of a bounded job commits, as with the filesystem sink.
 * Transaction ids are `weir-<sink hash>-<attempt id>-<subtask>-<n>`: the sink hash covers the
 * table and `sink.transaction-id-prefix` (by default the job's name and the sink's uid, which
 * stay the same across restarts), the attempt id holds the job id and the attempt, and `n`
 * counts the writer's prepares (the writer does not know the checkpoint id when it prepares).
 * Recovery lists the server's prepared transactions of the sink's prefix and rolls back those
 * of earlier attempts that the restored checkpoint does not name: they belong to checkpoints
 * that never completed. A fresh start of a job rolls back all of its prefix's leftovers too,
 * since nothing restored can name them; other jobs' transactions on the table are left alone,
 * as long as the jobs differ in name (`pipeline.name` for SQL, whose default names only the
 * table) or in `sink.transaction-id-prefix`. The server needs `max_prepared_transactions` > 0;
 * `'sink.semantic' = 'at-least-once'` commits each batch at once instead (with
 * `sink.max-retries` retries), which an upsert table makes idempotent anyway.
 *
 * Locks: a prepared upsert transaction holds its rows' locks until it commits, and a checkpoint
 * whose barrier the writer passed may still be aborted (a timeout, a savepoint subsuming it, a
 * declined barrier): its transaction then commits only with a later checkpoint, which needs the
 * writer's next barrier, and a write to one of its keys would wait for that commit forever. So
 * in upsert mode the writer sends nothing while a transaction it prepared is not yet committed
 * (its committer, in the same operator, tells it), keeping the changes in its buffer. The
 * coordinator runs one checkpoint at a time (jdbc.ts refuses this sink in a job that allows
 * more), delivers a completion (its commit) before it starts the next checkpoint, and lets no
 * savepoint cut in while a checkpoint completes, so a transaction still uncommitted at the next barrier belongs to
 * an aborted checkpoint: the writer rolls it back and writes its changes again in the new
 * transaction, under the ones that came since (the later change of a key wins). The committer
 * finds the rolled-back transaction gone, as if committed, and a restore of an earlier checkpoint
 * does not name it. The writer keeps the changes of its transaction and of prepared ones until
 * they commit, one entry per key: what it keeps is bounded by the keys written since the last
 * completed checkpoint. Append mode writes no row another transaction holds, and sends on.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { AvailabilitySignal } from '../../../connectors/common/availability.js';
import type {
  Committer,
  CommittingSinkWriter,
  SinkInitContext,
  TwoPhaseCommittingSink,
} from '../../../types/sink.js';
import type { CatalogColumn } from '../../catalog/catalog.js';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import { type CompactKey, columnsKey } from '../../runtime/compact-keys.js';
import { checkPreparedTransactions, checkTable, connect, failure } from './jdbc-connection.js';
import type { JdbcOptions } from './jdbc-options.js';
import { quoteIdent, quoteTableName, toParameter } from './jdbc-types.js';

/** A prepared transaction to commit. */
export interface JdbcCommittable {
  readonly gid: string;
}

/** What a jdbc sink writes where. */
export interface JdbcSinkSpec {
  readonly options: JdbcOptions;
  /** The Weir table's name, for messages. */
  readonly table: string;
  readonly columns: readonly CatalogColumn[];
  /** The primary key's columns: upsert mode; undefined: append mode. */
  readonly primaryKey: readonly string[] | undefined;
}

/** PostgreSQL takes at most 65535 parameters per statement. */
const MAX_PARAMETERS = 60_000;
/** The SQLSTATE of "prepared transaction … does not exist". */
const UNDEFINED_OBJECT = '42704';
/**
 * Batches a writer may have sent and not yet seen done. Beyond that it buffers up to
 * `sink.buffer-flush.max-rows` more and then holds the task back (`isAvailable`), so a slow
 * server slows the sources instead of filling memory. Two keep one batch on the wire while
 * the next is built.
 */
export const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * The row a sink element carries: the element itself on an insert-only input, the `row` of a
 * changelog envelope on an updating one.
 */
export function changedRow(element: unknown): Row {
  const change = element as Partial<ChangelogRow>;
  return (typeof change.kind === 'string' && typeof change.row === 'object' ? change.row : element) as Row;
}

/**
 * The prefix of the transaction ids of one sink: `weir-` and a hash of the table and of
 * `sink.transaction-id-prefix`, or by default of the job's name and the sink's uid (stable
 * across restarts). Hashed so that no sink's prefix starts another's.
 */
export function transactionIdPrefix(
  options: JdbcOptions,
  context: Pick<SinkInitContext, 'jobName' | 'operatorUid'> | undefined,
): string {
  const sinkPrefix = options.transactionIdPrefix ?? `${context?.jobName ?? ''}/${context?.operatorUid ?? ''}`;
  const hash = createHash('sha256').update(JSON.stringify([options.tableName, sinkPrefix]));
  return `weir-${hash.digest('hex').slice(0, 16)}-`;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Rolls back the prepared transactions of one sink (ids starting with `prefix`) except those in
 * `keep` and those of the running attempt; see the module comment.
 */
async function rollBackLeftovers(
  client: pg.Client,
  prefix: string,
  keep: ReadonlySet<string>,
  currentAttemptId: string,
): Promise<void> {
  const found = await client.query<{ gid: string }>(
    'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND starts_with(gid, $1)',
    [prefix],
  );
  for (const { gid } of found.rows) {
    if (keep.has(gid) || gid.startsWith(`${prefix}${currentAttemptId}-`)) continue;
    try {
      await client.query(`ROLLBACK PREPARED ${literal(gid)}`);
    } catch (e) {
      if ((e as { code?: string }).code !== UNDEFINED_OBJECT) throw e;
    }
  }
}

/**
 * Tells a writer when the committer of its operator has committed one of the writer's prepared
 * transactions. Both are made by one sink object in one operator, so the notice never crosses
 * a thread.
 */
export class CommitNotices {
  private readonly waiting = new Map<string, () => void>();

  /** Calls `committed` once `gid` is committed (or found gone). */
  watch(gid: string, committed: () => void): void {
    this.waiting.set(gid, committed);
  }

  forget(gid: string): void {
    this.waiting.delete(gid);
  }

  /** `gid` is committed, or was not there to commit. */
  committed(gid: string): void {
    const notify = this.waiting.get(gid);
    this.waiting.delete(gid);
    notify?.();
  }
}

/** A prepared transaction of a writer that is not committed yet, and the changes it holds. */
interface Uncommitted {
  readonly gid: string;
  readonly changes: ReadonlyMap<CompactKey, Change>;
}

/** A buffered change in upsert mode: the row to upsert, or to delete by key. */
interface Change {
  readonly row: Row;
  readonly remove: boolean;
}

/** Buffers rows and sends them in batches; see the module comment. */
export class JdbcSinkWriter implements CommittingSinkWriter<unknown, JdbcCommittable> {
  private readonly client: Promise<pg.Client>;
  /** The writer's statements, in order; the task awaits it only at flush and prepare. */
  private chain: Promise<void>;
  private failure: unknown;
  private readonly rows: Row[] = [];
  private readonly changes = new Map<CompactKey, Change>();
  /** The primary key of a row, for an upsert table. */
  private readonly keyOf: ((row: Row) => CompactKey) | undefined;
  private inTransaction = false;
  private prepares = 0;
  private lastSend: number;
  private readonly params: ((value: unknown) => unknown)[];
  private readonly exactlyOnce: boolean;
  private readonly gidPrefix: string;
  /** Batches sent and not yet done; see {@link MAX_BATCHES_IN_FLIGHT}. */
  private inFlight = 0;
  /** Signalled whenever a batch is done. */
  private readonly room = new AvailabilitySignal();
  /** Cancels the flush timer armed by the oldest buffered row, if any. */
  private cancelTimer: (() => void) | undefined;
  /** The flush interval passed while no batch could be sent: send once one is done. */
  private overdue = false;
  /** Upsert mode, exactly-once: the changes sent in the open transaction, the last per key. */
  private sent = new Map<CompactKey, Change>();
  /** Prepared transactions not committed yet, oldest first; while there are any nothing is sent. */
  private uncommitted: Uncommitted[] = [];

  constructor(
    private readonly spec: JdbcSinkSpec,
    private readonly context: SinkInitContext,
    private readonly notices: CommitNotices = new CommitNotices(),
  ) {
    const { options } = spec;
    const exactlyOnce = options.semantic === 'exactly-once';
    this.exactlyOnce = exactlyOnce;
    this.params = spec.columns.map((c) => toParameter(c.type));
    this.keyOf = spec.primaryKey === undefined ? undefined : columnsKey(spec.primaryKey);
    this.gidPrefix = transactionIdPrefix(options, context);
    const gidPrefix = this.gidPrefix;
    this.lastSend = context.currentProcessingTime();
    this.client = (async () => {
      const client = await connect(options.connection);
      await checkTable(client, options.connection, spec.table, options.tableName, spec.columns);
      if (exactlyOnce) {
        await checkPreparedTransactions(client, options.connection);
        // A fresh start restores nothing that could name a leftover prepared transaction.
        if (
          context.subtaskIndex === 0 &&
          context.restoredCheckpointId === undefined &&
          context.attemptNumber === 0
        )
          await rollBackLeftovers(client, gidPrefix, new Set(), context.attemptId);
      }
      return client;
    })();
    this.chain = this.client.then(
      () => {},
      (e) => {
        this.failure = e;
      },
    );
  }

  write(value: unknown): void {
    if (this.failure !== undefined) throw this.failure;
    const row = changedRow(value);
    let buffered: number;
    if (this.keyOf === undefined) {
      this.rows.push(row);
      buffered = this.rows.length;
    } else {
      const kind = row === value ? '+I' : (value as ChangelogRow).kind;
      // An upsert table keys on +U; the -U before it changes nothing the +U does not.
      if (kind === '-U') return;
      this.changes.set(this.keyOf(row), { row, remove: kind === '-D' });
      buffered = this.changes.size;
    }
    const { maxRows, flushIntervalMs } = this.spec.options;
    if (this.holding()) return;
    if (maxRows > 0 && buffered >= maxRows) {
      if (this.inFlight < MAX_BATCHES_IN_FLIGHT) this.send();
    } else if (flushIntervalMs > 0 && this.cancelTimer === undefined) {
      const schedule = this.context.scheduleProcessingTime;
      if (schedule === undefined) {
        // No timers outside the runtime: the interval is checked as rows come.
        if (this.context.currentProcessingTime() - this.lastSend >= flushIntervalMs) this.sendIfRoom();
      } else {
        // The first row of a buffer arms the timer, so that no row waits longer than the
        // interval, however quiet the stream gets.
        this.cancelTimer = schedule(this.context.currentProcessingTime() + flushIntervalMs, () => {
          this.cancelTimer = undefined;
          this.overdue = true;
          this.sendIfRoom();
        });
      }
    }
  }

  /**
   * Undefined while the writer takes rows; else (too many batches in flight and the buffer
   * full) a promise resolved when a batch is done. A failure makes it available: `write` throws.
   */
  isAvailable(): Promise<void> | undefined {
    // Held changes wait for a commit, which may need the next barrier: the task must go on.
    if (this.holding()) return undefined;
    if (this.inFlight < MAX_BATCHES_IN_FLIGHT || this.failure !== undefined) return undefined;
    const { maxRows } = this.spec.options;
    if (maxRows > 0 && this.buffered() < maxRows) return undefined;
    return this.room.wait();
  }

  /** Sends what is buffered (waiting for room first) and waits for every batch to be done. */
  async flush(): Promise<void> {
    while (this.inFlight >= MAX_BATCHES_IN_FLIGHT && this.failure === undefined) await this.room.wait();
    if (!this.holding()) this.send();
    await this.settle();
  }

  async prepareCommit(): Promise<JdbcCommittable[]> {
    if (this.uncommitted.length > 0) await this.rollBackAborted();
    await this.flush();
    if (!this.exactlyOnce || !this.inTransaction) return [];
    const gid = `${this.gidPrefix}${this.context.attemptId}-${this.context.subtaskIndex}-${++this.prepares}`;
    const client = await this.client;
    try {
      await client.query(`PREPARE TRANSACTION ${literal(gid)}`);
      if (this.keyOf !== undefined) {
        // The transaction's changes are handed over whole; the next one starts a map of its own.
        const prepared: Uncommitted = { gid, changes: this.sent };
        this.sent = new Map();
        this.uncommitted.push(prepared);
        this.notices.watch(gid, () => this.committed(prepared));
      }
    } catch (e) {
      throw failure(
        e,
        'preparing the transaction of',
        this.spec.options.tableName,
        this.spec.options.connection,
      );
    }
    this.inTransaction = false;
    return [{ gid }];
  }

  snapshotState(): unknown[] {
    return [];
  }

  /**
   * Rolls back the prepared transactions still uncommitted at a barrier (their checkpoints were
   * aborted; see the module comment) and buffers their changes again under the newer ones.
   */
  private async rollBackAborted(): Promise<void> {
    await this.settle();
    const client = await this.client;
    const carried = new Map<CompactKey, Change>();
    for (const { gid, changes } of this.uncommitted) {
      this.notices.forget(gid);
      try {
        await client.query(`ROLLBACK PREPARED ${literal(gid)}`);
      } catch (e) {
        if ((e as { code?: string }).code !== UNDEFINED_OBJECT)
          throw failure(
            e,
            `rolling back ${gid} of`,
            this.spec.options.tableName,
            this.spec.options.connection,
          );
      }
      for (const [key, change] of changes) carried.set(key, change);
    }
    this.uncommitted = [];
    for (const [key, change] of carried) if (!this.changes.has(key)) this.changes.set(key, change);
  }

  /** The committer committed `prepared`: once none is left uncommitted, held changes go out. */
  private committed(prepared: Uncommitted): void {
    this.uncommitted = this.uncommitted.filter((u) => u !== prepared);
    if (this.uncommitted.length === 0 && this.failure === undefined && this.buffered() > 0) this.sendIfRoom();
  }

  /** Whether changes wait in the buffer for a prepared transaction to commit. */
  private holding(): boolean {
    return this.uncommitted.length > 0;
  }

  async close(): Promise<void> {
    for (const { gid } of this.uncommitted) this.notices.forget(gid);
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.chain;
    const client = await this.client.catch(() => undefined);
    // Ending the session rolls back a transaction that was not prepared.
    await client?.end().catch(() => {});
  }

  /** Waits for the statements sent so far, and any a finishing batch sent; throws the first failure. */
  private async settle(): Promise<void> {
    for (let chain = this.chain; ; chain = this.chain) {
      await chain;
      if (chain === this.chain) break;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private buffered(): number {
    return this.spec.primaryKey === undefined ? this.rows.length : this.changes.size;
  }

  /** Sends the buffer if a batch may go now; else a batch that is done sends it. */
  private sendIfRoom(): void {
    if (this.holding()) return;
    if (this.inFlight < MAX_BATCHES_IN_FLIGHT) this.send();
    else this.overdue = true;
  }

  /**
   * Hands the buffer to the connection without waiting, as one batch. Callers check the room:
   * only `flush`, after waiting for it, and {@link sendIfRoom} send.
   */
  private send(): void {
    this.lastSend = this.context.currentProcessingTime();
    this.overdue = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.rows.length === 0 && this.changes.size === 0) return;
    const rows = this.rows.splice(0);
    const changes = [...this.changes.values()];
    if (this.exactlyOnce) for (const [key, change] of this.changes) this.sent.set(key, change);
    this.changes.clear();
    this.inFlight++;
    this.chain = this.chain.then(async () => {
      if (this.failure === undefined) {
        try {
          await this.execute(rows, changes);
        } catch (e) {
          this.failure = failure(e, 'writing to', this.spec.options.tableName, this.spec.options.connection);
        }
      }
      this.inFlight--;
      // A full buffer, or one whose interval passed, waited for this batch to be done. No
      // barrier is under way: one flushes first and waits for the room itself.
      const { maxRows } = this.spec.options;
      if (!this.holding() && (this.overdue || (maxRows > 0 && this.buffered() >= maxRows))) this.send();
      this.room.signal();
    });
  }

  private async execute(rows: Row[], changes: Change[]): Promise<void> {
    const client = await this.client;
    if (this.exactlyOnce) {
      if (!this.inTransaction) await client.query('BEGIN');
      this.inTransaction = true;
      await this.statements(client, rows, changes);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query('BEGIN');
        await this.statements(client, rows, changes);
        await client.query('COMMIT');
        return;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        if (attempt >= this.spec.options.maxRetries) throw e;
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
    }
  }

  private async statements(client: pg.Client, rows: Row[], changes: Change[]): Promise<void> {
    const { columns, primaryKey } = this.spec;
    const table = quoteTableName(this.spec.options.tableName);
    const names = columns.map((c) => quoteIdent(c.name)).join(', ');
    let upsert = '';
    if (primaryKey !== undefined) {
      const others = columns.filter((c) => !primaryKey.includes(c.name));
      upsert = ` ON CONFLICT (${primaryKey.map(quoteIdent).join(', ')}) ${
        others.length === 0
          ? 'DO NOTHING'
          : `DO UPDATE SET ${others.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(', ')}`
      }`;
      for (const c of changes) if (!c.remove) rows.push(c.row);
    }
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns.length)));
    for (let from = 0; from < rows.length; from += perStatement) {
      const batch = rows.slice(from, from + perStatement);
      const values: unknown[] = [];
      const tuples = batch.map((row) => {
        const slots = columns.map((c, i) => {
          values.push(this.params[i]!(row[c.name]));
          return `$${values.length}`;
        });
        return `(${slots.join(', ')})`;
      });
      await client.query(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}${upsert}`, values);
    }
    if (primaryKey === undefined) return;
    const removed = changes.filter((c) => c.remove);
    const keyColumns = primaryKey.map((k) => columns.findIndex((c) => c.name === k));
    const perDelete = Math.max(1, Math.floor(MAX_PARAMETERS / primaryKey.length));
    for (let from = 0; from < removed.length; from += perDelete) {
      const values: unknown[] = [];
      const tuples = removed.slice(from, from + perDelete).map(({ row }) => {
        const slots = keyColumns.map((i) => {
          values.push(this.params[i]!(row[columns[i]!.name]));
          return `$${values.length}`;
        });
        return `(${slots.join(', ')})`;
      });
      await client.query(
        `DELETE FROM ${table} WHERE (${primaryKey.map(quoteIdent).join(', ')}) IN (${tuples.join(', ')})`,
        values,
      );
    }
  }
}

/** Commits prepared transactions; one missing means it was committed already. */
export class JdbcCommitter implements Committer<JdbcCommittable> {
  private client: Promise<pg.Client> | undefined;

  constructor(
    private readonly options: JdbcOptions,
    private readonly notices: CommitNotices = new CommitNotices(),
  ) {}

  async commit(committables: JdbcCommittable[]): Promise<void> {
    if (committables.length === 0) return;
    this.client ??= connect(this.options.connection);
    const client = await this.client;
    for (const { gid } of committables) {
      try {
        await client.query(`COMMIT PREPARED ${literal(gid)}`);
      } catch (e) {
        if ((e as { code?: string }).code !== UNDEFINED_OBJECT)
          throw failure(e, `committing ${gid} to`, this.options.tableName, this.options.connection);
      }
      this.notices.committed(gid);
    }
  }

  async close(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    await client?.end().catch(() => {});
  }
}

/** The jdbc table sink: {@link JdbcSinkWriter}s and a {@link JdbcCommitter}. */
export class JdbcTableSink implements TwoPhaseCommittingSink<unknown, JdbcCommittable> {
  /** Shared by the writers and committers this sink makes: transaction ids are unique. */
  private readonly notices = new CommitNotices();

  constructor(private readonly spec: JdbcSinkSpec) {}

  createWriter(context: SinkInitContext): JdbcSinkWriter {
    return new JdbcSinkWriter(this.spec, context, this.notices);
  }

  createCommitter(): JdbcCommitter {
    return new JdbcCommitter(this.spec.options, this.notices);
  }

  async cleanupAfterRestore(
    _writerState: readonly unknown[],
    committables: readonly JdbcCommittable[],
    currentAttemptId: string,
    context?: SinkInitContext,
  ): Promise<void> {
    if (this.spec.options.semantic !== 'exactly-once') return;
    const client = await connect(this.spec.options.connection);
    try {
      await rollBackLeftovers(
        client,
        transactionIdPrefix(this.spec.options, context),
        new Set(committables.map((c) => c.gid)),
        currentAttemptId,
      );
    } finally {
      await client.end().catch(() => {});
    }
  }
}
