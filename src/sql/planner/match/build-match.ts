/**
 * The plan of `input MATCH_RECOGNIZE (…)`: checks the clause against what Flink supports
 * (an ascending time attribute first in ORDER BY, a pattern that cannot match nothing and does
 * not end in a greedy quantifier, DEFINE and skip targets naming pattern variables), builds the
 * pattern's steps as Flink builds its CEP pattern (see {@link cepGreedy}) and turns
 * DEFINE and MEASURES into expressions over navigations (`match-navigations.ts`).
 */
import type { MatchRecognizeRef, PatternElement, SourcePos } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { formatType, withoutTimeAttribute } from '../../catalog/types.js';
import { typeExpression } from '../../expressions/typer.js';
import type { MatchExpression, MatchSpec } from '../../runtime/match/match-spec.js';
import type { PatternStep, SkipStrategy } from '../../runtime/match/pattern-matcher.js';
import type { PlanBuilder, Relation } from '../builder.js';
import type { PlanColumn } from '../logical.js';
import type { SortKey } from '../over/over-nodes.js';
import { ColumnScope, scopeOf } from '../scope.js';
import type { LogicalMatch, MatchText } from './match-nodes.js';
import { MatchExpressionBuilder } from './match-navigations.js';

/** The relation of a MATCH_RECOGNIZE clause. */
export function buildMatch(item: MatchRecognizeRef, builder: PlanBuilder): Relation {
  const input = builder.from(item.input);
  const scope = new ColumnScope(input.scope);
  const columnOf = (expr: MatchRecognizeRef['partitionBy'][number], what: string): PlanColumn => {
    const rex = typeExpression(expr, scope);
    if (rex.kind !== 'field')
      throw validationError(
        expr.pos,
        `MATCH_RECOGNIZE's ${what} takes columns, not expressions; compute it in a subquery`,
      );
    return { name: rex.name, type: rex.type };
  };
  const partition = item.partitionBy.map((e) => columnOf(e, 'PARTITION BY'));

  const first = item.orderBy[0];
  if (first === undefined)
    throw validationError(
      item.pos,
      'MATCH_RECOGNIZE needs ORDER BY with a time attribute first: ORDER BY rowtime',
    );
  const time = columnOf(first.expr, 'ORDER BY');
  if (time.type.rowtime !== true && time.type.proctime !== true)
    throw validationError(
      first.pos,
      `MATCH_RECOGNIZE must be ordered by a time attribute first, but ${time.name} is ${formatType(time.type)}; order by the table's rowtime or a PROCTIME() column`,
    );
  if (first.descending)
    throw validationError(
      first.pos,
      `MATCH_RECOGNIZE must order its time attribute ${time.name} ascending; drop DESC`,
    );
  const orderBy: SortKey[] = item.orderBy.map((o) => {
    const column = columnOf(o.expr, 'ORDER BY').name;
    return { column, descending: o.descending, nullsFirst: o.nullsFirst ?? !o.descending };
  });

  const variables = [...new Set(item.pattern.map((e) => e.variable))];
  checkPattern(item.pattern);
  const indexOf = (name: string, pos: SourcePos, what: string): number => {
    const i = variables.indexOf(name);
    if (i < 0)
      throw validationError(
        pos,
        `${what} ${name} is not a pattern variable; the pattern has ${variables.join(', ')}`,
      );
    return i;
  };
  const steps: PatternStep[] = item.pattern.map((e) => ({
    variable: variables.indexOf(e.variable),
    min: e.min,
    max: e.max,
    greedy: cepGreedy(e),
  }));
  const skip = skipOf(item, indexOf);

  const expressions = new MatchExpressionBuilder(input.plan.columns, variables, time.name, builder);
  const defines: (MatchExpression | undefined)[] = variables.map(() => undefined);
  for (const d of item.define) {
    const i = indexOf(d.variable, d.pos, 'DEFINE');
    if (defines[i] !== undefined)
      throw validationError(d.pos, `pattern variable ${d.variable} is defined twice`);
    defines[i] = expressions.condition(d.condition);
  }

  const columns: PlanColumn[] = partition.map((c) => ({ name: c.name, type: withoutTimeAttribute(c.type) }));
  const measures = item.measures.map((m) => {
    if (columns.some((c) => c.name === m.alias))
      throw validationError(
        m.expr.pos,
        `MATCH_RECOGNIZE has two output columns named ${m.alias}; rename the measure`,
      );
    const expr = expressions.measure(m.expr);
    columns.push({ name: m.alias, type: expr.rex.type });
    return { name: m.alias, expr };
  });

  const withinMs = item.within === undefined ? undefined : intervalMs(item);
  const spec: MatchSpec = Object.freeze({
    timeColumn: time.name,
    proctime: time.type.proctime === true,
    otherOrder: orderBy.slice(1),
    partitionKeys: partition.map((c) => c.name),
    variables,
    steps,
    skip,
    ...(withinMs === undefined ? {} : { withinMs }),
    defines,
    measures,
  });
  const text: MatchText = {
    measures: item.measures.map((m) => `${m.text} AS ${m.alias}`),
    after: afterText(item),
    pattern: item.pattern.map(elementText).join(' '),
    ...(withinMs === undefined ? {} : { within: `${withinMs} ms` }),
    define: item.define.map((d) => `${d.variable} AS ${d.text}`),
  };
  const plan: LogicalMatch = Object.freeze({
    kind: 'match',
    input: input.plan,
    spec,
    orderBy,
    text,
    columns: Object.freeze(columns),
  });
  const outScope = scopeOf(columns, item.alias);
  if (item.columnAliases.length > 0 && item.columnAliases.length !== outScope.length)
    throw validationError(
      item.pos,
      `${item.columnAliases.length} column aliases given for ${outScope.length} columns`,
    );
  return {
    plan,
    scope: outScope.map((c, i) =>
      item.columnAliases.length === 0 ? c : { ...c, name: item.columnAliases[i]! },
    ),
  };
}

