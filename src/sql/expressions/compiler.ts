/**
 * The expression compiler: typed expressions become one JavaScript function per operator,
 * built once with `new Function` when the job is built, so rows are never interpreted. The
 * generated code reads columns from the row object, keeps every intermediate value in a local
 * variable (so `a + b` with a null `a` costs one comparison), and short-circuits AND, OR,
 * CASE and COALESCE with SQL's three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is
 * TRUE, and anything else involving NULL is NULL.
 *
 * A sub-expression that occurs more than once in one function (see `common-subexpressions.ts`)
 * is evaluated once per row into a slot variable `sN`: where its first evaluation runs on every
 * path it is computed there, otherwise lazily at whichever use comes first (`if (sN ===
 * undefined)`), so a call under a CASE branch, the right side of AND/OR or a later COALESCE
 * argument still runs only when the original code would run it, and errors stay the same.
 * A Calc's condition and projections share slots: what the filter computed, the projection reads.
 *
 * A user-defined scalar function is called through a constant of the generated code
 * (`c[2].eval(v0, v1)`): no lookup per row. Its object is copied for each instance of the
 * compiled function ({@link CompiledProgram.instantiate}), so operators that run several
 * instances give each its own copy to `open`, use and `close`.
 */
import { formatType, isByteString, isString, type SqlType } from '../catalog/types.js';
import { instantiate, notNullBroken, type ScalarUdf } from '../functions/definitions.js';
import type { FunctionContext, ScalarFunctionSpec } from '../functions/user-functions.js';
import { commonSubexpressions, ExpressionKeys } from './common-subexpressions.js';
import { collectionCast, isCompositeType, valueEquality } from './array-map-functions.js';
import { asDouble, FUNCTIONS } from './functions.js';
import { operandOrder } from './operand-order.js';
import { type CallRex, formatRex, type Rex } from './rex.js';
import { nullOnCastFailure, type Runtime, runtime } from './runtime.js';
import { sessionTimeZone, type TimeZone } from './time-zone.js';
import { type ZonedCast, zonedCast } from './zoned-casts.js';

/** A row: a plain object keyed by column name. */
export type Row = Record<string, unknown>;

/** Computes one value from a row. */
export type RowFunction = (row: Row) => unknown;

/** A fused filter and projection: the output row, or undefined when the condition is not TRUE. */
export type CalcFunction = (row: Row) => Row | undefined;

/** A common sub-expression's slot variable. */
interface Slot {
  readonly name: string;
  /** Whether code emitted from here on may read the slot without a check. */
  computed: boolean;
  /** Whether some code already computes it (under a condition, if not `computed`). */
  emitted: boolean;
}

/** Options of the compile functions. */
export interface CompileOptions {
  /**
   * Evaluate sub-expressions that occur more than once (deterministic ones only) once per
   * row. Default true; false compiles every occurrence separately, as a reference for tests.
   */
  readonly shareCommonSubexpressions?: boolean;
  /**
   * Evaluate the cheaper operand of an AND or OR first when neither can fail (see
   * operand-order.ts). Default true; false keeps the written order, as a reference for tests.
   */
  readonly reorderOperands?: boolean;
}

/** Code generation state for one function. */
class CodeBuilder {
  private nextVar = 0;
  private readonly keys = new ExpressionKeys();
  /** Slots of the shared sub-expressions, by key; empty when nothing is shared. */
  private readonly slots = new Map<string, Slot>();
  /**
   * How many conditionally executed blocks enclose the code being emitted. At depth 0 code
   * runs on every path that reaches it (the function's only early exit is the Calc's filter).
   */
  private depth = 0;
  /** Whether AND and OR evaluate their cheaper operand first ({@link CompileOptions.reorderOperands}). */
  private reorder = true;
  readonly lines: string[] = [];
  readonly constants: unknown[] = [];
  /** The constants that hold user-defined functions, filled per instance. */
  readonly userFunctions: { slot: number; udf: ScalarUdf }[] = [];

  fresh(): string {
    return `v${this.nextVar++}`;
  }

