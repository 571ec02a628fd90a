/**
 * A module of user-defined functions for `CREATE FUNCTION … LANGUAGE TYPESCRIPT`: a
 * ScalarFunction class, an aggregate function class, a plain function object as the default
 * export, and an export that is no function, for the error.
 */
import { ScalarFunction, type UserDefinedAggregateFunction } from '../../../src/index.js';

/** How many times the character `c` occurs in `s`. */
export class CountChar extends ScalarFunction {
  readonly resultType = 'BIGINT';
  readonly argumentTypes = ['STRING', 'STRING'];
  eval(s: string | null, c: string | null): number | null {
    if (s === null || c === null) return null;
    return s.split(c).length - 1;
  }
}

/** The longest string of a group. */
export class Longest implements UserDefinedAggregateFunction<{ best: string | null }> {
  readonly resultType = 'STRING';
  createAccumulator() {
    return { best: null };
  }
  accumulate(acc: { best: string | null }, s: string | null) {
    if (s !== null && (acc.best === null || s.length > acc.best.length)) acc.best = s;
  }
  getValue(acc: { best: string | null }) {
    return acc.best;
  }
}

/** Doubles a number: the module's default export, a plain function object. */
export default { eval: (x: number | null) => (x === null ? null : x * 2), resultType: 'BIGINT' };

/** Not a function: CREATE FUNCTION refuses it. */
export const answer = 42;
