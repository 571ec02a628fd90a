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
 * gives no rows (a LEFT JOIN keeps the input row with NULLs). Several collections,
 * `UNNEST(a, b)`, are zipped by position, the shorter ones padded with NULLs. The function is deterministic:
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

/** Each element's field values (one for a plain element), for the zip of several collections. */
function tuplesOf(type: SqlType, width: number): (collection: unknown) => unknown[][] {
  if (type.root === 'MAP')
    return (map) => Array.from(map as Map<unknown, unknown>, ([k, v]) => [k ?? null, v ?? null]);
  if (type.element!.root === 'ROW') {
    const names = type.element!.fields!.map((f) => f.name);
    return (array) =>
      (array as (Record<string, unknown> | null)[]).map((row) =>
        names.map((n) => (row === null || row === undefined ? null : (row[n] ?? null))),
      );
  }
  return width === 1 ? (array) => (array as unknown[]).map((v) => [v ?? null]) : () => [];
}

/**
 * `UNNEST(a, b, …)`: the collections zipped by position, as in Calcite and standard SQL: row i
 * holds the i-th element of each, a collection shorter than the longest (or NULL) gives NULLs
 * there, and ORDINALITY counts every row.
 */
function zippedRows(
  types: readonly SqlType[],
  widths: readonly number[],
  ordinality: boolean,
): (collections: readonly unknown[]) => unknown[][] {
  const tuples = types.map((t, i) => tuplesOf(t, widths[i]!));
  const padding = widths.map((w) => new Array<null>(w).fill(null));
  return (collections) => {
    const parts = collections.map((c, i) => (c === null || c === undefined ? [] : tuples[i]!(c)));
    const n = Math.max(0, ...parts.map((p) => p.length));
    const rows: unknown[][] = [];
    for (let r = 0; r < n; r++) {
      const row: unknown[] = [];
      parts.forEach((p, i) => {
        row.push(...(p[r] ?? padding[i]!));
      });
      if (ordinality) row.push(r + 1);
      rows.push(row);
    }
    return rows;
  };
}

/**
 * The `$UNNEST_ROWS$` table function for arguments of these types (several are zipped, see
 * {@link zippedRows}); a validation error at the argument's position when one is not an ARRAY
 * or a MAP.
 */
export function unnestFunction(
  argTypes: readonly SqlType[],
  ordinality: boolean,
  positions: readonly SourcePos[],
): TableUdf {
  const perArgument = argTypes.map((type, i) => {
    const fields = unnestFields(type);
    if (fields === undefined)
      throw validationError(
        positions[i]!,
        `UNNEST takes an ARRAY or a MAP, got ${formatType(type)}; for a single value use it directly, or build one with ARRAY[…]`,
      );
    return fields;
  });
  // Zipped collections of plain elements name their columns by position, EXPR$0, EXPR$1, …
  const fields = perArgument.flatMap((list, i) =>
    list.map((f) => (f.name === 'EXPR$0' ? { ...f, name: `EXPR$${i}` } : f)),
  );
  const seen = new Set<string>();
  for (const f of fields) {
    let name = f.name;
    for (let n = 0; seen.has(name); n++) name = `${f.name}${n}`;
    seen.add(name);
    f.name = name;
  }
  if (ordinality) fields.push({ name: 'ORDINALITY', type: withNullability(Types.INT, false) });
  const single = argTypes.length === 1;
  const argType = argTypes[0]!;
  const rowResult =
    !single || fields.length > 1 || (argType.root === 'ARRAY' && argType.element!.root === 'ROW');
  const resultType = rowResult
    ? (Object.freeze({ root: 'ROW', nullable: true, fields }) as SqlType)
    : fields[0]!.type;
  let evaluate: (...collections: unknown[]) => Iterable<unknown> | undefined;
  if (single) {
    const rows = rowsOf(argType, ordinality);
    evaluate = (collection) =>
      collection === null || collection === undefined ? undefined : rows(collection);
  } else {
    const zip = zippedRows(
      argTypes,
      perArgument.map((list) => list.length),
      ordinality,
    );
    evaluate = (...collections) => zip(collections);
  }
  return Object.freeze({
    kind: 'table',
    name: '$UNNEST_ROWS$',
    argumentTypes: [...argTypes],
    minArguments: argTypes.length,
    resultType,
    deterministic: true,
    rowResult,
    fields,
    fn: {
      kind: 'table' as const,
      resultType: formatType(resultType),
      deterministic: true,
      eval: evaluate,
    },
  });
}
