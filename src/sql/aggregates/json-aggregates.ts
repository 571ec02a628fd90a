/**
 * Flink's JSON aggregates. JSON_ARRAYAGG(value [NULL | ABSENT ON NULL]) is the values as a JSON
 * array in arrival order (ABSENT ON NULL by default: NULLs are left out); JSON_OBJECTAGG([KEY]
 * k VALUE v [NULL | ABSENT ON NULL]) is an object of the key-value pairs (NULL ON NULL by
 * default), members sorted by key as Flink writes them, and a key seen twice is an error. Both
 * give `[]` or `{}` over no rows, never NULL.
 *
 * The parser passes the ON NULL clause as three trailing word arguments (`ABSENT`, `ON`,
 * `NULL`), constant on every row. Each value is kept as its JSON text (`json-functions.ts`
 * writes it by the argument's type), so accumulators are string arrays and Maps that the state
 * backends keep as they are; retraction removes one equal text (or the key).
 */
import { formatType, isString, type SqlType, Types, withNullability } from '../catalog/types.js';
import { validationError } from '../errors.js';
import { jsonWriter } from '../expressions/json-functions.js';
import type { SourcePos } from '../parser/ast.js';
import type { AggregateFunctionDefinition, SqlAggregateFunction } from './aggregate-function.js';
import { ErrorCodes, userError } from '../../types/errors.js';

const STRING_NOT_NULL = withNullability(Types.STRING, false);

/** Checks the value arguments and the optional three words of the ON NULL clause. */
function checkArgs(name: string, argTypes: readonly SqlType[], values: number, pos?: SourcePos): void {
  const clause = argTypes.length - values;
  if ((clause !== 0 && clause !== 3) || argTypes.slice(values).some((t) => !isString(t)))
    throw validationError(
      pos,
      `${name} takes ${values === 1 ? 'one value' : 'KEY k VALUE v'} and an optional NULL ON NULL or ABSENT ON NULL`,
    );
}

/** Whether a row's ON NULL words say ABSENT; `byDefault` without the clause. */
const absent = (args: readonly unknown[], values: number, byDefault: boolean) =>
  args.length > values ? args[values] === 'ABSENT' : byDefault;

function writerFor(type: SqlType): (v: unknown) => string {
  const write = jsonWriter(type);
  return (v) => (v === null || v === undefined ? 'null' : write(v));
}

const JSON_ARRAYAGG: AggregateFunctionDefinition = Object.freeze({
  name: 'JSON_ARRAYAGG',
  retractable: true,
  resultType(argTypes: readonly SqlType[], pos?: SourcePos) {
    checkArgs('JSON_ARRAYAGG', argTypes, 1, pos);
    return STRING_NOT_NULL;
  },
  create(argTypes: readonly SqlType[]): SqlAggregateFunction {
    const write = writerFor(argTypes[0]!);
    const text = (args: readonly unknown[]) => {
      const v = args[0] ?? null;
      return v === null && absent(args, 1, true) ? undefined : write(v);
    };
    return {
      name: 'JSON_ARRAYAGG',
      createAccumulator: (): string[] => [],
      accumulate(acc: string[], args) {
        const t = text(args);
        if (t !== undefined) acc.push(t);
        return acc;
      },
      retract(acc: string[], args) {
        const t = text(args);
        const i = t === undefined ? -1 : acc.indexOf(t);
        if (i >= 0) acc.splice(i, 1);
        return acc;
      },
      merge: (acc: string[], other: string[]) => {
        acc.push(...other);
        return acc;
      },
      getValue: (acc: string[]) => `[${acc.join(',')}]`,
    } as SqlAggregateFunction;
  },
});

const JSON_OBJECTAGG: AggregateFunctionDefinition = Object.freeze({
  name: 'JSON_OBJECTAGG',
  retractable: true,
  resultType(argTypes: readonly SqlType[], pos?: SourcePos) {
    checkArgs('JSON_OBJECTAGG', argTypes, 2, pos);
    const key = argTypes[0]!;
    if (!isString(key) || key.nullable)
      throw validationError(pos, `JSON_OBJECTAGG keys must be non-NULL strings, got ${formatType(key)}`);
    return STRING_NOT_NULL;
  },
  create(argTypes: readonly SqlType[]): SqlAggregateFunction {
    const write = writerFor(argTypes[1]!);
    const add = (acc: Map<string, string>, key: string, text: string) => {
      if (acc.has(key))
        throw userError(
          ErrorCodes.USER_FUNCTION,
          `JSON_OBJECTAGG: the key '${key}' occurs twice; keys must be unique, e.g. aggregate per key first`,
        );
      acc.set(key, text);
    };
    return {
      name: 'JSON_OBJECTAGG',
      createAccumulator: () => new Map<string, string>(),
      accumulate(acc: Map<string, string>, args) {
        const v = args[1] ?? null;
        if (v === null && absent(args, 2, false)) return acc;
        add(acc, args[0] as string, write(v));
        return acc;
      },
      retract(acc: Map<string, string>, args) {
        acc.delete(args[0] as string);
        return acc;
      },
      merge(acc: Map<string, string>, other: Map<string, string>) {
        for (const [k, t] of other) add(acc, k, t);
        return acc;
      },
      getValue(acc: Map<string, string>) {
        const keys = [...acc.keys()].sort();
        return `{${keys.map((k) => `${JSON.stringify(k)}:${acc.get(k)}`).join(',')}}`;
      },
    } as SqlAggregateFunction;
  },
});

/** The JSON aggregates, merged into the built-in aggregates. */
export const JSON_AGGREGATES: readonly AggregateFunctionDefinition[] = [JSON_ARRAYAGG, JSON_OBJECTAGG];
