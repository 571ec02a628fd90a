/**
 * INTERSECT and EXCEPT, with and without ALL, planned as Flink plans them over streams: each
 * side's rows get a marker column (TRUE on its own side, NULL on the other), the two sides are
 * unioned, and a group aggregate over every column counts each distinct row per side. A filter
 * keeps the rows the operation keeps; the ALL variants then repeat each row as many times as
 * it occurs in the result (the smaller count, or the difference of the counts) through the
 * `$REPLICATE_ROWS$` table function. Because the aggregate retracts, so does the result: an
 * updating table, which append-only sinks refuse through the usual changelog-mode check.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { commonType, formatType, Types } from '../catalog/types.js';
import { call, field, literal, type Rex } from '../expressions/rex.js';
import type { TableUdf } from '../functions/definitions.js';
import { lookupAggregate } from '../aggregates/builtins.js';
import type { BoundAggregateCall } from '../aggregates/aggregate-function.js';
import { filter, type LogicalNode, project } from './logical.js';
import { aggregate } from './aggregate/aggregate-nodes.js';
import { correlate } from './correlate/correlate-nodes.js';

/** Which set operation: INTERSECT or EXCEPT (UNION is planned by the builder). */
export type SetOperator = 'INTERSECT' | 'EXCEPT';

const LEFT_MARKER = 'vcol_left_marker';
const RIGHT_MARKER = 'vcol_right_marker';
const LEFT_COUNT = 'vcol_left_cnt';
const RIGHT_COUNT = 'vcol_right_cnt';
const TIMES = 'vcol_times';

/**
 * `$REPLICATE_ROWS$(n)`: n rows (the numbers 1..n) per call, so a correlate repeats its input
 * row n times. Deterministic, so a retraction takes back exactly the copies its insertion made.
 */
export const REPLICATE_ROWS: TableUdf = Object.freeze({
  kind: 'table',
  name: '$REPLICATE_ROWS$',
  argumentTypes: [Types.BIGINT],
  minArguments: 1,
  resultType: Types.BIGINT,
  deterministic: true,
  rowResult: false,
  fields: [{ name: 'f0', type: Types.BIGINT }],
  fn: {
    kind: 'table' as const,
    resultType: 'BIGINT',
    deterministic: true,
    *eval(n: number): Iterable<number> {
      for (let i = 1; i <= n; i++) yield i;
    },
  },
});

/**
 * The plan of `left op [ALL] right`. `unionAll` is the builder's UNION ALL, which lines the
 * right side's columns up with the left side's names and widens their types.
 */
export function buildSetOperation(
  op: SetOperator,
  all: boolean,
  left: LogicalNode,
  right: LogicalNode,
  pos: SourcePos,
  unionAll: (left: LogicalNode, right: LogicalNode) => LogicalNode,
): LogicalNode {
  const name = `${op}${all ? ' ALL' : ''}`;
  if (left.columns.length !== right.columns.length)
    throw validationError(
      pos,
      `${name} inputs have ${left.columns.length} and ${right.columns.length} columns; they need the same number`,
    );
  left.columns.forEach((l, i) => {
    const r = right.columns[i]!;
    if (commonType(l.type, r.type) === undefined)
      throw validationError(
        pos,
        `${name} column ${i + 1} ('${l.name}') is ${formatType(l.type)} on the left and ${formatType(r.type)} on the right; cast one side`,
      );
  });
  for (const c of [...left.columns, ...right.columns])
    if (c.type.root === 'RAW' || c.type.root === 'MAP')
      throw validationError(
        pos,
        `${name} compares whole rows, and column '${c.name}' of type ${c.type.root} cannot be compared; leave it out`,
      );
  const marked = (input: LogicalNode, side: 'left' | 'right') =>
    project(input, [
      ...input.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) as Rex })),
      { name: LEFT_MARKER, rex: literal(side === 'left' ? true : null, Types.BOOLEAN) },
      { name: RIGHT_MARKER, rex: literal(side === 'right' ? true : null, Types.BOOLEAN) },
    ]);
  const union = unionAll(marked(left, 'left'), marked(right, 'right'));
  const keys = union.columns.slice(0, left.columns.length).map((c) => c.name);
  const count = lookupAggregate('COUNT', undefined)!;
  const counter = (arg: string, as: string): BoundAggregateCall => ({
    fn: 'COUNT',
    args: [arg],
    argTypes: [Types.BOOLEAN],
    distinct: false,
    name: as,
    type: count.resultType([Types.BOOLEAN]),
    definition: count,
    pos,
  });
  const counted = aggregate(union, keys, [
    counter(LEFT_MARKER, LEFT_COUNT),
    counter(RIGHT_MARKER, RIGHT_COUNT),
  ]);
  const bigint = count.resultType([Types.BOOLEAN]);
  const l = field(LEFT_COUNT, bigint);
  const r = field(RIGHT_COUNT, bigint);
  const zero = literal(0, bigint);
  const cmp = (o: string, a: Rex, b: Rex) => call(o, [a, b], Types.BOOLEAN);
  const condition =
    op === 'INTERSECT'
      ? call('AND', [cmp('>', l, zero), cmp('>', r, zero)], Types.BOOLEAN)
      : all
        ? cmp('>', l, r)
        : call('AND', [cmp('>', l, zero), cmp('=', r, zero)], Types.BOOLEAN);
  const kept = filter(counted, condition);
  const keyColumns = counted.columns.slice(0, keys.length);
  const output = (input: LogicalNode) =>
    project(
      input,
      keyColumns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
    );
  if (!all) return output(kept);
  // How many copies each kept row has: the smaller count (INTERSECT ALL) or the difference.
  const times = op === 'INTERSECT' ? call('CASE', [cmp('>', l, r), r, l], bigint) : call('-', [l, r], bigint);
  const withTimes = project(kept, [
    ...keyColumns.map((c) => ({ name: c.name, rex: field(c.name, c.type) as Rex })),
    { name: TIMES, rex: times },
  ]);
  const replicated = correlate(
    withTimes,
    { fn: REPLICATE_ROWS, args: [field(TIMES, bigint)], pos },
    'INNER',
    [{ name: 'vcol_copy', type: Types.BIGINT }],
  );
  return output(replicated);
}
