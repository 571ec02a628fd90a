/**
 * Compiled plans, as Flink's `CompiledPlan` and `PlanReference`: the physical plan of an INSERT
 * or a statement set, fixed in a JSON document (`plan-format.ts`). Running a compiled plan does
 * not plan the SQL again, so the job keeps its operators and their state layout across Weir
 * upgrades and changes to the planner, and a savepoint of the job restores into it. The plan
 * holds its tables with their connector options, so it runs in a session without their DDL.
 *
 * @example
 * const plan = tEnv.compilePlanSql('INSERT INTO sink SELECT id, COUNT(*) FROM src GROUP BY id');
 * // or, in the Table API: tEnv.from('src').groupBy($('id')).select(…).insertInto('sink').compilePlan()
 * plan.writeToFile('/plans/counts.json');
 * // later, in another session or after an upgrade:
 * await tEnv.loadPlan(PlanReference.fromFile('/plans/counts.json')).execute().await();
 */
import type { TableConfig } from '../config.js';
import { validationError } from '../errors.js';
import type { SourcePos } from '../parser/ast.js';
import { explainPhysicalReused } from '../planner/explain.js';
import type { TableResult } from '../table-result.js';
import type { PlanContent } from './plan-format.js';
import { planFileExists, planFromSubmitter, planPath, readPlanFile, writePlanFile } from './plan-file.js';

/** What a compiled plan needs of the TableEnvironment that made or loaded it. */
export interface CompiledPlanOwner {
  /** @internal Runs the plan's sinks as one job. */
  executeCompiledPlan(plan: CompiledPlan): TableResult;
  /** @internal The session's options (`table.plan.force-recompile`). */
  getConfig(): TableConfig;
}

/**
 * A job's physical plan, compiled by `compilePlanSql`, `StatementSet.compilePlan` or
 * `TablePipeline.compilePlan`, or loaded by `loadPlan`.
 */
export class CompiledPlan {
  /** @internal */
  constructor(
    private readonly owner: CompiledPlanOwner,
    /** @internal */
    readonly content: PlanContent,
    private readonly json: string,
  ) {}

  /** The plan as JSON text, as {@link writeToFile} writes it. */
  asJsonString(): string {
    return this.json;
  }

  /** Prints {@link asJsonString}'s text and a line break (to standard output unless a target is given). */
  printJsonString(target: { write(text: string): unknown } = process.stdout): void {
    target.write(`${this.json}\n`);
  }

  /**
   * Writes the plan to `path` (a `file:` URI or a local path; its directory is made). An existing
   * file is kept when `ignoreIfExists`; otherwise it is an error, unless the session has
   * `table.plan.force-recompile` set to true, which overwrites it (as in Flink).
   */
  writeToFile(path: string, ignoreIfExists = false): void {
    this.writeTo(planPath(path), ignoreIfExists, undefined);
  }

  /** @internal As {@link writeToFile}, with errors at `pos`. */
  writeTo(path: string, ignoreIfExists: boolean, pos: SourcePos | undefined): void {
    // A worker rebuilding the job: its submitting thread wrote the file, or kept it.
    if (planFromSubmitter(path)) return;
    if (planFileExists(path)) {
      if (ignoreIfExists) return;
      if (this.owner.getConfig().get<boolean>('table.plan.force-recompile') !== true)
        throw validationError(
          pos,
          `plan file '${path}' exists already; add IF NOT EXISTS to keep it, remove it, or SET 'table.plan.force-recompile' = 'true' to overwrite it`,
        );
    }
    writePlanFile(path, this.json, pos);
  }

  /** The Weir version that compiled the plan (Flink's `getFlinkVersion`). */
  getWeirVersion(): string {
    return this.content.weirVersion;
  }

  /** The plan's format version: a Weir runs the plans of its own format only. */
  getFormatVersion(): number {
    return this.content.formatVersion;
  }

  /** The physical plan, as the Physical Plan section of EXPLAIN prints it. */
  explain(): string {
    return ['== Physical Plan ==', explainPhysicalReused(this.content.sinks)].join('\n');
  }

  /** Runs the plan as one job, as its INSERT or statement set would run; the result is theirs. */
  execute(): TableResult {
    return this.owner.executeCompiledPlan(this);
  }
}

/** Where a plan is loaded from, for `TableEnvironment.loadPlan`. */
export class PlanReference {
  private constructor(
    /** @internal */
    readonly read: (pos?: SourcePos) => { readonly text: string; readonly source: string },
  ) {}

  /** The plan file at `path` (a `file:` URI or a local path), read when the plan is loaded. */
  static fromFile(path: string): PlanReference {
    const absolute = planPath(path);
    return new PlanReference((pos) => ({
      text: readPlanFile(absolute, pos),
      source: `plan file '${absolute}'`,
    }));
  }

  /** A plan given as its JSON text, such as {@link CompiledPlan.asJsonString} returns. */
  static fromJsonString(json: string): PlanReference {
    return new PlanReference(() => ({ text: json, source: 'the JSON text' }));
  }
}
