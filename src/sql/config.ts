/**
 * Session options set with `SET 'key' = 'value'`: the known keys (Flink's names), each with a
 * validator that turns the text into a value or rejects it with the accepted form. An unknown
 * key is an error listing the known ones, so a typo never silently does nothing.
 */
import type { SourcePos } from './parser/ast.js';
import { validationError } from './errors.js';
import { checkTimeZoneId, resolveDefaultTimeZone } from './expressions/time-zone.js';

type Parser = (text: string) => unknown;

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** `'10 s'`, `'1min'`, `'500 ms'`, `'1 h'`, or plain milliseconds, as Flink writes durations. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = m[2]!.toLowerCase();
  const factor = unit === '' ? 1 : DURATION_UNITS[unit];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

const duration: Parser = (text) =>
  parseDuration(text) ?? fail("a duration such as '10 s', '1 min' or '500 ms'");
const positiveInt: Parser = (text) =>
  /^\s*\d+\s*$/.test(text) && Number(text) >= 1 ? Number(text) : fail('a whole number >= 1');
const boolean: Parser = (text) =>
  text.toLowerCase() === 'true' ? true : text.toLowerCase() === 'false' ? false : fail("'true' or 'false'");
const oneOf =
  (...values: string[]): Parser =>
  (text) =>
    values.includes(text.toLowerCase()) ? text.toLowerCase() : fail(values.map((v) => `'${v}'`).join(' or '));
const anyText: Parser = (text) => text;
/** A local path; Flink's `file:` scheme (`file:/tmp/sp`, `file:///tmp/sp`) is taken off. */
const localPath: Parser = (text) =>
  text.trim() === '' ? fail('a directory or file path') : text.replace(/^file:(\/\/(?=\/))?/, '');
/**
 * A time zone id as Flink takes it; the value is the id, normalised (`GMT+8` is `GMT+08:00`).
 * `'default'` is the process's zone, resolved here, once: the value is that zone's id, so the
 * operators a job builds later all use the zone the session had when it said SET.
 */
const timeZoneId: Parser = (text) => {
  const id = text === 'default' ? resolveDefaultTimeZone() : text;
  const checked = checkTimeZoneId(id);
  if ('id' in checked) return checked.id;
  return fail(
    text === 'default'
      ? `a zone id, since the process's zone '${id}' is not one Weir can use (${checked.expected})`
      : checked.expected,
  );
};

class BadValue extends Error {}
function fail(expected: string): never {
  throw new BadValue(expected);
}

/** The keys `SET` accepts, with how each value is read. */
export const CONFIG_OPTIONS: Readonly<Record<string, Parser>> = {
  'parallelism.default': positiveInt,
  'pipeline.max-parallelism': positiveInt,
  'pipeline.name': anyText,
  // For SQL tables 0 emits a watermark after every row that advances it, as in Flink.
  'pipeline.auto-watermark-interval': duration,
  'execution.runtime-mode': oneOf('streaming', 'batch'),
  'execution.checkpointing.interval': duration,
  'execution.checkpointing.mode': oneOf('exactly_once', 'at_least_once'),
  'state.backend.type': oneOf('heap', 'disk', 'hashmap', 'rocksdb'),
  // Where checkpoints and STOP JOB … WITH SAVEPOINT write, and the savepoint or checkpoint the
  // next INSERT jobs restore from (until RESET, as in Flink), skipping state of operators gone.
  'state.checkpoints.dir': localPath,
  'state.savepoints.dir': localPath,
  'execution.savepoint.path': localPath,
  'execution.savepoint.ignore-unclaimed-state': boolean,
  'table.exec.state.ttl': duration,
  'table.exec.source.idle-timeout': duration,
  // Lookup joins against an external table (jdbc): how many probe rows may wait on lookups at
  // once, how long one may wait, and whether results may overtake each other; Flink's defaults
  // are 100, 3 min and ORDERED.
  'table.exec.async-lookup.buffer-capacity': positiveInt,
  'table.exec.async-lookup.timeout': duration,
  'table.exec.async-lookup.output-mode': oneOf('ordered', 'allow_unordered'),
  'table.exec.mini-batch.enabled': boolean,
  'table.exec.mini-batch.allow-latency': duration,
  'table.exec.mini-batch.size': positiveInt,
  // Event-time deduplication in mini-batches emits every replacement unless this is on (Flink's
  // default is false: a versioned table needs every version).
  'table.exec.deduplicate.mini-batch.compact-changes-enabled': boolean,
  'table.optimizer.agg-phase-strategy': oneOf('auto', 'one_phase', 'two_phase'),
  'table.optimizer.distinct-agg.split.enabled': boolean,
  'table.optimizer.distinct-agg.split.bucket-num': positiveInt,
  // Weir's default is UTC, not the machine's zone as Flink's is, so results do not depend on
  // where a job runs; 'default' asks for the process's zone explicitly.
  'table.local-time-zone': timeZoneId,
  'table.dml-sync': boolean,
  // COMPILE PLAN and CompiledPlan.writeToFile overwrite an existing plan file (false: refuse).
  'table.plan.force-recompile': boolean,
  // OPTIONS hints (`t /*+ OPTIONS('k' = 'v') */`); true by default, as since Flink 1.15.
  'table.dynamic-table-options.enabled': boolean,
  // What a sink does with a NULL in a NOT NULL column (fail the job or drop the row) and with a
  // value longer (or, for CHAR/BINARY, shorter) than its column's length; Flink's defaults are
  // ERROR and IGNORE. Both are fixed in a plan when it is compiled.
  'table.exec.sink.not-null-enforcer': oneOf('error', 'drop'),
  'table.exec.sink.type-length-enforcer': oneOf('ignore', 'trim_pad', 'error'),
  'sql-client.execution.result-mode': oneOf('table', 'changelog', 'tableau'),
};

/** The session's options: text as set, plus the parsed value for the planner and environment. */
export class TableConfig {
  private readonly values = new Map<string, { text: string; value: unknown }>();

  /** Validates and stores an option; throws a one-line error for unknown keys and bad values. */
  set(key: string, text: string, pos?: SourcePos): void {
    const parse = CONFIG_OPTIONS[key];
    if (parse === undefined)
      throw validationError(
        pos,
        `unknown option '${key}'; known options: ${Object.keys(CONFIG_OPTIONS).join(', ')}`,
      );
    try {
      this.values.set(key, { text, value: parse(text) });
    } catch (error) {
      if (!(error instanceof BadValue)) throw error;
      throw validationError(pos, `invalid value '${text}' for '${key}'; expected ${error.message}`);
    }
  }

  /** Forgets one option, or all of them. */
  reset(key?: string, pos?: SourcePos): void {
    if (key === undefined) this.values.clear();
    else if (CONFIG_OPTIONS[key] === undefined) throw validationError(pos, `unknown option '${key}'`);
    else this.values.delete(key);
  }

  get<T>(key: string): T | undefined {
    return this.values.get(key)?.value as T | undefined;
  }

  /** The options set, as (key, value text) rows sorted by key. */
  entries(): [string, string][] {
    return [...this.values.entries()]
      .map(([k, v]) => [k, v.text] as [string, string])
      .sort(([a], [b]) => a.localeCompare(b));
  }
}

/**
 * `table.exec.state.ttl` in milliseconds: how long SQL operators keep a key's idle state;
 * undefined when unset or 0, which keeps state forever, as in Flink.
 */
export function idleStateRetentionMs(config: TableConfig | undefined): number | undefined {
  const ttl = config?.get<number>('table.exec.state.ttl');
  return ttl !== undefined && ttl > 0 ? ttl : undefined;
}
