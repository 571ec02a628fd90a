/**
 * The session time zone (`SET 'table.local-time-zone' = 'Europe/Berlin'`), as Flink uses it:
 * a TIMESTAMP_LTZ value is an instant (epoch milliseconds) that prints, casts to TIMESTAMP,
 * DATE, TIME or STRING, and aligns windows, in the session's zone, while a TIMESTAMP is a wall
 * clock with no zone (epoch milliseconds read as UTC, see `catalog/types.ts`). "Local
 * milliseconds" below are such a wall clock: the instant plus the zone's offset then.
 *
 * Offsets come from `Intl` (Node ships full ICU). A {@link TimeZone} creates its formatter
 * once and remembers the offset of every hour it was asked about, so the per-row cost is a
 * division and a map lookup; the one hour of each transition keeps the exact transition
 * instant. Zones are shared per id by the whole thread, which is safe because an offset is a
 * pure function of the instant.
 *
 * The zone is a session option read when expressions are compiled and operators built, so it
 * travels with the job's statements to worker threads and restored jobs, as the other SET
 * keys do. Compiled code gets it through {@link sessionTimeZone}, which translation installs
 * around building a plan's operators ({@link withSessionTimeZone}); planning is synchronous,
 * so the installed zone is always that of the statement being translated.
 */
import { recallFromSubmitter, rememberForRebuild } from '../../api/rebuild-memo.js';
import { ErrorCodes, userError } from '../../types/errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Hours remembered per zone before the cache starts over. */
const MAX_CACHED_HOURS = 8192;

/** The three-letter ids that are real time zone database zones (others are abbreviations). */
const DATABASE_ABBREVIATIONS = new Set([
  'UTC',
  'GMT',
  'UCT',
  'EST',
  'MST',
  'HST',
  'CET',
  'EET',
  'MET',
  'WET',
]);

/** A zone's offsets from UTC over time, and conversions between instants and local wall clocks. */
export class TimeZone {
  /** Offset of each hour (epoch hour number) with one offset throughout. */
  private readonly hours = new Map<number, number>();
  /** Hours holding a transition: [transition instant, offset before, offset after]. */
  private readonly transitions = new Map<number, readonly [number, number, number]>();
  /** The largest offset of each day (epoch day number) asked of {@link maxOffsetBetween}. */
  private readonly dayMaxOffsets = new Map<number, number>();
  private lastHour = Number.NaN;
  private lastOffset = 0;
  private formatter: Intl.DateTimeFormat | undefined;

  /**
   * @param id the id as the session set it (`Europe/Berlin`, `GMT+08:00`, `UTC`)
   * @param fixedOffset the offset in ms of a zone without transitions; undefined for regions
   */
  constructor(
    readonly id: string,
    readonly fixedOffset?: number,
  ) {}

  /** True for UTC and other zones whose offset is always 0: local time is the instant. */
  get isUtc(): boolean {
    return this.fixedOffset === 0;
  }

  /** Milliseconds to add to the instant `epochMs` to get the local wall clock. */
  offsetAt(epochMs: number): number {
    if (this.fixedOffset !== undefined) return this.fixedOffset;
    const hour = Math.floor(epochMs / HOUR_MS);
    if (hour === this.lastHour) return this.lastOffset;
    let offset = this.hours.get(hour);
    if (offset === undefined) {
      const transition = this.transitions.get(hour) ?? this.learnHour(hour);
      if (transition !== undefined) return epochMs < transition[0] ? transition[1] : transition[2];
      offset = this.hours.get(hour)!;
    }
    this.lastHour = hour;
    this.lastOffset = offset;
    return offset;
  }

  /** The local wall clock of the instant `epochMs`, as TIMESTAMP milliseconds. */
  toLocal(epochMs: number): number {
    return epochMs + this.offsetAt(epochMs);
  }

