/**
 * The connectors SQL tables can use, by their `connector` option, and the validation of a
 * table's `WITH (…)` options against the chosen factory: unknown connector, missing required
 * option, unknown option and bad value each give one line naming the option and what is allowed.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import type { CatalogColumn, CatalogTable } from '../catalog/catalog.js';
import { blackholeFactory } from './blackhole.js';
import { datagenFactory } from './datagen.js';
import type { ConnectorOption, DynamicTableFactory } from './factory.js';
import { filesystemFactory } from './filesystem.js';
import { jdbcFactory } from './jdbc/jdbc.js';
import { nexmarkFactory } from './nexmark.js';
import { printFactory } from './print.js';

/** Factories by identifier; later connectors (filesystem, nexmark) register here. */
export class ConnectorRegistry {
  private readonly factories = new Map<string, DynamicTableFactory>();

  constructor(
    factories: readonly DynamicTableFactory[] = [
      datagenFactory,
      printFactory,
      blackholeFactory,
      nexmarkFactory,
      filesystemFactory,
      jdbcFactory,
    ],
  ) {
    for (const f of factories) this.register(f);
  }

  register(factory: DynamicTableFactory): void {
    this.factories.set(factory.identifier, factory);
  }

  identifiers(): string[] {
    return [...this.factories.keys()].sort();
  }

  /** The table's factory; throws naming the available connectors. */
  factoryFor(table: CatalogTable, pos?: SourcePos): DynamicTableFactory {
    const identifier = table.options.connector;
    if (identifier === undefined)
      throw validationError(
        pos,
        `table '${table.name}' needs a 'connector' option in WITH (…); available connectors: ${this.identifiers().join(', ')}`,
      );
    const factory = this.factories.get(identifier);
    if (factory === undefined)
      throw validationError(
        pos,
        `unknown connector '${identifier}' for table '${table.name}'; available connectors: ${this.identifiers().join(', ')}`,
      );
    return factory;
  }

  /** Checks every option of a table against its connector. */
  validate(
    table: CatalogTable,
    physical: readonly CatalogColumn[],
    optionPos: (key: string) => SourcePos | undefined,
    tablePos?: SourcePos,
  ): void {
    const factory = this.factoryFor(table, optionPos('connector') ?? tablePos);
    const columnNames = new Set(physical.map((c) => c.name));
    const allowed = ['connector', ...factory.options.map((o) => o.key)];
    for (const [key, value] of Object.entries(table.options)) {
      if (key === 'connector') continue;
      const match = matchOption(factory.options, key);
      if (match === undefined)
        throw validationError(
          optionPos(key),
          `unknown option '${key}' for connector '${factory.identifier}'; supported options: ${allowed.join(', ')}`,
        );
      if (match.column !== undefined && !columnNames.has(match.column))
        throw validationError(
          optionPos(key),
          `option '${key}' names column '${match.column}', which is not a physical column of '${table.name}' (${[...columnNames].join(', ')})`,
        );
      const expected = match.option.check?.(value);
      if (expected !== undefined)
        throw validationError(
          optionPos(key),
          `invalid value '${value}' for option '${key}'; expected ${expected}`,
        );
    }
    for (const option of factory.options)
      if (option.required && table.options[option.key] === undefined)
        throw validationError(
          tablePos,
          `missing required option '${option.key}' for connector '${factory.identifier}'`,
        );
    factory.validate?.(table, physical, optionPos, tablePos);
  }
}

function matchOption(
  options: readonly ConnectorOption[],
  key: string,
): { option: ConnectorOption; column?: string } | undefined {
  for (const option of options) {
    if (option.key === key) return { option };
    const hash = option.key.indexOf('#');
    if (hash < 0) continue;
    const prefix = option.key.slice(0, hash);
    const suffix = option.key.slice(hash + 1);
    if (key.startsWith(prefix) && key.endsWith(suffix) && key.length > prefix.length + suffix.length)
      return { option, column: key.slice(prefix.length, key.length - suffix.length) };
  }
  return undefined;
}
