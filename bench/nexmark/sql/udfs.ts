/**
 * The user-defined functions of Nexmark's reference SQL, in TypeScript, bound to the Java class
 * names the reference's `CREATE FUNCTION` statements give, so the SQL files run unchanged.
 */
import { ScalarFunction, type TableEnvironment } from '../../../src/index.js';

/**
 * Nexmark's `CountChar` (q14's `count_char(s, c)`): how many bytes of `s` in UTF-8 equal the
 * first byte of `c`, as the reference compares bytes; 0 when `s` is NULL (or `c` is NULL or
 * empty, where the reference would fail).
 */
export class CountChar extends ScalarFunction {
  readonly resultType = 'BIGINT';
  readonly argumentTypes = ['STRING', 'STRING'];

  eval(s: string | null, c: string | null): number {
    if (s === null || c === null || c.length === 0) return 0;
    const first = c.charCodeAt(0);
    let n = 0;
    // An ASCII byte never occurs inside a multi-byte UTF-8 sequence: counting code units is exact.
    if (first < 0x80) {
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === first) n++;
      return n;
    }
    const byte = Buffer.from(c, 'utf8')[0]!;
    for (const b of Buffer.from(s, 'utf8')) if (b === byte) n++;
    return n;
  }
}

/** The Java class name Nexmark's q14 creates `count_char` from. */
export const COUNT_CHAR_CLASS = 'com.github.nexmark.flink.udf.CountChar';

/** Binds the reference's function classes on `tEnv`. */
export function registerNexmarkFunctions(tEnv: TableEnvironment): void {
  tEnv.registerFunctionClass(COUNT_CHAR_CLASS, CountChar);
}
