/**
 * The Expand node of grouping sets: physical planning, DataStream translation (a flatMap that
 * builds one row per projection list with compiled projections) and EXPLAIN lines in Flink's
 * form, `Expand(projects=[{a, b, 0 AS $e}, {a, null AS b, 1 AS $e}])`.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Collector } from '../../../types/functions.js';
import { type CalcFunction, compileCalc, type Row } from '../../expressions/compiler.js';
import { formatRex, type Rex } from '../../expressions/rex.js';
import type { ChangelogRow } from '../changelog.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalExpand, PhysicalExpand } from './expand-nodes.js';

/** The physical plan of an expand: the same projections over the planned input. */
export function toPhysicalExpand(node: LogicalExpand, recurse: PhysicalPlanner): PhysicalNode {
  const input = recurse(node.input);
  const physical: PhysicalExpand = {
    kind: 'expand',
    input,
    projects: node.projects,
    columns: node.columns,
    changelogMode: input.changelogMode,
  };
  return Object.freeze(physical);
}

/**
 * Emits one row per projection list; on a changelog edge each keeps its change's kind, so a
 * retraction takes back every row its insertion made.
 */
class ExpandFunction {
  private compiled: CalcFunction[] = [];

  constructor(
    private readonly projections: readonly (readonly { name: string; rex: Rex }[])[],
    private readonly changelog: boolean,
  ) {}

  open(): void {
    // The projections are fields and literals only: no user function instances to open.
    this.compiled = this.projections.map((p) => compileCalc(p));
  }

  flatMap(element: Row, out: Collector<Row>): void {
    const compiled = this.compiled;
    if (!this.changelog) {
      for (let i = 0; i < compiled.length; i++) out.collect(compiled[i]!(element)!);
      return;
    }
    const change = element as unknown as ChangelogRow;
    for (let i = 0; i < compiled.length; i++)
      out.collect({ kind: change.kind, row: compiled[i]!(change.row)! } as unknown as Row);
  }
}

/** The DataStream operator of a physical expand. */
export function translateExpand(
  node: PhysicalExpand,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  const projections = node.projects.map((list) =>
    list.map((rex, i) => ({ name: node.columns[i]!.name, rex })),
  );
  return recurse(node.input)
    .flatMap(new ExpandFunction(projections, node.changelogMode !== 'insert-only'))
    .name('Expand');
}

function projects(node: {
  projects: readonly (readonly Rex[])[];
  columns: readonly { name: string }[];
}): string {
  return node.projects
    .map((list) => {
      const items = list.map((rex, i) => {
        const name = node.columns[i]!.name;
        return rex.kind === 'field' && rex.name === name ? name : `${formatRex(rex)} AS ${name}`;
      });
      return `{${items.join(', ')}}`;
    })
    .join(', ');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainExpandLogical(node: LogicalExpand): string {
  return `LogicalExpand(projects=[${projects(node)}])`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainExpandPhysical(node: PhysicalExpand, mode: string): string {
  return `Expand(projects=[${projects(node)}], ${mode})`;
}
