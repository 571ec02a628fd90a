/**
 * The string fields of Nexmark events, drawn as the reference draws them: short random words
 * (a letter, or now and then a space or `_`, trimmed), names, e-mail addresses, credit-card
 * numbers, cities, states, the bid channels and their URLs, and the `extra` padding.
 *
 * Two tables the reference builds from an unseeded random generator (so they differ on every
 * run there) are built here from fixed seeds, so they are the same on every run and in every
 * worker: the 1 MiB string that `extra` is cut from and the 10,000 channels with their URLs.
 * Both are built once, lazily, on first use.
 */
import { JavaRandom } from './java-random.js';

const MIN_STRING_LENGTH = 3;
const CODE_A = 97;
const CODE_SPACE = 32;

/** Seed of the channel URL table (the reference seeds it from the clock). */
export const CHANNEL_URL_SEED = 1;
/** Seed of the `extra` source string (the reference seeds it from the clock). */
export const EXTRA_SOURCE_SEED = 2;
/** Length of the string every `extra` is a slice of. */
export const EXTRA_SOURCE_LENGTH = 1024 * 1024;

/** Number of cold channels, `channel-0` … `channel-9999`. */
export const CHANNELS_NUMBER = 10_000;
/** The hot channels a bid comes through half of the time. */
export const HOT_CHANNELS: readonly string[] = ['Google', 'Facebook', 'Baidu', 'Apple'];

export const US_STATES: readonly string[] = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
export const US_CITIES: readonly string[] = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
];
export const FIRST_NAMES: readonly string[] = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
];
export const LAST_NAMES: readonly string[] = [
  'Shultz',
  'Abrams',
  'Spencer',
  'White',
  'Bartels',
  'Walton',
  'Smith',
  'Jones',
  'Noris',
];

/** `first last` for every pair, indexed `first * LAST_NAMES.length + last`. */
export const FULL_NAMES: readonly string[] = FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`));

/** `0000` … `9999`, the groups of a credit-card number. */
export const CARD_GROUPS: readonly string[] = Array.from({ length: 10_000 }, (_, i) =>
  String(i).padStart(4, '0'),
);

/** Scratch space for one word; words are at most 99 characters. */
const codes = new Uint8Array(128);
const LATIN1 = new TextDecoder('latin1');
/** One-character strings by code, to build short words without an intermediate array. */
const CHARS: readonly string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

/**
 * The reference's random word: 3 to `maxLength - 1` characters, each `special` with chance 1/13
 * and otherwise a lowercase letter, then trimmed of spaces at both ends.
 */
export function nextString(random: JavaRandom, maxLength: number, special = CODE_SPACE): string {
  const len = MIN_STRING_LENGTH + random.nextInt(maxLength - MIN_STRING_LENGTH);
  random.nextWordCodes(codes, len, special);
  let start = 0;
  let end = len;
  // Java's trim() drops characters <= ' '; the only such character here is the space.
  while (start < end && codes[start] === CODE_SPACE) start++;
  while (end > start && codes[end - 1] === CODE_SPACE) end--;
  // Decoding costs a fixed overhead that short words do not repay; long ones (descriptions)
  // decode at a quarter of the cost of concatenating their characters.
  if (end - start > 16) return LATIN1.decode(codes.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i++) s += CHARS[codes[i]!];
  return s;
}

let extraSource: string | undefined;

/**
 * The string every `extra` is a slice of: random characters made six at a time from one
 * `nextInt()`, as the reference's exact-length strings are (Java's remainder keeps the sign,
 * so a negative draw gives characters just below `a`, as there).
 */
export function extraSourceString(): string {
  if (extraSource !== undefined) return extraSource;
  const random = new JavaRandom(EXTRA_SOURCE_SEED);
  const bytes = new Uint8Array(EXTRA_SOURCE_LENGTH);
  let rnd = 0;
  let left = 0;
  for (let i = 0; i < EXTRA_SOURCE_LENGTH; i++) {
    if (left === 0) {
      rnd = random.nextInt32();
      left = 6;
    }
    bytes[i] = CODE_A + (rnd % 26);
    rnd = Math.trunc(rnd / 26);
    left--;
  }
  extraSource = new TextDecoder('latin1').decode(bytes);
  return extraSource;
}

/**
 * Padding such that `currentSize + extra.length` averages `averageSize`: a length uniform in
 * ±20% of the gap, then that many characters from a random offset of the source string (as
 * the reference does; a slice costs no copy in V8).
 */
export function nextExtra(
  random: JavaRandom,
  source: string,
  currentSize: number,
  averageSize: number,
): string {
  if (currentSize > averageSize) return '';
  const gap = averageSize - currentSize;
  const delta = Math.round(gap * 0.2);
  const length = gap - delta + (delta === 0 ? 0 : random.nextInt(2 * delta));
  if (length >= source.length / 2) return slowExactString(random, length);
  const offset = random.nextInt(source.length - length);
  return source.slice(offset, offset + length);
}

/** Paddings of half a MiB or more (only with huge average sizes) are drawn character by character. */
function slowExactString(random: JavaRandom, length: number): string {
  const parts: string[] = [];
  let rnd = 0;
  let left = 0;
  for (let i = 0; i < length; i++) {
    if (left === 0) {
      rnd = random.nextInt32();
      left = 6;
    }
    parts.push(String.fromCharCode(CODE_A + (rnd % 26)));
    rnd = Math.trunc(rnd / 26);
    left--;
  }
  return parts.join('');
}

/** A channel and the URL a bid through it carries. */
export interface ChannelUrl {
  readonly channel: string;
  readonly url: string;
}

let channels: { hot: ChannelUrl[]; cold: ChannelUrl[] } | undefined;

/** The hot channels with their URLs, then the 10,000 cold ones, from {@link CHANNEL_URL_SEED}. */
export function channelTable(): { hot: readonly ChannelUrl[]; cold: readonly ChannelUrl[] } {
  if (channels !== undefined) return channels;
  const random = new JavaRandom(CHANNEL_URL_SEED);
  const hot = HOT_CHANNELS.map((channel) => ({ channel, url: baseUrl(random) }));
  const cold: ChannelUrl[] = [];
  for (let i = 0; i < CHANNELS_NUMBER; i++) {
    let url = baseUrl(random);
    if (random.nextInt(10) > 0) url = `${url}&channel_id=${absInt32(reverseBits32(i))}`;
    cold.push({ channel: `channel-${i}`, url });
  }
  channels = { hot, cold };
  return channels;
}

const CODE_UNDERSCORE = 95;

function baseUrl(random: JavaRandom): string {
  const a = nextString(random, 5, CODE_UNDERSCORE);
  const b = nextString(random, 5, CODE_UNDERSCORE);
  const c = nextString(random, 5, CODE_UNDERSCORE);
  return `https://www.nexmark.com/${a}/${b}/${c}/item.htm?query=1`;
}

/** Java's `Integer.reverse`: the 32 bits in reverse order, as a signed int. */
function reverseBits32(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) {
    r = (r << 1) | (x & 1);
    x >>>= 1;
  }
  return r | 0;
}

/** Java's `Math.abs(int)`, where the most negative int stays negative. */
function absInt32(x: number): number {
  return x === -2_147_483_648 ? x : Math.abs(x);
}
