/**
 * `FormatDescriptor`: a format and its options for {@link TableDescriptor}'s `format(…)`, as
 * Flink's class of this name. The options are written without the format's prefix
 * (`'field-delimiter'`, not `'csv.field-delimiter'`); the table descriptor adds it.
 *
 * @example
 * TableDescriptor.forConnector('filesystem')
 *   .format(FormatDescriptor.forFormat('csv').option('field-delimiter', ';').build())
 */
import { validationError } from '../errors.js';

/** A format identifier with its options, unprefixed. */
export class FormatDescriptor {
  private constructor(
    /** The format's identifier, e.g. `'json'`. */
    readonly format: string,
    /** The options in the order given, without the format's prefix. */
    readonly options: ReadonlyMap<string, string>,
  ) {}

  /** A builder for the format `format` (`'json'`, `'csv'`, `'raw'`…). */
  static forFormat(format: string): FormatDescriptorBuilder {
    if (typeof format !== 'string' || format === '')
      throw validationError(
        undefined,
        "a format descriptor needs a format identifier, e.g. forFormat('json')",
      );
    return new FormatDescriptorBuilder(format, (f, o) => new FormatDescriptor(f, o));
  }

  /** `FormatDescriptor{format=…, options={…}}`, as Flink prints one. */
  toString(): string {
    const options = [...this.options].map(([k, v]) => `${k}=${v}`).join(', ');
    return `FormatDescriptor{format=${this.format}, options={${options}}}`;
  }
}

/** Builds a {@link FormatDescriptor}. */
export class FormatDescriptorBuilder {
  private readonly options = new Map<string, string>();

  /** @internal use {@link FormatDescriptor.forFormat} */
  constructor(
    private readonly format: string,
    private readonly make: (format: string, options: ReadonlyMap<string, string>) => FormatDescriptor,
  ) {}

  /** Sets an option of the format, without its prefix: `option('ignore-parse-errors', true)`. */
  option(key: string, value: string | number | boolean): this {
    if (typeof key !== 'string' || key === '')
      throw validationError(undefined, 'a format option key is empty; name the option');
    this.options.set(key, String(value));
    return this;
  }

  /** The descriptor as configured so far. */
  build(): FormatDescriptor {
    return this.make(this.format, new Map(this.options));
  }
}
