/**
 * The plan a submitting thread hands to the workers rebuilding its INSERT job: recalled under
 * the submission index it was remembered at, for the same tables only; a plan JSON cannot hold
 * leaves the worker to plan, even where an earlier job of the process left a plan at that
 * index. (test/sql/worker-rebuild-plan.test.ts runs such plans on real worker threads, user
 * functions included.)
 */
import { afterEach, expect, it } from 'vitest';
import { nextSubmissionIndex, setEnvironmentDefaults } from '../../api/context.js';
import { installRebuildMemo, rebuildMemo } from '../../api/rebuild-memo.js';
import { StreamExecutionEnvironment } from '../../api/environment.js';
import { TableEnvironment } from '../table-environment.js';
import { FunctionCatalog } from '../catalog/function-catalog.js';
import { planFunctions } from './plan-functions.js';
import {
  recallSinkJobPlan,
  rememberSinkJobPlan,
  sinkJobPlansRecalled,
  type SinkJobPlan,
} from './submitted-plan.js';

afterEach(() => {
  setEnvironmentDefaults(undefined);
  installRebuildMemo(undefined);
});

/** The built-in functions a plan may name. */
const functions = planFunctions(new FunctionCatalog());

/** The plan of an INSERT with an aggregate (a function the plan names). */
function insertPlan(): SinkJobPlan {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql("CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3')");
  tEnv.executeSql("CREATE TABLE dst (id BIGINT, n BIGINT) WITH ('connector' = 'blackhole')");
  const { sinks, targets } = tEnv.compilePlanSql(
    'INSERT INTO dst SELECT id, COUNT(*) FROM src GROUP BY id',
  ).content;
  return { sinks, targets };
}

/** Remembers `plan` as the submitting thread of a job file, at submission index `index`. */
function rememberAt(index: number, plan: SinkJobPlan): void {
  setEnvironmentDefaults({ jobModule: { path: '/job.ts', args: [] } });
  for (let i = 0; i < index; i++) nextSubmissionIndex();
  rememberSinkJobPlan(plan, functions);
}

/** Installs what was remembered as a worker does, at submission index `index`. */
function workerAt(index: number): void {
  const memo = rebuildMemo();
  setEnvironmentDefaults(undefined);
  installRebuildMemo(memo);
  for (let i = 0; i < index; i++) nextSubmissionIndex();
}

it('a worker recalls the plan at its submission index, for the same tables', () => {
  const plan = insertPlan();
  rememberAt(1, plan);
  workerAt(0);
  expect(recallSinkJobPlan(['dst'], functions)).toBeUndefined();
  nextSubmissionIndex();
  expect(recallSinkJobPlan(['other'], functions)).toBeUndefined();
  const before = sinkJobPlansRecalled();
  expect(recallSinkJobPlan(['dst'], functions)).toEqual(plan);
  expect(sinkJobPlansRecalled()).toBe(before + 1);
});

it('a plan JSON cannot hold is not recalled, even over an earlier plan at its index', () => {
  const plan = insertPlan();
  rememberAt(0, plan);
  const sink = { ...plan.sinks[0]!, code: () => 1 } as unknown as SinkJobPlan['sinks'][number];
  rememberAt(0, { sinks: [sink], targets: plan.targets });
  workerAt(0);
  expect(recallSinkJobPlan(['dst'], functions)).toBeUndefined();
});
