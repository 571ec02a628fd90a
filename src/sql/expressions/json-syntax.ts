/**
 * Reads back the clauses of the SQL/JSON calls. The parser leaves them as words after the
 * arguments (`'$.a' RETURNING <CAST> DEFAULT <expr> ON EMPTY ERROR ON ERROR`); this turns them
 * into the fixed argument lists `json-functions.ts` compiles, with Flink's defaults filled in:
 *
 * | call        | arguments                                                                  |
 * |-------------|----------------------------------------------------------------------------|
 * | JSON_EXISTS | json, path, on-error (`FALSE`)                                             |
 * | JSON_VALUE  | json, path, NULL of the RETURNING type, on-empty, default, on-error, default |
 * | JSON_QUERY  | json, path, NULL of the RETURNING type, wrapper (`WITHOUT`), on-empty, on-error |
 * | JSON_OBJECT | key, value, …, on-null (`NULL`)                                            |
 * | JSON_ARRAY  | value, …, on-null (`ABSENT`)                                               |
 */
import { isNumeric, isString, resolveType, type SqlType, Types, withNullability } from '../catalog/types.js';
import { validationError } from '../errors.js';
import type { Call, Expr, SourcePos } from '../parser/ast.js';
import { literal, type Rex } from './rex.js';

/** The calls whose clauses this reads. */
export const JSON_SYNTAX: ReadonlySet<string> = new Set([
  'JSON_EXISTS',
  'JSON_VALUE',
  'JSON_QUERY',
  'JSON_OBJECT',
  'JSON_ARRAY',
]);

/** The behaviours each call accepts, by clause target. */
const BEHAVIOURS: Record<string, Record<string, readonly string[]>> = {
  JSON_EXISTS: { ERROR: ['TRUE', 'FALSE', 'UNKNOWN', 'ERROR'] },
  JSON_VALUE: { EMPTY: ['NULL', 'ERROR', 'DEFAULT'], ERROR: ['NULL', 'ERROR', 'DEFAULT'] },
  JSON_QUERY: {
    EMPTY: ['NULL', 'EMPTY ARRAY', 'EMPTY OBJECT', 'ERROR'],
    ERROR: ['NULL', 'EMPTY ARRAY', 'EMPTY OBJECT', 'ERROR'],
  },
  JSON_OBJECT: { NULL: ['NULL', 'ABSENT'] },
  JSON_ARRAY: { NULL: ['NULL', 'ABSENT'] },
};

interface Clauses {
  returning?: SqlType;
  wrapper?: string;
  /** Behaviour by target (`EMPTY`, `ERROR`, `NULL`), with the DEFAULT expression if any. */
  on: Map<string, { behaviour: string; value?: Expr }>;
}

const flag = (text: string): Rex => literal(text, withNullability(Types.STRING, false));

/** The typed argument list of a SQL/JSON call (see the table above). */
export function jsonCallArguments(e: Call, typeOf: (x: Expr) => Rex): Rex[] {
  const firstClause = e.args.findIndex((a) => a.kind === 'symbol');
  const positional = firstClause < 0 ? e.args : e.args.slice(0, firstClause);
  const clauses = readClauses(e.name, firstClause < 0 ? [] : e.args.slice(firstClause), e.pos);
  const args = positional.map(typeOf);
  const on = (target: string, otherwise: string) => clauses.on.get(target)?.behaviour ?? otherwise;
  switch (e.name) {
    case 'JSON_OBJECT':
    case 'JSON_ARRAY':
      return [...args, flag(on('NULL', e.name === 'JSON_OBJECT' ? 'NULL' : 'ABSENT'))];
    case 'JSON_EXISTS':
      exactlyTwo(e, args);
      return [...args, flag(on('ERROR', 'FALSE'))];
    case 'JSON_QUERY': {
      exactlyTwo(e, args);
      const returning = clauses.returning ?? Types.STRING;
      const stringArray = returning.root === 'ARRAY' && isString(returning.element!);
      if (!isString(returning) && !stringArray)
        throw validationError(
          e.pos,
          'JSON_QUERY returns STRING or ARRAY<STRING>; cast the result for other types',
        );
      return [
        ...args,
        literal(null, withNullability(returning, true)),
        flag(clauses.wrapper ?? 'WITHOUT'),
        flag(on('EMPTY', 'NULL')),
        flag(on('ERROR', 'NULL')),
      ];
    }
    default: {
      exactlyTwo(e, args);
      const returning = withNullability(clauses.returning ?? Types.STRING, true);
      const scalar =
        isString(returning) ||
        isNumeric(returning) ||
        ['BOOLEAN', 'DATE', 'TIMESTAMP', 'TIMESTAMP_LTZ'].includes(returning.root);
      if (!scalar)
        throw validationError(
          e.pos,
          'JSON_VALUE returns a scalar (STRING, BOOLEAN, a number, DATE or TIMESTAMP); use JSON_QUERY for arrays and objects',
        );
      const byDefault = (target: string): Rex => {
        const clause = clauses.on.get(target);
        if (clause?.value === undefined) return literal(null, returning);
        const value = typeOf(clause.value);
        const t = value.type;
        if (
          !(
            isString(t) ||
            isNumeric(t) ||
            t.root === 'BOOLEAN' ||
            t.root === 'NULL' ||
            t.root === returning.root
          )
        )
          throw validationError(
            clause.value.pos,
            `the DEFAULT value ON ${target} must be a scalar; it converts to the RETURNING type as a found value does`,
          );
        return value;
      };
      return [
        ...args,
        literal(null, returning),
        flag(on('EMPTY', 'NULL')),
        byDefault('EMPTY'),
        flag(on('ERROR', 'NULL')),
        byDefault('ERROR'),
      ];
    }
  }
}

