/**
 * Common sub-expressions of one compiled function: the calls that occur more than once across
 * a Calc's condition and projections (Nexmark q21 lowers the same channel five times and
 * extracts the same url parameter twice). The compiler evaluates each of them once per row,
 * at its first evaluation in program order, and reads the remembered value afterwards.
 *
 * Only deterministic calls are shared: reading the clock (CURRENT_TIMESTAMP, NOW, PROCTIME…)
 * or calling a user function declared `deterministic: false` must happen at every occurrence.
 * User functions are deterministic unless declared otherwise, as in Flink.
 */
import { formatType } from '../catalog/types.js';
import type { ScalarUdf } from '../functions/definitions.js';
import type { Rex } from './rex.js';

/**
 * Operators whose value may differ between two evaluations on the same row. The typer maps
 * NOW, LOCALTIMESTAMP and PROCTIME onto CURRENT_TIMESTAMP; the other names guard functions
 * that may be added later.
 */
const NON_DETERMINISTIC_OPS: ReadonlySet<string> = new Set([
  'CURRENT_TIMESTAMP',
  'CURRENT_TIME',
  'CURRENT_DATE',
  'LOCALTIME',
  'LOCALTIMESTAMP',
  'NOW',
  'PROCTIME',
  'RAND',
  'RAND_INTEGER',
  'UUID',
]);

/** Whether evaluating `rex` twice on the same row gives the same value (or the same error). */
export function isShareable(rex: Rex): boolean {
  if (rex.kind !== 'call') return true;
  if (NON_DETERMINISTIC_OPS.has(rex.op) || rex.udf?.deterministic === false) return false;
  return rex.args.every(isShareable);
}

/**
 * Gives structurally equal expressions the same key. Literals whose values are objects, and
 * user functions, are told apart by identity, so two keys are equal only when the expressions
 * certainly compute the same value.
 */
export class ExpressionKeys {
  private readonly identities = new Map<unknown, number>();
  /** Keys already made, so keying every node of a deep tree stays linear. */
  private readonly memo = new WeakMap<Rex, string>();

  private identity(value: unknown): number {
    let id = this.identities.get(value);
    if (id === undefined) {
      id = this.identities.size;
      this.identities.set(value, id);
    }
    return id;
  }

  key(rex: Rex): string {
    let key = this.memo.get(rex);
    if (key === undefined) {
      key = this.make(rex);
      this.memo.set(rex, key);
    }
    return key;
  }

  private make(rex: Rex): string {
    switch (rex.kind) {
      case 'field':
        return `$${JSON.stringify(rex.name)}`;
      case 'literal': {
        const v = rex.value;
        const text =
          v !== null && (typeof v === 'object' || typeof v === 'function')
            ? `#${this.identity(v)}`
            : `${typeof v}:${String(v)}`;
        return `${text}:${formatType(rex.type)}`;
      }
      case 'call': {
        const udf = rex.udf === undefined ? '' : `@${this.identity(rex.udf as ScalarUdf)}`;
        return `${rex.op}${udf}:${formatType(rex.type)}(${rex.args.map((a) => this.key(a)).join(',')})`;
      }
    }
  }
}

/**
 * The keys of the calls worth evaluating once in code that evaluates `roots` in order: those
 * shareable calls reached more than once. Inside a repeated call that is itself shared, the
 * arguments are only evaluated the first time, so its later occurrences do not count towards
 * its arguments' repetitions (no slot for a sub-term that is never evaluated twice).
 */
export function commonSubexpressions(roots: readonly Rex[], keys: ExpressionKeys): Set<string> {
  const total = new Map<string, number>();
  const count = (rex: Rex): void => {
    if (rex.kind !== 'call') return;
    const key = keys.key(rex);
    total.set(key, (total.get(key) ?? 0) + 1);
    for (const a of rex.args) count(a);
  };
  for (const root of roots) count(root);

  const reached = new Map<string, number>();
  const walk = (rex: Rex): void => {
    if (rex.kind !== 'call') return;
    const key = keys.key(rex);
    const repeated = (total.get(key) ?? 0) > 1 && isShareable(rex);
    const seen = reached.get(key) ?? 0;
    reached.set(key, seen + 1);
    if (repeated && seen > 0) return;
    for (const a of rex.args) walk(a);
  };
  for (const root of roots) walk(root);

  const shared = new Set<string>();
  for (const [key, n] of reached) if (n > 1) shared.add(key);
  // `reached` counts non-shareable calls too; keep only those that may be shared.
  const shareable = new Set<string>();
  const collect = (rex: Rex): void => {
    if (rex.kind !== 'call') return;
    const key = keys.key(rex);
    if (shared.has(key) && isShareable(rex)) shareable.add(key);
    for (const a of rex.args) collect(a);
  };
  for (const root of roots) collect(root);
  return shareable;
}
