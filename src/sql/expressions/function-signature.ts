/**
 * The argument checks and the definition shape shared by the helper-backed scalar functions
 * (`string-functions.ts`, `more-string-functions.ts`): fixed argument kinds, a one-line error
 * naming the call's types and the expected ones, and a compiled call of a helper bound once as a
 * constant, so the generated code stays a direct call.
 */
import {
  formatType,
  isInteger,
  isNumeric,
  isString,
  type SqlType,
  Types,
  withNullability,
} from '../catalog/types.js';
import { validationError } from '../errors.js';
import type { SourcePos } from '../parser/ast.js';
import type { ScalarFunctionDef } from './functions.js';
import type { Rex } from './rex.js';

/** An argument kind: a string, an integer, any number, or anything. */
export type Kind = 's' | 'i' | 'n' | 'a';

const KIND_NAMES: Record<Kind, string> = { s: 'STRING', i: 'INT', n: 'a number', a: 'any value' };

/**
 * VARCHAR of a string argument's length, STRING for an untyped NULL: what trimming, cutting and
 * case changes give (Calcite's TO_VARYING of the argument's type).
 */
export function varyingOf(arg: Rex | undefined): SqlType {
  const t = arg?.type;
  if (t === undefined || !isString(t)) return Types.STRING;
  return t.root === 'CHAR' ? Object.freeze({ root: 'VARCHAR', nullable: true, length: t.length }) : t;
}

/** A string argument's own type (CHAR(n) stays CHAR(n)), STRING for an untyped NULL. */
export const stringTypeOf = (arg: Rex | undefined): SqlType =>
  arg !== undefined && isString(arg.type) ? arg.type : Types.STRING;

/** Whether a value of type `t` may be passed where `kind` is expected (NULL always may). */
export const fits = (kind: Kind, t: SqlType): boolean =>
  t.root === 'NULL' ||
  kind === 'a' ||
  (kind === 's' ? isString(t) : kind === 'i' ? isInteger(t) : isNumeric(t));

/** Throws a positioned one-line error unless `args` are `min` to `kinds.length` values of `kinds`. */
export function checkArguments(
  name: string,
  args: readonly Rex[],
  pos: SourcePos | undefined,
  kinds: readonly Kind[],
  min: number,
): void {
  if (args.length < min || args.length > kinds.length) {
    const expected = min === kinds.length ? `${min}` : `${min} to ${kinds.length}`;
    throw validationError(pos, `${name} takes ${expected} arguments, got ${args.length}`);
  }
  if (args.some((a, i) => !fits(kinds[i]!, a.type)))
    throw validationError(
      pos,
      `cannot apply ${name} to (${args.map((x) => formatType(x.type)).join(', ')}); expected (${kinds.map((k) => KIND_NAMES[k]).join(', ')})`,
    );
}

/**
 * A strict function of fixed argument kinds whose result `helper` computes. `result` is its type,
 * or a function of the arguments (a type kept from a string argument, say); the call is NULL
 * exactly when an argument is (Flink's nullableIfArgs), or whatever the arguments with
 * `nullable` = `'always'`, for a function that gives NULL for some non-NULL arguments.
 */
export function helperFn(
  name: string,
  kinds: readonly Kind[],
  result: SqlType | ((args: readonly Rex[]) => SqlType),
  helper: (...args: never[]) => unknown,
  min = kinds.length,
  nullable: 'ifArgs' | 'always' = 'ifArgs',
): ScalarFunctionDef {
  return {
    type(args, pos) {
      checkArguments(name, args, pos, kinds, min);
      const type = typeof result === 'function' ? result(args) : result;
      return withNullability(type, nullable === 'always' || args.some((a) => a.type.nullable));
    },
    emit: (args, _call, constant) => `${constant(helper)}(${args.join(', ')})`,
  };
}
