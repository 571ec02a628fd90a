/**
 * Registered user-defined functions as the planner sees them: the user's object with its
 * declared SQL types parsed once at registration, the argument check every call site runs at
 * planning time, and the per-instance copy the operators work on. The aggregate kind is
 * adapted to the aggregate operators' contract (`AggregateFunctionDefinition`) here.
 */
import type { AggregateFunctionDefinition, SqlAggregateFunction } from '../aggregates/aggregate-function.js';
import { formatType, isAssignable, resolveType, type SqlType, withNullability } from '../catalog/types.js';
import { validationError } from '../errors.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { SourcePos } from '../parser/ast.js';
import { parseDataType } from '../parser/parse.js';
import {
  type FunctionContext,
  functionKind,
  type ScalarFunctionSpec,
  type TableFunctionSpec,
  type UserDefinedAggregateFunction,
  type UserDefinedFunction,
} from './user-functions.js';

/** What every registered function has. */
interface UdfBase {
  /** The name as registered (SQL resolves it case-insensitively). */
  readonly name: string;
  /** Declared argument types; undefined when the function takes any. */
  readonly argumentTypes?: readonly SqlType[];
  /** The fewest arguments a call may pass (all of them when types are declared). */
  readonly minArguments: number;
  /**
   * The result type, nullable (a function may always return null) except a scalar function's
   * declared NOT NULL, which the compiled call checks on every result.
   */
  readonly resultType: SqlType;
  readonly deterministic: boolean;
}

/** A scalar function: `CallRex.udf` of a call carries this to the compiler. */
export interface ScalarUdf extends UdfBase {
  readonly kind: 'scalar';
  readonly fn: ScalarFunctionSpec;
}

/** A table function; `fields` are its output columns before the query's aliases. */
export interface TableUdf extends UdfBase {
  readonly kind: 'table';
  readonly fn: TableFunctionSpec;
  readonly fields: readonly { readonly name: string; readonly type: SqlType }[];
  /** Whether `resultType` is a ROW (rows are objects or arrays) or one column (rows are values). */
  readonly rowResult: boolean;
}

/** Any registered function: scalar, table, or aggregate (adapted to the aggregate contract). */
export type UserFunctionDefinition =
  | ScalarUdf
  | TableUdf
  | (AggregateFunctionDefinition & { readonly kind: 'aggregate'; readonly tableAggregate?: boolean });

/** Parses a declared SQL type, naming the function and the declaration when it is wrong. */
function declaredType(name: string, what: string, text: string): SqlType {
  try {
    return resolveType(parseDataType(text));
  } catch (error) {
    throw validationError(
      undefined,
      `function '${name}' declares ${what} '${text}', which is not a SQL type: ${(error as Error).message}`,
    );
  }
}

/**
 * What every kind declares. `keepNotNull` (scalar functions) keeps a declared NOT NULL on the
 * result, which the compiled call then checks; other kinds' results are always nullable.
 */
function base(name: string, fn: UserDefinedFunction, evalFn: unknown, keepNotNull = false): UdfBase {
  if (typeof fn.resultType !== 'string')
    throw validationError(
      undefined,
      `function '${name}' needs a resultType, a SQL type string such as 'BIGINT'`,
    );
  const argumentTypes = fn.argumentTypes?.map((t, i) => declaredType(name, `argument ${i + 1} type`, t));
  const declared = declaredType(name, 'result type', fn.resultType);
  return {
    name,
    argumentTypes,
    minArguments: argumentTypes?.length ?? (typeof evalFn === 'function' ? evalFn.length : 0),
    resultType: keepNotNull ? declared : withNullability(declared, true),
    deterministic: (fn as { deterministic?: boolean }).deterministic !== false,
  };
}

/** Parses a function object's declarations into its definition; throws a one-line error if they are wrong. */
export function defineUserFunction(name: string, fn: UserDefinedFunction): UserFunctionDefinition {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw validationError(undefined, `function name '${name}' must be an identifier (letters, digits, _)`);
  const kind = functionKind(fn);
  if (kind === 'aggregate') return aggregateDefinition(name, fn as UserDefinedAggregateFunction);
  const spec = fn as ScalarFunctionSpec | TableFunctionSpec;
  if (typeof spec.eval !== 'function')
    throw validationError(undefined, `function '${name}' needs an eval method`);
  if (kind === 'scalar')
    return Object.freeze({ ...base(name, fn, spec.eval, true), kind, fn: spec as ScalarFunctionSpec });
  const common = base(name, fn, spec.eval);
  const type = common.resultType;
  const rowResult = type.root === 'ROW';
  const fields = rowResult
    ? type.fields!.map((f) => ({ name: f.name, type: withNullability(f.type, true) }))
    : [{ name: 'f0', type }];
  return Object.freeze({ ...common, kind, fn: spec as TableFunctionSpec, fields, rowResult });
}

