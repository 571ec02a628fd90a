/**
 * What each `*` of a view's query stood for when the view was created. Flink stores a view's
 * query with `*` expanded to the columns it meant then, so a table the view reads that is
 * dropped and created again with more columns does not change the view's schema. The planner
 * reports each star it expands ({@link noteStarExpansion}) while CREATE VIEW plans the query
 * under {@link recordStarExpansions}; the view's stored text then lists those columns.
 */
import type { SourcePos, Star } from '../parser/ast.js';

/** A column a star stood for: how the query names it, and its output name. */
export interface StarColumn {
  /** The table or alias that qualifies it; undefined for a column of an unnamed relation. */
  readonly qualifier?: string;
  readonly name: string;
  /** The name the select list gave it (`id0` for the second `id`). */
  readonly output: string;
}

/** One `*` or `t.*` as written, and the columns it expanded to. */
export interface StarExpansion {
  readonly pos: SourcePos;
  readonly qualifier: readonly string[];
  readonly columns: readonly StarColumn[];
}

/** Stars seen by the planning now under way, by position; undefined when nothing records. */
let recording: Map<string, StarExpansion> | undefined;

/**
 * Runs `plan` and returns what it returned with every star it expanded. Stars of views that
 * `plan` reads are not included: their positions are in those views' texts.
 */
export function recordStarExpansions<T>(plan: () => T): { result: T; stars: StarExpansion[] } {
  const outer = recording;
  const stars = new Map<string, StarExpansion>();
  recording = stars;
  try {
    return { result: plan(), stars: [...stars.values()] };
  } finally {
    recording = outer;
  }
}

/** Runs `plan` (a nested view's expansion) without recording its stars. */
export function withoutStarRecording<T>(plan: () => T): T {
  const outer = recording;
  recording = undefined;
  try {
    return plan();
  } finally {
    recording = outer;
  }
}

/**
 * Reports that the planner expanded `star` to `columns`. A star whose columns could not be
 * named unambiguously again (two unqualified columns of one name) is left out, so the text
 * keeps that `*`.
 */
export function noteStarExpansion(
  star: Star,
  columns: readonly StarColumn[],
  scope: readonly { readonly qualifier?: string; readonly name: string; readonly hidden?: boolean }[],
): void {
  if (recording === undefined) return;
  for (const c of columns) {
    const same = scope.filter((s) =>
      c.qualifier === undefined
        ? s.name === c.name && s.hidden !== true
        : s.qualifier === c.qualifier && s.name === c.name,
    );
    if (same.length !== 1) return;
  }
  // A CTE's query is planned once per reference: the same star, the same columns.
  recording.set(`${star.pos.line}:${star.pos.column}`, {
    pos: star.pos,
    qualifier: star.qualifier,
    columns,
  });
}
