/**
 * Fitting a value to a CHAR(n), VARCHAR(n), BINARY(n) or VARBINARY(n) length, as Flink's casts
 * to those types and its sink length enforcer (TRIM_PAD) both do: cut to n, and for the fixed
 * types (CHAR, BINARY) padded to n with spaces or zero bytes. Text lengths count characters
 * (code points), as Flink's string data does, not UTF-16 units.
 */

/**
 * Text cut to `length` characters and, when `fixed` (CHAR), padded with spaces to it; the same
 * string when it fits. Walks the UTF-16 units once, with no array per value: this runs for every
 * row a bounded column or a CAST gets.
 */
export function fitChars(text: string, length: number, fixed: boolean): string {
  // A string of at most n UTF-16 units has at most n code points: the common case is one compare.
  if (text.length <= length && !fixed) return text;
  let i = 0;
  let points = 0;
  while (i < text.length && points < length) {
    i += isSurrogatePair(text, i) ? 2 : 1;
    points++;
  }
  if (i < text.length) return text.slice(0, i);
  return fixed && points < length ? text + ' '.repeat(length - points) : text;
}

/** Whether units i and i + 1 are one character; a lone surrogate is a character of its own. */
function isSurrogatePair(text: string, i: number): boolean {
  const high = text.charCodeAt(i);
  if (high < 0xd800 || high > 0xdbff) return false;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff;
}

/**
 * Bytes cut to `length` and, when `fixed` (BINARY), padded with zero bytes to it; the same array
 * when they fit. A cut value is a copy: the input may still be held upstream.
 */
export function fitBytes(bytes: Uint8Array, length: number, fixed: boolean): Uint8Array {
  if (bytes.length > length) return bytes.slice(0, length);
  if (fixed && bytes.length < length) {
    const padded = new Uint8Array(length);
    padded.set(bytes);
    return padded;
  }
  return bytes;
}