  /**
   * The instant of local wall clock `localMs`, as Java's `LocalDateTime.atZone`: a time in a
   * gap (clocks skipped it) moves forward by the gap's length; a time that occurs twice (clocks
   * went back) takes the earlier instant, or the later one with `laterAtOverlap`.
   */
  fromLocal(localMs: number, laterAtOverlap = false): number {
    if (this.fixedOffset !== undefined) return localMs - this.fixedOffset;
    // One transition at most lies within a day of any instant, so the offsets a day before
    // and after are the only candidates.
    const before = this.offsetAt(localMs - DAY_MS);
    const after = this.offsetAt(localMs + DAY_MS);
    const early = localMs - before;
    const late = localMs - after;
    const earlyFits = this.toLocal(early) === localMs;
    const lateFits = this.toLocal(late) === localMs;
    if (earlyFits && lateFits) return laterAtOverlap ? Math.max(early, late) : Math.min(early, late);
    if (earlyFits) return early;
    if (lateFits) return late;
    // In the gap: the wall clock moved forward by (after - before), read with the new offset.
    return early;
  }

  /**
   * The first instant whose wall clock is `localMs` or later: {@link fromLocal}'s earlier
   * instant, or for a time in a gap, the instant the clocks jumped (where a window starting in
   * the gap begins).
   */
  firstInstantFrom(localMs: number): number {
    const instant = this.fromLocal(localMs);
    if (this.fixedOffset !== undefined || this.toLocal(instant) === localMs) return instant;
    // Wall clocks only rise across a gap: search the jump between the two offsets' readings.
    let lo = localMs - this.offsetAt(localMs + DAY_MS);
    let hi = instant;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.toLocal(mid) >= localMs) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * The largest offset in effect at any instant from `startMs` to `endMs`: how far ahead of
   * the instants the wall clock may run there. Read from each hour's offset, so an offset
   * that lasts less than an hour and is neither the first nor the last of its hour goes
   * unseen (no zone has had one); each day's answer is remembered.
   */
  maxOffsetBetween(startMs: number, endMs: number): number {
    if (this.fixedOffset !== undefined) return this.fixedOffset;
    let max = Number.NEGATIVE_INFINITY;
    for (let day = Math.floor(startMs / DAY_MS); day <= Math.floor(endMs / DAY_MS); day++) {
      let dayMax = this.dayMaxOffsets.get(day);
      if (dayMax === undefined) {
        if (this.dayMaxOffsets.size >= MAX_CACHED_HOURS) this.dayMaxOffsets.clear();
        dayMax = Number.NEGATIVE_INFINITY;
        // Each hour's first and last millisecond: an hour with a transition has both offsets.
        for (let h = 0; h < 24; h++) {
          const start = day * DAY_MS + h * HOUR_MS;
          dayMax = Math.max(dayMax, this.offsetAt(start), this.offsetAt(start + HOUR_MS - 1));
        }
        this.dayMaxOffsets.set(day, dayMax);
      }
      max = Math.max(max, dayMax);
    }
    return max;
  }

  /** Fills the cache for one hour; returns the hour's transition when it has one. */
  private learnHour(hour: number): readonly [number, number, number] | undefined {
    if (this.hours.size + this.transitions.size >= MAX_CACHED_HOURS) {
      this.hours.clear();
      this.transitions.clear();
    }
    const start = hour * HOUR_MS;
    const end = start + HOUR_MS - 1;
    const first = this.exactOffset(start);
    const last = this.exactOffset(end);
    if (first === last) {
      this.hours.set(hour, first);
      return undefined;
    }
    // Offsets change on whole seconds: search the first second with the new offset.
    let lo = Math.floor(start / 1000);
    let hi = Math.floor(end / 1000);
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.exactOffset(mid * 1000) === first) lo = mid + 1;
      else hi = mid;
    }
    const transition = [lo * 1000, first, last] as const;
    this.transitions.set(hour, transition);
    return transition;
  }

  /** The offset at an instant, asked of ICU (whole seconds). */
  private exactOffset(epochMs: number): number {
    this.formatter ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const fields: Record<string, string> = {};
    for (const part of this.formatter.formatToParts(new Date(epochMs))) fields[part.type] = part.value;
    const year = fields.era === 'BC' || fields.era === 'B' ? 1 - Number(fields.year) : Number(fields.year);
    const wall = new Date(0);
    wall.setUTCFullYear(year, Number(fields.month) - 1, Number(fields.day));
    wall.setUTCHours(Number(fields.hour), Number(fields.minute), Number(fields.second), 0);
    const second = Math.floor(epochMs / 1000) * 1000;
    return wall.getTime() - second;
  }
}

/** UTC: the default session zone. */
export const UTC_ZONE = new TimeZone('UTC', 0);

const zones = new Map<string, TimeZone>([['UTC', UTC_ZONE]]);

