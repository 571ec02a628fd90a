/**
 * Typed expressions: what the typer makes of the syntax tree and what the compiler turns into
 * JavaScript. Every node carries its SQL type; column references are by the name of the column
 * in the input row, because rows are plain objects keyed by column name.
 */
import type { SourcePos } from '../parser/ast.js';
import {
  formatType,
  isInterval,
  type SqlType,
  withNullability,
  withoutTimeAttribute,
} from '../catalog/types.js';
import type { ScalarUdf } from '../functions/definitions.js';

/** A column of the input row. */
export interface FieldRex {
  readonly kind: 'field';
  readonly name: string;
  readonly type: SqlType;
}
/** A constant, already in its run-time representation (see `catalog/types.ts`). */
export interface LiteralRex {
  readonly kind: 'literal';
  readonly value: unknown;
  readonly type: SqlType;
}
/**
 * An operator or function application. `op` is the upper-case SQL name (`+`, `AND`, `CASE`,
 * `CAST`, `UPPER`…); the function registry knows how to type and compile each.
 */
export interface CallRex {
  readonly kind: 'call';
  readonly op: string;
  readonly args: readonly Rex[];
  readonly type: SqlType;
  readonly pos?: SourcePos;
  /** The user-defined scalar function a call of one invokes (`op` is then its name as registered). */
  readonly udf?: ScalarUdf;
}

/** Any typed expression. */
export type Rex = FieldRex | LiteralRex | CallRex;

/** A column reference. */
export const field = (name: string, type: SqlType): FieldRex => Object.freeze({ kind: 'field', name, type });
/** A constant. */
export const literal = (value: unknown, type: SqlType): LiteralRex =>
  Object.freeze({ kind: 'literal', value, type });
/** An operator or function call. */
export const call = (
  op: string,
  args: readonly Rex[],
  type: SqlType,
  pos?: SourcePos,
  udf?: ScalarUdf,
): CallRex =>
  Object.freeze(
    udf === undefined
      ? { kind: 'call', op, args: Object.freeze([...args]), type, pos }
      : { kind: 'call', op, args: Object.freeze([...args]), type, pos, udf },
  );

/** The names of the input columns an expression reads. */
export function fieldsOf(rex: Rex, into = new Set<string>()): Set<string> {
  if (rex.kind === 'field') into.add(rex.name);
  else if (rex.kind === 'call') for (const a of rex.args) fieldsOf(a, into);
  return into;
}

/** Replaces column references, e.g. to inline one projection into another. */
export function substitute(rex: Rex, replace: (f: FieldRex) => Rex): Rex {
  if (rex.kind === 'field') return replace(rex);
  if (rex.kind === 'literal') return rex;
  return call(
    rex.op,
    rex.args.map((a) => substitute(a, replace)),
    rex.type,
    rex.pos,
    rex.udf,
  );
}

/** SQL-like text of an expression, for EXPLAIN: `+(price, 1)` style as Flink prints. */
export function formatRex(rex: Rex): string {
  switch (rex.kind) {
    case 'field':
      return rex.name;
    case 'literal':
      return formatLiteral(rex);
    case 'call':
      if (rex.op === 'CAST') return `CAST(${formatRex(rex.args[0]!)} AS ${castTarget(rex.type)})`;
      return `${rex.op}(${rex.args.map(formatRex).join(', ')})`;
  }
}

/**
 * A constant as a plan prints it (VALUES tuples, literals): bytes as the SQL literal X'0aff', as
 * Calcite prints a binary literal, rather than a Buffer's JSON; the rest as JSON.
 */
export function formatPlanValue(value: unknown): string {
  if (value instanceof Uint8Array)
    return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`;
  return JSON.stringify(value);
}

function formatLiteral(rex: LiteralRex): string {
  if (rex.value === null) return 'null';
  if (typeof rex.value === 'string') return `'${rex.value.replaceAll("'", "''")}'`;
  if (rex.value instanceof Uint8Array) return formatPlanValue(rex.value);
  // As Calcite's digest: the held value and the fields it was written with, `3600000:INTERVAL HOUR`.
  if (isInterval(rex.type)) {
    const { intervalField: field, intervalToField: to } = rex.type;
    const first = field ?? (rex.type.root === 'INTERVAL_DAY_TIME' ? 'SECOND' : 'MONTH');
    return `${rex.value}:INTERVAL ${first}${to === undefined ? '' : ` TO ${to}`}`;
  }
  return String(rex.value);
}

/**
 * A CAST's target as Flink prints it in a plan: the whole type with its length, precision and
 * element types (`CHAR(4)`, `BINARY(2)`, `ARRAY<INT>`), without the NOT NULL a cast inherits
 * from its operand or a time attribute's marker.
 */
function castTarget(type: SqlType): string {
  return formatType(withNullability(withoutTimeAttribute(type), true));
}
