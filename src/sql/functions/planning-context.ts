/**
 * The user-defined functions visible while a statement is planned. Expressions are typed deep
 * inside each operator family's builder, with scopes that know only columns; rather than thread
 * the function catalog through every builder and scope, the TableEnvironment installs its
 * catalog for the duration of planning. Planning is synchronous, so the installed catalog is
 * always the one of the statement being planned; nested planning (a view inside a query)
 * installs the same catalog again and restores it after. The session's current catalog and
 * database ride along, for CURRENT_DATABASE().
 */
import type { FunctionCatalog } from '../catalog/function-catalog.js';

/** Where the session is: what the catalog's USE statements set. */
export interface PlanningSession {
  currentCatalog(): string;
  currentDatabase(): string;
}

let current: FunctionCatalog | undefined;
let session: PlanningSession | undefined;

/**
 * Runs `plan` with `functions` as the user-defined functions expressions may call and, when
 * given, `where` as the session's current catalog and database.
 */
export function withFunctionCatalog<T>(
  functions: FunctionCatalog,
  plan: () => T,
  where?: PlanningSession,
): T {
  const previous = current;
  const previousSession = session;
  current = functions;
  session = where ?? session;
  try {
    return plan();
  } finally {
    current = previous;
    session = previousSession;
  }
}

/** The session of the statement being planned; undefined outside planning. */
export function plannedSession(): PlanningSession | undefined {
  return session;
}

/** The user-defined functions of the statement being planned; undefined outside planning. */
export function plannedFunctions(): FunctionCatalog | undefined {
  return current;
}
