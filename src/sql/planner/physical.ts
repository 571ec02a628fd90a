/**
 * The physical plan: what runs, one node per runtime operator or operator chain. A Calc fuses
 * a filter and a projection into one compiled function. Every node declares its changelog
 * mode, and a sink checks that it can consume its input's mode, rejecting at planning time a
 * query whose updates the sink cannot take.
 */
import { validationError } from '../errors.js';
import type { CatalogTable } from '../catalog/catalog.js';
import { field, type Rex } from '../expressions/rex.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { sinkModeOf } from '../connectors/factory.js';
import { canConsume, type ChangelogMode, widestMode } from './changelog.js';
import type { LogicalNode, PlanColumn } from './logical.js';
import type { SourcePos } from '../parser/ast.js';
import type { AggregatePhysicalNode } from './aggregate/aggregate-nodes.js';
import {
  aggregatePhaseStrategy,
  aggregatePlanOptions,
  toPhysicalAggregate,
} from './aggregate/aggregate-planning.js';
import type { TableConfig } from '../config.js';
import { type SinkConstraints, sinkConstraints } from './sink-constraints.js';
import type { PhysicalCorrelate } from './correlate/correlate-nodes.js';
import type { PhysicalExpand } from './aggregate/expand-nodes.js';
import { toPhysicalExpand } from './aggregate/expand-planning.js';
import { toPhysicalCorrelate } from './correlate/correlate-planning.js';
import type { PhysicalIntervalJoin } from './join/interval-join-nodes.js';
import { toPhysicalIntervalJoin } from './join/interval-join-planning.js';
import type { PhysicalJoin } from './join/join-nodes.js';
import { toPhysicalJoin } from './join/join-planning.js';
import type { PhysicalTemporalJoin } from './join/temporal-join-nodes.js';
import { toPhysicalTemporalJoin } from './join/temporal-join-planning.js';
import type { PhysicalWindowJoin } from './join/window-join-nodes.js';
import { toPhysicalWindowJoin } from './join/window-join-planning.js';
import type { OverPhysicalNode } from './over/over-nodes.js';
import type { PhysicalTemporalSort } from './sort/sort-nodes.js';
import { toPhysicalTemporalSort } from './sort/temporal-sort-planning.js';
import type { PhysicalMatch } from './match/match-nodes.js';
import { toPhysicalMatch } from './match/match-planning.js';
import { toPhysicalOver } from './over/over-planning.js';
import type { WindowPhysicalNode } from './window/window-nodes.js';
import { toPhysicalWindow } from './window/window-planning.js';

/** What every physical node has: its output columns and the changes it emits. */
export interface PhysicalBase {
  readonly columns: readonly PlanColumn[];
  readonly changelogMode: ChangelogMode;
}
type Base = PhysicalBase;

/** Plans a logical subtree: what an operator family's planning calls for its inputs. */
export type PhysicalPlanner = (node: LogicalNode) => PhysicalNode;
/** Reads a table from its connector or DataStream. */
export interface PhysicalSourceScan extends Base {
  readonly kind: 'sourceScan';
  readonly table: CatalogTable;
  /** The physical columns the source produces when it was asked for a subset (projection push-down). */
  readonly projection?: readonly string[];
  /** The conditions the source applies itself (filter push-down). */
  readonly filters?: readonly Rex[];
  /** The fields read of ROW columns read only in part (nested projection push-down). */
  readonly nestedProjection?: Readonly<Record<string, readonly string[]>>;
  /** Where the query names the table, for errors the source finds (e.g. a missing path). */
  readonly pos?: SourcePos;
}
/** Emits constant rows. */
export interface PhysicalValues extends Base {
  readonly kind: 'values';
  readonly rows: readonly (readonly unknown[])[];
}
/** A fused filter and projection. */
export interface PhysicalCalc extends Base {
  readonly kind: 'calc';
  readonly input: PhysicalNode;
  readonly projections: readonly { readonly name: string; readonly rex: Rex }[];
  readonly condition?: Rex;
}
/** Sets event time and emits watermarks from the table's WATERMARK expression. */
export interface PhysicalWatermarkAssigner extends Base {
  readonly kind: 'watermarkAssigner';
  readonly input: PhysicalNode;
  readonly rowtime: string;
  readonly rex: Rex;
}
/** Writes rows to a table's connector. */
export interface PhysicalSink extends Base {
  readonly kind: 'sink';
  readonly input: PhysicalNode;
  readonly table: CatalogTable;
  /** The NOT NULL and length checks of each row before it is written; absent when none. */
  readonly constraints?: SinkConstraints;
}

/** The rows of all inputs, interleaved as they arrive. */
export interface PhysicalUnion extends Base {
  readonly kind: 'union';
  readonly inputs: readonly PhysicalNode[];
}

/** Any physical plan node. */
export type PhysicalNode =
  | PhysicalSourceScan
  | PhysicalValues
  | PhysicalCalc
  | PhysicalWatermarkAssigner
  | PhysicalSink
  | PhysicalUnion
  | AggregatePhysicalNode
  | WindowPhysicalNode
  | PhysicalJoin
  | PhysicalIntervalJoin
  | PhysicalTemporalJoin
  | PhysicalWindowJoin
  | OverPhysicalNode
  | PhysicalCorrelate
  | PhysicalExpand
  | PhysicalTemporalSort
  | PhysicalMatch;

