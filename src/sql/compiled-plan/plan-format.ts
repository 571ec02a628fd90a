/**
 * The JSON document of a compiled plan. It holds the job's physical plans (one per INSERT,
 * `plan-json.ts` says how each is written), the tables they read and write with their connector
 * options inside them, the planner options the plans were made under, and two versions: the
 * format version decides whether this Weir can read the file, the Weir version says which Weir
 * wrote it. A plan is only run by a Weir that reads its format, because a plan is the exact
 * operator layout whose state a savepoint holds: reading it differently would restore that
 * state into other operators.
 */
import { readFileSync } from 'node:fs';
import { TableConfig } from '../config.js';
import { validationError } from '../errors.js';
import type { SourcePos } from '../parser/ast.js';
import { decodePlanValue, encodePlanValue, type PlanFunctions } from '../planner/plan-json.js';
import type { PhysicalNode } from '../planner/physical.js';

/** The format version this Weir writes and reads; raised whenever a plan's meaning changes. */
export const PLAN_FORMAT_VERSION = 1;

/** The version of Weir, from its package.json. */
export const WEIR_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The sink plan of one INSERT of a job. */
export type SinkPlan = Extract<PhysicalNode, { kind: 'sink' }>;

/** Where an INSERT writes: the table as the statement named it, and its full name for the result column. */
export interface PlanTarget {
  readonly path: string;
  readonly target: string;
}

/** A compiled plan in memory: what its file holds. */
export interface PlanContent {
  readonly formatVersion: number;
  readonly weirVersion: string;
  /** One per INSERT, in statement order. */
  readonly sinks: readonly SinkPlan[];
  readonly targets: readonly PlanTarget[];
  /** The `table.*` options the plans were made under, as set (key to text). */
  readonly options: Readonly<Record<string, string>>;
}

/**
 * The planner options a plan keeps: `table.*`, which shape operators (state TTL, mini-batch, time
 * zone); the job options (parallelism, checkpointing, savepoint to restore) are the running
 * session's, as in Flink. The plan options themselves are left out: they are about the file.
 * The time zone is kept resolved, so `'default'` means the zone of the session that compiled.
 */
export function planOptions(config: TableConfig): Record<string, string> {
  return Object.fromEntries(
    config
      .entries()
      .filter(([key]) => key.startsWith('table.') && !key.startsWith('table.plan.'))
      .map(([key, text]) => [key, key === ZONE ? (config.get<string>(ZONE) ?? text) : text]),
  );
}

const ZONE = 'table.local-time-zone';

/** The JSON text of a plan, indented as Flink writes its plans. */
export function planToJson(
  content: Omit<PlanContent, 'formatVersion' | 'weirVersion'>,
  functions: PlanFunctions,
): string {
  const document = {
    formatVersion: PLAN_FORMAT_VERSION,
    weirVersion: WEIR_VERSION,
    targets: content.targets,
    options: content.options,
    sinks: content.sinks.map((sink) => encodePlanValue(sink, functions)),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The plan of a JSON text; `source` names where it came from in errors, which are at `pos`, the
 * statement that loads the plan, if any. A text that is not a plan, or one of another format
 * version, is a one-line error saying what to do.
 */
export function planFromJson(
  text: string,
  source: string,
  functions: PlanFunctions,
  pos?: SourcePos,
): PlanContent {
  const notAPlan = (why: string) =>
    validationError(
      pos,
      `${source} is not a compiled plan: ${why}; give a file written by COMPILE PLAN or CompiledPlan.writeToFile`,
    );
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw notAPlan(`it is not JSON (${(error as Error).message})`);
  }
  const d = document as Partial<Record<keyof PlanContent, unknown>> | null;
  if (d === null || typeof d !== 'object' || typeof d.formatVersion !== 'number')
    throw notAPlan('it has no formatVersion');
  const writer = typeof d.weirVersion === 'string' ? `Weir ${d.weirVersion}` : 'an unknown Weir';
  if (d.formatVersion !== PLAN_FORMAT_VERSION)
    throw validationError(
      pos,
      `${source} is a plan of format version ${d.formatVersion} (written by ${writer}), which Weir ${WEIR_VERSION} cannot run (it runs format ${PLAN_FORMAT_VERSION}); compile the plan again with this Weir (COMPILE PLAN … FOR …)`,
    );
  if (!Array.isArray(d.sinks) || !Array.isArray(d.targets) || d.sinks.length !== d.targets.length)
    throw notAPlan('its sinks and targets do not match');
  if (d.options === null || typeof d.options !== 'object') throw notAPlan('it has no options');
  const sinks = d.sinks.map((sink) => decodePlanValue(sink, functions, pos) as SinkPlan);
  if (sinks.some((sink) => sink?.kind !== 'sink' || typeof sink.table?.options !== 'object'))
    throw notAPlan('a sink in it is not the plan of an INSERT');
  return {
    formatVersion: d.formatVersion,
    weirVersion: String(d.weirVersion),
    sinks,
    targets: d.targets as PlanTarget[],
    options: d.options as Record<string, string>,
  };
}

/**
 * The options a plan's job is translated under: the running session's job options, and the
 * plan's own planner options in place of the session's.
 */
export function planRunConfig(session: TableConfig, options: Readonly<Record<string, string>>): TableConfig {
  const config = new TableConfig();
  for (const [key, text] of session.entries()) if (!key.startsWith('table.')) config.set(key, text);
  for (const [key, text] of Object.entries(options)) config.set(key, text);
  return config;
}
