/**
 * The logical plan: immutable trees of relational operators with a `kind`, built from the
 * syntax tree by `builder.ts`, rewritten by `rules.ts`, and turned into a physical plan by
 * `physical.ts`. Every node lists its output columns; column names are unique within a node,
 * because rows are plain objects keyed by column name. The core kinds are defined here; each
 * streaming operator family defines its own in its folder (`aggregate/`, `window/`, `join/`,
 * `over/`, `correlate/`), and the `Record<kind, …>` visitors make each missing case a compile
 * error.
 */
import type { CatalogTable } from '../catalog/catalog.js';
import type { SourcePos } from '../parser/ast.js';
import type { SqlType } from '../catalog/types.js';
import type { Rex } from '../expressions/rex.js';
import type { AggregateLogicalNode } from './aggregate/aggregate-nodes.js';
import type { LogicalExpand } from './aggregate/expand-nodes.js';
import type { LogicalCorrelate } from './correlate/correlate-nodes.js';
import type { LogicalIntervalJoin } from './join/interval-join-nodes.js';
import type { LogicalJoin } from './join/join-nodes.js';
import type { LogicalTemporalJoin } from './join/temporal-join-nodes.js';
import type { LogicalWindowJoin } from './join/window-join-nodes.js';
import type { OverLogicalNode } from './over/over-nodes.js';
import type { LogicalTemporalSort } from './sort/sort-nodes.js';
import type { LogicalMatch } from './match/match-nodes.js';
import type { WindowLogicalNode } from './window/window-nodes.js';

/** A column of a plan node's output. */
export interface PlanColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** Reads a table's physical columns from its connector (or DataStream). */
export interface LogicalScan {
  readonly kind: 'scan';
  readonly table: CatalogTable;
  readonly columns: readonly PlanColumn[];
  /**
   * Set by projection push-down when the source produces only these physical columns (the
   * names of `columns`, in table order); absent when it produces all of them.
   */
  readonly projection?: readonly string[];
  /**
   * Set by filter push-down: conditions on physical columns the source applies before it
   * builds rows (their conjunction), gone from the filters above.
   */
  readonly filters?: readonly Rex[];
  /**
   * Set by nested projection push-down: for a ROW column read only through some of its fields,
   * those fields (the column's type is narrowed to them); absent for columns read whole.
   */
  readonly nestedProjection?: Readonly<Record<string, readonly string[]>>;
  /** Where the query names the table, for errors found later (e.g. a sink-only connector). */
  readonly pos?: SourcePos;
}
/** Constant rows: `VALUES …`, and the single empty row under `SELECT` without `FROM`. */
export interface LogicalValues {
  readonly kind: 'values';
  readonly rows: readonly (readonly unknown[])[];
  readonly columns: readonly PlanColumn[];
}
/** Computes each output column from the input row. */
export interface LogicalProject {
  readonly kind: 'project';
  readonly input: LogicalNode;
  readonly projections: readonly { readonly name: string; readonly rex: Rex }[];
  readonly columns: readonly PlanColumn[];
}
/** Keeps rows whose condition is TRUE. */
export interface LogicalFilter {
  readonly kind: 'filter';
  readonly input: LogicalNode;
  readonly condition: Rex;
  readonly columns: readonly PlanColumn[];
}
/** Sets each row's event time from `rowtime` and emits watermarks from `rex` (`WATERMARK FOR`). */
export interface LogicalWatermarkAssigner {
  readonly kind: 'watermarkAssigner';
  readonly input: LogicalNode;
  readonly rowtime: string;
  readonly rex: Rex;
  readonly columns: readonly PlanColumn[];
}
/** Writes rows into a table (`INSERT INTO`). */
export interface LogicalSink {
  readonly kind: 'sink';
  readonly input: LogicalNode;
  readonly table: CatalogTable;
  readonly columns: readonly PlanColumn[];
  /** The INSERT statement's position, for errors found when the sink is planned. */
  readonly pos?: SourcePos;
}

