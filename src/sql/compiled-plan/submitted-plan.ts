/**
 * The physical plan of a SQL job, handed from the thread that submitted it to the worker threads
 * that rebuild it. A worker runs the job file again (`job-module.ts`), and for an INSERT that
 * would mean planning the query again: building its logical plan, optimizing it and choosing
 * its physical operators, which is a pure function of the statements, the session and the
 * catalog the file sets up the same way on every thread. The submitting thread instead
 * remembers the plan it made, in the JSON form of compiled plans (`plan-format.ts`), under the
 * index of the submission it becomes; the worker about to submit that index translates the
 * remembered plan and skips the planner. User functions travel by name and are the worker's own
 * registrations of them, as when a compiled plan is loaded.
 *
 * A plan JSON cannot hold (a table of a DataStream, a function object not registered by name) is
 * not remembered: the worker plans that job itself, as before.
 */
import { pendingSubmissionIndex } from '../../api/context.js';
import { recallFromSubmitter, rememberForRebuild, remembersForRebuild } from '../../api/rebuild-memo.js';
import type { PlanFunctions } from '../planner/plan-json.js';
import { type PlanTarget, planFromJson, planToJson, type SinkPlan } from './plan-format.js';

/** The rebuild-memo namespace of sink jobs' plans, keyed by submission index. */
const MEMO = 'sql.sink-job-plan';

/** The sink plans of one job and the tables they write, as the job is started from them. */
export interface SinkJobPlan {
  readonly sinks: readonly SinkPlan[];
  readonly targets: readonly PlanTarget[];
}

let recalled = 0;

/**
 * On the submitting thread, just before the job is submitted: remembers its plan for the
 * workers that will rebuild it (nothing unless its tasks can run on worker threads).
 */
export function rememberSinkJobPlan(plan: SinkJobPlan, functions: PlanFunctions): void {
  if (!remembersForRebuild()) return;
  let json: string | false;
  try {
    // The job options are the session's, which the worker sets up itself.
    json = planToJson({ ...plan, options: {} }, functions);
  } catch {
    // A plan JSON cannot hold: the worker plans this job itself. Remembered as such, so the
    // plan of an earlier job file's submission of this index is not taken for it.
    json = false;
  }
  rememberForRebuild(MEMO, String(pendingSubmissionIndex()), json);
}

/**
 * On a worker rebuilding a job, before planning an INSERT job into the tables at `paths`: the
 * plan the submitting thread made of the job this thread submits next, if it remembered one
 * for the same tables (a job file that builds other jobs on other threads plans its own).
 */
export function recallSinkJobPlan(
  paths: readonly string[],
  functions: PlanFunctions,
): SinkJobPlan | undefined {
  const json = recallFromSubmitter(MEMO, String(pendingSubmissionIndex()));
  if (typeof json !== 'string') return undefined;
  const { sinks, targets } = planFromJson(json, "the submitting thread's plan", functions);
  if (targets.map((t) => t.path).join('\n') !== paths.join('\n')) return undefined;
  recalled++;
  return { sinks, targets };
}

/** @internal How many jobs this thread started from the submitting thread's plan. */
export function sinkJobPlansRecalled(): number {
  return recalled;
}