  /** Gives the calls that `roots` (compiled in this order) repeat a slot each. */
  share(roots: readonly Rex[], options: CompileOptions | undefined): void {
    this.reorder = options?.reorderOperands !== false;
    if (options?.shareCommonSubexpressions === false) return;
    for (const key of commonSubexpressions(roots, this.keys))
      this.slots.set(key, { name: `s${this.slots.size}`, computed: false, emitted: false });
  }

  declarations(): string {
    const names = Array.from({ length: this.nextVar }, (_, i) => `v${i}`);
    for (const slot of this.slots.values()) names.push(slot.name);
    return names.length === 0 ? '' : `let ${names.join(', ')};`;
  }

  /** Emits `body` as code that runs only under a condition (`if (…) {` already emitted). */
  private conditional<T>(body: () => T): T {
    this.depth++;
    try {
      return body();
    } finally {
      this.depth--;
    }
  }

  /** A constant the code refers to by index, for values without a source form (regexes, buffers). */
  constant(value: unknown): string {
    this.constants.push(value);
    return `c[${this.constants.length - 1}]`;
  }

  emit(line: string): void {
    this.lines.push(line);
  }

  /** Compiles `rex` and returns the variable (or literal text) that holds its value. */
  compile(rex: Rex): string {
    if (rex.kind === 'call' && this.slots.size > 0) {
      const slot = this.slots.get(this.keys.key(rex));
      if (slot !== undefined) return this.shared(rex, slot);
    }
    return this.compileOnce(rex);
  }

  /**
   * A shared sub-expression: computed here when this is its first evaluation and it runs on
   * every path from now on; otherwise computed here only if no earlier use computed it.
   * Slots start undefined each row, so undefined means "not yet" (a function whose value is
   * undefined is merely run again).
   */
  private shared(rex: CallRex, slot: Slot): string {
    if (slot.computed) return slot.name;
    if (this.depth === 0 && !slot.emitted) {
      this.emit(`${slot.name} = ${this.compileOnce(rex)};`);
    } else {
      this.emit(`if (${slot.name} === undefined) {`);
      const value = this.conditional(() => this.compileOnce(rex));
      this.emit(`${slot.name} = ${value}; }`);
    }
    slot.emitted = true;
    if (this.depth === 0) slot.computed = true;
    return slot.name;
  }

  private compileOnce(rex: Rex): string {
    switch (rex.kind) {
      case 'field': {
        const v = this.fresh();
        this.emit(`${v} = row[${JSON.stringify(rex.name)}] ?? null;`);
        return v;
      }
      case 'literal':
        return this.literal(rex.value);
      case 'call':
        return this.call(rex);
    }
  }