/** `UNION ALL`: the rows of all inputs, which have the same column names and types. */
export interface LogicalUnion {
  readonly kind: 'union';
  readonly inputs: readonly LogicalNode[];
  readonly columns: readonly PlanColumn[];
}

/** Any logical plan node. */
export type LogicalNode =
  | LogicalScan
  | LogicalValues
  | LogicalProject
  | LogicalFilter
  | LogicalWatermarkAssigner
  | LogicalSink
  | LogicalUnion
  | AggregateLogicalNode
  | WindowLogicalNode
  | LogicalJoin
  | LogicalIntervalJoin
  | LogicalTemporalJoin
  | LogicalWindowJoin
  | OverLogicalNode
  | LogicalCorrelate
  | LogicalExpand
  | LogicalTemporalSort
  | LogicalMatch;

/** A function per node kind; a missing kind is a compile error. */
export type LogicalVisitor<R> = {
  [K in LogicalNode['kind']]: (node: Extract<LogicalNode, { kind: K }>) => R;
};

/** Calls the visitor's function for the node's kind. */
export function visitLogical<R>(node: LogicalNode, visitor: LogicalVisitor<R>): R {
  return (visitor[node.kind] as (n: LogicalNode) => R)(node);
}

/** The node's inputs, for generic walks; a two-input node's are `[left, right]`. */
export function inputsOf(node: LogicalNode): readonly LogicalNode[] {
  if ('inputs' in node) return node.inputs;
  if ('left' in node) return [node.left, node.right];
  return 'input' in node ? [node.input] : [];
}

/** A copy of the node with new inputs (same order as {@link inputsOf}); the node itself if unchanged. */
export function withInputs(node: LogicalNode, inputs: readonly LogicalNode[]): LogicalNode {
  if ('inputs' in node)
    return inputs.every((input, i) => input === node.inputs[i])
      ? node
      : Object.freeze({ ...node, inputs: Object.freeze([...inputs]) });
  if ('left' in node)
    return inputs[0] === node.left && inputs[1] === node.right
      ? node
      : Object.freeze({ ...node, left: inputs[0]!, right: inputs[1]! });
  if (!('input' in node)) return node;
  return inputs[0] === node.input ? node : Object.freeze({ ...node, input: inputs[0]! });
}

/** Node constructors: each freezes the node it makes. */
export const scan = (table: CatalogTable, columns: readonly PlanColumn[], pos?: SourcePos): LogicalScan =>
  Object.freeze({ kind: 'scan', table, columns, pos });
/** Makes a frozen node of this kind. */
export const values = (
  rows: readonly (readonly unknown[])[],
  columns: readonly PlanColumn[],
): LogicalValues => Object.freeze({ kind: 'values', rows, columns });
/** Makes a frozen node of this kind. */
export const project = (
  input: LogicalNode,
  projections: readonly { name: string; rex: Rex }[],
): LogicalProject =>
  Object.freeze({
    kind: 'project',
    input,
    projections: Object.freeze(projections.map((p) => Object.freeze({ ...p }))),
    columns: Object.freeze(projections.map((p) => Object.freeze({ name: p.name, type: p.rex.type }))),
  });
/** Makes a frozen node of this kind. */
export const filter = (input: LogicalNode, condition: Rex): LogicalFilter =>
  Object.freeze({ kind: 'filter', input, condition, columns: input.columns });
/** Makes a frozen node of this kind. */
export const watermarkAssigner = (input: LogicalNode, rowtime: string, rex: Rex): LogicalWatermarkAssigner =>
  Object.freeze({ kind: 'watermarkAssigner', input, rowtime, rex, columns: input.columns });
/** Makes a frozen node of this kind. */
export const sink = (input: LogicalNode, table: CatalogTable, pos?: SourcePos): LogicalSink =>
  Object.freeze({ kind: 'sink', input, table, columns: input.columns, pos });
/** Makes a frozen node of this kind. */
export const union = (inputs: readonly LogicalNode[], columns: readonly PlanColumn[]): LogicalUnion =>
  Object.freeze({ kind: 'union', inputs: Object.freeze([...inputs]), columns });
