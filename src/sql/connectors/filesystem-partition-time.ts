/**
 * The time of a partition, as Flink's default partition time extractor reads it: the values of
 * the partition directory (`dt=2024-01-02/hm=10%3A15`) are put into
 * `partition.time-extractor.timestamp-pattern` (`'$dt $hm:00'` → `2024-01-02 10:15:00`; without
 * a pattern the first partition value is the timestamp), and that text is parsed with
 * `partition.time-extractor.timestamp-formatter` (a Java DateTimeFormatter pattern, default
 * `yyyy-MM-dd HH:mm:ss`, where a bare `yyyy-MM-dd` is also taken as midnight). The result is
 * epoch milliseconds read as UTC, the one watermark time zone the sink supports.
 *
 * Formatters are compiled to one regular expression when the table is created, so a partition's
 * time costs one match, and only when the writer first sees the partition.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import { unescapePartitionValue } from './filesystem-partitions.js';

/** Parses a timestamp text to epoch milliseconds (UTC), or undefined when it does not match. */
export type TimestampParser = (text: string) => number | undefined;

/** The fields a formatter may contain, by pattern letter. */
const FIELD_LETTERS: Record<string, { field: Field; widths: readonly number[] }> = {
  y: { field: 'year', widths: [4] },
  u: { field: 'year', widths: [4] },
  M: { field: 'month', widths: [1, 2] },
  d: { field: 'day', widths: [1, 2] },
  H: { field: 'hour', widths: [1, 2] },
  m: { field: 'minute', widths: [1, 2] },
  s: { field: 'second', widths: [1, 2] },
  S: { field: 'fraction', widths: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
};

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction';

/** Flink's default formatter. */
export const DEFAULT_TIMESTAMP_FORMATTER = 'yyyy-MM-dd HH:mm:ss';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a DateTimeFormatter pattern of the letters y (or u), M, d, H, m, s and S, with other
 * characters and 'quoted text' as literals. Returns a one-line reason when the pattern uses
 * something else (text months, zones, optional sections), which the option check reports.
 */
export function compileTimestampFormatter(pattern: string): TimestampParser | string {
  let source = '';
  const fields: { field: Field; width: number }[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) return 'an unclosed quote';
      source += end === i + 1 ? "'" : escapeRegExp(pattern.slice(i + 1, end));
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      let n = 1;
      while (pattern[i + n] === ch) n++;
      const spec = FIELD_LETTERS[ch];
      if (spec === undefined) return `pattern letter '${ch}'; use y, M, d, H, m, s and S`;
      if (!spec.widths.includes(n))
        return `'${ch.repeat(n)}'; write ${ch === 'y' || ch === 'u' ? `'${ch.repeat(4)}'` : `'${ch}' or '${ch.repeat(2)}'`}`;
      if (fields.some((f) => f.field === spec.field)) return `'${ch}' twice`;
      source += spec.field === 'fraction' ? `(\\d{${n}})` : n === 1 ? '(\\d{1,2})' : `(\\d{${n}})`;
      fields.push({ field: spec.field, width: n });
      i += n;
      continue;
    }
    source += escapeRegExp(ch);
    i++;
  }
  if (
    !fields.some((f) => f.field === 'year') ||
    !fields.some((f) => f.field === 'month') ||
    !fields.some((f) => f.field === 'day')
  )
    return 'no year, month and day (yyyy, MM, dd)';
  const regex = new RegExp(`^${source}$`);
  return (text) => {
    const m = regex.exec(text);
    if (m === null) return undefined;
    const v = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 };
    fields.forEach((f, k) => {
      const digits = m[k + 1]!;
      v[f.field] = f.field === 'fraction' ? Math.floor(Number(`0.${digits}`) * 1000 + 1e-9) : Number(digits);
    });
    if (v.month < 1 || v.month > 12 || v.day < 1 || v.hour > 23 || v.minute > 59 || v.second > 59)
      return undefined;
    const ms = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second, v.fraction);
    // Date.UTC rolls 31 February over into March; a real formatter refuses it.
    if (new Date(ms).getUTCDate() !== v.day) return undefined;
    return ms;
  };
}

/** Flink's default formatter, which also takes a bare date as its midnight. */
function defaultParser(): TimestampParser {
  const full = compileTimestampFormatter(DEFAULT_TIMESTAMP_FORMATTER) as TimestampParser;
  const date = compileTimestampFormatter('yyyy-MM-dd') as TimestampParser;
  return (text) => full(text) ?? date(text);
}

/** The `$key` names a timestamp pattern uses that are not partition keys. */
export function unknownPatternKeys(pattern: string, keys: readonly string[]): string[] {
  const used = [...pattern.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  // `$dthm` with keys dt and hm means dt: the longest key that prefixes the name counts.
  return used.filter((name) => !keys.some((k) => name.startsWith(k)));
}

/**
 * The time of a partition directory `k1=v1/k2=v2` (a bucket id of the sink), in epoch
 * milliseconds. Throws a user error naming the partition and the options when the text does
 * not parse, as Flink's extractor fails the job.
 */
export function partitionTimeExtractor(
  keys: readonly string[],
  pattern: string | undefined,
  formatter: string | undefined,
): (partition: string) => number {
  const compiled = formatter === undefined ? defaultParser() : compileTimestampFormatter(formatter);
  if (typeof compiled === 'string') throw new Error(`timestamp formatter: ${compiled}`);
  // Longest keys first, so '$dt' is not replaced inside '$dth' when both are keys.
  const byLength = [...keys].sort((a, b) => b.length - a.length);
  return (partition) => {
    const values = new Map<string, string>();
    for (const segment of partition.split('/')) {
      const eq = segment.indexOf('=');
      if (eq > 0) values.set(segment.slice(0, eq), unescapePartitionValue(segment.slice(eq + 1)));
    }
    let text: string;
    if (pattern === undefined) text = values.get(keys[0]!) ?? '';
    else {
      text = pattern;
      for (const key of byLength) text = text.split(`$${key}`).join(values.get(key) ?? '');
    }
    const time = compiled(text);
    if (time === undefined)
      throw userError(
        ErrorCodes.MALFORMED_RECORD,
        `the time of partition '${partition}' is '${text}', which does not match the 'partition.time-extractor.timestamp-formatter' ${formatter === undefined ? `default '${DEFAULT_TIMESTAMP_FORMATTER}'` : `'${formatter}'`}; fix 'partition.time-extractor.timestamp-pattern' or the formatter`,
      );
    return time;
  };
}