  private literal(value: unknown): string {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'string') return JSON.stringify(value);
    return this.constant(value);
  }

  /** A user function call: not strict, since Flink passes NULL arguments to eval. */
  private userFunctionCall(rex: CallRex, udf: ScalarUdf): string {
    let entry = this.userFunctions.find((f) => f.udf === udf);
    if (entry === undefined) {
      entry = { slot: this.constants.length, udf };
      this.constants.push(undefined);
      this.userFunctions.push(entry);
    }
    const args = rex.args.map((a) => this.compile(a));
    const out = this.fresh();
    const result = `c[${entry.slot}].eval(${args.join(', ')}) ?? null`;
    // A BIGINT from user code may be a bigint within 2^53 or a number past it: made canonical.
    this.emit(`${out} = ${rex.type.root === 'BIGINT' ? `rt.toLong(${result})` : result};`);
    // A declared NOT NULL is what the plan relies on (no null checks after it), so a null breaks
    // it here, at the boundary, as Flink's NOT NULL enforcer would further on.
    if (!rex.type.nullable) this.emit(`if (${out} === null) ${this.constant(notNullBroken(udf))}();`);
    return out;
  }

  private call(rex: Extract<Rex, { kind: 'call' }>): string {
    if (rex.udf !== undefined) return this.userFunctionCall(rex, rex.udf);
    const out = this.fresh();
    switch (rex.op) {
      case 'AND':
      case 'OR': {
        const [shortValue, other] = rex.op === 'AND' ? ['false', 'true'] : ['true', 'false'];
        const [first, second] = this.reorder
          ? operandOrder(rex.args[0]!, rex.args[1]!)
          : [rex.args[0]!, rex.args[1]!];
        const left = this.compile(first);
        this.emit(`if (${left} === ${shortValue}) ${out} = ${shortValue}; else {`);
        const right = this.conditional(() => this.compile(second));
        this.emit(
          `${out} = ${right} === ${shortValue} ? ${shortValue} : (${left} === null || ${right} === null ? null : ${other}); }`,
        );
        return out;
      }
      case 'NOT': {
        const a = this.compile(rex.args[0]!);
        this.emit(`${out} = ${a} === null ? null : !${a};`);
        return out;
      }
      case 'IS NULL':
      case 'IS NOT NULL': {
        const a = this.compile(rex.args[0]!);
        this.emit(`${out} = ${a} ${rex.op === 'IS NULL' ? '===' : '!=='} null;`);
        return out;
      }
      case 'IS TRUE':
      case 'IS FALSE':
      case 'IS NOT TRUE':
      case 'IS NOT FALSE': {
        const a = this.compile(rex.args[0]!);
        const target = rex.op.endsWith('TRUE') ? 'true' : 'false';
        this.emit(`${out} = ${a} ${rex.op.includes('NOT') ? '!==' : '==='} ${target};`);
        return out;
      }
      case 'IS UNKNOWN':
      case 'IS NOT UNKNOWN': {
        const a = this.compile(rex.args[0]!);
        this.emit(`${out} = ${a} ${rex.op === 'IS UNKNOWN' ? '===' : '!=='} null;`);
        return out;
      }
      case 'IS DISTINCT FROM':
      case 'IS NOT DISTINCT FROM': {
        const a = this.compile(rex.args[0]!);
        const b = this.compile(rex.args[1]!);
        const [ta, tb] = [rex.args[0]!.type, rex.args[1]!.type];
        // Collections compare by value (array-map-functions.ts), NULL not distinct from NULL.
        if (byValue(ta) || byValue(tb))
          this.emit(
            `${out} = ${rex.op === 'IS DISTINCT FROM' ? '!' : ''}${this.constant(valueEquality(ta, tb))}(${a}, ${b});`,
          );
        else this.emit(`${out} = ${rex.op === 'IS DISTINCT FROM' ? '' : '!'}(${a} !== ${b});`);
        return out;
      }
      case 'CASE': {
        // args: cond1, value1, cond2, value2, …, else
        // Only the first condition runs on every path.
        const n = (rex.args.length - 1) / 2;
        const branch = (arg: Rex) => this.conditional(() => this.compile(arg));
        for (let i = 0; i < n; i++) {
          const cond = i === 0 ? this.compile(rex.args[0]!) : branch(rex.args[2 * i]!);
          this.emit(`if (${cond} === true) {`);
          this.emit(`${out} = ${branch(rex.args[2 * i + 1]!)};`);
          this.emit('} else {');
        }
        this.emit(`${out} = ${branch(rex.args[rex.args.length - 1]!)};`);
        this.emit('}'.repeat(n));
        return out;
      }
      case 'COALESCE': {
        // The first argument runs on every path, the others only while the value is NULL.
        const [first, ...rest] = rex.args;
        this.emit(`${out} = ${this.compile(first!)};`);
        for (const arg of rest) {
          this.emit(`if (${out} === null) {`);
          this.emit(`${out} = ${this.conditional(() => this.compile(arg))};`);
          this.emit('}');
        }
        return out;
      }
      case 'IN': {
        // NULL when the operand is NULL, or when nothing matched and the list holds a NULL.
        const operand = this.compile(rex.args[0]!);
        this.emit(`if (${operand} === null) ${out} = null; else { ${out} = false;`);
        this.conditional(() => {
          for (const item of rex.args.slice(1)) {
            const v = this.compile(item);
            const ta = rex.args[0]!.type;
            const same =
              byValue(ta) || byValue(item.type)
                ? `${this.constant(valueEquality(ta, item.type))}(${v}, ${operand})`
                : `${v} === ${operand}`;
            this.emit(
              `if (${out} !== true) { if (${v} === null) ${out} = null; else if (${same}) ${out} = true; }`,
            );
          }
        });
        this.emit('}');
        return out;
      }
      case 'LIKE':
      case 'ILIKE': {
        const [value, pattern, escapeChar] = rex.args;
        const ignoreCase = rex.op === 'ILIKE';
        const v = this.compile(value!);
        if (pattern!.kind === 'literal' && (escapeChar === undefined || escapeChar.kind === 'literal')) {
          if (pattern!.value === null) return 'null';
          const regex = this.constant(
            runtime.likeRegex(pattern!.value as string, escapeChar?.value as string | undefined, ignoreCase),
          );
          this.emit(`${out} = ${v} === null ? null : ${regex}.test(${v});`);
          return out;
        }
        const p = this.compile(pattern!);
        const e = escapeChar === undefined ? 'undefined' : this.compile(escapeChar);
        this.emit(
          `${out} = ${v} === null || ${p} === null ? null : rt.like(${v}, ${p}, ${e}, ${ignoreCase});`,
        );
        return out;
      }
      case 'CAST':
      case 'TRY_CAST': {
        const [operand] = rex.args;
        const a = this.compile(operand!);
        const expr = castExpression(a, operand!.type, rex.type, rex.op === 'TRY_CAST', this);
        this.emit(`${out} = ${a} === null ? null : ${expr};`);
        return out;
      }
      case 'FIELD': {
        const value = this.compile(rex.args[0]!);
        const name = JSON.stringify((rex.args[1] as { value: string }).value);
        this.emit(`${out} = ${value} === null ? null : (${value}[${name}] ?? null);`);
        return out;
      }
      case 'CURRENT_TIMESTAMP':
        this.emit(`${out} = Date.now();`);
        return out;
      case 'CURRENT_WATERMARK':
        // `wm` is the operator's watermark where a watermark Calc passes it (current-watermark.ts).
        this.emit(`${out} = wm === undefined || wm === -Infinity ? null : wm;`);
        return out;
      default: {
        const fn = FUNCTIONS[rex.op];
        if (fn === undefined) throw new Error(`no code generator for ${rex.op}`);
        const args = rex.args.map((a) => this.compile(a));
        const strict = fn.strict !== false;
        // A function that does not take exact BIGINTs gets doubles (it did before BIGINTs were
        // exact), unless it gives a BIGINT back: those pass values through (GREATEST, IF…).
        const exact = fn.exactLongs === true || rex.type.root === 'BIGINT';
        const given = exact ? args : args.map((a, i) => asDoubleArgument(a, rex.args[i]!.type));
        const body = fn.emit(
          given,
          rex,
          (value) => this.constant(value),
          () => this.fresh(),
        );
        const nullCheck = args.filter((a) => a !== 'null' && /^[vs]\d+$/.test(a)).map((a) => `${a} === null`);
        if (strict && args.includes('null')) this.emit(`${out} = null;`);
        else if (strict && nullCheck.length > 0)
          this.emit(`${out} = ${nullCheck.join(' || ')} ? null : ${body};`);
        else this.emit(`${out} = ${body};`);
        return out;
      }
    }
  }
}

