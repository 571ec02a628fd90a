/**
 * The query hints the operators of a query block take from it. A join of FROM gets STATE_TTL
 * for an input named in the hint (a table, view or alias; an input that is itself a join has
 * no name) and LOOKUP when its right side is the hint's lookup table; a group aggregate over
 * one named input gets that input's STATE_TTL. They ride on the logical nodes to the physical
 * planning of the operators they become.
 */
import type { FromItem, Join } from '../../parser/ast.js';
import type { LogicalAggregate } from '../aggregate/aggregate-nodes.js';
import type { LogicalJoin } from '../join/join-nodes.js';
import { inputsOf, type LogicalNode, withInputs } from '../logical.js';
import type { LookupHint } from './lookup-hint.js';
import { currentQueryBlock, hintNameOf } from './query-block.js';
import type { TtlHint } from './state-ttl.js';

/** Hints on one join. */
export interface JoinHints {
  readonly leftTtl?: TtlHint;
  readonly rightTtl?: TtlHint;
  readonly lookup?: LookupHint;
}

/** The join with the current query block's hints for its inputs; itself when none apply. */
export function hintedJoin(join: LogicalJoin, item: Join): LogicalJoin {
  const block = currentQueryBlock();
  const leftName = hintNameOf(item.left);
  const rightName = hintNameOf(item.right);
  const leftTtl = leftName === undefined ? undefined : block.stateTtl.get(leftName);
  const rightTtl = rightName === undefined ? undefined : block.stateTtl.get(rightName);
  // LOOKUP names the table itself, as written in FROM, not an alias.
  const lookup =
    item.right.kind === 'tableRef'
      ? block.lookup.get(item.right.name[item.right.name.length - 1]!)
      : undefined;
  if (leftTtl === undefined && rightTtl === undefined && lookup === undefined) return join;
  const hints: JoinHints = Object.freeze({
    ...(leftTtl === undefined ? {} : { leftTtl }),
    ...(rightTtl === undefined ? {} : { rightTtl }),
    ...(lookup === undefined ? {} : { lookup }),
  });
  return Object.freeze({ ...join, hints });
}

/** `rebuilt` (a rule's new join for `original`) with the original's hints. */
export function keepJoinHints(original: LogicalJoin, rebuilt: LogicalJoin): LogicalJoin {
  return original.hints === undefined || rebuilt.hints !== undefined
    ? rebuilt
    : Object.freeze({ ...rebuilt, hints: original.hints });
}

/** EXPLAIN's `stateTtlHints=[[[STATE_TTL options:{LEFT=1d, RIGHT=12h}]]]`, as Flink prints a hinted join; '' without. */
export function explainJoinTtl(hints: JoinHints | undefined): string {
  if (hints?.leftTtl === undefined && hints?.rightTtl === undefined) return '';
  const options = [
    ...(hints.leftTtl === undefined ? [] : [`LEFT=${hints.leftTtl.text}`]),
    ...(hints.rightTtl === undefined ? [] : [`RIGHT=${hints.rightTtl.text}`]),
  ];
  return `stateTtlHints=[[[STATE_TTL options:{${options.join(', ')}}]]], `;
}

/**
 * The aggregate(s) `plan` built over `input` for a SELECT whose FROM is one named table, view or
 * subquery, with that input's STATE_TTL from the current query block; `plan` when none applies.
 */
export function hintedAggregate(
  plan: LogicalNode,
  from: FromItem | undefined,
  input: LogicalNode,
): LogicalNode {
  const name = from === undefined ? undefined : hintNameOf(from);
  const ttl = name === undefined ? undefined : currentQueryBlock().stateTtl.get(name);
  if (ttl === undefined) return plan;
  const rewrite = (node: LogicalNode): LogicalNode => {
    if (node === input) return node;
    const below = withInputs(node, inputsOf(node).map(rewrite));
    return below.kind === 'aggregate' ? Object.freeze({ ...below, stateTtlHint: ttl }) : below;
  };
  return rewrite(plan);
}

/** `rebuilt` (a rule's new aggregate for `original`, as split-distinct makes) with the original's STATE_TTL. */
export function keepAggregateHint(original: LogicalAggregate, rebuilt: LogicalAggregate): LogicalAggregate {
  return original.stateTtlHint === undefined || rebuilt.stateTtlHint !== undefined
    ? rebuilt
    : Object.freeze({ ...rebuilt, stateTtlHint: original.stateTtlHint });
}

/** EXPLAIN's `stateTtlHints=[[[STATE_TTL options:[1d]]]]` of a hinted aggregate, as Flink prints it; '' without. */
export function explainAggregateTtl(hint: TtlHint | undefined): string {
  return hint === undefined ? '' : `stateTtlHints=[[[STATE_TTL options:[${hint.text}]]]], `;
}
