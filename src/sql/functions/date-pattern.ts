/**
 * DATE_FORMAT's patterns as Java's `DateTimeFormatter` reads them (Flink formats with it, in the
 * US English locale): a run of one pattern letter is one field, its length choosing the form
 * (`M` 3, `MM` 03, `MMM` Mar, `MMMM` March), text in single quotes is literal (`''` is a quote),
 * and any other character is itself. Fields: `y`/`u` year, `M`/`L` month, `d` day of month, `D`
 * day of year, `Q`/`q` quarter, `E` day name, `a` AM/PM, `H` hour 0–23, `k` 1–24, `K` 0–11, `h`
 * 1–12, `m` minute, `s` second, `S` fraction of the second. Other letters stay literal text.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const QUARTERS = ['1st quarter', '2nd quarter', '3rd quarter', '4th quarter'];

/** One field of a pattern: its letter and how many times it is repeated. */
export interface DateField {
  readonly letter: string;
  readonly count: number;
}

/** A pattern's pieces in order: literal text, or a field. */
export type DatePatternPart = string | DateField;

const FIELD_LETTERS = 'yuMLdDQqEaHkKhmsS';

/**
 * The span of time within which a field's text cannot change, in ms (aligned to UTC days), so a
 * formatter may keep its last text for it.
 */
export function fieldUnit(field: DateField): number {
  switch (field.letter) {
    case 'S':
      return 1;
    case 's':
      return 1000;
    case 'm':
      return 60_000;
    case 'H':
    case 'k':
    case 'K':
    case 'h':
    case 'a':
      return 3_600_000;
    default:
      return 86_400_000;
  }
}

/** Splits a pattern into literal text and fields (adjacent literal text joined). */
export function parseDatePattern(pattern: string): DatePatternPart[] {
  const parts: DatePatternPart[] = [];
  const literal = (text: string) => {
    const last = parts[parts.length - 1];
    if (typeof last === 'string') parts[parts.length - 1] = last + text;
    else parts.push(text);
  };
  for (let i = 0; i < pattern.length; ) {
    const ch = pattern[i]!;
    if (ch === "'") {
      // '' is a quote; otherwise text up to the next lone quote (or the end) is literal.
      if (pattern[i + 1] === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let text = '';
      i++;
      while (i < pattern.length) {
        if (pattern[i] === "'") {
          if (pattern[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += pattern[i];
        i++;
      }
      literal(text);
      continue;
    }
    if (!FIELD_LETTERS.includes(ch)) {
      literal(ch);
      i++;
      continue;
    }
    let count = 1;
    while (pattern[i + count] === ch) count++;
    parts.push({ letter: ch, count });
    i += count;
  }
  return parts;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The text of `field` for the UTC fields of `d`. */
export function fieldText(field: DateField, d: Date): string {
  const { letter, count } = field;
  // Past what a Date holds every field is NaN, as it always printed.
  if (Number.isNaN(d.getTime())) return 'NaN';
  switch (letter) {
    case 'y':
    case 'u': {
      // `y` is the year of the era (1 BC is year 1), `u` the signed proleptic year.
      const year = d.getUTCFullYear();
      const value = letter === 'y' && year <= 0 ? 1 - year : year;
      if (count === 2) return pad(Math.abs(value) % 100, 2);
      return value < 0 ? `-${pad(-value, count)}` : pad(value, count);
    }
    case 'M':
    case 'L': {
      const month = d.getUTCMonth();
      if (count >= 4) return MONTHS[month]!;
      if (count === 3) return MONTHS[month]!.slice(0, 3);
      return pad(month + 1, count);
    }
    case 'd':
      return pad(d.getUTCDate(), count);
    case 'D': {
      const day = Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
      return pad(day, count);
    }
    case 'Q':
    case 'q': {
      const quarter = Math.floor(d.getUTCMonth() / 3);
      if (count >= 4) return QUARTERS[quarter]!;
      if (count === 3) return `Q${quarter + 1}`;
      return pad(quarter + 1, count);
    }
    case 'E': {
      const day = DAYS[d.getUTCDay()]!;
      return count >= 4 ? day : day.slice(0, 3);
    }
    case 'a':
      return d.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(d.getUTCHours(), count);
    case 'k':
      return pad(d.getUTCHours() || 24, count);
    case 'K':
      return pad(d.getUTCHours() % 12, count);
    case 'h':
      return pad(d.getUTCHours() % 12 || 12, count);
    case 'm':
      return pad(d.getUTCMinutes(), count);
    case 's':
      return pad(d.getUTCSeconds(), count);
    case 'S': {
      // The fraction's first `count` digits; the milliseconds are its first three.
      const millis = pad(d.getUTCMilliseconds(), 3);
      return count <= 3 ? millis.slice(0, count) : millis.padEnd(count, '0');
    }
    default:
      return letter.repeat(count);
  }
}
