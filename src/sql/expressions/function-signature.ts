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
  withNullability,
} from '../catalog/types.js';
import { validationError } from '../errors.js';
import type { SourcePos } from '../parser/ast.js';
import type { ScalarFunctionDef } from './functions.js';
import type { Rex } from './rex.js';

/** An argument kind: a string, an integer, any number, or anything. */
export type Kind = 's' | 'i' | 'n' | 'a';

const KIND_NAMES: Record<Kind, string> = { s: 'STRING', i: 'INT', n: 'a number', a: 'any value' };

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

/** A strict function of fixed argument kinds whose result `helper` computes. */
export function helperFn(
  name: string,
  kinds: readonly Kind[],
  result: SqlType,
  helper: (...args: never[]) => unknown,
  min = kinds.length,
): ScalarFunctionDef {
  return {
    type(args, pos) {
      checkArguments(name, args, pos, kinds, min);
      return withNullability(result, result.nullable || args.some((a) => a.type.nullable));
    },
    emit: (args, _call, constant) => `${constant(helper)}(${args.join(', ')})`,
  };
}