function exactlyTwo(e: Call, args: readonly Rex[]): void {
  if (args.length !== 2)
    throw validationError(e.pos, `${e.name} takes a JSON text and a path, got ${args.length} arguments`);
}

/** The clause words after the arguments, checked against what the call accepts. */
function readClauses(name: string, items: readonly Expr[], pos: SourcePos): Clauses {
  const result: Clauses = { on: new Map() };
  const accepted = BEHAVIOURS[name] ?? {};
  let i = 0;
  const word = (at = i): string | undefined => {
    const item = items[at];
    return item?.kind === 'symbol' ? item.name : undefined;
  };
  const where = (): SourcePos => items[Math.min(i, items.length - 1)]?.pos ?? pos;
  const expect = (what: string): never => {
    const got = i < items.length ? `'${word() ?? 'an expression'}'` : 'the end';
    throw validationError(where(), `${name}: expected ${what}, got ${got}`);
  };
  while (i < items.length) {
    const w = word();
    if (w === 'RETURNING' && (name === 'JSON_VALUE' || name === 'JSON_QUERY')) {
      const cast = items[i + 1];
      if (cast?.kind !== 'cast') expect('a type after RETURNING');
      result.returning = resolveType((cast as Extract<Expr, { kind: 'cast' }>).type);
      i += 2;
      continue;
    }
    if ((w === 'WITH' || w === 'WITHOUT') && name === 'JSON_QUERY') {
      i++;
      let wrapper = w === 'WITH' ? 'UNCONDITIONAL' : 'WITHOUT';
      if (w === 'WITH' && (word() === 'CONDITIONAL' || word() === 'UNCONDITIONAL')) wrapper = word()!;
      if (word() === 'CONDITIONAL' || word() === 'UNCONDITIONAL') i++;
      if (word() === 'ARRAY') i++;
      if (word() !== 'WRAPPER') expect('WRAPPER');
      i++;
      result.wrapper = wrapper;
      continue;
    }
    // A behaviour: one or two words (or DEFAULT and its expression), ON, and its target.
    let behaviour: string;
    let value: Expr | undefined;
    const behaviourPos = items[i]!.pos;
    if (w === 'DEFAULT') {
      value = items[i + 1];
      if (value === undefined || value.kind === 'symbol') expect('an expression after DEFAULT');
      behaviour = 'DEFAULT';
      i += 2;
    } else if (w === 'EMPTY' && (word(i + 1) === 'ARRAY' || word(i + 1) === 'OBJECT')) {
      behaviour = `EMPTY ${word(i + 1)}`;
      i += 2;
    } else if (w !== undefined && w !== 'ON') {
      behaviour = w;
      i++;
    } else {
      return expect('a clause such as NULL ON ERROR');
    }
    if (word() !== 'ON') expect(`ON after ${behaviour}`);
    i++;
    const target = word();
    const allowed = target === undefined ? undefined : accepted[target];
    if (allowed === undefined) {
      const targets = Object.keys(accepted).map((t) => `ON ${t}`);
      expect(targets.length === 0 ? 'no clause' : targets.join(' or '));
    }
    if (!allowed!.includes(behaviour))
      throw validationError(
        behaviourPos,
        `${name}: ${behaviour} ON ${target} is not allowed; use ${allowed!.map((b) => `${b} ON ${target}`).join(', ')}`,
      );
    if (result.on.has(target!)) throw validationError(where(), `${name}: ON ${target} is given twice`);
    result.on.set(target!, { behaviour, value });
    i++;
  }
  return result;
}