/** The inputs of a physical node; a two-input node's are `[left, right]`. */
export function physicalInputs(node: PhysicalNode): readonly PhysicalNode[] {
  if ('inputs' in node) return node.inputs;
  if ('left' in node) return [node.left, node.right];
  return 'input' in node ? [node.input] : [];
}

/** Builds the physical plan of a rewritten logical plan. */
export function toPhysical(
  node: LogicalNode,
  registry: ConnectorRegistry,
  config?: TableConfig,
): PhysicalNode {
  const frozen = <T extends PhysicalNode>(n: T): T => Object.freeze(n);
  const recurse: PhysicalPlanner = (input) => toPhysical(input, registry, config);
  switch (node.kind) {
    case 'aggregate':
      return toPhysicalAggregate(node, recurse, aggregatePlanOptions(config, node.calls[0]?.pos));
    case 'windowTableFunction':
    case 'windowAggregate':
      return toPhysicalWindow(node, recurse, aggregatePhaseStrategy(config));
    case 'join':
      return toPhysicalJoin(node, recurse, config);
    case 'intervalJoin':
      return toPhysicalIntervalJoin(node, recurse);
    case 'temporalJoin':
      return toPhysicalTemporalJoin(node, recurse);
    case 'windowJoin':
      return toPhysicalWindowJoin(node, recurse);
    case 'over':
    case 'rank':
    case 'deduplicate':
    case 'windowRank':
      return toPhysicalOver(node, recurse, config);
    case 'correlate':
      return toPhysicalCorrelate(node, recurse);
    case 'expand':
      return toPhysicalExpand(node, recurse);
    case 'temporalSort':
      return toPhysicalTemporalSort(node, recurse);
    case 'match':
      return toPhysicalMatch(node, recurse);
    case 'scan':
      if (node.table.dataStream === undefined) {
        const factory = registry.factoryFor(node.table, node.pos);
        if (factory.createSource === undefined)
          throw validationError(
            node.pos,
            `table '${node.table.name}' uses connector '${factory.identifier}', which can only be written, not read`,
          );
      }
      return frozen({
        kind: 'sourceScan',
        table: node.table,
        ...(node.projection === undefined ? {} : { projection: node.projection }),
        ...(node.filters === undefined ? {} : { filters: node.filters }),
        ...(node.nestedProjection === undefined ? {} : { nestedProjection: node.nestedProjection }),
        ...(node.pos === undefined ? {} : { pos: node.pos }),
        columns: node.columns,
        changelogMode:
          (node.table.dataStream as { changelogMode?: ChangelogMode } | undefined)?.changelogMode ??
          'insert-only',
      });
    case 'values':
      return frozen({ kind: 'values', rows: node.rows, columns: node.columns, changelogMode: 'insert-only' });
    case 'filter': {
      const input = toPhysical(node.input, registry, config);
      const identity = node.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) }));
      return frozen({
        kind: 'calc',
        input,
        projections: identity,
        condition: node.condition,
        columns: node.columns,
        changelogMode: input.changelogMode,
      });
    }
    case 'project': {
      if (node.input.kind === 'filter') {
        const input = toPhysical(node.input.input, registry, config);
        return frozen({
          kind: 'calc',
          input,
          projections: node.projections,
          condition: node.input.condition,
          columns: node.columns,
          changelogMode: input.changelogMode,
        });
      }
      const input = toPhysical(node.input, registry, config);
      return frozen({
        kind: 'calc',
        input,
        projections: node.projections,
        columns: node.columns,
        changelogMode: input.changelogMode,
      });
    }
    case 'watermarkAssigner': {
      const input = toPhysical(node.input, registry, config);
      return frozen({
        kind: 'watermarkAssigner',
        input,
        rowtime: node.rowtime,
        rex: node.rex,
        columns: node.columns,
        changelogMode: input.changelogMode,
      });
    }
    case 'union': {
      const inputs = node.inputs.map((input) => toPhysical(input, registry, config));
      return frozen({
        kind: 'union',
        inputs,
        columns: node.columns,
        changelogMode: widestMode(inputs.map((i) => i.changelogMode)),
      });
    }
    case 'sink': {
      const input = toPhysical(node.input, registry, config);
      const factory = registry.factoryFor(node.table);
      if (factory.createSink === undefined)
        throw validationError(
          node.pos,
          `table '${node.table.name}' uses connector '${factory.identifier}', which can only be read, not written`,
        );
      const accepted = sinkModeOf(factory, node.table);
      if (!canConsume(accepted, input.changelogMode))
        throw validationError(
          node.pos,
          `table sink '${node.table.name}' takes ${accepted} rows, but the query produces ${input.changelogMode} changes; use a connector that accepts updates`,
        );
      const written = node.table.columns.filter(
        (c) => c.computed === undefined && c.metadata?.virtual !== true,
      );
      const constraints = sinkConstraints(written, config);
      return frozen({
        kind: 'sink',
        input,
        table: node.table,
        columns: node.columns,
        changelogMode: input.changelogMode,
        ...(constraints === undefined ? {} : { constraints }),
      });
    }
  }
}
