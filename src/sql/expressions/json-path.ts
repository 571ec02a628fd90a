/**
 * The JSON path language of JSON_VALUE, JSON_QUERY and JSON_EXISTS, as far as Flink's
 * documentation shows it: an optional mode (`lax` or `strict`; strict when omitted, as in
 * Flink), the root `$`, member steps (`.a`, `['a b']`, `["a.b"]`, also after a dot:
 * `$.['a']`), array indexes (`[0]`, `[-1]` counting from the end) and wildcards (`.*`, `[*]`).
 * Filters, deep scans, slices, unions and functions are refused with one line.
 *
 * Evaluation follows the path library Flink uses: a path without a wildcard is definite and
 * finds one value or nothing, with no unwrapping (a member of an array is nothing, as is an
 * index into an object or past the end). A wildcard makes the path indefinite: it finds a list,
 * and after the wildcard what does not apply is skipped rather than failing the path.
 * `NOT_FOUND` tells the callers' `ON EMPTY` and `ON ERROR` rules apart from a JSON `null`.
 */

/** One step of a path. */
export type JsonPathStep =
  | { readonly kind: 'member'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

/** A parsed path. */
export interface JsonPath {
  /** `strict` (the default) fails where `lax` finds nothing. */
  readonly strict: boolean;
  readonly steps: readonly JsonPathStep[];
  /** No wildcard: the path finds at most one value rather than a list. */
  readonly definite: boolean;
}

/**
 * A JSON number whose text a JavaScript number would change: a fraction with trailing zeros
 * (`12.50`) or an integer beyond 2^53. Flink reads such numbers exactly (BigDecimal,
 * BigInteger) and gives their text back, so they are kept as text; a scalar, not an object.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  valueOf(): number {
    return Number(this.text);
  }
  toJSON(): number {
    return Number(this.text);
  }
}

/** Whether a parsed JSON value is an object or an array (not a scalar, not null). */
export const isContainer = (v: unknown): v is object =>
  v !== null && typeof v === 'object' && !(v instanceof JsonNumber);

/** What a path that does not apply to a document finds. */
export const NOT_FOUND: unique symbol = Symbol('JSON path not found');

const MODE = /^\s*(strict|lax)\s+([\s\S]+)$/i;
const NAME = /[^.[\]()\s'"*?@,$]+/y;

/**
 * Parses a path; a string instead of a path is the one-line reason it is refused, naming what
 * to write instead.
 */
export function parseJsonPath(spec: string): JsonPath | string {
  const mode = MODE.exec(spec);
  const strict = mode === null || mode[1]!.toLowerCase() === 'strict';
  let text = (mode === null ? spec : mode[2]!).trim();
  // As the path library does, a path without the root starts at it: 'a.b' is '$.a.b'.
  if (text.length > 0 && text[0] !== '$') text = `$.${text}`;
  if (text.length === 0) return `JSON path '${spec}' is empty; write '$' for the whole document`;
  const steps: JsonPathStep[] = [];
  let i = 1;
  const refuse = (what: string) =>
    `JSON path '${spec}': ${what} is not supported; write steps as $.a, $['a b'], $.a[0], $.a[-1], $.a[*] or $.*`;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      i++;
      if (text[i] === '.') return refuse('the deep scan ..');
      if (text[i] === '[') continue;
      if (text[i] === '*') {
        steps.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      NAME.lastIndex = i;
      const m = NAME.exec(text);
      if (m === null) return refuse(`'${text.slice(i - 1, i + 1)}'`);
      i = NAME.lastIndex;
      if (text[i] === '(') return refuse(`the function ${m[0]}()`);
      steps.push({ kind: 'member', name: m[0] });
    } else if (c === '[') {
      const close = bracket(text, i);
      if (typeof close === 'string') return refuse(close);
      steps.push(close.step);
      i = close.end;
    } else {
      return refuse(`'${c}' at offset ${i}`);
    }
  }
  return { strict, steps, definite: steps.every((s) => s.kind !== 'wildcard') };
}

/** The step in brackets at `start` and the offset after `]`, or what is refused. */
function bracket(text: string, start: number): { step: JsonPathStep; end: number } | string {
  let i = start + 1;
  while (text[i] === ' ') i++;
  const q = text[i];
  if (q === "'" || q === '"') {
    let name = '';
    i++;
    while (i < text.length && text[i] !== q) {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      name += text[i++];
    }
    if (i >= text.length) return 'an unclosed quote';
    i++;
    while (text[i] === ' ') i++;
    if (text[i] === ',') return "several members ['a', 'b']";
    if (text[i] !== ']') return `'${text.slice(start)}'`;
    return { step: { kind: 'member', name }, end: i + 1 };
  }
  const close = text.indexOf(']', i);
  if (close < 0) return 'an unclosed [';
  const inside = text.slice(i, close).trim();
  if (inside === '*') return { step: { kind: 'wildcard' }, end: close + 1 };
  if (/^-?\d+$/.test(inside)) return { step: { kind: 'index', index: Number(inside) }, end: close + 1 };
  if (inside.startsWith('?')) return 'a filter [?(…)]';
  if (inside.includes(':')) return 'an array slice [a:b]';
  if (inside.includes(',')) return 'several indexes [a, b]';
  return `'[${inside}]'`;
}

type Json = unknown;

/** One step from one value: the value found, or NOT_FOUND. */
function step(value: Json, s: JsonPathStep): Json | typeof NOT_FOUND {
  if (s.kind === 'member') {
    if (!isContainer(value) || Array.isArray(value)) return NOT_FOUND;
    return Object.hasOwn(value, s.name) ? (value as Record<string, Json>)[s.name] : NOT_FOUND;
  }
  if (s.kind === 'index') {
    if (!Array.isArray(value)) return NOT_FOUND;
    const i = s.index < 0 ? value.length + s.index : s.index;
    return i >= 0 && i < value.length ? value[i] : NOT_FOUND;
  }
  return NOT_FOUND;
}

/** The values a wildcard finds in one value: an array's elements or an object's member values. */
function children(value: Json): readonly Json[] {
  if (Array.isArray(value)) return value;
  if (isContainer(value)) return Object.values(value);
  return [];
}

/**
 * What a path finds in a parsed document: for a definite path the value (a JSON `null` is
 * `null`), for an indefinite one the list of values; NOT_FOUND where the path does not apply
 * before any wildcard.
 */
export function evaluateJsonPath(path: JsonPath, document: Json): Json | typeof NOT_FOUND {
  let current: Json = document;
  let i = 0;
  const steps = path.steps;
  for (; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind === 'wildcard') break;
    const next = step(current, s);
    if (next === NOT_FOUND) return NOT_FOUND;
    current = next;
  }
  if (i === steps.length) return current;
  // From the first wildcard on, a list of values; what a step does not apply to is skipped.
  let values: Json[] = [current];
  for (; i < steps.length; i++) {
    const s = steps[i]!;
    const next: Json[] = [];
    for (const v of values) {
      if (s.kind === 'wildcard') next.push(...children(v));
      else {
        const found = step(v, s);
        if (found !== NOT_FOUND) next.push(found);
      }
    }
    values = next;
  }
  return values;
}
