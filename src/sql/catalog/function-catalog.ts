/**
 * User-defined functions by name, as registered on a TableEnvironment: scalar, table and
 * aggregate functions share one namespace. Built-in functions are not here: the typer knows the
 * scalar ones and `aggregates/builtins.ts` the aggregate ones; a user function may not take a
 * built-in's name (Flink lets a temporary system function shadow one; Weir refuses, so a query
 * means the same in every session). Names are case-insensitive, as Flink resolves function
 * names. A call may qualify the name with a database (`db.f(x)`, `cat.db.f(x)`): it resolves
 * to the function of the last part when the qualifier names an existing database (matched
 * case-insensitively, as the call's name is upper-cased), since all databases share the one
 * namespace.
 */
import type { AggregateFunctionDefinition } from '../aggregates/aggregate-function.js';
import type { ScalarUdf, TableUdf, UserFunctionDefinition } from '../functions/definitions.js';

/** A registered function and whether it was registered as a system function. */
interface Entry {
  readonly definition: UserFunctionDefinition | AggregateFunctionDefinition;
  readonly system: boolean;
}

/** User-defined scalar, table and aggregate functions. */
export class FunctionCatalog {
  private readonly entries = new Map<string, Entry>();
  /**
   * Whether the upper-cased qualifier of a call's name (`['DB']`, `['CAT', 'DB']`) names a
   * database; the owning Catalog sets it. By default no qualifier does.
   */
  qualifierNamesDatabase: (parts: readonly string[]) => boolean = () => false;

  /** The entry a (possibly qualified) name resolves to. */
  private entry(name: string): Entry | undefined {
    const upper = name.toUpperCase();
    const direct = this.entries.get(upper);
    if (direct !== undefined || !upper.includes('.')) return direct;
    const parts = upper.split('.');
    if (parts.length > 3 || !this.qualifierNamesDatabase(parts.slice(0, -1))) return undefined;
    return this.entries.get(parts[parts.length - 1]!);
  }

  /** Registers any kind of user function; an existing one of the same name is replaced. */
  register(definition: UserFunctionDefinition, system = true): void {
    this.entries.set(definition.name.toUpperCase(), { definition, system });
  }

  /** Registers an aggregate function; an existing one of the same name is replaced. */
  registerAggregate(definition: AggregateFunctionDefinition): void {
    this.entries.set(definition.name.toUpperCase(), { definition, system: true });
  }

  /** The aggregate function of this name, if one is registered. */
  aggregate(name: string): AggregateFunctionDefinition | undefined {
    const definition = this.entry(name)?.definition;
    return definition === undefined || !isAggregate(definition) ? undefined : definition;
  }

  /** The scalar function of this name, if one is registered. */
  scalar(name: string): ScalarUdf | undefined {
    const definition = this.entry(name)?.definition;
    return (definition as { kind?: string } | undefined)?.kind === 'scalar'
      ? (definition as ScalarUdf)
      : undefined;
  }

  /** The table function of this name, if one is registered. */
  table(name: string): TableUdf | undefined {
    const definition = this.entry(name)?.definition;
    return (definition as { kind?: string } | undefined)?.kind === 'table'
      ? (definition as TableUdf)
      : undefined;
  }

  /** The kind of the function of this name, if any: for errors that name what it is. */
  kindOf(name: string): 'scalar' | 'table' | 'aggregate' | undefined {
    const definition = this.entry(name)?.definition;
    if (definition === undefined) return undefined;
    return isAggregate(definition) ? 'aggregate' : (definition as ScalarUdf | TableUdf).kind;
  }

  /** Whether a function of this name was registered as a temporary system function. */
  isSystem(name: string): boolean {
    return this.entries.get(name.toUpperCase())?.system ?? false;
  }

  /** Removes a function of any kind; returns whether one existed. */
  drop(name: string): boolean {
    return this.entries.delete(name.toUpperCase());
  }

  /** Names of all user-defined functions as registered, sorted. */
  names(): string[] {
    return [...this.entries.values()].map((e) => e.definition.name).sort();
  }
}

function isAggregate(
  definition: UserFunctionDefinition | AggregateFunctionDefinition,
): definition is AggregateFunctionDefinition {
  return 'create' in definition && 'retractable' in definition;
}