/**
 * Checks a call's arguments against the declaration: their count, and with declared types,
 * that each is assignable to its parameter. `positions` point at the arguments when known.
 */
export function checkArguments(
  udf: Pick<UdfBase, 'name' | 'argumentTypes' | 'minArguments'>,
  argTypes: readonly SqlType[],
  pos: SourcePos | undefined,
  positions: readonly (SourcePos | undefined)[] = [],
): void {
  const declared = udf.argumentTypes;
  const signature = declared === undefined ? '' : ` (${declared.map((t) => formatType(t)).join(', ')})`;
  if (declared !== undefined ? argTypes.length !== declared.length : argTypes.length < udf.minArguments) {
    const expected = declared === undefined ? `at least ${udf.minArguments}` : `${declared.length}`;
    const plural = expected === '1' ? '' : 's';
    throw validationError(
      pos,
      `function ${udf.name} takes ${expected} argument${plural}${signature}, got ${argTypes.length}`,
    );
  }
  if (declared === undefined) return;
  argTypes.forEach((type, i) => {
    if (!isAssignable(type, declared[i]!))
      throw validationError(
        positions[i] ?? pos,
        `argument ${i + 1} of ${udf.name} must be ${formatType(declared[i]!)}, got ${formatType(type)}; add a CAST or change the function's argumentTypes`,
      );
  });
}

/**
 * What a compiled call runs when a scalar function declared NOT NULL returns null: fails the job
 * naming the function, its declaration and the two ways out.
 */
export function notNullBroken(udf: Pick<ScalarUdf, 'name' | 'resultType'>): () => never {
  const declared = formatType(udf.resultType);
  const nullable = formatType(withNullability(udf.resultType, true));
  return () => {
    throw userError(
      ErrorCodes.USER_FUNCTION,
      `function ${udf.name} declares the result type ${declared} but returned null; return a value, or declare resultType '${nullable}' to allow NULL`,
    );
  };
}

/**
 * A copy of a function object for one operator instance: its own fields on an object with the
 * same prototype, so fields one instance sets in `open` or `eval` are not seen by another on
 * the same thread.
 */
export function instantiate<F extends object>(fn: F): F {
  return Object.assign(Object.create(Object.getPrototypeOf(fn)) as F, fn);
}

/** Adapts an aggregate function object to the aggregate operators' contract. */
function aggregateDefinition(
  name: string,
  fn: UserDefinedAggregateFunction,
): AggregateFunctionDefinition & { readonly kind: 'aggregate'; readonly tableAggregate: boolean } {
  for (const method of ['createAccumulator', 'accumulate', 'getValue'] as const)
    if (typeof fn[method] !== 'function')
      throw validationError(undefined, `aggregate function '${name}' needs a ${method} method`);
  const common = base(name, fn, fn.accumulate);
  // accumulate's first parameter is the accumulator, not an argument.
  const minArguments = common.argumentTypes?.length ?? Math.max(0, fn.accumulate.length - 1);
  if (fn.accumulatorType !== undefined) declaredType(name, 'accumulator type', fn.accumulatorType);
  const signature = { name, argumentTypes: common.argumentTypes, minArguments };
  return Object.freeze({
    kind: 'aggregate' as const,
    tableAggregate: fn.tableAggregate === true,
    emitsChangedRows: fn.tableAggregate === true && typeof fn.emitUpdateWithRetract === 'function',
    name,
    retractable: typeof fn.retract === 'function',
    resultType(argTypes: readonly SqlType[], pos?: SourcePos): SqlType {
      checkArguments(signature, argTypes, pos);
      return common.resultType;
    },
    create(): SqlAggregateFunction {
      const own = instantiate(fn);
      // The contract has no lifecycle: the operator instance creates its copy when it opens.
      own.open?.(UNKNOWN_CONTEXT);
      const retract = own.retract;
      const merge = own.merge;
      const emitChanges = own.tableAggregate === true ? own.emitUpdateWithRetract : undefined;
      return {
        name: name.toUpperCase(),
        createAccumulator: () => own.createAccumulator(),
        accumulate: (acc, args) => (own.accumulate(acc, ...(args as never[])) ?? acc) as unknown,
        retract:
          retract === undefined
            ? undefined
            : (acc, args) => (retract.call(own, acc, ...(args as never[])) ?? acc) as unknown,
        merge:
          merge === undefined ? undefined : (acc, other) => (merge.call(own, acc, other) ?? acc) as unknown,
        getValue: (acc) => own.getValue(acc) ?? null,
        ...(emitChanges === undefined
          ? {}
          : { emitUpdateWithRetract: (acc, out) => emitChanges.call(own, acc, out) }),
      };
    },
  });
}

/** The context of functions whose operator does not say where it runs (aggregate functions). */
const UNKNOWN_CONTEXT: FunctionContext = Object.freeze({ subtaskIndex: undefined, parallelism: undefined });
