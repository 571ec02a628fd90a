/**
 * User-defined functions by name, as registered on a TableEnvironment: scalar, table and
 * aggregate functions share one namespace per kind of registration. Built-in functions are not
 * here: the typer knows the scalar ones and `aggregates/builtins.ts` the aggregate ones.
 *
 * A call resolves in Flink's order: temporary system functions, then built-in functions, then
 * (temporary) catalog functions. So a temporary system function shadows the built-in of its
 * name for the session until it is dropped, and a catalog function that takes a built-in's name
 * is reached only by a qualified call (`db.upper(x)`). Weir holds temporary catalog functions
 * and catalog functions in one namespace. Names are case-insensitive, as Flink resolves function
 * names. A call may qualify the name with a database (`db.f(x)`, `cat.db.f(x)`): it resolves to
 * the catalog function of the last part when the qualifier names an existing database (matched
 * case-insensitively, as the call's name is upper-cased), since all databases share the one
 * namespace; a qualified call never reaches a temporary system function, as in Flink.
 */
import type { AggregateFunctionDefinition } from '../aggregates/aggregate-function.js';
import type { ScalarUdf, TableUdf, UserFunctionDefinition } from '../functions/definitions.js';

/** A registered function of any kind. */
type Definition = UserFunctionDefinition | AggregateFunctionDefinition;

/** User-defined scalar, table and aggregate functions. */
export class FunctionCatalog {
  /** Temporary system functions, which shadow built-ins. */
  private readonly system = new Map<string, Definition>();
  /** Temporary catalog functions and catalog functions, which built-ins shadow. */
  private readonly catalog = new Map<string, Definition>();
  /**
   * Whether the upper-cased qualifier of a call's name (`['DB']`, `['CAT', 'DB']`) names a
   * database; the owning Catalog sets it. By default no qualifier does.
   */
  qualifierNamesDatabase: (parts: readonly string[]) => boolean = () => false;

  /** The function a (possibly qualified) name resolves to once built-ins are passed over. */
  private entry(name: string): Definition | undefined {
    const upper = name.toUpperCase();
    const direct = this.system.get(upper) ?? this.catalog.get(upper);
    if (direct !== undefined || !upper.includes('.')) return direct;
    const parts = upper.split('.');
    if (parts.length > 3 || !this.qualifierNamesDatabase(parts.slice(0, -1))) return undefined;
    return this.catalog.get(parts[parts.length - 1]!);
  }

  /**
   * The temporary system function an unqualified call of `name` means, before any built-in of
   * that name; undefined when there is none (the built-in, if any, applies).
   */
  shadowing(name: string): Definition | undefined {
    return this.system.get(name.toUpperCase());
  }

  /**
   * Registers any kind of user function, as a temporary system function or (with `system`
   * false) a catalog function; an existing one of the same name and registration is replaced.
   */
  register(definition: UserFunctionDefinition, system = true): void {
    (system ? this.system : this.catalog).set(definition.name.toUpperCase(), definition);
  }

  /** Registers an aggregate function as a temporary system function; one of its name is replaced. */
  registerAggregate(definition: AggregateFunctionDefinition): void {
    this.system.set(definition.name.toUpperCase(), definition);
  }

  /** The aggregate function of this name, if one is registered. */
  aggregate(name: string): AggregateFunctionDefinition | undefined {
    const definition = this.entry(name);
    return definition === undefined || !isAggregate(definition) ? undefined : definition;
  }

  /** The scalar function of this name, if one is registered. */
  scalar(name: string): ScalarUdf | undefined {
    const definition = this.entry(name);
    return (definition as { kind?: string } | undefined)?.kind === 'scalar'
      ? (definition as ScalarUdf)
      : undefined;
  }

  /** The table function of this name, if one is registered. */
  table(name: string): TableUdf | undefined {
    const definition = this.entry(name);
    return (definition as { kind?: string } | undefined)?.kind === 'table'
      ? (definition as TableUdf)
      : undefined;
  }

  /** The kind of the function of this name, if any: for errors that name what it is. */
  kindOf(name: string): 'scalar' | 'table' | 'aggregate' | undefined {
    const definition = this.entry(name);
    if (definition === undefined) return undefined;
    return isAggregate(definition) ? 'aggregate' : (definition as ScalarUdf | TableUdf).kind;
  }

  /** Whether the function of this name is a table aggregate function (its value is the rows it emits). */
  isTableAggregate(name: string): boolean {
    return (this.entry(name) as { tableAggregate?: boolean } | undefined)?.tableAggregate === true;
  }

  /** Whether a temporary system function of this name is registered. */
  isSystem(name: string): boolean {
    return this.system.has(name.toUpperCase());
  }

  /** Whether a catalog function of this name is registered. */
  isCatalogFunction(name: string): boolean {
    return this.catalog.has(name.toUpperCase());
  }

  /** Removes a temporary system function, bringing back a built-in it shadowed; returns whether one existed. */
  dropSystem(name: string): boolean {
    return this.system.delete(name.toUpperCase());
  }

  /** Removes a catalog function; returns whether one existed. */
  dropCatalogFunction(name: string): boolean {
    return this.catalog.delete(name.toUpperCase());
  }

  /** Names of all user-defined functions as registered, sorted; a name in both registrations once. */
  names(): string[] {
    const byUpper = new Map<string, string>();
    for (const definition of [...this.catalog.values(), ...this.system.values()])
      byUpper.set(definition.name.toUpperCase(), definition.name);
    return [...byUpper.values()].sort();
  }
}

function isAggregate(definition: Definition): definition is AggregateFunctionDefinition {
  return 'create' in definition && 'retractable' in definition;
}
