/**
 * The functions a compiled plan refers to by name (`plan-json.ts`): built-in aggregates, which
 * the plan's aggregate calls carry as definitions, and the session's user-defined functions.
 * A built-in is named `builtin:NAME` so a user function of the same name never stands in for it.
 */
import { BUILTIN_AGGREGATES } from '../aggregates/builtins.js';
import { OVER_ONLY_AGGREGATES } from '../aggregates/lag.js';
import type { FunctionCatalog } from '../catalog/function-catalog.js';
import type { PlanFunctions } from '../planner/plan-json.js';

const BUILTIN = 'builtin:';

/** Names and finds the functions of a plan among the built-ins and `functions`. */
export function planFunctions(functions: FunctionCatalog): PlanFunctions {
  const builtIn = (name: string) => BUILTIN_AGGREGATES.get(name) ?? OVER_ONLY_AGGREGATES.get(name);
  const user = (name: string) => functions.scalar(name) ?? functions.table(name) ?? functions.aggregate(name);
  return {
    nameOf(value) {
      const name = (value as { name?: unknown }).name;
      if (typeof name !== 'string' || Array.isArray(value)) return undefined;
      if (builtIn(name) === value) return `${BUILTIN}${name}`;
      return user(name) === value ? name : undefined;
    },
    lookup(name) {
      return name.startsWith(BUILTIN) ? builtIn(name.slice(BUILTIN.length)) : user(name);
    },
  };
}