/**
 * Checks a `table.local-time-zone` value as Flink does: a time zone database id
 * (`America/Los_Angeles`, with its daylight saving time), a fixed offset `GMT+08:00` (also
 * `GMT+8`, `GMT-0330`), or `UTC`/`GMT`. Returns the id to store, or the error's "expected" text.
 */
export function checkTimeZoneId(text: string): { id: string } | { expected: string } {
  const expected =
    "a time zone database id such as 'Europe/Berlin' or 'America/Los_Angeles', a fixed offset such as 'GMT+08:00', or 'UTC'";
  if (text === 'UTC' || text === 'GMT') return { id: text };
  const fixed = /^GMT([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (fixed !== null) {
    const hours = Number(fixed[2]);
    const minutes = Number(fixed[3] ?? 0);
    if (hours > 18 || minutes > 59 || (hours === 18 && minutes > 0)) return { expected };
    return { id: `GMT${fixed[1]}${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` };
  }
  if (/^(UTC|GMT)?[+-]\d/.test(text))
    return { expected: `'GMT${text.replace(/^(UTC|GMT)/, '')}' (${expected})` };
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return { expected };
  }
  // ICU accepts any case and abbreviations such as PST; Flink (Java's ZoneId) takes neither.
  if (resolved.toLowerCase() === text.toLowerCase() && resolved !== text)
    return { expected: `'${resolved}'` };
  if (!text.includes('/') && text.length <= 3 && !DATABASE_ABBREVIATIONS.has(text)) return { expected };
  return { id: text };
}

/**
 * The id of the process's own zone: `process.env.TZ` as ICU resolved it, or UTC when ICU knows
 * none.
 */
export function processTimeZoneId(): string {
  const id = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  return id === undefined || id === '' ? 'UTC' : id;
}

/** The rebuild-memo namespace of the zones `'default'` resolved to, keyed by their order. */
const DEFAULT_ZONE_MEMO = 'sql.default-time-zone';
let defaultZonesResolved = 0;

/**
 * The zone `SET 'table.local-time-zone' = 'default'` names (Flink's 'default' is the JVM's
 * zone): the process's, read once, when the option is set, and kept as an id. A worker thread
 * rebuilding the job runs the same SETs in the same order and takes the submitting thread's
 * answer for each (by its place in that order) rather than reading its own zone, which may
 * have changed since: all of a job's operators then use one zone.
 */
export function resolveDefaultTimeZone(): string {
  const key = String(defaultZonesResolved++);
  const recalled = recallFromSubmitter(DEFAULT_ZONE_MEMO, key);
  if (typeof recalled === 'string') return recalled;
  const id = processTimeZoneId();
  rememberForRebuild(DEFAULT_ZONE_MEMO, key, id);
  return id;
}

/** The zone of an id {@link checkTimeZoneId} accepted, created once per thread. */
export function timeZone(id: string): TimeZone {
  let zone = zones.get(id);
  if (zone === undefined) {
    const checked = checkTimeZoneId(id);
    if (!('id' in checked))
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `unknown time zone '${id}'; set 'table.local-time-zone' to ${checked.expected}`,
      );
    const fixed = /^GMT([+-])(\d{2}):(\d{2})$/.exec(checked.id);
    const offset =
      checked.id === 'GMT'
        ? 0
        : fixed === null
          ? undefined
          : (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * HOUR_MS + Number(fixed[3]) * 60_000);
    zone = new TimeZone(checked.id, offset);
    zones.set(id, zone);
  }
  return zone;
}

/** The session's zone from its options (anything with `get`, such as `TableConfig`); UTC when unset. */
export function localTimeZone(config: { get<T>(key: string): T | undefined } | undefined): TimeZone {
  const id = config?.get<string>('table.local-time-zone');
  return id === undefined ? UTC_ZONE : timeZone(id);
}

let current: TimeZone = UTC_ZONE;

/** Runs `build` with `zone` as the zone that compiled expressions and operators use. */
export function withSessionTimeZone<T>(zone: TimeZone, build: () => T): T {
  const previous = current;
  current = zone;
  try {
    return build();
  } finally {
    current = previous;
  }
}

/** The zone of the statement being planned or translated; UTC outside of that. */
export function sessionTimeZone(): TimeZone {
  return current;
}
