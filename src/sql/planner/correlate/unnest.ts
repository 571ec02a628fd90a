/**
 * `UNNEST(expr) [WITH ORDINALITY]` as a built-in table function, `$UNNEST_ROWS$`, so the
 * LATERAL TABLE correlate runs it (Flink plans UNNEST the same way, as a correlate over its
 * `$UNNEST_ROWS$` function). Its rows depend on the collection's type:
 *
 * | argument          | columns                         |
 * |-------------------|---------------------------------|
 * | ARRAY<T>          | one: the element                |
 * | ARRAY<ROW<a, b>>  | one per field: a, b             |
 * | MAP<K, V>         | KEY, VALUE                      |
 *
 * WITH ORDINALITY adds ORDINALITY, the element's position from 1. A NULL or empty collection
 * gives no rows (a LEFT JOIN keeps the input row with NULLs). The function is deterministic:
 * a retraction of the input row expands to exactly the rows its insertion did.
 */
import type { SourcePos } from '../../parser/ast.js';
import { validationError } from '../../errors.js';
import { formatType, type SqlType, Types, withNullability } from '../../catalog/types.js';
import type { TableUdf } from '../../functions/definitions.js';

/** The output columns of UNNEST over a collection of this type, or undefined for a non-collection. */
function unnestFields(type: SqlType): { name: string; type: SqlType }[] | undefined {
  const nullable = (t: SqlType) => withNullability(t, true);
  if (type.root === 'MAP')
    return [
      { name: 'KEY', type: nullable(type.key!) },
      { name: 'VALUE', type: nullable(type.value!) },
    ];
  if (type.root !== 'ARRAY') return undefined;
  const element = type.element!;
  if (element.root === 'ROW') return element.fields!.map((f) => ({ name: f.name, type: nullable(f.type) }));
  return [{ name: 'EXPR$0', type: nullable(element) }];
}

/** One output row per element, in the shape the correlate's joiners read. */
function rowsOf(type: SqlType, ordinality: boolean): (collection: unknown) => Iterable<unknown> {
  if (type.root === 'MAP') {
    return function* (map) {
      let i = 0;
      for (const [k, v] of map as Map<unknown, unknown>)
        yield ordinality ? [k ?? null, v ?? null, ++i] : [k ?? null, v ?? null];
    };
  }
  const element = type.element!;
  if (element.root === 'ROW') {
    // Rows as arrays of field values: a NULL element gives a row of NULLs, as in Flink.
    const names = element.fields!.map((f) => f.name);
    return function* (array) {
      let i = 0;
      for (const row of array as (Record<string, unknown> | null)[]) {
        const values = names.map((n) => (row === null || row === undefined ? null : (row[n] ?? null)));
        if (ordinality) values.push(++i);
        yield values;
      }
    };
  }
  if (!ordinality) return (array) => array as unknown[];
  return function* (array) {
    let i = 0;
    for (const value of array as unknown[]) yield [value ?? null, ++i];
  };
}

/**
 * The `$UNNEST_ROWS$` table function for an argument of this type; a validation error at
 * `pos` when the argument is not an ARRAY or a MAP.
 */
export function unnestFunction(argType: SqlType, ordinality: boolean, pos: SourcePos): TableUdf {
  const fields = unnestFields(argType);
  if (fields === undefined)
    throw validationError(
      pos,
      `UNNEST takes an ARRAY or a MAP, got ${formatType(argType)}; for a single value use it directly, or build one with ARRAY[…]`,
    );
  if (ordinality) fields.push({ name: 'ORDINALITY', type: withNullability(Types.INT, false) });
  const rowResult = fields.length > 1 || (argType.root === 'ARRAY' && argType.element!.root === 'ROW');
  const rows = rowsOf(argType, ordinality);
  const resultType = rowResult
    ? (Object.freeze({ root: 'ROW', nullable: true, fields }) as SqlType)
    : fields[0]!.type;
  return Object.freeze({
    kind: 'table',
    name: '$UNNEST_ROWS$',
    argumentTypes: [argType],
    minArguments: 1,
    resultType,
    deterministic: true,
    rowResult,
    fields,
    fn: {
      kind: 'table' as const,
      resultType: formatType(resultType),
      deterministic: true,
      eval: (collection: unknown) =>
        collection === null || collection === undefined ? undefined : rows(collection),
    },
  });
}
