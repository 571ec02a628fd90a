/**
 * The user-defined functions visible while a statement is planned. Expressions are typed deep
 * inside each operator family's builder, with scopes that know only columns; rather than thread
 * the function catalog through every builder and scope, the TableEnvironment installs its
 * catalog for the duration of planning. Planning is synchronous, so the installed catalog is
 * always the one of the statement being planned; nested planning (a view inside a query)
 * installs the same catalog again and restores it after.
 */
import type { FunctionCatalog } from '../catalog/function-catalog.js';

let current: FunctionCatalog | undefined;

/** Runs `plan` with `functions` as the user-defined functions expressions may call. */
export function withFunctionCatalog<T>(functions: FunctionCatalog, plan: () => T): T {
  const previous = current;
  current = functions;
  try {
    return plan();
  } finally {
    current = previous;
  }
}

/** The user-defined functions of the statement being planned; undefined outside planning. */
export function plannedFunctions(): FunctionCatalog | undefined {
  return current;
}
