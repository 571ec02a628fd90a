/**
 * Physical plans as JSON, for compiled plan files (`compiled-plan.ts`). A physical plan is an
 * immutable tree of plain data (nodes, types, typed expressions, catalog tables with their
 * connector options), so most of it maps onto JSON as it is; what JSON has no form for gets a
 * tagged object `{ "$": tag, "v": … }`: bigints, `undefined` (kept, since planner code tests
 * `'key' in node`), NaN, ±Infinity and -0, byte arrays, Maps and Sets. A plain object of the
 * plan that happens to own a `$` key is tagged `object`, so tags never collide with data.
 *
 * A user-defined function a plan calls is code, which JSON cannot hold: it is written as a
 * reference by name (tag `function`) and looked up again when the plan is loaded, as Flink
 * keeps a catalog function's identifier in its plan.
 */
import { validationError } from '../errors.js';
import type { SourcePos } from '../parser/ast.js';

/** A value of a decoded plan that refers to code, named as registered. */
export interface PlanFunctions {
  /** The name a function value of the plan is registered under; undefined if it is not one. */
  nameOf(value: object): string | undefined;
  /** The registered function of that name, as a plan being loaded asks for it. */
  lookup(name: string): object | undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The JSON form of a plan value; a value that is neither data nor a registered function is an error. */
export function encodePlanValue(value: unknown, functions: PlanFunctions): Json {
  const encode = (v: unknown, path: string): Json => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (Number.isFinite(v) && !Object.is(v, -0)) return v;
        return { $: 'number', v: Object.is(v, -0) ? '-0' : String(v) };
      case 'bigint':
        return { $: 'bigint', v: v.toString() };
      case 'undefined':
        return { $: 'undefined' };
      case 'function':
      case 'symbol':
        throw notData(path, typeof v);
    }
    if (v === null) return null;
    const object = v as object;
    const name = functions.nameOf(object);
    if (name !== undefined) return { $: 'function', v: name };
    if (Array.isArray(object)) return object.map((item, i) => encode(item, `${path}[${i}]`));
    if (object instanceof Uint8Array) return { $: 'bytes', v: Buffer.from(object).toString('base64') };
    if (object instanceof Map)
      return {
        $: 'map',
        v: [...object].map(([k, item], i) => [encode(k, `${path}<key ${i}>`), encode(item, `${path}<${i}>`)]),
      };
    if (object instanceof Set)
      return { $: 'set', v: [...object].map((item, i) => encode(item, `${path}<${i}>`)) };
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null)
      throw notData(path, `a ${prototype?.constructor?.name ?? 'class'} instance`);
    const fields: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(object)) fields[key] = encode(item, `${path}.${key}`);
    return Object.hasOwn(object, '$') ? { $: 'object', v: fields } : fields;
  };
  return encode(value, 'plan');
}

/**
 * The plan value of its JSON form, deeply frozen as the planner makes its nodes; errors are at
 * `pos`, the statement that loads the plan, if any.
 */
export function decodePlanValue(json: unknown, functions: PlanFunctions, pos?: SourcePos): unknown {
  const decode = (j: unknown): unknown => {
    if (j === null || typeof j !== 'object') return j;
    if (Array.isArray(j)) return Object.freeze(j.map(decode));
    const tagged = j as { $?: unknown; v?: unknown };
    if (typeof tagged.$ !== 'string') return plainObject(j as Record<string, unknown>);
    switch (tagged.$) {
      case 'number':
        return Number(tagged.v);
      case 'bigint':
        return BigInt(tagged.v as string);
      case 'undefined':
        return undefined;
      case 'bytes':
        return new Uint8Array(Buffer.from(tagged.v as string, 'base64'));
      case 'map':
        return new Map((tagged.v as [unknown, unknown][]).map(([k, item]) => [decode(k), decode(item)]));
      case 'set':
        return new Set((tagged.v as unknown[]).map(decode));
      case 'object':
        return plainObject(tagged.v as Record<string, unknown>);
      case 'function': {
        const found = functions.lookup(tagged.v as string);
        if (found === undefined)
          throw validationError(
            pos,
            `the plan calls function '${String(tagged.v)}', which this session does not have; register it (createTemporarySystemFunction or CREATE FUNCTION) before loading the plan`,
          );
        return found;
      }
      default:
        throw validationError(
          pos,
          `the plan file holds an unknown value tag '${tagged.$}'; compile the plan again with this version of Weir`,
        );
    }
  };
  const plainObject = (fields: Record<string, unknown>): unknown =>
    Object.freeze(Object.fromEntries(Object.entries(fields).map(([k, item]) => [k, decode(item)])));
  return decode(json);
}

function notData(path: string, what: string): Error {
  return validationError(
    undefined,
    `the plan cannot be compiled: ${path} is ${what}, which a plan file cannot hold; COMPILE PLAN takes jobs over connector tables and registered functions`,
  );
}