/**
 * Whether Flink's SQL makes the variable's CEP pattern greedy: a greedy quantifier that can
 * stop at more than one count, except `?`, which it builds as a plain optional pattern, so that
 * both ways on stay open (the matcher's steps follow the CEP pattern).
 */
function cepGreedy(e: PatternElement): boolean {
  return e.greedy && e.min !== e.max && !(e.min === 0 && e.max === 1);
}

/**
 * Refuses what Flink refuses: patterns that can match no rows, and a last variable whose CEP
 * pattern is greedy (so `A B?` is accepted, `A B*` is not).
 */
function checkPattern(pattern: readonly PatternElement[]): void {
  if (pattern.every((e) => e.min === 0))
    throw unsupported(
      pattern[0]!.pos,
      'a pattern that can match no rows (as in Flink)',
      'make at least one variable mandatory, e.g. A+ instead of A*',
    );
  const last = pattern[pattern.length - 1]!;
  if (cepGreedy(last))
    throw unsupported(
      last.pos,
      `a greedy quantifier on the pattern's last variable ${last.variable} (as in Flink)`,
      `make it reluctant (${elementText(last)}?) or end the pattern with a variable that takes one row`,
    );
}

function skipOf(
  item: MatchRecognizeRef,
  indexOf: (name: string, pos: SourcePos, what: string) => number,
): SkipStrategy {
  const after = item.afterMatch;
  if (!('variable' in after)) return { kind: after.kind };
  const variable = indexOf(after.variable, after.pos, 'AFTER MATCH SKIP TO');
  const head = item.pattern[0]!;
  if (after.kind === 'toFirst' && head.variable === after.variable && head.min > 0)
    throw validationError(
      after.pos,
      `AFTER MATCH SKIP TO FIRST ${after.variable} would start every next match where the last one started; skip to another variable or PAST LAST ROW`,
    );
  return { kind: after.kind, variable };
}

function intervalMs(item: MatchRecognizeRef): number {
  const within = item.within!;
  const rex = typeExpression(within, new ColumnScope([]));
  if (
    rex.kind !== 'literal' ||
    rex.type.root !== 'INTERVAL_DAY_TIME' ||
    typeof rex.value !== 'number' ||
    rex.value <= 0
  )
    throw validationError(
      within.pos,
      "WITHIN takes a positive day-time interval literal: WITHIN INTERVAL '1' HOUR",
    );
  return rex.value;
}

function elementText(e: PatternElement): string {
  const { min, max } = e;
  let q: string;
  if (min === 1 && max === 1) q = '';
  else if (min === 0 && max === Number.POSITIVE_INFINITY) q = '*';
  else if (min === 1 && max === Number.POSITIVE_INFINITY) q = '+';
  else if (min === 0 && max === 1) q = '?';
  else if (max === Number.POSITIVE_INFINITY) q = `{${min},}`;
  else q = min === max ? `{${min}}` : `{${min},${max}}`;
  return `${e.variable}${q}${e.greedy || q === '' ? '' : '?'}`;
}

function afterText(item: MatchRecognizeRef): string {
  const after = item.afterMatch;
  switch (after.kind) {
    case 'pastLastRow':
      return 'SKIP PAST LAST ROW';
    case 'toNextRow':
      return 'SKIP TO NEXT ROW';
    case 'toFirst':
      return `SKIP TO FIRST ${after.variable}`;
    case 'toLast':
      return `SKIP TO LAST ${after.variable}`;
  }
}
