/**
 * User-defined functions by name, as registered on a TableEnvironment. Built-in functions are
 * not here: the typer knows the scalar ones and `aggregates/builtins.ts` the aggregate ones; a
 * user function may not take a built-in's name. Names are case-insensitive, as Flink resolves
 * function names.
 */
import type { AggregateFunctionDefinition } from '../aggregates/aggregate-function.js';

/** User-defined aggregate functions, and (from the UDF work) scalar and table functions. */
export class FunctionCatalog {
  private readonly aggregates = new Map<string, AggregateFunctionDefinition>();

  /** Registers an aggregate function; an existing one of the same name is replaced. */
  registerAggregate(definition: AggregateFunctionDefinition): void {
    this.aggregates.set(definition.name.toUpperCase(), definition);
  }

  /** The aggregate function of this name, if one is registered. */
  aggregate(name: string): AggregateFunctionDefinition | undefined {
    return this.aggregates.get(name.toUpperCase());
  }

  /** Removes a function of any kind; returns whether one existed. */
  drop(name: string): boolean {
    return this.aggregates.delete(name.toUpperCase());
  }

  /** Names of all user-defined functions, sorted. */
  names(): string[] {
    return [...this.aggregates.values()].map((d) => d.name).sort();
  }
}
