/**
 * The casts that read the session time zone, as Flink defines them: TIMESTAMP_LTZ to
 * TIMESTAMP, DATE, TIME or STRING gives the instant's local wall clock in the zone, and
 * TIMESTAMP, DATE or STRING to TIMESTAMP_LTZ reads a wall clock in the zone (a time the clocks
 * skipped moves forward by the gap, a time they repeated takes the earlier instant). In UTC
 * the plain casts of `runtime.ts` are these casts already, so the compiler asks here only for
 * other zones and the UTC code stays as it was.
 */
import { isString, type SqlType } from '../catalog/types.js';
import { formatValue, parseTimestamp, runtime } from './runtime.js';
import type { TimeZone } from './time-zone.js';

const DAY_MS = 86_400_000;

/** A compiled cast of a non-null value. */
export type ZonedCast = (value: unknown) => unknown;

/**
 * The cast from `from` to `to` in `zone`, or undefined when the zone plays no part (either
 * side is not TIMESTAMP_LTZ, both are, or the zone is UTC).
 */
export function zonedCast(from: SqlType, to: SqlType, safe: boolean, zone: TimeZone): ZonedCast | undefined {
  const fromLtz = from.root === 'TIMESTAMP_LTZ';
  const toLtz = to.root === 'TIMESTAMP_LTZ';
  if (fromLtz === toLtz || zone.isUtc) return undefined;
  if (fromLtz) {
    switch (to.root) {
      case 'TIMESTAMP':
        return (v) => zone.toLocal(v as number);
      case 'DATE':
        return (v) => Math.floor(zone.toLocal(v as number) / DAY_MS);
      case 'TIME': {
        return (v) => {
          const local = zone.toLocal(v as number) % DAY_MS;
          return local < 0 ? local + DAY_MS : local;
        };
      }
      case 'VARCHAR':
      case 'CHAR': {
        const limit = to.length;
        return (v) => {
          const text = formatValue(v, from, zone);
          return limit !== undefined && limit < text.length ? text.slice(0, limit) : text;
        };
      }
      default:
        return undefined;
    }
  }
  switch (from.root) {
    case 'TIMESTAMP':
      return (v) => zone.fromLocal(v as number);
    case 'DATE':
      return (v) => zone.fromLocal((v as number) * DAY_MS);
    default:
      if (!isString(from)) return undefined;
      return (v) => {
        const local = parseTimestamp(v as string);
        // The plain cast's failure: an error naming TRY_CAST, or NULL under TRY_CAST.
        return local === null ? runtime.cast(v, from, to, safe) : zone.fromLocal(local);
      };
  }
}