/** Whether values of the type are objects that equal by their contents: collections and bytes. */
const byValue = (type: SqlType) => isCompositeType(type) || isByteString(type);

/** A compiled argument as a double: a variable checked per row, a bigint literal (`123n`) now. */
function asDoubleArgument(code: string, type: SqlType): string {
  if (/^[vs]\d+$/.test(code)) return asDouble(code, type);
  return /^-?\d+n$/.test(code) ? String(Number(code.slice(0, -1))) : code;
}

const INTEGER_WIDTH: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };

/** Inline code for the cheap casts; the rest go through `rt.cast`. */
function castExpression(value: string, from: SqlType, to: SqlType, safe: boolean, code: CodeBuilder): string {
  // Casts to and from TIMESTAMP_LTZ read the session time zone (UTC needs none of this).
  const zone = sessionTimeZone();
  const zoned = zonedCast(from, to, safe, zone);
  if (zoned !== undefined) return `${code.constant(zoned)}(${value})`;
  // Elements cast as under CAST (a nested TIMESTAMP to TIMESTAMP_LTZ in the zone too); TRY_CAST
  // makes the whole value NULL where one fails.
  const elementWise = collectionCast(from, to, elementCast(zone));
  if (elementWise !== undefined)
    return `${code.constant(safe ? nullOnCastFailure(elementWise) : elementWise)}(${value})`;
  // Same type but for a length or scale to fit: the value stays.
  if (from.root === to.root && !['DECIMAL', 'CHAR', 'VARCHAR', 'BINARY', 'VARBINARY'].includes(to.root))
    return value;
  if (from.root === 'VARBINARY' && to.root === 'VARBINARY' && (to.length ?? 0) >= (from.length ?? 0))
    return value;
  // A CHAR(n) target pads shorter text, unless the value is a CHAR(n) already.
  const padded = to.root === 'CHAR' && !(from.root === 'CHAR' && from.length === to.length);
  if (
    isString(from) &&
    isString(to) &&
    !padded &&
    (to.length === undefined || to.length >= (from.length ?? 0))
  )
    return value;
  // Widening integer casts (and integers to DOUBLE or FLOAT) keep the value; narrowing ones wrap.
  // A BIGINT past 2^53 is a bigint (long.ts), which becomes the nearest double.
  const fromWidth = INTEGER_WIDTH[from.root];
  const floating = to.root === 'DOUBLE' || to.root === 'FLOAT';
  const toWidth = floating ? 64 : INTEGER_WIDTH[to.root];
  if (fromWidth !== undefined && toWidth !== undefined && toWidth >= fromWidth)
    return floating ? asDouble(value, from) : value;
  return `rt.cast(${value}, ${code.constant(from)}, ${code.constant(to)}, ${safe})`;
}

