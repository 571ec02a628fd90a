/**
 * The `datagen` connector, with Flink's options: `rows-per-second` (default 10000),
 * `number-of-rows` (unbounded when absent), and per column `fields.<f>.kind` = `random`
 * (default) or `sequence`, with `min`/`max` for random numbers, `length` (and `var-len`) for
 * random strings, `start`/`end` for sequences (a table with sequences is bounded by the shortest one) and
 * `null-rate`. Values depend only on the row's index, so a replay after a failure produces the
 * same rows; random timestamps lie up to `max-past` (default 0) before the job's start.
 */
import { longAdd, longFromDouble, parseLong } from '../expressions/long.js';
import { DataGeneratorSource } from '../../connectors/datagen/index.js';
import { WatermarkStrategy } from '../../time/watermarks.js';
import { validationError } from '../errors.js';
import type { CatalogColumn } from '../catalog/catalog.js';
import { formatType, isInteger, isNumeric, isString, isTimestamp, type SqlType } from '../catalog/types.js';
import { parseDuration } from '../config.js';
import type { Row } from '../expressions/compiler.js';
import {
  type DynamicTableFactory,
  isNonNegativeNumber,
  isNumber,
  isOneOf,
  isPositiveInteger,
} from './factory.js';

const INTEGER_RANGE: Record<string, [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A pure pseudo-random number in [0, 1) for (row index, column), from a 32-bit mix. */
function random(index: number, column: number): number {
  let h = Math.imul(index ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(column + 1, 0xc2b2ae35);
  h ^= Math.floor(index / 4294967296);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

type ColumnGenerator = (index: number) => unknown;

function columnGenerator(
  column: CatalogColumn,
  position: number,
  options: Record<string, string>,
  startTime: number,
): ColumnGenerator {
  const opt = (name: string) => options[`fields.${column.name}.${name}`];
  const type = column.type;
  const nullRate = Number(opt('null-rate') ?? 0);
  let generate: ColumnGenerator;
  if ((opt('kind') ?? 'random') === 'sequence') {
    const start = Number(opt('start'));
    // A BIGINT sequence counts exactly past 2^53 (expressions/long.ts).
    const longStart = type.root === 'BIGINT' ? parseLong(opt('start') ?? '') : null;
    generate = isString(type)
      ? (i) => String(start + i)
      : longStart !== null
        ? (i) => longAdd(longStart, i)
        : (i) => start + i;
  } else {
    generate = randomGenerator(type, position, opt, startTime);
  }
  if (nullRate <= 0) return generate;
  return (i) => (random(i, position + 1000) < nullRate ? null : generate(i));
}

function randomGenerator(
  type: SqlType,
  position: number,
  opt: (name: string) => string | undefined,
  startTime: number,
): ColumnGenerator {
  if (isInteger(type)) {
    const [lo, hi] = INTEGER_RANGE[type.root]!;
    const min = Number(opt('min') ?? lo);
    const max = Number(opt('max') ?? hi);
    if (type.root === 'BIGINT')
      return (i) => longFromDouble(min + Math.floor(random(i, position) * (max - min + 1)));
    return (i) => min + Math.floor(random(i, position) * (max - min + 1));
  }
  if (isNumeric(type)) {
    const min = Number(opt('min') ?? 0);
    const max = Number(opt('max') ?? 1);
    const scale = type.root === 'DECIMAL' ? (type.scale ?? 0) : undefined;
    return (i) => {
      const value = min + random(i, position) * (max - min);
      return scale === undefined ? value : Math.round(value * 10 ** scale) / 10 ** scale;
    };
  }
  if (isString(type)) {
    const maxLength = Number(opt('length') ?? Math.min(type.length ?? 100, 100));
    // var-len: each string has 1 to `length` characters instead of exactly `length`.
    const varLen = opt('var-len') === 'true';
    return (i) => {
      const length = varLen ? 1 + Math.floor(random(i * 131 - 1, position) * maxLength) : maxLength;
      let s = '';
      for (let k = 0; k < length; k++)
        s += ALPHABET[Math.floor(random(i * 131 + k, position) * ALPHABET.length)];
      return s;
    };
  }
  if (type.root === 'BOOLEAN') return (i) => random(i, position) < 0.5;
  if (isTimestamp(type)) {
    const maxPast = parseDuration(opt('max-past') ?? '0') ?? 0;
    return (i) => startTime - Math.floor(random(i, position) * maxPast);
  }
  if (type.root === 'DATE')
    return (i) => Math.floor(startTime / 86_400_000) - Math.floor(random(i, position) * 365);
  return () => null;
}

/** How many values a sequence has: counted exactly for whole bounds past 2^53. */
function sequenceLength(options: Record<string, string>, column: string): number {
  const [start, end] = [options[`fields.${column}.start`] ?? '', options[`fields.${column}.end`] ?? ''];
  const whole = (text: string) => (/^\s*[+-]?\d+\s*$/.test(text) ? parseLong(text) : null);
  const [from, to] = [whole(start), whole(end)];
  if (from !== null && to !== null) return Number(BigInt(to) - BigInt(from)) + 1;
  return Number(end) - Number(start) + 1;
}

function isSequence(options: Record<string, string>, column: string): boolean {
  return options[`fields.${column}.kind`] === 'sequence';
}

/** The datagen factory. */
export const datagenFactory: DynamicTableFactory = {
  identifier: 'datagen',
  options: [
    { key: 'rows-per-second', check: isNonNegativeNumber },
    { key: 'number-of-rows', check: isPositiveInteger },
    { key: 'fields.#.kind', check: isOneOf('random', 'sequence') },
    { key: 'fields.#.min', check: isNumber },
    { key: 'fields.#.max', check: isNumber },
    {
      key: 'fields.#.max-past',
      check: (v) => (parseDuration(v) === undefined ? "a duration such as '10 s'" : undefined),
    },
    { key: 'fields.#.length', check: isPositiveInteger },
    { key: 'fields.#.var-len', check: isOneOf('true', 'false') },
    { key: 'fields.#.start', check: isNumber },
    { key: 'fields.#.end', check: isNumber },
    {
      key: 'fields.#.null-rate',
      check: (v) => (Number(v) >= 0 && Number(v) <= 1 ? undefined : 'a number between 0 and 1'),
    },
  ],
  validate(table, columns, optionPos) {
    const options = table.options;
    for (const column of columns) {
      const type = column.type;
      const key = (name: string) => `fields.${column.name}.${name}`;
      if (isSequence(options, column.name)) {
        for (const bound of ['start', 'end'])
          if (options[key(bound)] === undefined)
            throw validationError(
              optionPos(key('kind')),
              `datagen sequence column '${column.name}' needs '${key(bound)}'`,
            );
        if (!isNumeric(type) && !isString(type))
          throw validationError(
            optionPos(key('kind')),
            `datagen sequences need a number or string column, '${column.name}' is ${formatType(type)}`,
          );
        if (Number(options[key('end')]) < Number(options[key('start')]))
          throw validationError(optionPos(key('end')), `'${key('end')}' must not be below '${key('start')}'`);
      }
      for (const bound of ['min', 'max'])
        if (options[key(bound)] !== undefined && !isNumeric(type))
          throw validationError(
            optionPos(key(bound)),
            `'${key(bound)}' applies to numeric columns; '${column.name}' is ${formatType(type)}`,
          );
      for (const stringOption of ['length', 'var-len'])
        if (options[key(stringOption)] !== undefined && !isString(type))
          throw validationError(
            optionPos(key(stringOption)),
            `'${key(stringOption)}' applies to string columns; '${column.name}' is ${formatType(type)}`,
          );
      const supported =
        isNumeric(type) ||
        isString(type) ||
        isTimestamp(type) ||
        type.root === 'BOOLEAN' ||
        type.root === 'DATE';
      if (!supported)
        throw validationError(
          undefined,
          `datagen cannot generate column '${column.name}' of type ${formatType(type)}`,
        );
    }
  },
  supportsProjectionPushDown: true,
  createSource({ env, table, columns, projection }) {
    const options = table.options;
    const startTime = Date.now();
    // Each column's values depend on its position in the table, not on which columns are read.
    const generators = columns
      .map((c, i) => [c.name, columnGenerator(c, i, options, startTime)] as const)
      .filter(([name]) => projection === undefined || projection.includes(name));
    let count =
      options['number-of-rows'] === undefined ? Number.POSITIVE_INFINITY : Number(options['number-of-rows']);
    for (const column of columns) {
      if (!isSequence(options, column.name)) continue;
      count = Math.min(count, sequenceLength(options, column.name));
    }
    const rate = Number(options['rows-per-second'] ?? 10000);
    const generator = (index: number): Row => {
      const row: Row = {};
      for (const [name, generate] of generators) row[name] = generate(index);
      return row;
    };
    const source = new DataGeneratorSource<Row>(generator, count, rate > 0 ? rate : undefined);
    return env.fromSource(source, WatermarkStrategy.noWatermarks<Row>(), table.name);
  },
};