/**
 * The cast of one non-null element of a collection from `f` to `t`: in `zone` where it reads the
 * zone ({@link zonedCast}), else the plain cast. The zoned casts are made once per pair of types
 * (a collection's element types are the same objects for every value).
 */
function elementCast(zone: TimeZone): (value: unknown, f: SqlType, t: SqlType) => unknown {
  const made = new Map<SqlType, Map<SqlType, ZonedCast | undefined>>();
  return (value, f, t) => {
    let byTarget = made.get(f);
    if (byTarget === undefined) made.set(f, (byTarget = new Map()));
    if (!byTarget.has(t)) byTarget.set(t, zonedCast(f, t, false, zone));
    const zoned = byTarget.get(t);
    return zoned === undefined ? runtime.cast(value, f, t, false) : zoned(value);
  };
}

/**
 * A compiled function before its user-defined functions are bound: `instantiate` gives a
 * function with its own copies of them, which the caller opens and closes.
 */
export interface CompiledProgram<F> {
  /** The user-defined functions the code calls; empty for most expressions. */
  readonly userFunctions: readonly ScalarUdf[];
  /** A function with fresh copies of the user functions (`instances`, in `userFunctions` order). */
  instantiate(): { readonly fn: F; readonly instances: readonly ScalarFunctionSpec[] };
}

/**
 * A `sourceURL` naming a generated function after what it computes, so CPU profiles and stack
 * traces tell the Calcs and expressions apart (every one is `compiled`, line 3, otherwise):
 * `weir-sql/calc[auction,price,dateTime0]`. V8 ignores a sourceURL with whitespace in it, so
 * there is none; cut short.
 */
function sourceName(what: string): string {
  const text = what.replace(/\s+/g, '');
  return `weir-sql/${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

function program<F>(code: CodeBuilder, body: string, name: string): CompiledProgram<F> {
  const source = `"use strict"; return function compiled(row, wm) { ${code.declarations()} ${code.lines.join('\n')} ${body} };\n//# sourceURL=${sourceName(name)}`;
  // Built once per operator when the job is built; `rt` and `c` are the only free variables.
  const factory = new Function('rt', 'c', source) as (rt: Runtime, c: unknown[]) => F;
  const slots = code.userFunctions;
  return {
    userFunctions: slots.map((s) => s.udf),
    instantiate() {
      if (slots.length === 0) return { fn: factory(runtime, code.constants), instances: [] };
      const constants = [...code.constants];
      const instances = slots.map(({ slot, udf }) => {
        const instance = instantiate(udf.fn);
        constants[slot] = instance;
        return instance;
      });
      return { fn: factory(runtime, constants), instances };
    },
  };
}

/**
 * Where no operator manages the user functions' lifecycle (a join condition, say), the one
 * instance is opened when the job is built and not closed.
 */
const BUILD_TIME_CONTEXT: FunctionContext = Object.freeze({
  subtaskIndex: undefined,
  parallelism: undefined,
});

function openedAtBuild<F>(compiled: CompiledProgram<F>): F {
  const { fn, instances } = compiled.instantiate();
  for (const instance of instances) instance.open?.(BUILD_TIME_CONTEXT);
  return fn;
}

/** Compiles one expression into a function of the row. */
export function compileExpression(rex: Rex, options?: CompileOptions): RowFunction {
  return openedAtBuild(compileExpressionProgram(rex, options));
}

/**
 * Compiles a filter and a projection into one function: undefined unless the condition is
 * TRUE, otherwise a new row with the projected columns.
 */
export function compileCalc(
  projection: readonly { name: string; rex: Rex }[],
  condition?: Rex,
  options?: CompileOptions,
): CalcFunction {
  return openedAtBuild(compileCalcProgram(projection, condition, options));
}

/** {@link compileExpression} with the user functions' instances left to the caller. */
export function compileExpressionProgram(rex: Rex, options?: CompileOptions): CompiledProgram<RowFunction> {
  const code = new CodeBuilder();
  code.share([rex], options);
  const result = code.compile(rex);
  return program<RowFunction>(code, `return ${result};`, `expr:${formatRex(rex)}`);
}

/** {@link compileCalc} with the user functions' instances left to the caller (`open`, `close`). */
export function compileCalcProgram(
  projection: readonly { name: string; rex: Rex }[],
  condition?: Rex,
  options?: CompileOptions,
): CompiledProgram<CalcFunction> {
  const code = new CodeBuilder();
  // The condition first: it is compiled first, so what it computes the projections reuse.
  code.share([...(condition === undefined ? [] : [condition]), ...projection.map((p) => p.rex)], options);
  if (condition !== undefined) {
    const cond = code.compile(condition);
    code.emit(`if (${cond} !== true) return undefined;`);
  }
  const fields = projection.map(({ name, rex }) => `${JSON.stringify(name)}: ${code.compile(rex)}`);
  const name = `calc[${projection.map((p) => p.name).join(',')}]${condition === undefined ? '' : '+where'}`;
  return program<CalcFunction>(code, `return { ${fields.join(', ')} };`, name);
}

/** Compiles expressions into one function giving their values as an array (a call's arguments). */
export function compileTupleProgram(
  rexes: readonly Rex[],
  options?: CompileOptions,
): CompiledProgram<(row: Row) => unknown[]> {
  const code = new CodeBuilder();
  code.share(rexes, options);
  const values = rexes.map((rex) => code.compile(rex));
  return program<(row: Row) => unknown[]>(
    code,
    `return [${values.join(', ')}];`,
    `tuple:${rexes.map(formatRex).join(',')}`,
  );
}

/** Whether any of the expressions calls a user-defined function. */
export function callsUserFunction(rexes: readonly (Rex | undefined)[]): boolean {
  const visit = (rex: Rex | undefined): boolean =>
    rex !== undefined && rex.kind === 'call' && (rex.udf !== undefined || rex.args.some(visit));
  return rexes.some(visit);
}

/** The source of a compiled expression, for tests and debugging. */
export function expressionSource(rex: Rex, options?: CompileOptions): string {
  const code = new CodeBuilder();
  code.share([rex], options);
  const result = code.compile(rex);
  return `${code.declarations()}\n${code.lines.join('\n')}\nreturn ${result}; // ${formatType(rex.type)}`;
}
